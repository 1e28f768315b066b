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
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections import deque
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QBrush, QColor, QDesktopServices, QKeySequence, QPainter, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from offline_nlp.documents.pipeline import (
    DocumentResult,
    collect_inputs,
    distinct_outputs,
    is_own_output,
    output_path,
    translate_documents,
)
from offline_nlp.documents.registry import is_supported, supported_extensions
from offline_nlp.gui.dialogs.errors import error_text, show_error
from offline_nlp.gui.jobs import JobController, JobRunnable
from offline_nlp.gui.widgets import Banner, DropZone, LanguagePair, documents_folder, language_name
from offline_nlp.progress import Progress, ProgressCallback, check_cancel

if TYPE_CHECKING:
    from offline_nlp.context import AppContext

__all__ = ["DocumentsTab", "QueuedFile", "ScanResult", "format_eta", "scan_folder"]

COLUMNS = ("File", "Status", "Progress", "Output", "Languages", "")
FINISHED = ("done", "failed", "cancelled", "skipped")
PROGRESS_COLUMN = 2
PAIR_COLUMN = 4
CANCEL_COLUMN = 5
FAILED_COLOUR = QColor("#d32f2f")
# Found files are added to the table in chunks of this many, between scan reports.
_ROWS_PER_CHUNK = 200


@dataclass
class QueuedFile:
    """One row of the queue; ``status`` is queued, reading, translating, cancelling or one
    of FINISHED. ``progress`` is this file's own percentage; ``sentences`` its sentence
    count once read. ``from_lang``/``to_lang`` are fixed when it is queued."""

    source: Path
    root: Path
    status: str = "queued"
    output: Path | None = None
    progress: int = 0
    message: str = ""
    size: int = 1
    replace: bool | None = None      # replace an existing translation (None: not asked)
    exists: bool = False             # its output existed when it was queued
    cancel_requested: bool = False
    row: int = -1
    from_lang: str = ""
    to_lang: str = ""
    sentences: int = 0
    in_run: bool = field(default=False, repr=False)   # part of the batch under way


@dataclass(frozen=True)
class ScanResult:
    found: int
    unsupported: int
    own_outputs: int = 0


def scan_folder(folder: Path, found: deque[tuple[Path, Path, int]],
                on_progress: ProgressCallback, cancel: threading.Event,
                languages: Collection[str] = ()) -> ScanResult:
    """Walk ``folder`` (hidden entries skipped, as ``collect_inputs`` does) and append its
    supported files as ``(path, folder, size)`` to ``found`` while going, so the GUI
    can list them before the walk ends. Translations this tool wrote (``memo.xl.txt``
    beside ``memo.txt``) are not documents to translate again; ``languages`` (the
    installed codes) count as LANG in ``NAME.LANG.EXT`` besides the usual language codes.
    Stops at the next entry once ``cancel`` is set."""
    count = unsupported = own = 0
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        names = set(files)
        for name in sorted(files):
            check_cancel(cancel)
            path = Path(root) / name
            if name.startswith("."):
                continue
            if not is_supported(path):
                unsupported += 1
                continue
            if is_own_output(path, languages, names=names):
                own += 1
                continue
            try:
                size = path.stat().st_size
            except OSError:
                size = 0
            found.append((path, folder, size))
            count += 1
            if count % 50 == 0:
                on_progress(Progress(count, 0, f"{count} files found"))
    on_progress(Progress(count, 0, f"{count} files found"))
    return ScanResult(count, unsupported, own)


def format_eta(seconds: float) -> str:
    if seconds < 60:
        return f"about {max(1, round(seconds))} s left"
    if seconds < 3600:
        return f"about {round(seconds / 60)} min left"
    return f"about {seconds / 3600:.1f} h left"


class ProgressDelegate(QStyledItemDelegate):
    """Paints a row's own progress bar from its item's data (no widget per row: a
    thousand rows stay light)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        value = index.data(Qt.ItemDataRole.UserRole)
        if value is None:
            super().paint(painter, option, index)
            return
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(3, 3, -3, -3)  # type: ignore[attr-defined]
        bar.minimum, bar.maximum, bar.progress = 0, 100, int(value)
        bar.text, bar.textVisible = f"{int(value)}%", True
        bar.state = option.state | QStyle.StateFlag.State_Horizontal  # type: ignore[attr-defined]
        style = option.widget.style() if option.widget else QApplication.style()  # type: ignore[attr-defined]
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter)


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
        self._active: set[Path] = set()        # sources queued or running (no duplicates)
        self._current: QueuedFile | None = None
        self._job: JobRunnable | None = None
        self._scans: dict[JobRunnable, deque[tuple[Path, Path, int]]] = {}
        self._scanned = 0
        self._run_started = 0.0
        self._paused = False     # the engine failed: wait for new packages or settings
        self._taken: dict[str, str] = {}    # outputs given out -> their sources
        self._replace_answer: bool | None = None   # this batch's answer, once asked
        self._asking = False               # the question is on screen
        self._question_due = False         # a timer will ask it
        self._starting = False             # _start_next is running (never re-entered)
        self._first_queued = 0             # rows before it are all past "queued"
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

        self.output_edit = QLineEdit()
        self.output_edit.setReadOnly(True)
        self.output_edit.setPlaceholderText("Next to each original file")
        choose = QPushButton("C&hoose…")
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
        layout.addLayout(out_row)
        layout.addWidget(self.banner)
        layout.addWidget(self.drop_zone)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addLayout(bottom)
        self._update_buttons()

    def _build_table(self) -> QTableWidget:
        table = QTableWidget(0, len(COLUMNS))
        table.setHorizontalHeaderLabels(list(COLUMNS))
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().setVisible(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(PAIR_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(CANCEL_COLUMN, QHeaderView.ResizeMode.Fixed)
        header.setStretchLastSection(False)
        table.setColumnWidth(1, 220)
        table.setColumnWidth(2, 110)
        table.setColumnWidth(CANCEL_COLUMN, 32)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.setItemDelegateForColumn(PROGRESS_COLUMN, ProgressDelegate(table))
        table.setAccessibleName("Documents queue")
        table.cellDoubleClicked.connect(lambda row, _col: self._open(row, folder=False))
        table.cellClicked.connect(self._on_cell_clicked)
        cancel = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), table)
        cancel.setContext(Qt.ShortcutContext.WidgetShortcut)
        cancel.activated.connect(self.cancel_selected)
        return table

    # -- public -------------------------------------------------------------------------

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
        text = self.output_edit.text().strip()
        return Path(text) if text else None

    def set_output_folder(self, folder: Path | None) -> None:
        self.output_edit.setText(str(folder) if folder else "")

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

    @Slot()
    def choose_output_folder(self) -> None:
        name = QFileDialog.getExistingDirectory(self, "Save translations in",
                                                self.output_edit.text() or documents_folder())
        if name:
            self.set_output_folder(Path(name))

    @Slot(list)
    def add_paths(self, paths: list[Path]) -> None:
        """Queue files and start translating; folders are scanned in the background."""
        folders = [Path(p) for p in paths if Path(p).is_dir()]
        files = [Path(p) for p in paths if not Path(p).is_dir()]
        found, skipped = collect_inputs(files)
        self._queue([(source, root, _size(source)) for source, root in found])
        for source, reason in skipped:    # say why a file given by hand is not queued
            self._add_rows([QueuedFile(source, source.parent, "skipped", message=reason)])
        for folder in folders:
            self._scan(folder)
        self._start_next()

    @Slot()
    def cancel_all(self) -> None:
        """Stop everything: the folder scans, the queue and the running file."""
        for job, found in self._scans.items():
            job.cancel()
            found.clear()         # what it found but did not list yet is dropped too
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
        keep = [f for f in self.files if f.status not in FINISHED]
        if len(keep) == len(self.files):
            return
        self.table.setUpdatesEnabled(False)
        try:
            for row in reversed(range(len(self.files))):
                if self.files[row].status in FINISHED:
                    self.table.removeRow(row)
                    self._release_output(self.files[row])
            self.files = keep
            self._first_queued = 0
            for row, item in enumerate(self.files):
                item.row = row
        finally:
            self.table.setUpdatesEnabled(True)
        self._update_buttons()

    def is_running(self) -> bool:
        return self._job is not None

    def is_scanning(self) -> bool:
        return bool(self._scans)

    # -- adding -----------------------------------------------------------------------------

    def _queue(self, found: list[tuple[Path, Path, int]]) -> None:
        """Add rows with the pair chosen now and outputs of their own; never asks."""
        source, target = self.pair.pair()
        items = []
        for path, root, size in found:
            key = path.absolute()
            if key not in self._active:
                self._active.add(key)
                items.append(QueuedFile(path, root, size=max(1, size), from_lang=source,
                                        to_lang=target, in_run=True))
        self._name_outputs(items)
        self._add_rows(items)
        self._note_existing(items)

    def _name_outputs(self, items: list[QueuedFile]) -> None:
        """Each row its own output, named as the CLI names them (``report (2).xl.txt``)."""
        by_target: dict[str, list[QueuedFile]] = {}
        for item in items:
            by_target.setdefault(item.to_lang, []).append(item)
        out_dir = self.output_folder()
        for target, group in by_target.items():
            planned = [(item.source, self._pdf_as(item.source, output_path(
                item.source, out_dir or item.source.parent, target,
                item.root if out_dir else None))) for item in group]
            for item, (_, output) in zip(group, distinct_outputs(planned, target, self._taken)):
                item.output = output

    def _pdf_as(self, source: Path, output: Path) -> Path:
        if source.suffix.lower() == ".pdf":
            return output.with_suffix(self.pdf_as.currentData() or ".pdf")
        return output

    def _release_output(self, item: QueuedFile) -> None:
        if item.output is not None:
            self._taken.pop(os.path.normcase(os.path.abspath(item.output)), None)

    def _note_existing(self, items: list[QueuedFile]) -> None:
        """Rows whose translation exists wait for the batch's one answer."""
        waiting = False
        for item in items:
            item.exists = item.output is not None and item.output.exists()
            if item.exists and item.replace is None:
                item.replace = self._replace_answer
                waiting = waiting or item.replace is None
        if waiting:
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
        if self._asking or self._scans:
            return                   # the scan's end asks again
        existing = [f for f in self.files if self._waits_for_answer(f)]
        if not existing:
            return
        if self._replace_answer is None:
            names = "\n".join(f.output.name for f in existing[:8] if f.output)
            more = f"\n… and {len(existing) - 8} more" if len(existing) > 8 else ""
            self._asking = True
            try:
                answer = QMessageBox.question(
                    self, "Replace translations?",
                    f"These translations already exist:\n\n{names}{more}\n\nReplace them? "
                    "(No keeps them and skips those files.)")
            finally:
                self._asking = False
            self._replace_answer = answer == QMessageBox.StandardButton.Yes
        for item in self.files:
            if self._waits_for_answer(item):
                item.replace = self._replace_answer
        self._start_next()

    @staticmethod
    def _waits_for_answer(item: QueuedFile) -> bool:
        return item.status == "queued" and item.exists and item.replace is None

    def _add_rows(self, items: list[QueuedFile]) -> None:
        if not items:
            return
        first = self.table.rowCount()
        self.table.setUpdatesEnabled(False)
        try:
            self.table.setRowCount(first + len(items))
            for offset, item in enumerate(items):
                item.row = first + offset
                self.files.append(item)
                self._fill_row(item)
        finally:
            self.table.setUpdatesEnabled(True)
        self._update_buttons()

    def _fill_row(self, item: QueuedFile) -> None:
        name = QTableWidgetItem(item.source.name)
        name.setToolTip(str(item.source))
        self.table.setItem(item.row, 0, name)
        for column in (1, 2, 3):
            self.table.setItem(item.row, column, QTableWidgetItem())
        pair = QTableWidgetItem(f"{item.from_lang} → {item.to_lang}" if item.from_lang else "")
        pair.setToolTip("The language pair of this file, fixed when it was added")
        self.table.setItem(item.row, PAIR_COLUMN, pair)
        cancel = QTableWidgetItem("✕")
        cancel.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
        cancel.setToolTip("Cancel this file (Delete)")
        self.table.setItem(item.row, CANCEL_COLUMN, cancel)
        self._set_status(item, item.status)

    def _scan(self, folder: Path) -> None:
        found: deque[tuple[Path, Path, int]] = deque()
        holder: list[JobRunnable] = []   # set before any queued signal is delivered
        codes = {language.code for language in self._context.engine.languages()}
        job = self._controller.submit(
            "files", lambda on_progress, cancel: scan_folder(folder, found, on_progress, cancel,
                                                             codes),
            f"Scanning {folder.name}", progress=self._on_scan_progress,
            failed=lambda exc: show_error(self, exc, "Cannot read the folder"),
            finished=lambda: self._on_scan_finished(holder[0]))
        holder.append(job)
        self._scans[job] = found
        self._scanned = 0
        self.overall_label.setText(f"Scanning {folder.name}…")
        self._update_buttons()

    def _take_found(self) -> None:
        """Move what the scans found so far into the queue (in chunks: the GUI stays live).
        A cancelled scan adds nothing more, even from reports queued before the cancel."""
        for job, found in self._scans.items():
            if job.is_cancelled:
                found.clear()
                continue
            chunk = []
            while found and len(chunk) < _ROWS_PER_CHUNK:
                chunk.append(found.popleft())
            if chunk:
                self._queue(chunk)
                self._start_next()

    @Slot(int, int, str)
    def _on_scan_progress(self, done: int, _total: int, _message: str) -> None:
        self._scanned = max(self._scanned, done)
        self._take_found()
        if self._current is None:
            self.overall_label.setText(f"Scanning… {self._scanned} files found, "
                                       f"{self._count_queued()} queued")

    def _on_scan_finished(self, job: JobRunnable) -> None:
        found = self._scans.get(job)
        while found and not job.is_cancelled:   # the rest of what it found
            self._take_found()
        self._scans.pop(job, None)
        self._update_buttons()
        if not self._scans:
            self._ask_later()
        self._start_next()
        self._overall_later()

    # -- the queue ------------------------------------------------------------------------

    def _set_status(self, item: QueuedFile, status: str, progress: int | None = None) -> None:
        item.status = status
        if status == "done":
            progress = 100
        if progress is not None:
            item.progress = progress
        if status in FINISHED:
            self._active.discard(item.source.absolute())
        row = item.row
        label = status.capitalize() + (f": {item.message}" if item.message else "")
        cell = self.table.item(row, 1)
        if cell is None:
            return
        cell.setText(label)
        cell.setToolTip(item.message)
        self._mark_failed(cell, status == "failed")
        output = self.table.item(row, 3)
        shown = item.output if item.output and status == "done" else None
        output.setText(shown.name if shown else "")
        output.setToolTip(str(shown) if shown else "")
        bar = self.table.item(row, PROGRESS_COLUMN)
        unfinished = status in ("failed", "skipped", "cancelled")
        bar.setData(Qt.ItemDataRole.UserRole, None if unfinished else item.progress)
        bar.setText("–" if unfinished else "")
        cancel = self.table.item(row, CANCEL_COLUMN)
        cancel.setText("" if status in FINISHED or status == "cancelling" else "✕")

    def _mark_failed(self, cell: QTableWidgetItem, failed: bool) -> None:
        """A failed row stands out: red text and an error icon (the message is the tip)."""
        if failed:
            cell.setForeground(QBrush(FAILED_COLOUR))
            cell.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical))
        elif cell.data(Qt.ItemDataRole.ForegroundRole) is not None:
            cell.setData(Qt.ItemDataRole.ForegroundRole, None)
            cell.setData(Qt.ItemDataRole.DecorationRole, None)

    def _count_queued(self) -> int:
        return sum(1 for _ in self._queued_rows())

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

    def _queued_rows(self) -> Iterator[QueuedFile]:
        """The queued rows, in order, from the first one (found without going over the
        finished rows at the top each time)."""
        files = self.files
        index = self._first_queued
        while index < len(files) and files[index].status != "queued":
            index += 1
        self._first_queued = index
        return (f for f in itertools.islice(files, index, None) if f.status == "queued")

    def _start_one(self) -> None:
        if next(self._queued_rows(), None) is None:
            self._end_run()
            return
        item = next((f for f in self._queued_rows() if not self._waits_for_answer(f)
                     and self.pair.has_pair(f.from_lang, f.to_lang)), None)
        if item is None:
            self._say_why_waiting(list(self._queued_rows()))
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
            names = self.pair.languages()
            self.banner.show_message(
                f"No installed package translates {language_name(missing.from_lang, names)} → "
                f"{language_name(missing.to_lang, names)}; queued documents wait until one is "
                "installed or you choose another pair.")

    def _make_work(self, item: QueuedFile):  # type: ignore[no-untyped-def]
        """One file's job; it closes over copies, never over widgets."""
        engine = self._context.engine
        options = self._context.settings.translation_options()
        bilingual = self.bilingual.isChecked()
        assert item.output is not None
        job = [(item.source, item.output)]
        source, target = item.from_lang, item.to_lang
        replace = bool(item.replace)

        def work(on_progress: ProgressCallback, cancel: threading.Event) -> DocumentResult:
            return translate_documents(job, engine, source, target, options, bilingual=bilingual,
                                       overwrite=replace, skip_existing=not replace,
                                       on_progress=on_progress, cancel=cancel)[0]
        return work

    def _end_run(self) -> None:
        self._update_buttons()
        self._replace_answer = None      # the next batch is asked again
        if not self._run_started and not any(f.in_run for f in self.files):
            return
        seconds = time.perf_counter() - self._run_started if self._run_started else 0.0
        run = [f for f in self.files if f.in_run]
        for item in run:
            item.in_run = False
        self._run_started = 0.0
        self._update_overall(run)
        if not self._scans:
            if seconds:
                self.translated.emit(seconds)
            self.queue_idle.emit()

    def _update_overall(self, run: list[QueuedFile] | None = None) -> None:
        """The batch's share of files done, and the time left at the sentences per second
        measured so far (file sizes say little: a 1 MB .docx may hold ten sentences)."""
        run = [f for f in self.files if f.in_run] if run is None else run
        if not run:
            return            # nothing in this batch: the last figures stay
        finished = sum(f.status in FINISHED for f in run)
        current = self._current
        running = current.progress / 100 if current is not None and current.in_run else 0.0
        self.overall.setValue(min(100, round(100 * (finished + running) / len(run))))
        if self._current is None and not self._scans:
            self.overall_label.setText(batch_summary(run))
            return
        text = f"Translating {min(finished + 1, len(run))} of {len(run)} files"
        if self._scans:
            text += f" · scanning, {self._scanned} found"
        elapsed = time.perf_counter() - self._run_started if self._run_started else 0.0
        left = seconds_left(run, elapsed)
        if left is not None and elapsed > 0.5:
            text += " · " + format_eta(left)
        self.overall_label.setText(text)

    # -- job slots --------------------------------------------------------------------------

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, message: str) -> None:
        item = self._current
        if item is None or item.status == "cancelling":
            return
        percent = round(100 * done / total) if total else 0
        if total and not message.startswith(("reading ", "wrote ")):
            item.sentences = total
        if message.startswith("reading "):
            self._set_status(item, "reading", 0)
        elif message.startswith("wrote "):
            self._set_status(item, "translating", 100)
        else:
            self._set_status(item, "translating", percent)
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
            item.message = _integrity(result)
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
            names = self.pair.languages()
            self.banner.show_message(
                f"No installed package translates {language_name(source, names)} → "
                f"{language_name(target, names)}; documents added now wait until one is "
                "installed.")

    def _repin_waiting(self, source: str, target: str) -> None:
        stuck = [f for f in self.files if f.status == "queued"
                 and not self.pair.has_pair(f.from_lang, f.to_lang)]
        for item in stuck:
            self._release_output(item)
            item.from_lang, item.to_lang, item.replace = source, target, None
            self.table.item(item.row, PAIR_COLUMN).setText(f"{source} → {target}")
        self._name_outputs(stuck)
        self._note_existing(stuck)

    @Slot(int, int)
    def _on_cell_clicked(self, row: int, column: int) -> None:
        if column == CANCEL_COLUMN and 0 <= row < len(self.files):
            self.cancel_file(self.files[row])

    def _update_buttons(self) -> None:
        self.cancel_all_button.setEnabled(self._job is not None or bool(self._scans) or
                                          next(self._queued_rows(), None) is not None)
        if not self.files and not self._scans:
            self.overall_label.setText("No documents queued — drop files above or press Add files…")

    def _open(self, row: int, folder: bool) -> None:
        if not 0 <= row < len(self.files):
            return
        item = self.files[row]
        if item.output is None or not item.output.exists():
            return
        target = item.output.parent if folder else item.output
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))


