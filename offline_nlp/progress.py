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
import errno
import os
import re
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


# What writing the temporary file raises when the disk or the user's quota is full, or
# the file too large for the file system: the output cannot be written.
_FULL = {getattr(errno, name) for name in ("ENOSPC", "EDQUOT", "EFBIG", "EIO", "EROFS")
         if hasattr(errno, name)}


@contextlib.contextmanager
def atomic_write(path: Path, mode: str = "wb", *, replace: bool = True) -> Iterator[IO[bytes]]:
    """Write ``path`` all at once: a temporary file beside it, renamed over it on success.

    On any exception the temporary file is removed and ``path`` is left as it was, so
    a crash or a full disk never leaves a half-written output behind. The temporary file
    (``.NAME.PID-xxxx.part``) names the writing process, so the next writer in the folder
    removes what a killed one left (see :func:`remove_stale_parts`).

    ``replace=False``: an existing ``path`` (another process wrote it meanwhile) is kept
    and :class:`FileExistsError` raised, where the file system can link files.
    """
    path = Path(path)
    remove_stale_parts(path)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}-", suffix=".part",
                                        dir=path.parent)
    except OSError as exc:  # a read-only or missing folder
        raise cannot_write(path, exc) from None
    tmp = Path(tmp_name)
    try:
        if os.chmod in os.supports_fd:  # mkstemp made it 0600: private, unlike any output
            os.chmod(fd, 0o666 & ~_umask())
        try:
            with os.fdopen(fd, mode) as handle:
                yield handle
                try:
                    handle.flush()
                    os.fsync(handle.fileno())
                except OSError as exc:  # a full disk
                    raise cannot_write(path, exc) from None
        except OSError as exc:
            if exc.errno in _FULL:  # a full disk while the caller wrote: one line too
                raise cannot_write(path, exc) from None
            raise
        _publish(tmp, path, replace)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _publish(tmp: Path, path: Path, replace: bool) -> None:
    try:
        if not replace:
            try:  # a link never replaces: of two writers, the second is told
                os.link(tmp, path)
                tmp.unlink()
                return
            except FileExistsError:
                raise
            except OSError:  # no hard links here (FAT, some network shares)
                if path.exists():
                    raise FileExistsError(errno.EEXIST, "exists", str(path)) from None
        os.replace(tmp, path)
    except FileExistsError:
        raise
    except OSError as exc:
        raise cannot_write(path, exc) from None


#: A temporary file this old belongs to a process that was killed (kill -9, power cut):
#: a live writer finishes a document in seconds and touches its file as it writes.
STALE_PART_SECONDS = 3600.0
#: A folder is looked through at most once in this many seconds: listing it for every
#: file written would make a folder job quadratic in the folder's size.
RECLEAN_SECONDS = 60.0
_CLEANED: dict[str, float] = {}
_CLEANED_LOCK = threading.Lock()
_PART = re.compile(r"\..+\.(\d+)-[A-Za-z0-9_]+\.part")


def remove_stale_parts(path: Path) -> None:
    """Clear what killed writers left beside ``path``: any ``.NAME.PID-xxxx.part`` in its
    folder at once when no process has that PID any more, else once it is an hour old
    (and ``.NAME.xxxx.part`` files of ``path`` itself, of older versions, by age)."""
    now = time.monotonic()
    with _CLEANED_LOCK:  # a folder job writes thousands of files into one folder
        folder = os.path.abspath(path.parent)
        if now - _CLEANED.get(folder, -RECLEAN_SECONDS) < RECLEAN_SECONDS:
            return
        if len(_CLEANED) > 10_000:
            _CLEANED.clear()
        _CLEANED[folder] = now
    cutoff = time.time() - STALE_PART_SECONDS
    try:
        parts = list(path.parent.glob(".*.part"))
    except OSError:
        return
    own = f".{path.name}."
    for part in parts:
        match = _PART.fullmatch(part.name)
        if match is None and not part.name.startswith(own):
            continue  # not ours
        try:
            if (match and not _alive(int(match.group(1)))) or part.stat().st_mtime < cutoff:
                part.unlink()
        except OSError:
            pass


def _alive(pid: int) -> bool:
    """Whether a process ``pid`` runs (where that cannot be told: assume it does)."""
    if pid == os.getpid():
        return True
    if os.name != "posix":
        return True  # os.kill(pid, 0) would end the process on Windows
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True
    return True


def cannot_write(path: Path, exc: OSError) -> OutputWriteError:
    """The one-line error for an output that could not be written: it names the output."""
    return OutputWriteError(f"cannot write {path}: {exc.strerror or exc}")
