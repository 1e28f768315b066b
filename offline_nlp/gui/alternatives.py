"""Other translations of one sentence of the Text tab's translation: the menu that offers
them beside the sentence, and the translation pane's context menu that leads to it.

The Text tab asks the engine for them (``num_alternatives``) and keeps the choice in its
:class:`~offline_nlp.gui.live.SentenceMemory`; here they are only shown.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QAction, QKeySequence, QTextCursor
from PySide6.QtWidgets import QMenu, QPlainTextEdit, QWidget

__all__ = ["ALTERNATIVES_KEY", "alternatives_menu", "popup_beside", "target_menu"]

# The key for a sentence's other translations (Alt+Down opens a list, as in a combo box).
ALTERNATIVES_KEY = "Alt+Down"


def alternatives_menu(parent: QWidget, options: list[str], current: str | None,
                      choose: Callable[[str], None]) -> QMenu:
    """A menu of ``options`` (the engine's best first), ``current`` ticked (else the
    first); choosing one calls ``choose`` with it."""
    menu = QMenu(parent)
    menu.setAccessibleName("Other translations of this sentence")
    for text in options:
        action = menu.addAction(text)
        action.setCheckable(True)
        action.setChecked(text == (current or options[0]))
        action.triggered.connect(lambda _=False, t=text: choose(t))
    if len(options) == 1:
        menu.addAction("(the model has no other translation)").setEnabled(False)
    return menu


def target_menu(edit: QPlainTextEdit, point: QPoint, enabled: bool,
                offer: Callable[[], None]) -> QMenu:
    """The translation pane's usual menu at ``point``, with "Other translations of this
    sentence…" first (``enabled`` when a sentence is there)."""
    menu = edit.createStandardContextMenu(point)
    action = QAction("Other translations of this sentence…", menu)
    action.setShortcut(QKeySequence(ALTERNATIVES_KEY))
    action.setEnabled(enabled)
    action.triggered.connect(offer)
    first = menu.actions()[0] if menu.actions() else None
    menu.insertAction(first, action)
    menu.insertSeparator(first)
    return menu


def popup_beside(edit: QPlainTextEdit, start: int, end: int, height: int) -> QPoint:
    """Where a popup of ``height`` leaves the sentence ``[start, end)`` visible: below
    its last line, or above its first when the screen has no room below."""
    cursor = QTextCursor(edit.document())
    cursor.setPosition(start)
    top = edit.cursorRect(cursor)
    cursor.setPosition(end)
    bottom = edit.cursorRect(cursor)
    sentence = QRect(top.topLeft(), bottom.bottomRight()).normalized()
    viewport = edit.viewport()
    below = viewport.mapToGlobal(QPoint(top.left(), sentence.bottom() + 4))
    screen = edit.screen().availableGeometry()
    if below.y() + height > screen.bottom():
        return viewport.mapToGlobal(QPoint(top.left(), sentence.top() - height - 4))
    return below