def batch_summary(run: list[QueuedFile]) -> str:
    """"3 translated, 1 failed, 417 cancelled": every row of the batch is counted."""
    counts = {status: sum(f.status == status for f in run)
              for status in ("done", "failed", "skipped", "cancelled")}
    text = f"{counts['done']} translated"
    for status, word in (("failed", "failed"), ("skipped", "skipped"),
                         ("cancelled", "cancelled")):
        if counts[status]:
            text += f", {counts[status]} {word}"
    return text


def seconds_left(run: list[QueuedFile], elapsed: float) -> float | None:
    """The batch's time left at its measured pace: seconds per sentence so far, times the
    sentences left. A file not read yet counts as many sentences as the files read so far
    had on average. None until a sentence was translated."""
    done = 0.0
    known: list[int] = []
    for f in run:
        if f.sentences:
            known.append(f.sentences)
            share = 1.0 if f.status in FINISHED else f.progress / 100
            done += f.sentences * share
    if done <= 0 or elapsed <= 0:
        return None
    mean = sum(known) / len(known)
    left = 0.0
    for f in run:
        if f.status in FINISHED:
            continue
        total = f.sentences or mean
        left += total * (1 - (f.progress / 100 if f.sentences else 0))
    return elapsed / done * left


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _integrity(result: DocumentResult) -> str:
    """What the integrity checks found, when they found something (issue 9)."""
    kept, suspect = getattr(result, "kept", 0), getattr(result, "suspect", 0)
    parts = [f"{kept} sentence{'s' if kept != 1 else ''} kept as written" if kept else "",
             f"{suspect} may be incomplete" if suspect else ""]
    pages = getattr(result, "pdf_pages", ())
    if pages:  # a PDF written as a PDF: its glyphs counted, and what was kept as it is
        done = sum(p["translated"] for p in pages)
        parts.append(f"{len(pages)} pages: {done} of {sum(p['glyphs'] for p in pages)} "
                     "glyphs translated")
        parts.extend(note for p in pages for note in p["notes"])
    return ", ".join(p for p in parts if p)
