"""The Argos package index: a JSON list of package metadata with download links.

The index comes from a server we do not control: it is read with a size cap, parsed
without trusting its nesting, and every entry is checked before it is used. Each index
URL has its own cached copy, so switching ``--index-url`` never installs the links of
another index.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from offline_nlp.errors import IndexUnavailableError, InvalidPackageError, PackageDownloadError
from offline_nlp.packages.download import Limits, fetch_bytes
from offline_nlp.packages.metadata import PackageInfo
from offline_nlp.progress import atomic_write

__all__ = ["DEFAULT_INDEX_URL", "MAX_INDEX_BYTES", "cache_file_for", "fetch_index", "index_url",
           "load_cached_index", "parse_index"]

log = logging.getLogger(__name__)

DEFAULT_INDEX_URL = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"
#: Argos's index is about 60 KB; a few MB leaves room for growth and stops an endless stream.
MAX_INDEX_BYTES = 8 * 1024**2
_MAX_ENTRIES = 10_000


def index_url(configured: str | None = None) -> str:
    """The index to use: an explicit setting, then ``OFFLINE_NLP_INDEX_URL``, then Argos's."""
    return configured or os.environ.get("OFFLINE_NLP_INDEX_URL") or DEFAULT_INDEX_URL


def cache_file_for(cache_dir: Path, url: str) -> Path:
    """Where the copy of ``url``'s index is kept (Argos's keeps the historic name)."""
    if url == DEFAULT_INDEX_URL:
        return cache_dir / "index.json"
    return cache_dir / f"index-{hashlib.sha256(url.encode('utf-8')).hexdigest()[:16]}.json"


def parse_index(raw: bytes, source: str) -> list[PackageInfo]:
    """Entries of an index; broken entries are skipped with a warning, not fatal."""
    if len(raw) > MAX_INDEX_BYTES:
        raise IndexUnavailableError(f"the package index at {source} is larger than "
                                    f"{MAX_INDEX_BYTES // 1024**2} MB; refusing it")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise IndexUnavailableError(f"the package index at {source} is not valid JSON: {exc}") from exc
    except RecursionError:
        raise IndexUnavailableError(
            f"the package index at {source} is nested too deeply to be an index") from None
    if not isinstance(data, list):
        raise IndexUnavailableError(f"the package index at {source} is not a list of packages")
    if len(data) > _MAX_ENTRIES:
        raise IndexUnavailableError(
            f"the package index at {source} lists {len(data)} packages; at most {_MAX_ENTRIES}")
    packages = []
    for entry in data:
        try:
            packages.append(PackageInfo.from_json(entry))
        except InvalidPackageError as exc:
            log.warning("skipping an index entry of %s: %s", source, exc)
    return packages


def load_cached_index(cache_file: Path) -> list[PackageInfo] | None:
    """The last index downloaded, or ``None`` if there is none (or it is unreadable)."""
    try:
        return parse_index(_read_capped(cache_file), str(cache_file))
    except (OSError, IndexUnavailableError):
        return None


def _read_capped(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(MAX_INDEX_BYTES + 1)


def _read_index(url: str, timeout: float, limits: Limits | None = None) -> bytes:
    """A local file given as a path or a ``file:`` URL is read as it is; anything else
    must be http(s). (The index is named by the user; the links inside it are still
    refused unless they are http(s).)"""
    if url[:5].lower() == "file:":
        local = Path(url2pathname(urlsplit(url).path))
        if not local.is_file():
            raise IndexUnavailableError(f"the package index {local} does not exist (from {url})")
        url = str(local)
    if "://" not in url and Path(url).is_file():
        try:
            return _read_capped(Path(url))
        except OSError as exc:
            raise IndexUnavailableError(
                f"cannot read the package index {url}: {exc.strerror or exc}") from None
    return fetch_bytes(url, timeout=timeout, limit=MAX_INDEX_BYTES, limits=limits)


def fetch_index(url: str, cache_file: Path, timeout: float = 30.0,
                limits: Limits | None = None) -> list[PackageInfo]:
    """Download the index, keep a copy for offline use, and return its packages.

    ``limits``: the stall timeout and minimum rate of package downloads, so a server
    trickling its index cannot hold the command for minutes."""
    try:
        raw = _read_index(url, timeout, limits)
    except PackageDownloadError as exc:
        raise IndexUnavailableError(
            f"cannot reach the package index ({exc}); connect to the internet, or install "
            "a downloaded .argosmodel file with 'offline-nlp packages install FILE'"
        ) from exc
    packages = parse_index(raw, url)
    cache_file.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(cache_file) as out:
        out.write(raw)
    return packages
