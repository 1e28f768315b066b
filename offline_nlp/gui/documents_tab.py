"""The Documents tab: a queue of files, each translated in the background with its own
progress and state; folders are scanned in the background too.

One file is one job on the ``engine`` pool, started when the previous one ends: each
row moves on its own, a damaged file fails at once while the next one starts,
cancelling a file never redoes the others, and settings saved meanwhile apply from the
next file on. A row's language pair and output name are fixed when it is queued; two
inputs never share an output (``report (2).xl.txt``, as the CLI names them). The overall
bar counts files, the time left comes from the sentences translated per second so far.

No slot here opens a modal dialog: a dialog's nested event loop would deliver more scan
chunks and job signals into the same slots. The question about existing translations is
asked once per batch from a timer, after the folder scans end.

This module is the view and its slots; the queue's state and rules (which file starts
next, output names, the batch's figures) are :mod:`offline_nlp.gui.document_queue`'s.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from offline_nlp.documents.pipeline import DocumentResult, collect_inputs
from offline_nlp.documents.registry import supported_extensions
from offline_nlp.gui.dialogs.errors import error_text, show_error
from offline_nlp.gui.document_queue import (
    FINISHED,
    DocumentQueue,
    QueuedFile,
    ScanResult,
    batch_status,
    batch_summary,
    file_size,
    format_eta,
    integrity_note,
    scan_folder,
    seconds_left,
    translation_work,
)
from offline_nlp.gui.documents_table import CANCEL_COLUMN, PAIR_COLUMN, PROGRESS_COLUMN, QueueTable
from offline_nlp.gui.folder_scans import FolderScans
from offline_nlp.gui.jobs import JobController, JobRunnable
from offline_nlp.gui.widgets import (
    Banner,
    DropZone,
    LanguagePair,
    OutputFolder,
    documents_folder,
    language_name,
)

if TYPE_CHECKING:
    from offline_nlp.context import AppContext

# The model's and the table's names are also this module's, as they were before the split.
__all__ = ["CANCEL_COLUMN", "PAIR_COLUMN", "PROGRESS_COLUMN", "DocumentsTab", "QueuedFile",
           "ScanResult", "batch_summary", "format_eta", "scan_folder", "seconds_left"]


class DocumentsTab(QWidget):
    packages_requested = Signal(str, str)
    translated = Signal(float)
    queue_idle = Signal()

    def __init__(self, context: AppContext, controller: JobController,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._controller = controller
        self.queue = DocumentQueue()
        self._current: QueuedFile | None = None
        self._job: JobRunnable | None = None
        self._scans = FolderScans(controller, self._take_found, self._on_scan_progress,
                                  self._on_scan_finished, self._on_scan_failed, self)
        self._run_started = 0.0
        self._paused = False     # the engine failed: wait for new packages or settings
        self._asking = False               # the question is on screen
        self._question_due = False         # a timer will ask it
        self._starting = False             # _start_next is running (never re-entered)
        # The batch's figures go over every row: at most a few times a second, not per
        # file and report (20,000 rows would make that quadratic).
        self._overall_timer = QTimer(self)
        self._overall_timer.setSingleShot(True)
        self._overall_timer.setInterval(150)
        self._overall_timer.timeout.connect(self._update_overall)
        self._build()

    # -- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        self.pair = LanguagePair()
        self.pair.changed.connect(self._on_pair_changed)
        self.bilingual = QCheckBox("&Bilingual (original and translation)")
        top = QHBoxLayout()
        top.addWidget(self.pair)
        top.addStretch(1)
        # a PDF becomes a PDF (the same pages) or, as before, a Word document of its text
        self.pdf_as = QComboBox()
        self.pdf_as.addItem("PDF → PDF (same pages)", ".pdf")
        self.pdf_as.addItem("PDF → Word (text only)", ".docx")
        top.addWidget(self.pdf_as)
        top.addWidget(self.bilingual)

        self.save_in = OutputFolder()

        self.banner = Banner("Get packages…")
        self.banner.action.connect(lambda: self.packages_requested.emit(*self.pair.pair()))
        formats = " ".join(supported_extensions())
        self.drop_zone = DropZone(
            "Drop documents or folders here to translate them.\n"
            f"Supported: {formats}")
        self.drop_zone.files_dropped.connect(self.add_paths)
        self.drop_zone.add_files.connect(self.choose_files)
        self.drop_zone.add_folder.connect(self.choose_folder)

        self.table = self._build_table()
        self.open_button = QPushButton("&Open output")
        self.open_button.clicked.connect(lambda: self._open(self.table.currentRow(), folder=False))
        self.folder_button = QPushButton("Show in &folder")
        self.folder_button.clicked.connect(lambda: self._open(self.table.currentRow(), folder=True))
        self.clear_button = QPushButton("C&lear finished")
        self.clear_button.clicked.connect(self.clear_finished)
        self.cancel_all_button = QPushButton("Cancel &all")
        self.cancel_all_button.clicked.connect(self.cancel_all)
        self.overall = QProgressBar()
        self.overall.setFormat("%p%")
        self.overall_label = QLabel("No documents queued — drop files above or press Add files…")
        buttons = QHBoxLayout()
        for button in (self.open_button, self.folder_button, self.clear_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_all_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.overall_label, 1)
        bottom.addWidget(self.overall, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.save_in)
        layout.addWidget(self.banner)
        layout.addWidget(self.drop_zone)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addLayout(bottom)
        self._update_buttons()

    def _build_table(self) -> QueueTable:
        table = QueueTable()
        table.cellDoubleClicked.connect(lambda row, _col: self._open(row, folder=False))
        table.cellClicked.connect(self._on_cell_clicked)
        cancel = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), table)
        cancel.setContext(Qt.ShortcutContext.WidgetShortcut)
        cancel.activated.connect(self.cancel_selected)
        return table

    # -- public -------------------------------------------------------------------------

    @property
    def files(self) -> list[QueuedFile]:
        """The rows, in the table's order."""
        return self.queue.files

    def refresh_languages(self) -> None:
        engine = self._context.engine
        self.pair.set_languages(engine.languages(), engine.pairs(),
                                self._context.settings.favourite_languages)
        if not self.pair.has_languages():
            self.banner.show_message("No models installed — open Packages to install a language "
                                     "pair. Documents you add wait in the queue until then.")
        else:
            self._start_next()

    def output_folder(self) -> Path | None:
        return self.save_in.folder()

    def set_output_folder(self, folder: Path | None) -> None:
        self.save_in.set_folder(folder)

    @Slot()
    def choose_files(self) -> None:
        patterns = " ".join(f"*{ext}" for ext in supported_extensions())
        names, _ = QFileDialog.getOpenFileNames(self, "Add documents", documents_folder(),
                                                f"Documents ({patterns});;All files (*)")
        if names:
            self.add_paths([Path(n) for n in names])

    @Slot()
    def choose_folder(self) -> None:
        name = QFileDialog.getExistingDirectory(self, "Add a folder of documents",
                                                documents_folder())
        if name:
            self.add_paths([Path(name)])

    @Slot(list)
    def add_paths(self, paths: list[Path]) -> None:
        """Queue files and start translating; folders are scanned in the background."""
        folders = [Path(p) for p in paths if Path(p).is_dir()]
        files = [Path(p) for p in paths if not Path(p).is_dir()]
        found, skipped = collect_inputs(files)
        self._queue([(source, root, file_size(source)) for source, root in found])
        for source, reason in skipped:    # say why a file given by hand is not queued
            self._add_rows([QueuedFile(source, source.parent, "skipped", message=reason)])
        for folder in folders:
            self._scan(folder)
        self._start_next()

    @Slot()
    def cancel_all(self) -> None:
        """Stop everything: the folder scans, the queue and the running file."""
        self._scans.cancel_all()
        self.table.setUpdatesEnabled(False)
        try:
            for item in self.files:
                if item.status == "queued":
                    self._set_status(item, "cancelled")
        finally:
            self.table.setUpdatesEnabled(True)
        if self._current is not None:
            self.cancel_file(self._current)
        self._update_buttons()
        self._start_next()        # with nothing running, this ends the batch and says so

    def cancel_file(self, item: QueuedFile) -> None:
        """Cancel one file; the others go on (a queued one is simply never started)."""
        if item.status == "queued":
            self._set_status(item, "cancelled")
        elif item is self._current and self._job is not None and item.status not in FINISHED:
            item.cancel_requested = True
            self._job.cancel()
            self._set_status(item, "cancelling")
        self._update_buttons()

    @Slot()
    def cancel_selected(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()})
        for row in rows:
            if 0 <= row < len(self.files):
                self.cancel_file(self.files[row])

    @Slot()
    def clear_finished(self) -> None:
        if not any(f.status in FINISHED for f in self.files):
            return
        self.table.remove_rows(self.queue.remove_finished())
        self._update_buttons()

    def is_running(self) -> bool:
        return self._job is not None

    def is_scanning(self) -> bool:
        return self._scans.running()

    # -- adding -----------------------------------------------------------------------------

    def _queue(self, found: list[tuple[Path, Path, int]]) -> None:
        """Add rows with the pair chosen now and outputs of their own; never asks."""
        items = self.queue.new_files(found, *self.pair.pair())
        self._name_outputs(items)
        self._add_rows(items)
        self._note_existing(items)

    def _name_outputs(self, items: list[QueuedFile]) -> None:
        self.queue.name_outputs(items, self.output_folder(), self.pdf_as.currentData() or ".pdf")

    def _note_existing(self, items: list[QueuedFile]) -> None:
        """Rows whose translation exists wait for the batch's one answer."""
        if self.queue.note_existing(items):
            self._ask_later()

    def _ask_later(self) -> None:
        if not self._question_due and not self._asking:
            self._question_due = True
            QTimer.singleShot(0, self._ask_replace)

    @Slot()
    def _ask_replace(self) -> None:
        """Ask once per batch, after its folder scans end, whether to replace the existing
        translations. Runs from a timer, never from a scan or job slot; while the dialog
        is open, rows found meanwhile wait and get the same answer."""
        self._question_due = False
        if self._asking or self._scans.running():
            return                   # the scan's end asks again
        existing = self.queue.waiting_for_answer()
        if not existing:
            return
        answer = self.queue.replace_answer
        if answer is None:
            names = "\n".join(f.output.name for f in existing[:8] if f.output)
            more = f"\n… and {len(existing) - 8} more" if len(existing) > 8 else ""
            self._asking = True
            try:
                button = QMessageBox.question(
                    self, "Replace translations?",
                    f"These translations already exist:\n\n{names}{more}\n\nReplace them? "
                    "(No keeps them and skips those files.)")
            finally:
                self._asking = False
            answer = button == QMessageBox.StandardButton.Yes
        self.queue.answer(answer)
        self._start_next()

    def _add_rows(self, items: list[QueuedFile]) -> None:
        if not items:
            return
        self.queue.append(items)
        self.table.add_rows(items)
        self._update_buttons()

    def _scan(self, folder: Path) -> None:
        self._scans.start(folder, {language.code for language in self._context.engine.languages()})
        self.overall_label.setText(f"Scanning {folder.name}…")
        self._update_buttons()

    def _take_found(self, chunk: list[tuple[Path, Path, int]]) -> None:
        self._queue(chunk)
        self._start_next()

    def _on_scan_progress(self) -> None:
        if self._current is None:
            self.overall_label.setText(f"Scanning… {self._scans.scanned} files found, "
                                       f"{self.queue.count_queued()} queued")

    def _on_scan_failed(self, exc: BaseException) -> None:
        show_error(self, exc, "Cannot read the folder")

    def _on_scan_finished(self) -> None:
        self._update_buttons()
        if not self._scans.running():
            self._ask_later()
        self._start_next()
        self._overall_later()

    # -- the queue ------------------------------------------------------------------------

    def _set_status(self, item: QueuedFile, status: str, progress: int | None = None) -> None:
        self.queue.set_status(item, status, progress)
        self._show_status(item)

    def _show_status(self, item: QueuedFile) -> None:
        self.table.show_status(item)

    def _overall_later(self) -> None:
        if not self._overall_timer.isActive():
            self._overall_timer.start()

    def _start_next(self) -> None:
        """Start the next queued file whose pair is installed and that waits for no
        answer, if none is running. Never re-entered, never opens a dialog."""
        if self._job is not None or self._starting:
            return
        self._starting = True
        try:
            self._start_one()
        finally:
            self._starting = False

    def _start_one(self) -> None:
        if not self.queue.has_queued():
            self._end_run()
            return
        item = self.queue.next_to_start(self.pair.has_pair)
        if item is None:
            self._say_why_waiting(list(self.queue.queued()))
            return
        self.banner.hide()
        if not self._run_started:
            self._run_started = time.perf_counter()
        item.message = ""
        self._current = item
        self._set_status(item, "reading", 0)
        self._job = self._controller.submit(
            "engine", self._make_work(item),
            f"Translating {item.source.name}", progress=self._on_progress,
            succeeded=self._on_succeeded, failed=self._on_failed,
            cancelled=self._on_cancelled, finished=self._on_finished)
        self._update_buttons()
        self._overall_later()

    def _say_why_waiting(self, queued: list[QueuedFile]) -> None:
        if not self.pair.has_languages():
            self.banner.show_message("Documents wait in the queue: no translation package is "
                                     "installed yet.")
            return
        missing = next((f for f in queued if not self.pair.has_pair(f.from_lang, f.to_lang)),
                       None)
        if missing is not None:
            self._say_no_package(missing.from_lang, missing.to_lang, "queued documents wait "
                                 "until one is installed or you choose another pair.")

    def _say_no_package(self, source: str, target: str, then: str) -> None:
        names = self.pair.languages()
        self.banner.show_message(f"No installed package translates {language_name(source, names)}"
                                 f" → {language_name(target, names)}; {then}")

    def _make_work(self, item: QueuedFile):  # type: ignore[no-untyped-def]
        """One file's job; it closes over copies, never over widgets."""
        return translation_work(item, self._context.engine,
                                self._context.settings.translation_options(),
                                self.bilingual.isChecked())

    def _end_run(self) -> None:
        self._update_buttons()
        run = self.queue.end_batch()     # the next batch is asked again
        if not self._run_started and not run:
            return
        seconds = time.perf_counter() - self._run_started if self._run_started else 0.0
        self._run_started = 0.0
        self._update_overall(run)
        if not self._scans.running():
            if seconds:
                self.translated.emit(seconds)
            self.queue_idle.emit()

    def _update_overall(self, run: list[QueuedFile] | None = None) -> None:
        """The batch's share of files done, and what it does now or how it ended."""
        run = self.queue.batch() if run is None else run
        if not run:
            return            # nothing in this batch: the last figures stay
        elapsed = time.perf_counter() - self._run_started if self._run_started else 0.0
        scanned = self._scans.scanned if self._scans.running() else None
        percent, text = batch_status(run, self._current, scanned, elapsed)
        self.overall.setValue(percent)
        self.overall_label.setText(text)

    # -- job slots --------------------------------------------------------------------------

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, message: str) -> None:
        item = self._current
        if item is None or item.status == "cancelling":
            return
        self.queue.report(item, done, total, message)
        self._show_status(item)
        self._overall_later()

    @Slot(object)
    def _on_succeeded(self, result: DocumentResult) -> None:
        item = self._current
        if item is None:
            return
        item.output = result.output
        if result.status == "failed" and result.error is not None:
            item.message = error_text(result.error)
        elif result.status == "skipped":
            item.message = result.reason
        elif result.status == "done":
            item.message = integrity_note(result)
        self._set_status(item, result.status)

    @Slot(object)
    def _on_failed(self, exc: BaseException) -> None:
        """The engine itself failed (a model that cannot load): this file fails, the
        queue waits (the next file would fail the same way) and the user is told once."""
        item = self._current
        if item is not None:
            item.message = error_text(exc)
            self._set_status(item, "failed")
        self.overall_label.setText("Translation stopped")
        self._paused = True
        # told from the event loop, not from inside this slot (no nested loop here)
        QTimer.singleShot(0, lambda: show_error(self, exc, "Document translation failed"))

    @Slot()
    def _on_cancelled(self) -> None:
        item = self._current
        if item is not None:
            self._set_status(item, "cancelled")

    @Slot()
    def _on_finished(self) -> None:
        self._job = None
        self._current = None
        if self._paused:
            self._paused = False
            self._end_run()
            return
        self._start_next()
        self._overall_later()

    @Slot(str, str)
    def _on_pair_changed(self, source: str, target: str) -> None:
        """Rows keep the pair they were queued with; only rows that could never start
        (their pair is not installed) take the newly chosen one."""
        if self.pair.is_available():
            self.banner.hide()
            self._repin_waiting(source, target)
            self._start_next()
        elif self.pair.has_languages():
            self._say_no_package(source, target, "documents added now wait until one is "
                                 "installed.")

    def _repin_waiting(self, source: str, target: str) -> None:
        stuck = self.queue.repin(source, target, self.pair.has_pair)
        for item in stuck:
            self.table.show_pair(item)
        self._name_outputs(stuck)
        self._note_existing(stuck)

    @Slot(int, int)
    def _on_cell_clicked(self, row: int, column: int) -> None:
        if column == CANCEL_COLUMN and 0 <= row < len(self.files):
            self.cancel_file(self.files[row])

    def _update_buttons(self) -> None:
        self.cancel_all_button.setEnabled(self._job is not None or self._scans.running() or
                                          self.queue.has_queued())
        if not self.files and not self._scans.running():
            self.overall_label.setText("No documents queued — drop files above or press Add files…")

    def _open(self, row: int, folder: bool) -> None:
        if not 0 <= row < len(self.files):
            return
        item = self.files[row]
        if item.output is None or not item.output.exists():
            return
        target = item.output.parent if folder else item.output
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))

