"""Uploaded documents and their translations, kept in the server's own temporary folder.

A request never names a path: an upload gets a random token, its file is stored under
``<temp>/<token>/`` with a cleaned-up name, and ``/download_file/<token>/<name>`` looks
the token up in memory. Only the newest :data:`KEEP` translations are kept; everything
goes when the server stops.
"""

from __future__ import annotations

import re
import secrets
import shutil
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path

__all__ = ["FileStore", "clean_name"]

#: Translated files kept for download; older ones are deleted.
KEEP = 32
_UNSAFE = re.compile(r"[^\w.\- ]+")


def clean_name(name: str) -> str:
    """A file name without folders or odd characters, keeping its extension."""
    base = re.split(r"[\\/]", name)[-1].strip().lstrip(".")
    base = _UNSAFE.sub("_", base)
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = stem[:80] or "document"
    return f"{stem}.{suffix[:10]}" if suffix else stem


class FileStore:
    """A temporary folder of upload slots, each a random token."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="offline-nlp-serve-"))
        self._ready: OrderedDict[str, Path] = OrderedDict()
        self._lock = threading.Lock()

    def new_slot(self) -> tuple[str, Path]:
        """A fresh token and its empty folder."""
        token = secrets.token_hex(16)
        folder = self.root / token
        folder.mkdir()
        return token, folder

    def publish(self, token: str, path: Path) -> None:
        """Make ``path`` downloadable under ``token``; drop the oldest beyond KEEP."""
        with self._lock:
            self._ready[token] = path
            while len(self._ready) > KEEP:
                old, _ = self._ready.popitem(last=False)
                self.discard(old)

    def find(self, token: str, name: str) -> Path | None:
        with self._lock:
            path = self._ready.get(token)
        return path if path is not None and path.name == name else None

    def discard(self, token: str) -> None:
        if re.fullmatch(r"[0-9a-f]{32}", token):
            shutil.rmtree(self.root / token, ignore_errors=True)

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
