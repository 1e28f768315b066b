"""HTTP downloads with progress, a timeout and resume (stdlib only)."""

from __future__ import annotations

import hashlib
import threading
import urllib.error
import urllib.request
from pathlib import Path

from offline_nlp._version import __version__
from offline_nlp.errors import PackageDownloadError
from offline_nlp.progress import ProgressCallback, check_cancel, report

__all__ = ["download", "fetch_bytes", "sha256_file"]

_CHUNK = 256 * 1024
USER_AGENT = f"offline-nlp/{__version__}"


def _request(url: str, start: int = 0) -> urllib.request.Request:
    headers = {"User-Agent": USER_AGENT}
    if start:
        headers["Range"] = f"bytes={start}-"
    return urllib.request.Request(url, headers=headers)


def fetch_bytes(url: str, timeout: float = 30.0) -> bytes:
    """The whole body of a small resource (the package index)."""
    try:
        with urllib.request.urlopen(_request(url), timeout=timeout) as response:
            return response.read()  # type: ignore[no-any-return]
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise PackageDownloadError(f"cannot fetch {url}: {_reason(exc)}") from exc


def _reason(exc: BaseException) -> str:
    return str(getattr(exc, "reason", None) or exc)


def download(url: str, dest: Path, *, timeout: float = 30.0,
             on_progress: ProgressCallback | None = None,
             cancel: threading.Event | None = None) -> Path:
    """Download ``url`` to ``dest``, resuming from ``dest.part`` when the server allows.

    The partial file is kept when the transfer breaks off, so running the same
    install again continues where it stopped instead of starting over.
    """
    part = dest.with_name(dest.name + ".part")
    start = part.stat().st_size if part.exists() else 0
    try:
        with urllib.request.urlopen(_request(url, start), timeout=timeout) as response:
            if start and response.status != 206:
                start = 0  # the server ignored Range: start again
            length = response.headers.get("Content-Length")
            total = start + int(length) if length and length.isdigit() else 0
            _copy(response, part, start, total, on_progress, cancel)
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and start:  # Range beyond the end: the file is complete
            total = start
        else:
            raise PackageDownloadError(f"cannot download {url}: HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise PackageDownloadError(
            f"download of {url} failed ({_reason(exc)}); run the same command again to resume"
        ) from exc
    size = part.stat().st_size
    if total and size < total:
        raise PackageDownloadError(
            f"download of {url} was cut off at {size} of {total} bytes; "
            "run the same command again to resume"
        )
    part.replace(dest)
    return dest


def _copy(response: object, part: Path, start: int, total: int,
          on_progress: ProgressCallback | None, cancel: threading.Event | None) -> None:
    done = start
    with part.open("ab" if start else "wb") as out:
        while True:
            check_cancel(cancel)
            chunk = response.read(_CHUNK)  # type: ignore[attr-defined]
            if not chunk:
                break
            out.write(chunk)
            done += len(chunk)
            report(on_progress, done, total, "downloading")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
