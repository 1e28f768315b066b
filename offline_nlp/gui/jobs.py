"""Background jobs for the GUI: one QRunnable per job, results and progress as signals.

The core reports progress through an ``on_progress`` callback and stops at its next
check when a ``threading.Event`` is set (``offline_nlp.progress``). A job here is a
function ``work(on_progress, cancel) -> result`` that runs on a pool thread; its
``JobSignals`` object lives on the GUI thread, so every slot connected to it runs there.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot
from shiboken6 import isValid

from offline_nlp.errors import Cancelled
from offline_nlp.progress import CancelFlag, Progress, ProgressCallback

__all__ = ["JobController", "JobRunnable", "JobSignals", "LatestOnly", "Work"]

log = logging.getLogger(__name__)

Work = Callable[[ProgressCallback, threading.Event], Any]

# Progress reports closer together than this are dropped (except the last one), so a
# fast engine cannot flood the GUI thread with queued signals.
_PROGRESS_INTERVAL_S = 0.1


class JobSignals(QObject):
    """What a job tells the GUI. Created on the GUI thread: slots run there (queued)."""

    progress = Signal(int, int, str)
    succeeded = Signal(object)   # the work's return value
    failed = Signal(object)      # the exception
    cancelled = Signal()
    finished = Signal()          # always last, after one of the three above


class JobRunnable(QRunnable):
    """Runs ``work`` on a pool thread and reports through :attr:`signals`."""

    def __init__(self, work: Work, name: str = "job") -> None:
        super().__init__()
        # The controller keeps the Python object alive until ``finished``; Qt must not
        # delete it behind Python's back.
        self.setAutoDelete(False)
        self.name = name
        self.signals = JobSignals()
        self._work = work
        self._cancel = CancelFlag()  # wakes the engine at once when set
        self._last_report = 0.0
        self._last_message = ""

    @property
    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        """Ask the work to stop at its next check (between engine batches)."""
        self._cancel.set()

    def _report(self, progress: Progress) -> None:
        now = time.monotonic()
        last = progress.total and progress.done >= progress.total
        news = progress.message != self._last_message   # "wrote x.txt" must never be lost
        if last or news or now - self._last_report >= _PROGRESS_INTERVAL_S:
            self._last_report = now
            self._last_message = progress.message
            self.signals.progress.emit(progress.done, progress.total, progress.message)

    def run(self) -> None:
        try:
            if self._cancel.is_set():
                raise Cancelled()
            # Work that ends without reaching a cancel check did finish: report it.
            self.signals.succeeded.emit(self._work(self._report, self._cancel))
        except Cancelled:
            self.signals.cancelled.emit()
        except Exception as exc:
            log.debug("job %s failed", self.name, exc_info=True)
            self.signals.failed.emit(exc)
        finally:
            self.signals.finished.emit()


class JobController(QObject):
    """Owns the thread pools and every running job.

    Pools, one thread each, for stated reasons:

    * ``engine``: documents, one at a time; CTranslate2 already uses every core it was
      given, two big jobs would only compete for them.
    * ``summary``: summaries, so one asked for during a long document job does not wait
      for the whole document (6.4 s against 1.9 s): it shares the cores instead.
    * ``interactive``: translate-as-you-type, so typing stays live during a document job.
    * ``io``: index refresh, download, install, remove; never races on the packages folder.
    * ``files``: scanning dropped folders, so a folder of thousands of documents is listed
      while a download runs and never freezes the window.
    """

    POOLS = ("engine", "summary", "interactive", "io", "files")

    #: No job is running or queued any more (an engine can be swapped now).
    idle = Signal()
    #: A job started or finished: the name of a running job ("" when none).
    jobs_changed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pools: dict[str, QThreadPool] = {}
        for name in self.POOLS:
            pool = QThreadPool(self)
            pool.setMaxThreadCount(1)
            pool.setObjectName(f"{name}_pool")
            self.pools[name] = pool
        self._running: set[JobRunnable] = set()
        self._closed = False

    def submit(self, pool: str, work: Work, name: str = "job",
               **slots: Callable[..., Any]) -> JobRunnable:
        """Queue ``work`` on a named pool.

        ``slots`` (``progress=``, ``succeeded=``, ``failed=``, ``cancelled=``,
        ``finished=``) are connected *before* the job starts: a fast job could otherwise
        finish before the caller connects.
        """
        job = JobRunnable(work, name)
        for signal_name, slot in slots.items():
            getattr(job.signals, signal_name).connect(slot)
        self._running.add(job)
        job.signals.finished.connect(lambda: self._forget(job))
        self.jobs_changed.emit(name)
        if self._closed:
            job.cancel()
        self.pools[pool].start(job)
        return job

    def _forget(self, job: JobRunnable) -> None:
        self._running.discard(job)
        if not isValid(self):      # the window closed before the job's last signal
            return
        self.jobs_changed.emit(self.current_name())
        if not self._running:
            self.idle.emit()

    def current_name(self) -> str:
        """The name of a running job that is not live typing ("" when none)."""
        names = sorted(j.name for j in self._running if not j.name.startswith("request "))
        return names[0] if names else ""

    def jobs(self) -> list[JobRunnable]:
        return list(self._running)

    def busy(self) -> bool:
        return bool(self._running)

    @Slot()
    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Cancel every job and wait for the pools (wired to ``aboutToQuit``)."""
        self._closed = True
        for job in list(self._running):
            job.cancel()
        for pool in self.pools.values():
            pool.clear()          # jobs not yet started never start
            pool.waitForDone(timeout_ms)


