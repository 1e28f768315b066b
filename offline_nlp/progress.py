"""Progress reports, cancellation and atomic file writes shared by every long job.

Long work in the core takes two optional keyword arguments, the same everywhere:

* ``on_progress``: a callable that receives a :class:`Progress` now and then;
* ``cancel``: a :class:`threading.Event`; once set, the work stops at its next check
  (between batches) and raises :class:`~offline_nlp.errors.Cancelled`.
"""

from __future__ import annotations

import contextlib
import glob
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from offline_nlp.errors import Cancelled

__all__ = ["Progress", "ProgressCallback", "atomic_write", "check_cancel", "report"]


@dataclass(frozen=True)
class Progress:
    """How far a job has come: ``done`` out of ``total`` units (bytes, sentences, files).

    ``total`` is 0 when unknown (a download without Content-Length).
    """

    done: int
    total: int
    message: str = ""

    @property
    def fraction(self) -> float:
        """Completed share in [0, 1]; 0 when the total is unknown."""
        return min(1.0, self.done / self.total) if self.total else 0.0


ProgressCallback = Callable[[Progress], None]


def report(on_progress: ProgressCallback | None, done: int, total: int, message: str = "") -> None:
    """Send a progress report if anybody listens."""
    if on_progress is not None:
        on_progress(Progress(done, total, message))


def check_cancel(cancel: threading.Event | None) -> None:
    """Raise :class:`Cancelled` if the caller asked to stop."""
    if cancel is not None and cancel.is_set():
        raise Cancelled()


@contextlib.contextmanager
def atomic_write(path: Path, mode: str = "wb") -> Iterator[IO[bytes]]:
    """Write ``path`` all at once: a temporary file beside it, renamed over it on success.

    On any exception the temporary file is removed and ``path`` is left as it was, so
    a crash or a full disk never leaves a half-written output behind.
    """
    path = Path(path)
    _remove_stale_parts(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, mode) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


#: A temporary file this old belongs to a process that was killed (kill -9, power cut):
#: a live writer finishes a document in seconds and touches its file as it writes.
STALE_PART_SECONDS = 3600.0


def _remove_stale_parts(path: Path) -> None:
    """Clear what a killed writer of ``path`` left beside it (``.NAME.xxxx.part``)."""
    cutoff = time.time() - STALE_PART_SECONDS
    for part in path.parent.glob(f".{glob.escape(path.name)}.*.part"):
        try:
            if part.stat().st_mtime < cutoff:
                part.unlink()
        except OSError:
            pass
