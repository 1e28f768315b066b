"""Download sizes for index entries that give none (the public Argos index lists no
sizes): asked from the download server with a HEAD request when the index is
refreshed online, and kept beside the cached index for offline use.

The server's answer is untrusted: only a whole ``Content-Length`` between 1 byte and
:data:`MAX_SIZE` is kept; anything else leaves the size unknown (shown as such).
"""

from __future__ import annotations

import json
import logging
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from offline_nlp.packages.download import _OPENER, USER_AGENT, check_web_url
from offline_nlp.packages.metadata import PackageInfo
from offline_nlp.progress import atomic_write

__all__ = ["MAX_SIZE", "with_sizes"]

log = logging.getLogger(__name__)

#: Larger sizes are not believed (no Argos package comes near).
MAX_SIZE = 20 * 1024**3
_WORKERS = 8
_MAX_CACHE_BYTES = 4 * 1024**2


def with_sizes(infos: list[PackageInfo], cache_file: Path, ask: bool,
               timeout: float = 10.0) -> list[PackageInfo]:
    """``infos`` with each missing size filled in from ``cache_file`` (link -> bytes),
    and, when ``ask``, from HEAD requests for the links not known yet (in parallel,
    ``timeout`` seconds each); what was learnt is saved to ``cache_file``."""
    known = _load(cache_file)
    wanted = [info.links[0] for info in infos
              if not info.size and info.links and info.links[0] not in known]
    if ask and wanted:
        with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
            for link, size in zip(wanted, pool.map(lambda u: _head_size(u, timeout), wanted)):
                if size:
                    known[link] = size
        _save(cache_file, known)
    return [replace(info, size=known.get(info.links[0], 0))
            if not info.size and info.links else info for info in infos]


def _head_size(url: str, timeout: float) -> int:
    try:
        request = urllib.request.Request(check_web_url(url), method="HEAD",
                                         headers={"User-Agent": USER_AGENT})
        with _OPENER.open(request, timeout=timeout) as response:
            return _valid(response.headers.get("Content-Length"))
    except Exception as exc:  # noqa: BLE001 - a size is a nicety: unknown on any failure
        log.debug("no size for %s: %s", url, exc)
        return 0


def _valid(value: object) -> int:
    text = str(value or "").strip()
    if not text.isdigit() or len(text) > 15:
        return 0
    size = int(text)
    return size if 0 < size <= MAX_SIZE else 0


def _load(cache_file: Path) -> dict[str, int]:
    try:
        if cache_file.stat().st_size > _MAX_CACHE_BYTES:
            return {}
        data = json.loads(cache_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: size for k, v in data.items()
            if isinstance(k, str) and (size := _valid(v))}


def _save(cache_file: Path, known: dict[str, int]) -> None:
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(cache_file) as out:
            out.write(json.dumps(known, indent=0, sort_keys=True).encode("utf-8"))
    except OSError as exc:
        log.warning("cannot keep package sizes in %s: %s", cache_file, exc)