class LatestOnly(QObject):
    """One running request and at most one waiting; a newer request replaces the waiting
    one and cancels the running one, whose result is then dropped (latest wins).

    ``succeeded`` carries ``(request_id, result)`` only for the newest request.
    """

    succeeded = Signal(int, object)
    #: every request's result, the replaced ones' too (their work may be reused)
    any_succeeded = Signal(int, object)
    failed = Signal(int, object)
    progress = Signal(int, int, str)
    idle = Signal()

    def __init__(self, controller: JobController, pool: str = "interactive",
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self._pool = pool
        self._running: tuple[int, JobRunnable] | None = None
        self._waiting: tuple[int, Work] | None = None
        self._latest = 0

    @property
    def latest(self) -> int:
        return self._latest

    def is_busy(self) -> bool:
        return self._running is not None or self._waiting is not None

    def submit(self, work: Work, stop_running: bool = True) -> int:
        """Ask for ``work``; returns its request id. ``stop_running=False`` lets the
        running request finish first (its work is part of the new one's)."""
        self._latest += 1
        if self._running is None:
            self._start(self._latest, work)
        else:
            if stop_running:
                self._running[1].cancel()      # stale: stop at its next batch
            self._waiting = (self._latest, work)
        return self._latest

    def cancel(self) -> None:
        """Drop the waiting request and stop the running one."""
        self._latest += 1
        self._waiting = None
        if self._running is not None:
            self._running[1].cancel()

    def _start(self, request: int, work: Work) -> None:
        job = self._controller.submit(
            self._pool, work, f"request {request}",
            progress=self._on_progress,
            succeeded=lambda result: self._on_succeeded(request, result),
            failed=lambda exc: self._on_failed(request, exc),
            finished=self._on_finished)
        self._running = (request, job)

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, message: str) -> None:
        self.progress.emit(done, total, message)

    def _on_succeeded(self, request: int, result: object) -> None:
        self.any_succeeded.emit(request, result)
        if request == self._latest:
            self.succeeded.emit(request, result)

    def _on_failed(self, request: int, exc: object) -> None:
        if request == self._latest:
            self.failed.emit(request, exc)

    @Slot()
    def _on_finished(self) -> None:
        self._running = None
        if self._waiting is not None:
            request, work = self._waiting
            self._waiting = None
            self._start(request, work)
        else:
            self.idle.emit()
