"""HTTP downloads with progress, resume, a stall timeout and a minimum rate (stdlib only).

Only ``http`` and ``https`` are ever opened here, redirects included: an index or a
server must not make us read ``file:///etc/passwd`` or a ``data:`` blob.
"""

from __future__ import annotations

import hashlib
import http.client
import threading
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from offline_nlp._version import __version__
from offline_nlp.errors import PackageDownloadError
from offline_nlp.packages.metadata import is_web_url
from offline_nlp.progress import ProgressCallback, check_cancel, report

__all__ = ["Limits", "check_web_url", "download", "fetch_bytes", "sha256_file"]

_CHUNK = 256 * 1024
USER_AGENT = f"offline-nlp/{__version__}"
# Errors a broken transfer raises: sockets (OSError) and HTTP framing, such as a chunked
# body cut short (IncompleteRead) or a garbled status line.
_TRANSFER_ERRORS = (urllib.error.URLError, OSError, http.client.HTTPException, ValueError)


@dataclass(frozen=True)
class Limits:
    """When a download gives up: ``stall`` seconds without a byte, or less than
    ``min_rate`` bytes a second over ``rate_window`` seconds (a server trickling a few
    bytes now and then would otherwise hold an install for hours). A body larger than
    ``max_bytes`` is refused: an endless stream must not fill the disk."""

    stall: float = 30.0
    min_rate: float = 2048.0
    rate_window: float = 60.0
    max_bytes: int = 4 * 1024**3  # no package is larger unpacked (see archive.MAX_UNPACKED)


class _WebOnlyRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        if not is_web_url(newurl):
            raise PackageDownloadError(
                f"{req.full_url} redirects to {urlsplit(newurl).scheme or 'a'}: link; "
                "only http and https are followed")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_WebOnlyRedirects)


def check_web_url(url: str) -> str:
    """``url`` itself if it is an http(s) link, else a one-line error."""
    if not is_web_url(url):
        scheme = urlsplit(url).scheme if len(url) < 2048 else ""
        hint = "; give a local file as a path" if scheme.lower() == "file" else ""
        raise PackageDownloadError(
            f"refusing {url[:80]!r}: only http:// and https:// links are downloaded{hint}")
    return url


def _open(url: str, timeout: float, start: int = 0) -> http.client.HTTPResponse:
    headers = {"User-Agent": USER_AGENT}
    if start:
        headers["Range"] = f"bytes={start}-"
    request = urllib.request.Request(check_web_url(url), headers=headers)
    return _OPENER.open(request, timeout=timeout)  # type: ignore[no-any-return]


def fetch_bytes(url: str, timeout: float = 30.0, limit: int = 8 * 1024**2,
                limits: Limits | None = None) -> bytes:
    """The body of a small resource (the package index), at most ``limit`` bytes, under
    the same stall timeout and minimum rate as a package download (``limits``)."""
    limits = limits or Limits(stall=timeout)
    body = bytearray()
    try:
        with _open(url, limits.stall) as response:
            _pump(response, body.extend, 0, 0, replace(limits, max_bytes=limit), None, None,
                  url, what="the package index")
    except PackageDownloadError:
        raise
    except _TRANSFER_ERRORS as exc:
        raise PackageDownloadError(f"cannot fetch {url}: {_reason(exc)}") from exc
    return bytes(body)


def _reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None) or exc
    if isinstance(exc, http.client.IncompleteRead):
        return f"the connection closed after {len(exc.partial)} more bytes"
    return str(reason) or type(exc).__name__


def download(url: str, dest: Path, *, limits: Limits | None = None, expected_size: int = 0,
             on_progress: ProgressCallback | None = None,
             cancel: threading.Event | None = None) -> Path:
    """Download ``url`` to ``dest``, resuming from ``dest.part`` when the server allows.

    The partial file is kept when the transfer breaks off, so running the same
    install again continues where it stopped instead of starting over. A transfer
    is complete only when it reached its Content-Length (or ``expected_size``); a
    server that sends neither is trusted only once the file is a whole zip archive.
    """
    limits = limits or Limits()
    part = dest.with_name(dest.name + ".part")
    start = part.stat().st_size if part.exists() else 0
    total = 0
    try:
        with _open(url, limits.stall, start) as response:
            if start and response.status != 206:
                start = 0  # the server ignored Range: start again
            length = response.headers.get("Content-Length")
            total = start + int(length) if length and length.isdigit() else 0
            _check_size(url, total, limits)
            _copy(response, part, start, total, limits, on_progress, cancel, url)
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and start:  # Range beyond the end: the file is complete
            total = start
        else:
            raise PackageDownloadError(f"cannot download {url}: HTTP {exc.code} {exc.reason}") from exc
    except PackageDownloadError:
        if part.exists() and part.stat().st_size > limits.max_bytes:
            part.unlink()  # too large to be a package: nothing worth resuming
        raise
    except _TRANSFER_ERRORS as exc:
        raise PackageDownloadError(
            f"download of {url} failed ({_reason(exc)}); run the same command again to resume"
        ) from exc
    _check_complete(url, part, total or expected_size)
    part.replace(dest)
    return dest


def _check_size(url: str, size: int, limits: Limits) -> None:
    if size > limits.max_bytes:
        raise PackageDownloadError(
            f"{url} is larger than {limits.max_bytes / 1024**2:,.0f} MB; no package is that "
            "large, so it was not downloaded")


def _check_complete(url: str, part: Path, total: int) -> None:
    size = part.stat().st_size if part.exists() else 0
    if total and size < total:
        raise PackageDownloadError(
            f"download of {url} was cut off at {size} of {total} bytes; "
            "run the same command again to resume")
    if not total and not zipfile.is_zipfile(part):
        raise PackageDownloadError(
            f"download of {url} ended after {size} bytes without the end of the archive "
            "(the server gave no length); run the same command again to resume")


def _copy(response: http.client.HTTPResponse, part: Path, start: int, total: int,
          limits: Limits, on_progress: ProgressCallback | None,
          cancel: threading.Event | None, url: str) -> None:
    with part.open("ab" if start else "wb") as out:
        _pump(response, out.write, start, total, limits, on_progress, cancel, url)


def _pump(response: http.client.HTTPResponse, write: Callable[[bytes], object], done: int,
          total: int, limits: Limits, on_progress: ProgressCallback | None,
          cancel: threading.Event | None, url: str, what: str = "") -> None:
    """Read the body into ``write`` until it ends, checking size and rate as it goes."""
    window_start, window_done = time.monotonic(), done
    while True:
        check_cancel(cancel)
        # read1 returns what one socket read brings: a trickling server cannot keep
        # us inside read() past the rate check.
        chunk = response.read1(_CHUNK)
        if not chunk:
            break
        write(chunk)
        done += len(chunk)
        if what and done > limits.max_bytes:
            raise PackageDownloadError(
                f"{url} is larger than {limits.max_bytes // 1024**2} MB; that is not {what}")
        _check_size(url, done, limits)
        report(on_progress, done, total, "downloading")
        elapsed = time.monotonic() - window_start
        if elapsed >= limits.rate_window:
            rate = (done - window_done) / elapsed
            if rate < limits.min_rate:
                again = "try again later" if what else "run the same command again to resume"
                raise PackageDownloadError(
                    f"download of {url} is too slow ({rate:.0f} bytes/s, the minimum is "
                    f"{limits.min_rate:.0f}); {again}")
            window_start, window_done = time.monotonic(), done


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
