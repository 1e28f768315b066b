"""Translate while typing, alignment highlight and alternatives (issue 13, items 9-10)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import synthetic
from helpers import fixture_package
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QPlainTextEdit
from pytestqt.qtbot import QtBot

from offline_nlp.context import AppContext
from offline_nlp.gui.mainwindow import MainWindow
from tests.gui.support import WindowFactory

pytestmark = pytest.mark.gui


def point_of(edit: QPlainTextEdit, position: int) -> QPoint:
    """Where character ``position`` is drawn in ``edit``'s viewport."""
    cursor = QTextCursor(edit.document())
    cursor.setPosition(position)
    return edit.cursorRect(cursor).center() + QPoint(2, 0)


def test_finished_sentences_are_translated_at_once_and_only_changed_ones_are_sent(
        qtbot: QtBot, window: MainWindow) -> None:
    tab, engine = window.text_tab, window.context.engine
    tab._debounce.setInterval(60_000)          # no pause: only a sentence end can send
    qtbot.keyClicks(tab.source_edit, "One two.")
    qtbot.waitUntil(lambda: tab.target_edit.toPlainText() == "ONE TWO.")
    qtbot.keyClicks(tab.source_edit, " Three four.")
    qtbot.waitUntil(lambda: tab.target_edit.toPlainText() == "ONE TWO. THREE FOUR.")
    assert engine.calls == [["One two."], ["Three four."]]   # the first came from memory
    tab.set_text("Five. One two. Three four.")
    tab.translate_now()
    qtbot.waitUntil(lambda: tab.target_edit.toPlainText() == "FIVE. ONE TWO. THREE FOUR.")
    assert engine.calls[-1] == ["Five."]


def test_the_sentence_being_typed_is_translated_after_a_short_pause(
        qtbot: QtBot, window: MainWindow) -> None:
    tab, engine = window.text_tab, window.context.engine
    qtbot.keyClicks(tab.source_edit, "Done. still typing")
    qtbot.waitUntil(lambda: tab.target_edit.toPlainText() == "DONE. STILL TYPING")
    assert engine.calls[0] == ["Done."]
    assert engine.calls[-1] == ["still typing"]
    assert 0 < tab._debounce.interval() <= 400
    assert [e.source_text for e in tab.history.entries] == ["Done. still typing"]


def test_hovering_a_word_highlights_its_translation(qtbot: QtBot, window: MainWindow) -> None:
    tab = window.text_tab
    tab.set_text("good morning")
    tab.translate_now()
    qtbot.waitUntil(lambda: tab.target_edit.toPlainText() == "GOOD MORNING")
    qtbot.mouseMove(tab.source_edit.viewport(), point_of(tab.source_edit, 7))
    qtbot.waitUntil(lambda: tab.highlighter.highlighted == ("morning", "MORNING"))
    marked = tab.target_edit.extraSelections()
    assert [s.cursor.selectedText() for s in marked] == ["MORNING"]


def test_selecting_a_translated_word_highlights_its_source(
        qtbot: QtBot, window: MainWindow) -> None:
    tab = window.text_tab
    tab.set_text("good morning")
    tab.translate_now()
    qtbot.waitUntil(lambda: tab.target_edit.toPlainText() == "GOOD MORNING")
    cursor = tab.target_edit.textCursor()
    cursor.setPosition(0)
    cursor.setPosition(4, QTextCursor.MoveMode.KeepAnchor)
    tab.target_edit.setTextCursor(cursor)
    assert tab.highlighter.highlighted == ("good", "GOOD")
    assert [s.cursor.selectedText() for s in tab.source_edit.extraSelections()] == ["good"]


def test_clicking_a_sentence_offers_alternatives_and_the_choice_is_kept(
        qtbot: QtBot, window: MainWindow) -> None:
    tab = window.text_tab
    tab.set_text("good morning. see you.")
    tab.translate_now()
    qtbot.waitUntil(lambda: tab.target_edit.toPlainText() == "GOOD MORNING. SEE YOU.")
    qtbot.mouseClick(tab.target_edit.viewport(), Qt.MouseButton.LeftButton,
                     pos=point_of(tab.target_edit, 16))
    qtbot.waitUntil(lambda: tab.alternatives_menu is not None)
    menu = tab.alternatives_menu
    texts = [action.text() for action in menu.actions()]
    assert texts == ["SEE YOU.", "See You.", "see you."]
    menu.actions()[1].trigger()
    qtbot.waitUntil(lambda: tab.target_edit.toPlainText() == "GOOD MORNING. See You.")
    menu.close()
    tab.source_edit.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(tab.source_edit, " bye.")      # the choice stays as the text grows
    qtbot.waitUntil(lambda: tab.target_edit.toPlainText() == "GOOD MORNING. See You. BYE.")


@pytest.fixture
def model_context() -> Iterator[AppContext]:
    ctx = AppContext.create(use_cache=False)
    ctx.packages.install_file(fixture_package("en_xl"))
    yield ctx
    ctx.close()


def test_alignment_from_the_fixture_model_marks_the_word_that_translates(
        qtbot: QtBot, make_window: WindowFactory, model_context: AppContext) -> None:
    window = make_window(model_context)
    tab = window.text_tab
    tab.pair.set_pair("en", "xl")
    text = "The old house is by the river."
    tab.set_text(text)
    tab.translate_now()
    expected = synthetic.translate_text(text, "en", "xl")
    qtbot.waitUntil(lambda: tab.target_edit.toPlainText() == expected, timeout=20_000)
    start = text.index("house")
    source_words, target_words = tab.highlighter.highlight(False, start, start + 5)
    assert source_words == "house"
    assert target_words == synthetic.translate_text("house", "en", "xl")


def test_a_superseded_request_still_saves_its_sentences(
        qtbot: QtBot, window: MainWindow) -> None:
    import threading

    tab, engine = window.text_tab, window.context.engine
    engine.gate = threading.Event()
    engine.gated = lambda texts: texts == ["Done."]
    qtbot.keyClicks(tab.source_edit, "Done. still typing")
    qtbot.waitUntil(lambda: engine.calls == [["Done."]])
    tab.translate_now()                  # the whole text, waiting behind "Done."
    engine.gate.set()
    qtbot.waitUntil(lambda: tab.target_edit.toPlainText() == "DONE. STILL TYPING")
    assert engine.calls == [["Done."], ["still typing"]]   # "Done." was not sent twice
