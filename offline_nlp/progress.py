"""Progress reports, cancellation and atomic file writes shared by every long job.

Long work in the core takes two optional keyword arguments, the same everywhere:

* ``on_progress``: a callable that receives a :class:`Progress` now and then;
* ``cancel``: a :class:`threading.Event`; once set, the work stops at its next check
  (between batches) and raises :class:`~offline_nlp.errors.Cancelled`. A
  :class:`CancelFlag` also wakes a thread that waits for a model's result at once; a
  plain Event is noticed within :data:`POLL_SECONDS`.
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

from offline_nlp.errors import Cancelled, OutputWriteError

__all__ = ["CancelFlag", "Progress", "ProgressCallback", "atomic_write", "cannot_write",
           "check_cancel", "on_cancel", "report"]

#: How often a wait checks a cancel flag that cannot wake it (a plain threading.Event).
POLL_SECONDS = 0.05


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


class CancelFlag(threading.Event):
    """A cancel flag whose :meth:`set` also wakes whoever waits on a model's result.

    A plain Event can only be polled by such a waiter, which then notices a cancel late;
    the waiter registers here with :func:`on_cancel` instead and sleeps until either its
    result or the cancel arrives.
    """

    def __init__(self) -> None:
        super().__init__()
        self._wakers: list[Callable[[], None]] = []
        self._wakers_lock = threading.Lock()

    def set(self) -> None:
        super().set()
        with self._wakers_lock:
            wakers = list(self._wakers)
        for wake in wakers:
            wake()

    def add_waker(self, wake: Callable[[], None]) -> Callable[[], None]:
        """Call ``wake`` when the flag is set (at once if it is); returns the remover."""
        with self._wakers_lock:
            self._wakers.append(wake)
        if self.is_set():
            wake()

        def remove() -> None:
            with self._wakers_lock, contextlib.suppress(ValueError):
                self._wakers.remove(wake)
        return remove


def on_cancel(cancel: threading.Event | None,
              wake: Callable[[], None]) -> Callable[[], None] | None:
    """Have ``wake`` called when ``cancel`` is set, if it can tell (see CancelFlag).

    Returns the function that unregisters ``wake``, or ``None`` when ``cancel`` must be
    polled instead.
    """
    add = getattr(cancel, "add_waker", None)
    return add(wake) if add is not None else None


def _umask() -> int:
    """The process's umask: from /proc where there is one, since elsewhere reading it
    means setting it for a moment, when another thread could create a file under it."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_write(path: Path, mode: str = "wb") -> Iterator[IO[bytes]]:
    """Write ``path`` all at once: a temporary file beside it, renamed over it on success.

    On any exception the temporary file is removed and ``path`` is left as it was, so
    a crash or a full disk never leaves a half-written output behind.
    """
    path = Path(path)
    _remove_stale_parts(path)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part",
                                        dir=path.parent)
    except OSError as exc:  # a read-only or missing folder
        raise cannot_write(path, exc) from None
    tmp = Path(tmp_name)
    try:
        if os.chmod in os.supports_fd:  # mkstemp made it 0600: private, unlike any output
            os.chmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, mode) as handle:
            yield handle
            try:
                handle.flush()
                os.fsync(handle.fileno())
            except OSError as exc:  # a full disk
                raise cannot_write(path, exc) from None
        try:
            os.replace(tmp, path)
        except OSError as exc:
            raise cannot_write(path, exc) from None
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


def cannot_write(path: Path, exc: OSError) -> OutputWriteError:
    """The one-line error for an output that could not be written: it names the output."""
    return OutputWriteError(f"cannot write {path}: {exc.strerror or exc}")
