"""The menu bar: every action once, with a mnemonic, and the keyboard shortcuts.

The main window builds its menus here; this module knows the window only as the
:class:`MenuWindow` it describes, so the two do not import each other.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QActionGroup, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar, QMessageBox, QWidget

from offline_nlp._version import __version__
from offline_nlp.gui.theme import THEMES, current_theme

if TYPE_CHECKING:
    from offline_nlp.context import AppContext
    from offline_nlp.gui.text_tab import TextTab

__all__ = ["SHORTCUTS", "MenuWindow", "build_menus"]


class MenuWindow(Protocol):
    """What the menus act on: the main window (a QMainWindow) and its commands."""

    context: AppContext
    text_tab: TextTab

    def menuBar(self) -> QMenuBar: ...
    def addAction(self, action: QAction) -> None: ...
    def close(self) -> bool: ...
    def add_files(self) -> None: ...
    def install_package_files(self) -> None: ...
    def translate_now(self) -> None: ...
    def swap(self) -> None: ...
    def show_tab(self, index: int) -> None: ...
    def set_theme(self, theme: str) -> None: ...

#: What the Help → Keyboard shortcuts window lists.
SHORTCUTS = (
    ("Ctrl+Enter", "Translate now (Summarise on the Summarise tab)"),
    ("Ctrl+Shift+S", "Swap languages and texts"),
    ("Ctrl+Shift+C", "Copy the translation"),
    ("Ctrl+O", "Add documents to translate"),
    ("Ctrl+1 … Ctrl+5", "Text, Documents, Summarise, Packages, Settings"),
    ("Tab / Shift+Tab", "Next / previous control (also out of the text panes)"),
    ("Delete", "Cancel the selected documents in the queue"),
    ("F1", "This list"),
    ("Ctrl+Q", "Quit"),
)


def _action(window: MenuWindow, menu: QMenu, text: str, slot: Callable[[], object],
            *keys: str) -> QAction:
    action = QAction(text, _widget(window))
    if keys:
        action.setShortcuts([QKeySequence(k) for k in keys])
    action.triggered.connect(lambda _checked=False: slot())
    menu.addAction(action)
    window.addAction(action)     # shortcuts work even while the menu bar is hidden
    return action


def build_menus(window: MenuWindow) -> dict[str, QAction]:
    """File, Edit, View and Help; returns the actions by a short name (for tests)."""
    bar = window.menuBar()
    actions: dict[str, QAction] = {}
    file = bar.addMenu("&File")
    actions["open"] = _action(window, file, "&Open documents…", window.add_files, "Ctrl+O")
    actions["install"] = _action(window, file, "&Install package from file…",
                                 window.install_package_files)
    file.addSeparator()
    actions["quit"] = _action(window, file, "&Quit", window.close, "Ctrl+Q")

    edit = bar.addMenu("&Edit")
    actions["translate"] = _action(window, edit, "&Translate now", window.translate_now,
                                   "Ctrl+Return", "Ctrl+Enter")
    actions["swap"] = _action(window, edit, "&Swap languages and texts", window.swap,
                              "Ctrl+Shift+S")
    actions["copy"] = _action(window, edit, "&Copy translation",
                              window.text_tab.copy_translation, "Ctrl+Shift+C")
    actions["clear_history"] = _action(window, edit, "C&lear history…",
                                       window.text_tab.clear_history)

    view = bar.addMenu("&View")
    for index, (name, label) in enumerate((("text", "&Text"), ("documents", "&Documents"),
                                           ("summarize", "Su&mmarise"),
                                           ("packages", "&Packages"), ("settings", "S&ettings"))):
        actions[f"tab_{name}"] = _action(window, view, label,
                                         lambda i=index: window.show_tab(i), f"Ctrl+{index + 1}")
    view.addSeparator()
    theme_menu = view.addMenu("T&heme")
    group = QActionGroup(_widget(window))
    for code, label in THEMES:
        action = _action(window, theme_menu, label.replace("Same as the system", "&System")
                         .replace("Light", "&Light").replace("Dark", "&Dark"),
                         lambda c=code: window.set_theme(c))
        action.setCheckable(True)
        action.setChecked(code == current_theme())
        group.addAction(action)
        actions[f"theme_{code}"] = action

    help_menu = bar.addMenu("&Help")
    actions["shortcuts"] = _action(window, help_menu, "&Keyboard shortcuts",
                                   lambda: show_shortcuts(window), "F1")
    actions["data_folder"] = _action(window, help_menu, "Open &data folder",
                                     lambda: open_data_folder(window))
    help_menu.addSeparator()
    actions["about"] = _action(window, help_menu, "&About Offline NLP", lambda: show_about(window))
    return actions


def show_shortcuts(window: MenuWindow) -> None:
    rows = "".join(f"<tr><td><b>{keys}</b>&nbsp;&nbsp;</td><td>{what}</td></tr>"
                   for keys, what in SHORTCUTS)
    QMessageBox.information(_widget(window), "Keyboard shortcuts", f"<table>{rows}</table>")


def open_data_folder(window: MenuWindow) -> None:
    folder = window.context.paths.data
    folder.mkdir(parents=True, exist_ok=True)
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


def show_about(window: MenuWindow) -> None:
    paths = window.context.paths
    QMessageBox.about(
        _widget(window), "About Offline NLP",
        f"<h3>Offline NLP {__version__}</h3>"
        "<p>Translation and summaries on this computer, with CTranslate2 models in the "
        "Argos Translate package format. Nothing you type leaves the computer.</p>"
        f"<p>Packages: {paths.packages}<br>Settings: {paths.settings_file}</p>")


def _widget(window: MenuWindow) -> QWidget:
    """The window as the parent Qt wants (a MenuWindow is always a QMainWindow)."""
    assert isinstance(window, QWidget)
    return window
