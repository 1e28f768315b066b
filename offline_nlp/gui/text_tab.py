"""The Text tab: translate as you type, with history, copy and a missing-pair banner."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QMenu,
    QLabel,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from offline_nlp.engine.types import Translation
from offline_nlp.errors import LanguagePairUnavailableError
from offline_nlp.gui.alternatives import (
    ALTERNATIVES_KEY,
    alternatives_menu,
    popup_beside,
    target_menu,
)
from offline_nlp.gui.dialogs.errors import show_error
from offline_nlp.gui.highlight import AlignmentHighlighter
from offline_nlp.gui.history import History, HistoryEntry
from offline_nlp.gui.history_panel import HistoryPanel
from offline_nlp.gui.live import (
    LiveResult,
    SentenceMemory,
    completed_sentences,
    detect_source,
    finished_prefix,
    place_at,
    translate_changed,
)
from offline_nlp.gui.jobs import JobController, LatestOnly
from offline_nlp.gui.widgets import (
    AUTO,
    Banner,
    EmptyState,
    LanguagePair,
    enlarge_font,
    language_name,
    replace_text_in_place,
)
from offline_nlp.langdetect import LanguageDetectionError
from offline_nlp.progress import ProgressCallback

if TYPE_CHECKING:
    from offline_nlp.context import AppContext

__all__ = ["TextResult", "TextTab", "format_seconds"]

# The pause after which the sentence being typed is translated; a finished sentence
# (ending in . ! ? 。) is translated at once.
DEBOUNCE_MS = 300
ALTERNATIVES = 5


@dataclass(frozen=True)
class TextResult:
    """What a finished request returns to the GUI thread."""

    source_text: str
    live: LiveResult
    source: str
    target: str
    seconds: float
    complete: bool = True       # False: only the finished sentences were sent
    detected: bool = False      # ``source`` was detected ("Detect language")

    @property
    def translation(self) -> Translation:
        return self.live.translation


class TextTab(QWidget):
    """Source and target panes; a newer keystroke replaces the waiting request."""

    packages_requested = Signal(str, str)   # source, target
    translated = Signal(float)              # seconds the last translation took

    def __init__(self, context: AppContext, controller: JobController,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._controller = controller
        self.requests = LatestOnly(controller, "interactive", self)
        self.history = History(context.paths.data / "history.sqlite3")
        self.memory = SentenceMemory()
        self.places: tuple = ()                 # where each sentence of the shown result is
        self._shown = ("", "")                  # the source and translation they belong to
        self._shown_pair = ("", "")             # their languages (the detected source)
        # the last request the engine worked for, and its result
        self._last_work: tuple[int, TextResult] | None = None
        self._sent_prefix = ""                  # finished sentences already sent
        self._submitted: tuple[str, ...] = ()   # the last request's text and pair
        self.alternatives_menu: QMenu | None = None
        self.context_menu: QMenu | None = None
        self._build()
        self.highlighter = AlignmentHighlighter(self.source_edit, self.target_edit, self)
        self.highlighter.target_clicked.connect(self._on_target_clicked)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.translate_now)
        self.source_edit.textChanged.connect(self._on_text_changed)
        self.pair.changed.connect(self._on_pair_changed)
        self.requests.succeeded.connect(self._on_succeeded)
        self.requests.any_succeeded.connect(self._on_any_result)
        self.requests.failed.connect(self._on_failed)
        self.requests.idle.connect(self._on_idle)

    # -- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        self.pair = LanguagePair(detect=True)
        # ⇄ and Ctrl+Shift+S do the same: languages and texts change places together.
        self.pair.swap_texts = self.swap
        self.translate_button = QPushButton("&Translate")
        self.translate_button.setToolTip("Translate now (Ctrl+Enter)")
        self.translate_button.clicked.connect(self.translate_now)
        self.history_button = QPushButton("H&istory")
        self.history_button.setCheckable(True)
        self.history_button.setChecked(True)
        top = QHBoxLayout()
        top.addWidget(self.pair)
        top.addStretch(1)
        top.addWidget(self.translate_button)
        top.addWidget(self.history_button)

        self.banner = Banner("Get packages…")
        self.banner.action.connect(self._on_banner_action)

        self.source_edit = QPlainTextEdit()
        self.source_edit.setPlaceholderText("Type or paste text to translate")
        self.source_edit.setAccessibleName("Text to translate")
        self.source_edit.setTabChangesFocus(True)   # keyboard users leave the pane with Tab
        enlarge_font(self.source_edit)
        self.char_count = QLabel("0 characters")
        self.clear_button = QPushButton("C&lear")
        self.clear_button.clicked.connect(self.source_edit.clear)
        source_pane = self._pane(self.source_edit, [self.char_count], [self.clear_button])

        self.target_edit = QPlainTextEdit()
        self.target_edit.setReadOnly(True)
        self.target_edit.setPlaceholderText("The translation appears here")
        self.target_edit.setAccessibleName("Translation")
        self.target_edit.setTabChangesFocus(True)
        self.target_edit.setUndoRedoEnabled(False)   # edited by the app only (no undo stack)
        # keyboard users move a caret in the translation to pick a sentence's alternatives
        self.target_edit.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.target_edit.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.target_edit.customContextMenuRequested.connect(self._on_target_menu)
        self.alternatives_action = QAction("Other translations of this sentence…", self)
        self.alternatives_action.setShortcut(QKeySequence(ALTERNATIVES_KEY))
        self.alternatives_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.alternatives_action.triggered.connect(
            lambda: self.offer_alternatives(self.target_edit.textCursor().position()))
        self.target_edit.addAction(self.alternatives_action)
        self.target_edit.setToolTip(f"Click a sentence, or press {ALTERNATIVES_KEY}, for "
                                    "other translations of it")
        enlarge_font(self.target_edit)
        self.state_label = QLabel("")
        self.copy_button = QPushButton("C&opy")
        self.copy_button.setToolTip("Copy the translation to the clipboard")
        self.copy_button.clicked.connect(self.copy_translation)
        target_pane = self._pane(self.target_edit, [self.state_label], [self.copy_button])

        self.history_panel = HistoryPanel(self.history, self.pair.languages)
        self.history_button.toggled.connect(self.history_panel.setVisible)
        self.history_search = self.history_panel.search
        self.history_list = self.history_panel.list
        self.history_list.itemActivated.connect(self._on_history_activated)
        self.history_list.itemClicked.connect(self._on_history_activated)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("text_splitter")
        self.splitter.setChildrenCollapsible(False)
        for widget in (source_pane, target_pane, self.history_panel):
            self.splitter.addWidget(widget)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 1)

        work = QWidget()
        layout = QVBoxLayout(work)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(self.splitter, 1)

        self.empty = EmptyState(
            "No models installed — open Packages",
            "Translation runs on this computer with downloadable language packages. "
            "Install one (or drop an .argosmodel file on this window) to start.",
            "Open Packages")
        self.empty.action.connect(lambda: self.packages_requested.emit("", ""))
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(work)
        outer = QVBoxLayout(self)
        outer.addWidget(self.stack)
        self._tab_order()

    def _tab_order(self) -> None:
        """As the tab reads: languages, the text, its translation, then the rest."""
        chain = [self.pair.source_box, self.pair.swap_button, self.pair.target_box,
                 self.source_edit, self.target_edit, self.copy_button, self.clear_button,
                 self.translate_button, self.history_button, self.history_search,
                 self.history_list, self.history_panel.clear_button]
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)

    @staticmethod
    def _pane(edit: QPlainTextEdit, left: list[QWidget], right: list[QWidget]) -> QWidget:
        pane = QWidget()
        row = QHBoxLayout()
        for widget in left:
            row.addWidget(widget)
        row.addStretch(1)
        for widget in right:
            row.addWidget(widget)
        layout = QVBoxLayout(pane)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(edit, 1)
        layout.addLayout(row)
        return pane

    # -- public -------------------------------------------------------------------------

    def refresh_languages(self) -> None:
        """Re-read what the installed packages can translate (after install/remove)."""
        engine = self._context.engine
        self.pair.set_languages(engine.languages(), engine.pairs(),
                                self._context.settings.favourite_languages)
        self.stack.setCurrentIndex(1 if self.pair.has_languages() else 0)

    def set_text(self, text: str) -> None:
        self.source_edit.setPlainText(text)

    @Slot()
    def translate_now(self, text: str | None = None) -> None:
        """Send the current text now (Ctrl+Enter, the pause timer, or ``text``: the
        finished sentences, sent the moment one ends)."""
        complete = text is None
        if complete:
            self._debounce.stop()
            text = self.source_edit.toPlainText()
        source, target = self.pair.pair()
        if not text.strip():
            self.requests.cancel()
            self.target_edit.clear()
            self.state_label.clear()
            return
        if not self.pair.is_available():
            self._show_missing(source, target)
            return
        self.state_label.setText("Translating…")
        # A longer text whose start is being translated lets that request finish: the
        # sentences it is translating are part of this one (kept in the memory).
        extends = bool(self._submitted) and text.startswith(self._submitted[0]) \
            and self._submitted[1:] == (source, target)
        self._submitted = (text, source, target)
        self.requests.submit(self._make_work(text, source, target, complete),
                             stop_running=not extends)

    def _make_work(self, text: str, source: str, target: str,  # type: ignore[no-untyped-def]
                   complete: bool = True):
        """The job for one request: it closes over copies, never over widgets."""
        engine = self._context.engine
        options = self._context.settings.translation_options()
        memory = self.memory
        candidates = self.pair.sources_for(target) if source == AUTO else []

        def work(on_progress: ProgressCallback, cancel: threading.Event) -> TextResult:
            started = time.perf_counter()
            # detected here, not on the GUI thread: the detector loads a model once
            language = detect_source(text, candidates) if source == AUTO else source
            live = translate_changed(engine, text, language, target, options, memory,
                                     cancel, on_progress)
            return TextResult(text, live, language, target, time.perf_counter() - started,
                              complete, detected=source == AUTO)
        return work

    @Slot()
    def swap(self) -> None:
        """Swap the languages and the texts: the translation becomes the text to translate
        and the text becomes its translation (the ⇄ button and Ctrl+Shift+S)."""
        source_text = self.source_edit.toPlainText()
        translation = self.target_edit.toPlainText()
        self.requests.cancel()           # a result for the old direction must not land
        source, target = self.pair.pair()
        if source == AUTO and self._shown_pair[0]:    # swap with the language detected
            self.pair.set_pair(target, self._shown_pair[0])
        else:
            self.pair.swap()
        self.source_edit.blockSignals(True)   # the new source's translation is known
        self.source_edit.setPlainText(translation)
        self.source_edit.blockSignals(False)
        self._update_count()
        self.target_edit.setPlainText(source_text)
        self._debounce.stop()

    @Slot()
    def copy_translation(self) -> None:
        QGuiApplication.clipboard().setText(self.target_edit.toPlainText())
        self.state_label.setText("Copied")

    # -- slots --------------------------------------------------------------------------

    @Slot()
    def _on_text_changed(self) -> None:
        self._update_count()
        self.highlighter.clear()
        text = self.source_edit.toPlainText()
        finished = completed_sentences(text)
        source, target = self.pair.pair()
        if finished and self.memory.get((source, target, finished[-1])) is None \
                and self.pair.is_available():
            # A sentence just ended: translate what is finished now, the rest after a pause.
            prefix = finished_prefix(text, len(finished))
            if prefix != self._sent_prefix:
                self._sent_prefix = prefix
                self.translate_now(prefix)
        self._debounce.start()

    def _update_count(self) -> None:
        count = len(self.source_edit.toPlainText())
        self.char_count.setText(f"{count} character{'s' if count != 1 else ''}")

    @Slot(str, str)
    def _on_pair_changed(self, source: str, target: str) -> None:
        if self.pair.has_languages() and not self.pair.is_available():
            self._show_missing(source, target)
        else:
            self.banner.hide()
            if self.source_edit.toPlainText().strip():
                self._debounce.start()

    def _show_missing(self, source: str, target: str) -> None:
        names = self.pair.languages()
        self.banner.show_message(
            f"No installed package translates {language_name(source, names)} → "
            f"{language_name(target, names)}, directly or through English.")
        self.state_label.clear()
        # What is on screen translated another pair: it must not pass for this one.
        self.requests.cancel()
        self.target_edit.clear()

    def _show_translation(self, text: str) -> None:
        """Only what changed, so the pane stays where the reader scrolled to."""
        replace_text_in_place(self.target_edit, text)

    @Slot(int, object)
    def _on_succeeded(self, request: int, result: TextResult) -> None:
        self.places = result.live.places
        self._shown = (result.source_text, result.translation.text)
        self._shown_pair = (result.source, result.target)
        self._show_translation(result.translation.text)
        self.highlighter.set_alignment(result.source_text, result.translation.text,
                                       result.translation.alignment)
        pivot = result.translation.pivot
        names = self.pair.languages()
        via = f" (through {language_name(pivot, names)})" if pivot else ""
        if result.detected:
            via = f" · detected {language_name(result.source, names)}{via}"
        self.banner.hide()
        work = result if result.live.sent else self._work_before(request, result)
        if work is not None:
            # typing: the sentences were translated by the request before (the one sent
            # when a sentence ended); its time is this text's time, not 0.00 s
            self.state_label.setText(f"{format_seconds(work.seconds)}{via}")
            self.translated.emit(work.seconds)
        else:    # every sentence came from memory
            self.state_label.setText(f"From memory{via}")
        if not result.complete:
            return        # the rest follows after the pause: one history entry for both
        self.history.add(HistoryEntry(result.source_text, result.translation.text,
                                      result.source, result.target))
        self.history_panel.refresh()

    @Slot(int, object)
    def _on_any_result(self, request: int, result: TextResult) -> None:
        if result.live.sent:
            self._last_work = (request, result)

    def _work_before(self, request: int, result: TextResult) -> TextResult | None:
        """The request just before this one, when it translated the start of this text
        (typing: the finished sentences are sent when one ends, the rest after a pause)."""
        if self._last_work is None:
            return None
        number, work = self._last_work
        if number == request - 1 and result.source_text.startswith(work.source_text) and (
                work.source, work.target) == (result.source, result.target):
            return work
        return None

    @Slot(int, object)
    def _on_failed(self, _request: int, exc: BaseException) -> None:
        self.state_label.clear()
        if isinstance(exc, LanguageDetectionError):     # told in place, not in a dialog
            self.banner.show_message(f"{exc} — choose the language under From.",
                                     with_button=False)
            return
        if isinstance(exc, LanguagePairUnavailableError):
            self._show_missing(exc.source or self.pair.pair()[0], exc.target or self.pair.pair()[1])
            return
        show_error(self, exc, "Translation failed")

    @Slot()
    def _on_idle(self) -> None:
        if self.state_label.text() == "Translating…":
            self.state_label.clear()

    @Slot()
    def _on_banner_action(self) -> None:
        self.packages_requested.emit(*self.pair.pair())

    @Slot(QListWidgetItem)
    def _on_history_activated(self, item: QListWidgetItem) -> None:
        entry: HistoryEntry = item.data(Qt.ItemDataRole.UserRole)
        self.pair.set_pair(entry.source, entry.target)
        self.source_edit.blockSignals(True)   # show the stored result; no new request
        self.source_edit.setPlainText(entry.source_text)
        self.source_edit.blockSignals(False)
        self._on_text_changed()
        self._debounce.stop()
        self.target_edit.setPlainText(entry.target_text)

    @Slot()
    def clear_history(self) -> None:
        self.history_panel.clear()

    def translation_alignment(self) -> tuple:
        """The word alignment of the translation on screen (empty when stale)."""
        return self.highlighter.spans() if self.highlighter.is_current() else ()

    # -- alternatives ---------------------------------------------------------------------

    @Slot(int, QPoint)
    def _on_target_clicked(self, position: int, _where: QPoint) -> None:
        """A click on a translated sentence offers the engine's other translations of it."""
        self.offer_alternatives(position)

    def _place_at(self, position: int):  # type: ignore[no-untyped-def]
        """The sentence shown at ``position`` of the translation (None when stale)."""
        shown = (self.source_edit.toPlainText(), self.target_edit.toPlainText())
        if shown != self._shown:
            return None   # the text changed since: its sentences are not where they were
        return place_at(self.places, position)

    @Slot(QPoint)
    def _on_target_menu(self, point: QPoint) -> None:
        """The translation's usual menu, with the sentence's alternatives first."""
        position = self.target_edit.cursorForPosition(point).position()
        menu = target_menu(self.target_edit, point, self._place_at(position) is not None,
                           lambda: self.offer_alternatives(position))
        self.context_menu = menu
        menu.popup(self.target_edit.viewport().mapToGlobal(point))

    def offer_alternatives(self, position: int) -> None:
        """Ask the engine for other translations of the sentence at ``position`` of the
        translation; a menu beside the sentence offers them (click, context menu or key)."""
        place = self._place_at(position)
        if place is None:
            return
        source, target = self._shown_pair
        engine = self._context.engine
        options = replace(self._context.settings.translation_options(),
                          num_alternatives=ALTERNATIVES,
                          beam_size=max(ALTERNATIVES,
                                        self._context.settings.translation_options().beam_size))
        sentence = place.sentence

        def work(_on_progress: ProgressCallback, cancel: threading.Event) -> Translation:
            return engine.translate_texts([sentence], source, target, options, cancel=cancel)[0]
        self._controller.submit(
            "interactive", work, "alternatives",
            succeeded=lambda result: self._show_alternatives(source, target, sentence, result,
                                                             place),
            failed=lambda exc: show_error(self, exc, "No alternatives"))

    def _show_alternatives(self, source: str, target: str, sentence: str,
                           result: Translation, place) -> None:  # type: ignore[no-untyped-def]
        key = (source, target, sentence)
        options = list(dict.fromkeys((result.text, *result.alternatives)))
        menu = alternatives_menu(self, options, self.memory.chosen(key),
                                 lambda text: self.choose_alternative(key, text))
        self.alternatives_menu = menu
        menu.popup(popup_beside(self.target_edit, place.target_start, place.target_end,
                                menu.sizeHint().height()))

    def choose_alternative(self, key: tuple[str, str, str], text: str) -> None:
        """Keep ``text`` for this sentence (also when the text around it changes)."""
        self.memory.choose(key, text)
        self.translate_now()


def format_seconds(seconds: float) -> str:
    """"0.42 s", or "3 ms" below a tenth of a second (never "0.00 s")."""
    if seconds < 0.1:
        return f"{max(1, round(seconds * 1000))} ms"
    return f"{seconds:.2f} s"
