"""Menu bar with mnemonics, a keyboard-followable tab order, the title (issue 13, item 11)."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QPalette
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from offline_nlp.gui.mainwindow import MainWindow
from tests.gui.support import Shown

pytestmark = pytest.mark.gui


def test_menu_bar_has_file_edit_view_help_with_mnemonics(window: MainWindow) -> None:
    menus = [action.menu() for action in window.menuBar().actions()]
    assert [m.title() for m in menus] == ["&File", "&Edit", "&View", "&Help"]
    for menu in menus:
        for action in menu.actions():
            if not action.isSeparator():
                assert "&" in action.text(), action.text()


def test_view_theme_switches_to_dark_and_remembers(window: MainWindow) -> None:
    try:
        window.actions_by_name["theme_dark"].trigger()
        assert QApplication.palette().color(QPalette.ColorRole.Window).lightness() < 80
        saved = json.loads(window.context.paths.settings_file.read_text(encoding="utf-8"))
        assert saved["theme"] == "dark"
        assert window.settings_tab.theme.currentData() == "dark"
    finally:
        window.actions_by_name["theme_system"].trigger()


def test_help_lists_shortcuts_opens_the_data_folder_and_tells_about(
        window: MainWindow, errors: Shown, monkeypatch: pytest.MonkeyPatch) -> None:
    window.actions_by_name["shortcuts"].trigger()
    assert errors and errors[-1][0] == "Keyboard shortcuts"
    assert "Ctrl+Shift+S" in errors[-1][1]
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    window.actions_by_name["data_folder"].trigger()
    assert opened[0].toLocalFile() == str(window.context.paths.data)
    about: list[str] = []
    monkeypatch.setattr(QMessageBox, "about", lambda _parent, title, text: about.append(text))
    window.actions_by_name["about"].trigger()
    assert "Offline NLP" in about[0]


def test_file_open_asks_for_documents(
        window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        lambda _parent, title, *a: asked.append(title) or ([], ""))
    window.actions_by_name["open"].trigger()
    assert asked == ["Add documents"]
    assert window.tabs.currentWidget() is window.documents_tab


def test_tab_order_follows_the_text_tab_as_it_reads(qtbot: QtBot, window: MainWindow) -> None:
    tab = window.text_tab
    tab.pair.source_box.setFocus()
    qtbot.waitUntil(tab.pair.source_box.hasFocus)
    order: list[QWidget] = [QApplication.focusWidget()]
    for _ in range(5):
        QApplication.focusWidget().focusNextChild()
        order.append(QApplication.focusWidget())
    assert order == [tab.pair.source_box, tab.pair.swap_button, tab.pair.target_box,
                     tab.source_edit, tab.target_edit, tab.copy_button]
