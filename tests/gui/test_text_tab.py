"""The Text tab over the fake engine: typing, latest-wins, shortcuts, banner, history, errors."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from offline_nlp.context import AppContext
from offline_nlp.gui.mainwindow import MainWindow
from tests.gui.support import Shown, WindowFactory, fake_translation

pytestmark = pytest.mark.gui


def test_typing_translates(qtbot: QtBot, window: MainWindow) -> None:
    tab = window.text_tab
    assert tab.pair.pair() == ("en", "xl")
    qtbot.keyClicks(tab.source_edit, "hello world")
    qtbot.waitUntil(lambda: tab.target_edit.toPlainText() == fake_translation("hello world"))
    assert tab.char_count.text() == "11 characters"
    # debounced: one request for the whole word, not one per keystroke
    assert window.context.engine.calls == [["hello world"]]
    assert "Last translation" in window.time_label.text()


def test_newer_input_replaces_the_waiting_one_and_stale_results_are_dropped(
        qtbot: QtBot, window: MainWindow) -> None:
    tab, engine = window.text_tab, window.context.engine
    engine.gate = threading.Event()
    tab.set_text("one")
    tab.translate_now()
    qtbot.waitUntil(lambda: engine.calls == [["one"]])
    for text in ("one two", "one two three"):
        tab.set_text(text)
        tab.translate_now()
    engine.gate.set()
    qtbot.waitUntil(lambda: tab.target_edit.toPlainText() == "ONE TWO THREE")
    qtbot.waitUntil(lambda: not tab.requests.is_busy())
    assert engine.calls == [["one"], ["one two three"]]   # "one two" never ran
    assert tab.target_edit.toPlainText() == "ONE TWO THREE"


def test_ctrl_enter_translates_at_once_and_swap_moves_the_text(
        qtbot: QtBot, window: MainWindow) -> None:
    tab = window.text_tab
    tab._debounce.setInterval(60_000)   # only the shortcut can send it now
    tab.source_edit.setPlainText("good morning")
    tab.source_edit.setFocus()
    qtbot.keyClick(tab.source_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: tab.target_edit.toPlainText() == "GOOD MORNING")
    qtbot.keyClick(tab.source_edit, Qt.Key.Key_S,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert tab.pair.pair() == ("xl", "en")
    assert tab.source_edit.toPlainText() == "GOOD MORNING"


def test_copy_button(qtbot: QtBot, window: MainWindow) -> None:
    tab = window.text_tab
    tab.set_text("copy me")
    tab.translate_now()
    qtbot.waitUntil(lambda: tab.target_edit.toPlainText() == "COPY ME")
    qtbot.mouseClick(tab.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == "COPY ME"


def test_missing_pair_shows_a_banner_that_opens_packages_filtered(
        qtbot: QtBot, make_window: WindowFactory, fake_context: AppContext) -> None:
    fake_context.engine._pairs = {("en", "xl")}
    window = make_window(fake_context)
    tab = window.text_tab
    tab.set_text("hello")
    tab.swap()    # xl → en is not installed
    assert tab.pair.pair() == ("xl", "en")
    assert tab.banner.isVisible()
    assert "not installed" in tab.pair.source_box.currentText() or \
        "not installed" in tab.pair.target_box.currentText()
    qtbot.mouseClick(tab.banner.button, Qt.MouseButton.LeftButton)
    assert window.tabs.currentWidget() is window.packages_tab
    assert window.packages_tab.pair_banner.isVisible()
    assert "Synthetic Latin → English" in window.packages_tab.pair_banner.label.text()


def test_engine_errors_show_a_message_box_not_a_traceback(
        qtbot: QtBot, window: MainWindow, errors: Shown) -> None:
    window.context.engine.error = RuntimeError("model exploded")
    window.text_tab.set_text("boom")
    window.text_tab.translate_now()
    qtbot.waitUntil(lambda: len(errors) == 1)
    title, text = errors[0]
    assert title == "Translation failed"
    assert "model exploded" in text and "Traceback" not in text


def test_event_loop_keeps_turning_during_a_long_translation(
        qtbot: QtBot, window: MainWindow) -> None:
    engine, tab = window.context.engine, window.text_tab
    engine.steps, engine.step_s = 20, 0.05      # a one-second translation
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(20)
    tab.set_text("slow text")
    tab.translate_now()
    qtbot.waitUntil(lambda: tab.target_edit.toPlainText() == "SLOW TEXT", timeout=10_000)
    timer.stop()
    assert len(ticks) >= 15     # ~50 expected; a blocked GUI thread gives 0 or 1


def test_history_records_searches_and_clears(
        qtbot: QtBot, window: MainWindow, fake_context: AppContext) -> None:
    tab = window.text_tab
    for text in ("apples are red", "bananas are yellow"):
        tab.set_text(text)
        tab.translate_now()
        qtbot.waitUntil(lambda t=text: tab.target_edit.toPlainText() == t.upper())
    assert tab.history_list.count() == 2
    tab.history_search.setText("apple")
    assert tab.history_list.count() == 1
    tab._on_history_activated(tab.history_list.item(0))
    assert tab.source_edit.toPlainText() == "apples are red"
    assert tab.target_edit.toPlainText() == "APPLES ARE RED"
    tab.history.flush()
    assert (fake_context.paths.data / "history.sqlite3").is_file()
    tab.clear_history()
    tab.history_search.clear()
    assert tab.history_list.count() == 0


def test_typing_one_text_makes_one_history_entry(qtbot: QtBot, window: MainWindow) -> None:
    tab = window.text_tab
    for text in ("the", "the cat", "the cat sat"):
        tab.set_text(text)
        tab.translate_now()
        qtbot.waitUntil(lambda t=text: tab.target_edit.toPlainText() == t.upper())
    assert [e.source_text for e in tab.history.entries] == ["the cat sat"]


def test_empty_state_when_nothing_is_installed(
        qtbot: QtBot, make_window: WindowFactory, empty_context: AppContext) -> None:
    window = make_window(empty_context)
    assert window.pages.currentWidget() is window.welcome
    window.welcome.answer_online(True)
    qtbot.waitUntil(lambda: window.welcome.retry_button.isVisible())   # no index, offline
    assert "could not be loaded" in window.welcome.status.text()
    assert window.welcome.file_button.isEnabled()
    window.welcome.skip_button.click()
    window.tabs.setCurrentWidget(window.text_tab)
    tab = window.text_tab
    assert tab.stack.currentWidget() is tab.empty
    assert "No models installed" in tab.empty.title.text()
    tab.empty.button.click()
    assert window.tabs.currentWidget() is window.packages_tab
    qtbot.waitUntil(lambda: window.packages_tab.message.isVisible())
    assert "No package list" in window.packages_tab.message.text()


def test_window_remembers_languages_and_layout(
        qtbot: QtBot, make_window: WindowFactory, fake_context: AppContext) -> None:
    first = make_window(fake_context)
    first.text_tab.pair.set_pair("xl", "en")
    first.resize(1000, 700)
    first.text_tab.splitter.setSizes([500, 300, 200])
    sizes = first.text_tab.splitter.sizes()
    first.close()
    second = make_window(fake_context)
    assert second.text_tab.pair.pair() == ("xl", "en")
    # the offscreen screen clamps restored geometry, so check it was stored
    assert second.window_state.value("geometry") is not None
    restored = second.text_tab.splitter.sizes()
    shares = [round(s / sum(sizes), 2) for s in sizes]
    assert [round(s / sum(restored), 2) for s in restored] == pytest.approx(shares, abs=0.02)
