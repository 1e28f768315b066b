"""Folders for the Documents tab, scanned in the background on the ``files`` pool.

Each scan appends what it finds to a deque from its worker thread; the GUI thread takes
it in chunks on each report, so a folder of 20,000 files is listed while it is walked
and the window stays live. A cancelled scan gives nothing more, even from reports queued
before the cancel.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Collection
from pathlib import Path

from PySide6.QtCore import QObject, Slot

from offline_nlp.gui.document_queue import scan_folder
from offline_nlp.gui.jobs import JobController, JobRunnable

__all__ = ["FolderScans"]

Found = tuple[Path, Path, int]   # (path, the folder it was found in, size)
# Found files are given in chunks of this many, between scan reports.
ROWS_PER_CHUNK = 200


class FolderScans(QObject):
    """The scans under way. ``take`` receives each chunk found; ``reported`` runs after
    each report's chunks, ``ended`` after a scan ended (with the rest of what it found
    given); ``failed`` gets a scan's error. A child of the tab: its reports stop with it."""

    def __init__(self, controller: JobController, take: Callable[[list[Found]], None],
                 reported: Callable[[], None], ended: Callable[[], None],
                 failed: Callable[[BaseException], None], parent: QObject) -> None:
        super().__init__(parent)
        self._controller = controller
        self._take, self._reported, self._ended, self._failed = take, reported, ended, failed
        self._scans: dict[JobRunnable, deque[Found]] = {}
        self.scanned = 0      # files found by the latest scan so far

    def running(self) -> bool:
        return bool(self._scans)

    def start(self, folder: Path, languages: Collection[str]) -> None:
        """Scan ``folder``; ``languages`` (installed codes) mark this tool's own outputs."""
        found: deque[Found] = deque()
        holder: list[JobRunnable] = []   # set before any queued signal is delivered
        job = self._controller.submit(
            "files", lambda on_progress, cancel: scan_folder(folder, found, on_progress, cancel,
                                                             languages),
            f"Scanning {folder.name}", progress=self._on_progress,
            failed=self._failed, finished=lambda: self._on_finished(holder[0]))
        holder.append(job)
        self._scans[job] = found
        self.scanned = 0

    def cancel_all(self) -> None:
        for job, found in self._scans.items():
            job.cancel()
            found.clear()         # what it found but did not give yet is dropped too

    def _take_found(self) -> None:
        for job, found in self._scans.items():
            if job.is_cancelled:
                found.clear()
                continue
            chunk = []
            while found and len(chunk) < ROWS_PER_CHUNK:
                chunk.append(found.popleft())
            if chunk:
                self._take(chunk)

    @Slot(int, int, str)
    def _on_progress(self, done: int, _total: int, _message: str) -> None:
        self.scanned = max(self.scanned, done)
        self._take_found()
        self._reported()

    def _on_finished(self, job: JobRunnable) -> None:
        found = self._scans.get(job)
        while found and not job.is_cancelled:   # the rest of what it found
            self._take_found()
        self._scans.pop(job, None)
        self._ended()
