"""The Argos package index: a JSON list of package metadata with download links."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from offline_nlp.errors import IndexUnavailableError, InvalidPackageError, PackageDownloadError
from offline_nlp.packages.download import fetch_bytes
from offline_nlp.packages.metadata import PackageInfo
from offline_nlp.progress import atomic_write

__all__ = ["DEFAULT_INDEX_URL", "fetch_index", "index_url", "load_cached_index", "parse_index"]

log = logging.getLogger(__name__)

DEFAULT_INDEX_URL = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"


def index_url(configured: str | None = None) -> str:
    """The index to use: an explicit setting, then ``OFFLINE_NLP_INDEX_URL``, then Argos's."""
    return configured or os.environ.get("OFFLINE_NLP_INDEX_URL") or DEFAULT_INDEX_URL


def parse_index(raw: bytes, source: str) -> list[PackageInfo]:
    """Entries of an index; broken entries are skipped with a warning, not fatal."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise IndexUnavailableError(f"the package index at {source} is not valid JSON: {exc}") from exc
    if not isinstance(data, list):
        raise IndexUnavailableError(f"the package index at {source} is not a list of packages")
    packages = []
    for entry in data:
        try:
            packages.append(PackageInfo.from_json(entry))
        except (InvalidPackageError, TypeError, ValueError) as exc:
            log.warning("skipping an index entry of %s: %s", source, exc)
    return packages


def load_cached_index(cache_file: Path) -> list[PackageInfo] | None:
    """The last index downloaded, or ``None`` if there is none (or it is unreadable)."""
    try:
        return parse_index(cache_file.read_bytes(), str(cache_file))
    except (OSError, IndexUnavailableError):
        return None


def fetch_index(url: str, cache_file: Path, timeout: float = 30.0) -> list[PackageInfo]:
    """Download the index, keep a copy for offline use, and return its packages."""
    try:
        raw = fetch_bytes(url, timeout=timeout)
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
