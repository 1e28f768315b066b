"""Alignment highlight: hovering or selecting words in one pane marks what they became
(or came from) in the other, from the engine's word alignment (``Translation.alignment``)."""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, QObject, QPoint, Signal
from PySide6.QtGui import QColor, QMouseEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit

from offline_nlp.engine.types import Span

__all__ = ["AlignmentHighlighter", "word_range"]

# A letter of a space-separated script: a token marks its whole word. Han, kana and
# hangul are left out: their text has no spaces, so "the whole word" would be a clause.
_WORD = re.compile(r"[^\W\u2e80-\u9fff\uac00-\ud7ff\uf900-\ufaff]")


# What the mouse can point at: a letter, digit or CJK character (not space or punctuation).
_HOVERABLE = re.compile(r"\w")


def word_range(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` grown to whole words (a subword token marks its whole word).
    Only a range that ends in a letter or digit grows: a CJK character next to a number
    (``北23``) is a word of its own and never takes the number with it."""
    while start > 0 and _WORD.match(text[start - 1]) and (
            start == end or _WORD.match(text[start])):
        start -= 1
    while end < len(text) and _WORD.match(text[end]) and (
            start == end or _WORD.match(text[end - 1])):
        end += 1
    return start, end


class AlignmentHighlighter(QObject):
    """Watches two panes; the pane under the mouse (or with a selection) drives the other.

    Signals:
        target_clicked: a click without a selection in the translation (its position
            in the text and where on screen), for the alternatives menu.

    Attributes:
        highlighted: the words marked last, as (source words, target words).
    """

    target_clicked = Signal(int, QPoint)

    def __init__(self, source: QPlainTextEdit, target: QPlainTextEdit,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source, self._target = source, target
        self._spans: tuple[Span, ...] = ()
        self._texts = ("", "")
        self.highlighted: tuple[str, str] = ("", "")
        self._pinned = False     # marked from a selection: the mouse passing by keeps it
        self._viewports: dict[QObject, QPlainTextEdit] = {}
        for edit in (source, target):
            viewport = edit.viewport()
            viewport.setMouseTracking(True)
            viewport.installEventFilter(self)
            self._viewports[viewport] = edit
            # Events still arrive while the window is torn down: stop watching first.
            edit.destroyed.connect(self._viewports.clear)
        source.selectionChanged.connect(lambda: self._on_selection(source))
        target.selectionChanged.connect(lambda: self._on_selection(target))

    def set_alignment(self, source_text: str, target_text: str, spans: tuple[Span, ...]) -> None:
        """The alignment of what the panes show now (stale once either text changes)."""
        self._texts = (source_text, target_text)
        self._spans = spans
        self.clear()

    def clear(self) -> None:
        self._pinned = False
        self.highlighted = ("", "")
        self._source.setExtraSelections([])
        self._target.setExtraSelections([])

    def spans(self) -> tuple[Span, ...]:
        return self._spans

    def is_current(self) -> bool:
        return bool(self._spans) and self._texts == (self._source.toPlainText(),
                                                     self._target.toPlainText())

    # -- what to mark -------------------------------------------------------------------

    def highlight(self, in_target: bool, start: int, end: int) -> tuple[str, str]:
        """Mark the words of ``[start, end)`` in one pane and their counterparts."""
        if not self.is_current():
            self.clear()
            return self.highlighted
        source_text, target_text = self._texts
        here_text = target_text if in_target else source_text
        start, end = word_range(here_text, start, end)
        hits = []
        for span in self._spans:
            a, b = (span.target_start, span.target_end) if in_target else \
                (span.source_start, span.source_end)
            if a < end and start < b or (a == b == start):
                hits.append((span.source_start, span.source_end) if in_target
                            else (span.target_start, span.target_end))
        there_text = source_text if in_target else target_text
        there = _merge([word_range(there_text, a, b) for a, b in hits if a < b])
        if start == end or not there:
            self.clear()
            return self.highlighted
        here_edit, there_edit = ((self._target, self._source) if in_target
                                 else (self._source, self._target))
        here_edit.setExtraSelections([self._selection(here_edit, start, end, strong=False)])
        there_edit.setExtraSelections([self._selection(there_edit, a, b, strong=True)
                                       for a, b in there])
        words_here = here_text[start:end]
        words_there = " ".join(there_text[a:b] for a, b in there)
        self.highlighted = (words_there, words_here) if in_target else (words_here, words_there)
        return self.highlighted

    @staticmethod
    def _selection(edit: QPlainTextEdit, start: int, end: int,
                   strong: bool) -> QTextEdit.ExtraSelection:
        cursor = QTextCursor(edit.document())
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        colour = QColor(edit.palette().highlight().color())
        colour.setAlpha(150 if strong else 70)
        fmt = QTextCharFormat()
        fmt.setBackground(colour)
        selection = QTextEdit.ExtraSelection()
        selection.cursor = cursor  # type: ignore[attr-defined]
        selection.format = fmt  # type: ignore[attr-defined]
        return selection

    # -- events ---------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        edit = self._viewports.get(watched)
        if edit is not None and not self._pinned:
            if event.type() == QEvent.Type.MouseMove and not edit.textCursor().hasSelection():
                self._hover(edit, event)  # type: ignore[arg-type]
            elif event.type() == QEvent.Type.Leave and not edit.textCursor().hasSelection():
                self.clear()
            elif (event.type() == QEvent.Type.MouseButtonRelease and edit is self._target
                  and not edit.textCursor().hasSelection()):
                position = edit.cursorForPosition(event.position().toPoint()).position()  # type: ignore[attr-defined]
                self.target_clicked.emit(position, event.globalPosition().toPoint())  # type: ignore[attr-defined]
        return False

    def _hover(self, edit: QPlainTextEdit, event: QMouseEvent) -> None:
        position = edit.cursorForPosition(event.position().toPoint()).position()
        text = edit.toPlainText()
        if position < len(text) and _HOVERABLE.match(text[position]):
            self.highlight(edit is self._target, position, position + 1)
        elif any(self.highlighted):
            self.clear()

    def _on_selection(self, edit: QPlainTextEdit) -> None:
        cursor = edit.textCursor()
        if cursor.hasSelection():
            self.highlight(edit is self._target, cursor.selectionStart(), cursor.selectionEnd())
            self._pinned = any(self.highlighted)
        elif self._pinned:
            self.clear()


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for a, b in sorted(set(ranges)):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged
