"""The Documents tab: a queue of files translated in the background as one batched job."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from offline_nlp.documents.pipeline import (
    DocumentResult,
    collect_inputs,
    output_path,
    translate_documents,
)
from offline_nlp.documents.registry import supported_extensions
from offline_nlp.gui.dialogs.errors import error_text, show_error
from offline_nlp.gui.jobs import JobController, JobRunnable
from offline_nlp.gui.widgets import Banner, DropZone, LanguagePair, language_name
from offline_nlp.progress import ProgressCallback

if TYPE_CHECKING:
    from offline_nlp.context import AppContext

__all__ = ["DocumentsTab", "QueuedFile"]

COLUMNS = ("File", "Status", "Progress", "Output", "")
FINISHED = ("done", "failed", "cancelled", "skipped")


@dataclass
class QueuedFile:
    """One row of the queue; ``status`` is queued, reading, translating or one of FINISHED."""

    source: Path
    root: Path
    status: str = "queued"
    output: Path | None = None
    progress: int = 0
    message: str = ""
    cancel_requested: bool = False
    widgets: dict[str, QWidget] = field(default_factory=dict, repr=False)


class DocumentsTab(QWidget):
    packages_requested = Signal(str, str)
    translated = Signal(float)
    queue_idle = Signal()

    def __init__(self, context: AppContext, controller: JobController,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._controller = controller
        self.files: list[QueuedFile] = []
        self._batch: list[QueuedFile] = []
        self._job: JobRunnable | None = None
        self._cancel_all = False
        self._started = 0.0
        self._build()

    # -- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        self.pair = LanguagePair()
        self.pair.changed.connect(self._on_pair_changed)
        self.bilingual = QCheckBox("Bilingual (original and translation)")
        top = QHBoxLayout()
        top.addWidget(self.pair)
        top.addStretch(1)
        top.addWidget(self.bilingual)

        self.output_edit = QLineEdit()
        self.output_edit.setReadOnly(True)
        self.output_edit.setPlaceholderText("Next to each original file")
        choose = QPushButton("Choose…")
        choose.clicked.connect(self.choose_output_folder)
        reset = QPushButton("Next to originals")
        reset.clicked.connect(self.output_edit.clear)
        out_row = QHBoxLayout()
        out_row.addWidget(QLabel("Save translations in"))
        out_row.addWidget(self.output_edit, 1)
        out_row.addWidget(choose)
        out_row.addWidget(reset)

        self.banner = Banner("Get packages…")
        self.banner.action.connect(lambda: self.packages_requested.emit(*self.pair.pair()))
        formats = " ".join(supported_extensions())
        self.drop_zone = DropZone(
            "Drop documents or folders here to translate them.\n"
            f"Supported: {formats}")
        self.drop_zone.files_dropped.connect(self.add_paths)
        self.drop_zone.add_files.connect(self.choose_files)
        self.drop_zone.add_folder.connect(self.choose_folder)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setColumnWidth(1, 320)
        self.table.setColumnWidth(2, 160)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.cellDoubleClicked.connect(lambda row, _col: self._open(row, folder=False))

        self.open_button = QPushButton("Open output")
        self.open_button.clicked.connect(lambda: self._open(self.table.currentRow(), folder=False))
        self.folder_button = QPushButton("Show in folder")
        self.folder_button.clicked.connect(lambda: self._open(self.table.currentRow(), folder=True))
        self.clear_button = QPushButton("Clear finished")
        self.clear_button.clicked.connect(self.clear_finished)
        self.cancel_all_button = QPushButton("Cancel all")
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
        layout.addLayout(out_row)
        layout.addWidget(self.banner)
        layout.addWidget(self.drop_zone)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addLayout(bottom)
        self._update_buttons()

    # -- public -------------------------------------------------------------------------

    def refresh_languages(self) -> None:
        engine = self._context.engine
        self.pair.set_languages(engine.languages(), engine.pairs(),
                                self._context.settings.favourite_languages)
        if not self.pair.has_languages():
            self.banner.show_message("No models installed — open Packages to install a language "
                                     "pair. Documents you add wait in the queue until then.")
        elif any(f.status == "queued" for f in self.files):
            self._start_next_batch()

    def output_folder(self) -> Path | None:
        text = self.output_edit.text().strip()
        return Path(text) if text else None

    def set_output_folder(self, folder: Path | None) -> None:
        self.output_edit.setText(str(folder) if folder else "")

    @Slot()
    def choose_files(self) -> None:
        patterns = " ".join(f"*{ext}" for ext in supported_extensions())
        names, _ = QFileDialog.getOpenFileNames(self, "Add documents", "",
                                                f"Documents ({patterns});;All files (*)")
        if names:
            self.add_paths([Path(n) for n in names])

    @Slot()
    def choose_folder(self) -> None:
        name = QFileDialog.getExistingDirectory(self, "Add a folder of documents")
        if name:
            self.add_paths([Path(name)])

    @Slot()
    def choose_output_folder(self) -> None:
        name = QFileDialog.getExistingDirectory(self, "Save translations in")
        if name:
            self.set_output_folder(Path(name))

    @Slot(list)
    def add_paths(self, paths: list[Path]) -> None:
        """Queue files (a folder adds its supported files) and start translating."""
        found, skipped = collect_inputs(paths)
        queued = {f.source.resolve() for f in self.files if f.status not in FINISHED}
        for source, root in found:
            if source.resolve() not in queued:
                self._add_row(QueuedFile(source, root))
        for source, reason in skipped:
            if source in paths:    # say why a file given by hand is not queued
                self._add_row(QueuedFile(source, source.parent, "skipped", message=reason))
        self._start_next_batch()

    @Slot()
    def cancel_all(self) -> None:
        for item in self.files:
            if item.status == "queued":
                self._set_status(item, "cancelled")
        if self._job is not None:
            self._cancel_all = True
            self._job.cancel()
            self.overall_label.setText("Cancelling…")
        self._update_buttons()

    def cancel_file(self, item: QueuedFile) -> None:
        """Cancel one file: a queued one is dropped; one in the running batch stops the
        batch, which then restarts without it (files already written stay done)."""
        if item.status == "queued":
            self._set_status(item, "cancelled")
        elif item in self._batch and item.status not in FINISHED and self._job is not None:
            item.cancel_requested = True
            self._job.cancel()
            self._set_status(item, "cancelling", item.progress)
        self._update_buttons()

    @Slot()
    def clear_finished(self) -> None:
        for item in [f for f in self.files if f.status in FINISHED]:
            row = self.files.index(item)
            self.files.pop(row)
            self.table.removeRow(row)
        self._update_buttons()

    def is_running(self) -> bool:
        return self._job is not None

    # -- the queue ------------------------------------------------------------------------

    def _add_row(self, item: QueuedFile) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        name = QTableWidgetItem(item.source.name)
        name.setToolTip(str(item.source))
        self.table.setItem(row, 0, name)
        self.table.setItem(row, 1, QTableWidgetItem())
        self.table.setItem(row, 3, QTableWidgetItem())
        bar = QProgressBar()
        bar.setRange(0, 100)
        bar.setTextVisible(True)
        self.table.setCellWidget(row, 2, bar)
        cancel = QToolButton()
        cancel.setText("✕")
        cancel.setToolTip("Cancel this file")
        cancel.setAccessibleName(f"Cancel {item.source.name}")
        cancel.clicked.connect(lambda: self.cancel_file(item))
        self.table.setCellWidget(row, 4, cancel)
        item.widgets = {"bar": bar, "cancel": cancel}
        self.files.append(item)
        self._set_status(item, item.status)

    def _set_status(self, item: QueuedFile, status: str, progress: int | None = None) -> None:
        item.status = status
        if status == "done":
            progress = 100
        if progress is not None:
            item.progress = progress
        row = self.files.index(item)
        label = status.capitalize() + (f": {item.message}" if item.message else "")
        cell = self.table.item(row, 1)
        cell.setText(label)
        cell.setToolTip(item.message)
        output = self.table.item(row, 3)
        shown = item.output if item.output and status == "done" else None
        output.setText(shown.name if shown else "")
        output.setToolTip(str(shown) if shown else "")
        bar = item.widgets.get("bar")
        if isinstance(bar, QProgressBar):
            unfinished = status in ("failed", "skipped", "cancelled")
            bar.setValue(0 if unfinished else item.progress)
            bar.setFormat("–" if unfinished else "%p%")
        cancel = item.widgets.get("cancel")
        if cancel is not None:
            cancel.setEnabled(status not in FINISHED and status != "cancelling")

    def _start_next_batch(self) -> None:
        """All queued files as one job (batching spans documents), if none is running."""
        if self._job is not None:
            return
        batch = [f for f in self.files if f.status == "queued"]
        if not batch:
            self._update_buttons()
            return
        source, target = self.pair.pair()
        if not self.pair.is_available():
            if self.pair.has_languages():
                self._on_pair_changed(source, target)
            else:
                self.banner.show_message("Documents wait in the queue: no translation package is "
                                         "installed yet.")
            return
        self.banner.hide()
        out_dir = self.output_folder()
        for item in batch:
            item.output = output_path(item.source, out_dir or item.source.parent, target,
                                      item.root if out_dir else None)
            item.message = ""
            self._set_status(item, "waiting", 0)
        self._batch = batch
        self._cancel_all = False
        self._started = time.perf_counter()
        jobs = [(item.source, item.output) for item in batch]
        replace = self._may_replace([item.output for item in batch if item.output.exists()])
        self._job = self._controller.submit(
            "engine", self._make_work(jobs, source, target, replace), "documents",
            progress=self._on_progress, succeeded=self._on_succeeded, failed=self._on_failed,
            cancelled=self._on_cancelled, finished=self._on_finished)
        self.overall.setValue(0)
        plural = "s" if len(batch) != 1 else ""
        self.overall_label.setText(f"Translating {len(batch)} file{plural}…")
        self._update_buttons()

    def _may_replace(self, existing: list[Path]) -> bool:
        """Ask before replacing earlier translations; "No" keeps them and skips those files."""
        if not existing:
            return False
        names = "\n".join(path.name for path in existing[:8])
        more = f"\n… and {len(existing) - 8} more" if len(existing) > 8 else ""
        answer = QMessageBox.question(
            self, "Replace translations?",
            f"These translations already exist:\n\n{names}{more}\n\nReplace them? "
            "(No keeps them and skips those files.)")
        return answer == QMessageBox.StandardButton.Yes

    def _make_work(self, jobs: list[tuple[Path, Path]], source: str, target: str,  # type: ignore[no-untyped-def]
                   replace: bool):
        engine = self._context.engine
        options = self._context.settings.translation_options()
        bilingual = self.bilingual.isChecked()

        def work(on_progress: ProgressCallback, cancel: threading.Event) -> list[DocumentResult]:
            return translate_documents(jobs, engine, source, target, options, bilingual=bilingual,
                                       overwrite=replace, skip_existing=not replace,
                                       on_progress=on_progress, cancel=cancel)
        return work

    def _batch_item(self, name: str) -> QueuedFile | None:
        for item in self._batch:
            names = (item.source.name, item.output.name if item.output else None)
            if name in names and item.status not in FINISHED:
                return item
        return None

    # -- job slots --------------------------------------------------------------------------

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, message: str) -> None:
        percent = round(100 * done / total) if total else 0
        self.overall.setValue(percent)
        if message.startswith("reading "):
            item = self._batch_item(message.removeprefix("reading ").rsplit(" (", 1)[0])
            if item is not None and item.status != "cancelling":
                self._set_status(item, "reading", 0)
        elif message.startswith("wrote "):
            item = self._batch_item(message.removeprefix("wrote "))
            if item is not None:
                self._set_status(item, "done")
        else:
            # one batched call serves every file of the group: they advance together
            for item in self._batch:
                if item.status in ("waiting", "reading", "translating"):
                    self._set_status(item, "translating", percent)

    @Slot(object)
    def _on_succeeded(self, results: list[DocumentResult]) -> None:
        for item, result in zip(self._batch, results, strict=True):
            item.output = result.output
            if result.status == "failed" and result.error is not None:
                item.message = error_text(result.error)
            elif result.status == "skipped":
                item.message = result.reason
            self._set_status(item, result.status)
        self.overall.setValue(100)
        failed = sum(r.status == "failed" for r in results)
        done = sum(r.status == "done" for r in results)
        self.overall_label.setText(f"{done} translated" + (f", {failed} failed" if failed else ""))
        self.translated.emit(time.perf_counter() - self._started)

    @Slot(object)
    def _on_failed(self, exc: BaseException) -> None:
        for item in self._batch:
            if item.status not in FINISHED:
                item.message = error_text(exc)
                self._set_status(item, "failed")
        self.overall_label.setText("Translation failed")
        show_error(self, exc, "Document translation failed")

    @Slot()
    def _on_cancelled(self) -> None:
        for item in self._batch:
            if item.status in FINISHED:
                continue
            if self._cancel_all or item.cancel_requested:
                self._set_status(item, "cancelled")
            else:
                self._set_status(item, "queued", 0)   # only another file was cancelled
        self.overall_label.setText("Cancelled")

    @Slot()
    def _on_finished(self) -> None:
        self._job = None
        self._batch = []
        self._start_next_batch()
        if self._job is None:
            self._update_buttons()
            self.queue_idle.emit()

    @Slot(str, str)
    def _on_pair_changed(self, source: str, target: str) -> None:
        if self.pair.is_available():
            self.banner.hide()
            if any(f.status == "queued" for f in self.files):
                self._start_next_batch()
        elif self.pair.has_languages():
            names = self.pair.languages()
            self.banner.show_message(
                f"No installed package translates {language_name(source, names)} → "
                f"{language_name(target, names)}; queued documents wait until one is installed.")

    def _update_buttons(self) -> None:
        self.cancel_all_button.setEnabled(self._job is not None or
                                          any(f.status == "queued" for f in self.files))
        if not self.files:
            self.overall_label.setText("No documents queued — drop files above or press Add files…")

    def _open(self, row: int, folder: bool) -> None:
        if not 0 <= row < len(self.files):
            return
        item = self.files[row]
        if item.output is None or not item.output.exists():
            return
        target = item.output.parent if folder else item.output
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))
