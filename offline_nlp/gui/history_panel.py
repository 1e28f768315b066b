"""The Text tab's history beside its panes: recent translations, searched, picked or
cleared. The entries are :class:`~offline_nlp.gui.history.History`'s (SQLite)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from offline_nlp.engine.types import Language
from offline_nlp.gui.history import History
from offline_nlp.gui.widgets import language_name

__all__ = ["HistoryPanel"]


class HistoryPanel(QWidget):
    """Search, the latest hundred matches (each item's data is its
    :class:`~offline_nlp.gui.history.HistoryEntry`), and *Clear history*."""

    def __init__(self, history: History, languages: Callable[[], Iterable[Language]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._history = history
        self._languages = languages       # for the languages' names
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search history")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.refresh)
        self.list = QListWidget()
        self.list.setAccessibleName("Recent translations")
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)   # palette colours: dark mode too
        self.list.setSpacing(2)
        self.clear_button = QPushButton("Clear histor&y")
        self.clear_button.clicked.connect(self.clear)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Recent translations"))
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.clear_button)
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        self.list.clear()
        names = list(self._languages())
        for entry in self._history.search(self.search.text())[:100]:
            first = entry.source_text.strip().splitlines()[0]
            first = first if len(first) <= 80 else first[:79] + "…"
            item = QListWidgetItem(f"{first}\n{language_name(entry.source, names)} → "
                                   f"{language_name(entry.target, names)} · {entry.when}")
            item.setData(Qt.ItemDataRole.UserRole, entry)
            item.setToolTip(entry.target_text[:500])
            self.list.addItem(item)

    @Slot()
    def clear(self) -> None:
        answer = QMessageBox.question(
            self, "Clear history", "Delete every saved translation from the history? "
            "This cannot be undone.")
        if answer == QMessageBox.StandardButton.Yes:
            self._history.clear()
            self.refresh()
