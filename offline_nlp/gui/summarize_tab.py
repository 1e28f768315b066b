"""The Summarise tab: text or a dropped document in, a summary out, in the background."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from offline_nlp.documents.registry import open_document, supported_extensions
from offline_nlp.engine.summarizer import Summarizer, Summary
from offline_nlp.errors import OfflineNLPError
from offline_nlp.gui.dialogs.errors import show_error
from offline_nlp.gui.jobs import JobController, JobRunnable
from offline_nlp.gui.widgets import documents_folder, dropped_paths, enlarge_font, language_name
from offline_nlp.progress import ProgressCallback

if TYPE_CHECKING:
    from offline_nlp.context import AppContext

__all__ = ["SummarizeTab", "SummaryResult", "detect_language", "read_document_text"]

LENGTHS = ("short", "medium", "long")


@dataclass(frozen=True)
class SummaryResult:
    """A summary and the language it was made for (``detected`` when not chosen)."""

    summary: Summary
    language: str | None
    detected: bool


def detect_language(text: str) -> str | None:
    """The text's language for "Detect automatically"; ``None`` when it cannot be told
    (no letters, or no detector installed): the summary is then extractive."""
    from offline_nlp.langdetect import detect

    try:
        return detect(text[:4000]).language
    except OfflineNLPError:
        return None


def read_document_text(path: Path) -> str:
    """The text units of a document, one paragraph each (no Qt: runs on a pool thread)."""
    return "\n\n".join(seg.text for seg in open_document(path).segments() if seg.text.strip())


class _DropEdit(QPlainTextEdit):
    """A text box that also takes a dropped document (its text is loaded in)."""

    file_dropped = Signal(object)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_paths(event):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = dropped_paths(event)
        if paths:
            event.acceptProposedAction()
            self.file_dropped.emit(paths[0])
        else:
            super().dropEvent(event)


class SummarizeTab(QWidget):
    packages_requested = Signal(str, str)
    finished_work = Signal(float)

    def __init__(self, context: AppContext, controller: JobController,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._controller = controller
        self._job: JobRunnable | None = None
        self._started = 0.0
        self._build()

    def _build(self) -> None:
        self.language = QComboBox()
        self.language.setAccessibleName("Language of the text")
        self.length = QComboBox()
        for name in LENGTHS:
            self.length.addItem(name.capitalize(), name)
        self.length.setCurrentIndex(1)
        self.extractive = QCheckBox("Extractive (pick sentences, no model)")
        self.extractive.setToolTip("Without a summarisation package installed, summaries are "
                                   "always extractive.")
        self.open_button = QPushButton("Open document…")
        self.open_button.clicked.connect(self._on_open)
        self.run_button = QPushButton("Summarise")
        self.run_button.setToolTip("Summarise (Ctrl+Enter)")
        self.run_button.clicked.connect(self.summarize)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.setEnabled(False)
        # Two rows, not one: in one row the toolbar alone needed 934 px, more than an
        # 800×600 screen or 1920×1080 at 200 % gives the whole window.
        self.language.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.language.setMinimumContentsLength(12)
        options = QHBoxLayout()
        options.addWidget(QLabel("Language"))
        options.addWidget(self.language, 1)
        options.addWidget(QLabel("Length"))
        options.addWidget(self.length)
        options.addStretch(1)
        actions = QHBoxLayout()
        actions.addWidget(self.extractive)
        actions.addStretch(1)
        actions.addWidget(self.open_button)
        actions.addWidget(self.run_button)
        actions.addWidget(self.cancel_button)
        top = QVBoxLayout()
        top.addLayout(options)
        top.addLayout(actions)

        self.input = _DropEdit()
        self.input.setPlaceholderText("Paste text to summarise, or drop a document here")
        self.input.setAccessibleName("Text to summarise")
        self.input.file_dropped.connect(self.load_document)
        self.output = QPlainTextEdit()
        self.output.setReadOnly(True)
        self.output.setPlaceholderText("The summary appears here")
        self.output.setAccessibleName("Summary")
        for edit in (self.input, self.output):
            enlarge_font(edit)
        self.splitter = QSplitter()
        self.splitter.setObjectName("summary_splitter")
        self.splitter.addWidget(self.input)
        self.splitter.addWidget(self.output)
        self.progress = QProgressBar()
        self.progress.hide()
        self.state = QLabel("")
        bottom = QHBoxLayout()
        bottom.addWidget(self.state, 1)
        bottom.addWidget(self.progress, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(bottom)

    def refresh_languages(self) -> None:
        current = self.language.currentData()
        self.language.clear()
        self.language.addItem("Detect automatically", "")
        for language in self._context.engine.languages():
            self.language.addItem(language.name, language.code)
        index = self.language.findData(current)
        self.language.setCurrentIndex(max(0, index))

    @Slot()
    def summarize(self) -> JobRunnable | None:
        text = self.input.toPlainText()
        if not text.strip():
            self.state.setText("Paste or drop some text first.")
            return None
        if self._job is not None:
            return None
        summarizer = Summarizer(self._context.engine)
        chosen = self.language.currentData() or None
        length = self.length.currentData()
        extractive = self.extractive.isChecked()

        def work(on_progress: ProgressCallback, cancel: threading.Event) -> SummaryResult:
            # Detect here, not on the GUI thread: the detector loads a model the first time.
            language = chosen or detect_language(text)
            # not told: extractive, never some other language's model (the English one)
            undetected = chosen is None and language is None
            summary = summarizer.summarize_texts([text], language=language,
                                                 extractive=extractive or undetected,
                                                 length=length,
                                                 on_progress=on_progress, cancel=cancel)[0]
            return SummaryResult(summary, language, chosen is None)
        return self._run(work, "Summarising…", self._on_summary, pool="summary")

    @Slot(object)
    def load_document(self, path: Path) -> JobRunnable | None:
        """Read a document's text in the background and put it in the input box."""
        if self._job is not None:
            return None
        path = Path(path)
        return self._run(lambda _p, _c: read_document_text(path), f"Reading {path.name}…",
                         self._on_document, pool="io")

    @Slot()
    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self.state.setText("Cancelling…")

    def _run(self, work, label: str, on_success, pool: str = "engine") -> JobRunnable:  # type: ignore[no-untyped-def]
        self._job = job = self._controller.submit(
            pool, work, label, progress=self._on_progress, succeeded=on_success,
            failed=self._on_failed, cancelled=lambda: self.state.setText("Cancelled"),
            finished=self._on_finished)
        self._started = time.perf_counter()
        self.state.setText(label)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        return job

    @Slot()
    def _on_open(self) -> None:
        patterns = " ".join(f"*{ext}" for ext in supported_extensions())
        name, _ = QFileDialog.getOpenFileName(self, "Summarise a document", documents_folder(),
                                              f"Documents ({patterns});;All files (*)")
        if name:
            self.load_document(Path(name))

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, _message: str) -> None:
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)

    @Slot(object)
    def _on_summary(self, result: SummaryResult) -> None:
        summary = result.summary
        self.output.setPlainText(summary.text)
        how = (f"written by {summary.model}" if summary.method == "abstractive"
               else "sentences picked from the text")
        names = self._context.engine.languages()
        if result.detected and result.language:
            how += f" · detected {language_name(result.language, names)}"
        elif result.detected:
            how += " · language not detected"
        if summary.method == "extractive" and not self.extractive.isChecked():
            language = language_name(result.language, names) if result.language else "this text"
            how += f" (no summarisation package for {language})"
        seconds = time.perf_counter() - self._started
        self.state.setText(f"Summary: {how} · {seconds:.1f} s")
        self.finished_work.emit(seconds)

    @Slot(object)
    def _on_document(self, text: str) -> None:
        self.input.setPlainText(text)
        self.state.setText("Document loaded — press Summarise")

    @Slot(object)
    def _on_failed(self, exc: BaseException) -> None:
        self.state.setText("Failed")
        show_error(self, exc, "Summarising failed")

    @Slot()
    def _on_finished(self) -> None:
        self._job = None
        self.progress.hide()
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
