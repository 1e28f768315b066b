"""Defects found trying the app as a new user would (issue 13, items 1, 2, 5-8 and 12)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import PACKAGES, fixture_package, index_entry, make_archive, publish
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from offline_nlp.context import AppContext
from offline_nlp.gui.mainwindow import MainWindow
from tests.gui.support import WindowFactory

pytestmark = pytest.mark.gui

CHINESE = ("今天天气很好，我们去公园散步。公园里有很多人在跑步和打太极拳。"
           "孩子们在草地上玩耍，老人们坐在长椅上聊天。我们在湖边坐了一会儿，然后回家吃饭。")
ENGLISH = ("The old house is by the river. We go home in the evening. The children play in "
           "the garden every day. My friend reads a book under the tree.")


@pytest.fixture
def summary_context() -> Iterator[AppContext]:
    """A real engine with the English summarisation fixture installed."""
    ctx = AppContext.create(use_cache=False)
    ctx.packages.install_file(PACKAGES / "summarize-en-1_0.argosmodel")
    ctx.packages.install_file(fixture_package("en_xl"))
    yield ctx
    ctx.close()


# -- 1. Summarise: "Detect automatically" detects ------------------------------------------

def summarise(qtbot: QtBot, window: MainWindow, text: str) -> str:
    tab = window.summarize_tab
    assert tab.language.currentData() == ""          # "Detect automatically"
    tab.input.setPlainText(text)
    with qtbot.waitSignal(tab.finished_work, timeout=60_000):
        tab.summarize()
    return tab.state.text()


def test_detect_automatically_does_not_summarise_chinese_with_the_english_model(
        qtbot: QtBot, make_window: WindowFactory, summary_context: AppContext) -> None:
    window = make_window(summary_context)
    state = summarise(qtbot, window, CHINESE)
    assert "summarize-en" not in state
    assert "detected Chinese" in state
    assert "no summarisation package for Chinese" in state
    assert window.summarize_tab.output.toPlainText().strip()   # sentences of the text


def test_detect_automatically_uses_the_english_model_for_english(
        qtbot: QtBot, make_window: WindowFactory, summary_context: AppContext) -> None:
    window = make_window(summary_context)
    state = summarise(qtbot, window, ENGLISH)
    assert "written by summarize-en" in state and "detected English" in state
    assert window.time_label.text().startswith("Last summary")   # item 5: not "translation"


# -- 2. Swap: one behaviour, languages and texts ---------------------------------------------

def test_swap_button_swaps_languages_and_texts(qtbot: QtBot, window: MainWindow) -> None:
    tab = window.text_tab
    qtbot.keyClicks(tab.source_edit, "good morning")
    qtbot.waitUntil(lambda: tab.target_edit.toPlainText() == "GOOD MORNING")
    calls = len(window.context.engine.calls)
    qtbot.mouseClick(tab.pair.swap_button, Qt.MouseButton.LeftButton)
    assert tab.pair.pair() == ("xl", "en")
    assert tab.source_edit.toPlainText() == "GOOD MORNING"
    assert tab.target_edit.toPlainText() == "good morning"
    # the same as Ctrl+Shift+S: back again
    tab.source_edit.setFocus()
    qtbot.keyClick(tab.source_edit, Qt.Key.Key_S,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert tab.pair.pair() == ("en", "xl")
    assert tab.source_edit.toPlainText() == "good morning"
    assert tab.target_edit.toPlainText() == "GOOD MORNING"
    assert len(window.context.engine.calls) == calls   # nothing translated the wrong way


def test_a_pair_that_becomes_unavailable_clears_the_old_translation(
        qtbot: QtBot, window: MainWindow) -> None:
    tab = window.text_tab
    tab.set_text("hello")
    tab.translate_now()
    qtbot.waitUntil(lambda: tab.target_edit.toPlainText() == "HELLO")
    window.context.engine._pairs = {("xl", "en")}    # en → xl removed
    window.refresh_languages()
    assert tab.banner.isVisible()
    assert tab.target_edit.toPlainText() == ""
    assert tab.source_edit.toPlainText() == "hello"   # the user's text stays


# -- 5. Scroll, Tab, Clear history, names -----------------------------------------------------

def test_translation_pane_keeps_its_scroll_position(qtbot: QtBot, window: MainWindow) -> None:
    tab = window.text_tab
    window.resize(900, 500)
    text = "\n".join(f"line number {i} of a long text" for i in range(200))
    tab.set_text(text)
    tab.translate_now()
    qtbot.waitUntil(lambda: tab.target_edit.toPlainText() == text.upper())
    bar = tab.target_edit.verticalScrollBar()
    assert bar.maximum() > 50
    bar.setValue(bar.maximum() // 2)
    position = bar.value()
    tab.set_text(text + "\nmore")
    tab.translate_now()
    qtbot.waitUntil(lambda: tab.target_edit.toPlainText().endswith("MORE"))
    assert bar.value() == position


def test_tab_moves_focus_out_of_the_text_panes(qtbot: QtBot, window: MainWindow) -> None:
    tab = window.text_tab
    tab.source_edit.setFocus()
    qtbot.waitUntil(tab.source_edit.hasFocus)
    qtbot.keyClick(tab.source_edit, Qt.Key.Key_Tab)
    assert "\t" not in tab.source_edit.toPlainText()
    assert not tab.source_edit.hasFocus()


def test_clear_history_asks_first(
        qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    tab = window.text_tab
    tab.set_text("keep me")
    tab.translate_now()
    qtbot.waitUntil(lambda: tab.history_list.count() == 1)
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or
                        QMessageBox.StandardButton.No)
    tab.clear_history()
    assert asked and tab.history_list.count() == 1
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    tab.clear_history()
    assert tab.history_list.count() == 0


# -- 6. Welcome page ------------------------------------------------------------------------

def test_first_launch_asks_before_contacting_the_index_and_remembers(
        qtbot: QtBot, make_window: WindowFactory, empty_context: AppContext) -> None:
    window = make_window(empty_context)
    welcome = window.welcome
    assert welcome.ask_panel.isVisible()
    assert "Check for language packages online?" in welcome.ask_label.text()
    assert not [job for job in window.controller.jobs() if job.name == "index"]
    assert not list(empty_context.paths.cache.glob("index*"))
    welcome.offline_button.click()
    saved = json.loads(empty_context.paths.settings_file.read_text(encoding="utf-8"))
    assert saved["check_index_online"] == "no"
    window.close()
    again = make_window(empty_context)
    assert not again.welcome.ask_panel.isVisible()      # asked once
    assert again.welcome.retry_button.text() == "Check online"


def test_offline_welcome_text_stays_together(
        qtbot: QtBot, make_window: WindowFactory, empty_context: AppContext) -> None:
    window = make_window(empty_context)
    window.resize(1100, 720)
    welcome = window.welcome
    welcome.answer_online(True)                   # the index at 127.0.0.1:9 is unreachable
    qtbot.waitUntil(lambda: welcome.retry_button.isVisible())
    qtbot.waitUntil(lambda: welcome.list.isHidden())

    def top(widget) -> int:  # type: ignore[no-untyped-def]
        return widget.mapTo(welcome, QPoint(0, 0)).y()
    gap = top(welcome.file_button) - (top(welcome.status) + welcome.status.height())
    assert gap < 80, f"{gap} px between the message and its buttons"


@pytest.fixture
def half_broken_index(index_server, tmp_path):  # type: ignore[no-untyped-def]
    """An index of two pairs whose first download fails (404)."""
    served, base = index_server
    archive = make_archive(tmp_path / "xl_en.argosmodel", "xl_en")
    served.files["/translate-xl_en-1.0.argosmodel"] = archive.read_bytes()
    url = publish(served, base, [index_entry("en_xl", base), index_entry("xl_en", base)])
    ctx = AppContext.create(index_url=url, use_cache=False)
    ctx.packages.available(refresh=True)
    yield ctx
    ctx.close()


def test_one_failed_download_does_not_stop_the_others_or_clear_the_ticks(
        qtbot: QtBot, make_window: WindowFactory, half_broken_index: AppContext) -> None:
    window = make_window(half_broken_index)
    welcome = window.welcome
    qtbot.waitUntil(lambda: welcome.list.count() == 2)
    welcome.check(["translate-en_xl", "translate-xl_en"])
    welcome.install_button.click()
    qtbot.waitUntil(lambda: [p.info.code for p in half_broken_index.packages.installed()]
                    == ["translate-xl_en"], timeout=10_000)
    qtbot.waitUntil(lambda: welcome.list.count() == 1 and welcome._index_job is None)
    item = welcome.list.item(0)
    assert item.checkState() == Qt.CheckState.Checked       # still ticked, to try again
    assert "failed" in item.text()
    assert "Could not install" in welcome.progress_label.text()
    assert window.pages.currentWidget() is welcome           # the user sees what failed


# -- 7. Settings apply live; theme -----------------------------------------------------------

def test_threads_and_memory_apply_without_a_restart(
        qtbot: QtBot, make_window: WindowFactory, summary_context: AppContext) -> None:
    window = make_window(summary_context)
    text = window.text_tab
    text.set_text("The old house is by the river.")
    text.translate_now()
    qtbot.waitUntil(lambda: text.target_edit.toPlainText() != "", timeout=20_000)
    old = summary_context.engine
    assert old.loaded_models()
    settings = window.settings_tab
    settings.threads.setValue(1)
    settings.models.setValue(2)
    settings.save()
    engine = summary_context.engine
    assert engine is not old
    assert engine.config.cpu_threads == 1 and engine.config.max_loaded_models == 2
    assert old.loaded_models() == []              # nothing was running: freed at once
    text.set_text("We go home.")
    text.translate_now()
    qtbot.waitUntil(lambda: engine.loaded_models() == ["translate-en_xl"], timeout=20_000)


def test_dark_theme_applies_at_once_and_is_saved(
        qtbot: QtBot, window: MainWindow) -> None:
    from offline_nlp.gui.theme import apply_theme

    settings = window.settings_tab
    index = settings.theme.findData("dark")
    assert index >= 0
    settings.theme.setCurrentIndex(index)
    try:
        settings.save()
        window_colour = QApplication.palette().color(QPalette.ColorRole.Window)
        assert window_colour.lightness() < 80
        saved = json.loads(window.context.paths.settings_file.read_text(encoding="utf-8"))
        assert saved["theme"] == "dark"
    finally:
        apply_theme("system")


# -- 8. Missing X libraries are named -----------------------------------------------------------

def test_doctor_names_missing_x_libraries_and_the_install_command(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from offline_nlp.cli import main
    from offline_nlp.gui import syslibs

    monkeypatch.setattr(syslibs, "_loads", lambda name: "cursor" not in name)
    monkeypatch.setattr(sys, "platform", "linux")
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "libxcb-cursor0" in out
    assert "sudo apt-get install libxcb-cursor0" in out


def test_the_app_says_what_to_install_instead_of_crashing(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from offline_nlp.gui import app, syslibs

    monkeypatch.setattr(syslibs, "_loads", lambda name: "icccm" not in name)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)

    def qt_would_abort(*_args: object) -> None:
        raise AssertionError("reached Qt, which aborts without the library")
    monkeypatch.setattr(app, "create_application", qt_would_abort)
    assert app.main([]) == 1
    err = capsys.readouterr().err
    assert "libxcb-icccm4" in err and "apt-get install" in err


def test_make_run_checks_the_libraries_before_starting() -> None:
    makefile = (Path(__file__).parents[2] / "Makefile").read_text(encoding="utf-8")
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "offline_nlp.gui.syslibs" in run
    result = subprocess.run([sys.executable, "-m", "offline_nlp.gui.syslibs"],
                            capture_output=True, text=True, check=False)
    assert result.returncode in (0, 1)
    assert result.returncode == 0 or "apt-get install" in result.stderr


# -- 12. Packages: sizes and Verify -----------------------------------------------------------

def test_packages_tab_shows_sizes_and_verifies(
        qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    manager = window.context.packages
    installed = manager.install_file(make_archive(tmp_path / "en_xl.argosmodel", "en_xl"))
    window.open_packages()
    tab = window.packages_tab
    tab.reload()
    qtbot.waitUntil(lambda: tab.select_code("translate-en_xl"))
    row = tab.table.currentRow()
    qtbot.waitUntil(lambda: tab.table.item(tab.table.currentRow(), 3).text() != "")
    assert "bytes" in tab.table.item(row, 3).text()
    (installed.path / "model" / "model.bin").write_bytes(b"tampered")
    assert tab.verify_button.isEnabled()
    tab.verify_button.click()
    qtbot.waitUntil(lambda: "Damaged" in tab.progress_label.text())
    assert "translate-en_xl" in tab.progress_label.text()
    tab.select_code("translate-en_xl")
    assert "damaged" in tab.table.item(tab.table.currentRow(), 4).text()
