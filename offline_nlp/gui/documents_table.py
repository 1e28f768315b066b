"""The Documents tab's queue as a table: one row per :class:`QueuedFile`, drawn from it.

The table shows rows, never decides: the tab tells it which rows were added or changed.
A row's progress bar is painted from its cell's data (no widget per row: a thousand rows
stay light).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from offline_nlp.gui.document_queue import FINISHED, QueuedFile

__all__ = ["CANCEL_COLUMN", "COLUMNS", "PAIR_COLUMN", "PROGRESS_COLUMN", "QueueTable"]

COLUMNS = ("File", "Status", "Progress", "Output", "Languages", "")
PROGRESS_COLUMN = 2
PAIR_COLUMN = 4
CANCEL_COLUMN = 5
FAILED_COLOUR = QColor("#d32f2f")


class ProgressDelegate(QStyledItemDelegate):
    """Paints a row's own progress bar from its item's data."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        value = index.data(Qt.ItemDataRole.UserRole)
        if value is None:
            super().paint(painter, option, index)
            return
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(3, 3, -3, -3)  # type: ignore[attr-defined]
        bar.minimum, bar.maximum, bar.progress = 0, 100, int(value)
        bar.text, bar.textVisible = f"{int(value)}%", True
        bar.state = option.state | QStyle.StateFlag.State_Horizontal  # type: ignore[attr-defined]
        style = option.widget.style() if option.widget else QApplication.style()  # type: ignore[attr-defined]
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter)


class QueueTable(QTableWidget):
    """The queue's rows: file, status, progress, output, language pair, and a ✕."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.setHorizontalHeaderLabels(list(COLUMNS))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(PAIR_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(CANCEL_COLUMN, QHeaderView.ResizeMode.Fixed)
        header.setStretchLastSection(False)
        self.setColumnWidth(1, 220)
        self.setColumnWidth(2, 110)
        self.setColumnWidth(CANCEL_COLUMN, 32)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setItemDelegateForColumn(PROGRESS_COLUMN, ProgressDelegate(self))
        self.setAccessibleName("Documents queue")

    def add_rows(self, items: list[QueuedFile]) -> None:
        """Rows for ``items``, whose ``row`` numbers follow the table's last row."""
        self.setUpdatesEnabled(False)
        try:
            self.setRowCount(self.rowCount() + len(items))
            for item in items:
                self._fill_row(item)
        finally:
            self.setUpdatesEnabled(True)

    def remove_rows(self, rows: list[int]) -> None:
        """Remove rows by number, given last first."""
        self.setUpdatesEnabled(False)
        try:
            for row in rows:
                self.removeRow(row)
        finally:
            self.setUpdatesEnabled(True)

    def _fill_row(self, item: QueuedFile) -> None:
        name = QTableWidgetItem(item.source.name)
        name.setToolTip(str(item.source))
        self.setItem(item.row, 0, name)
        for column in (1, 2, 3):
            self.setItem(item.row, column, QTableWidgetItem())
        pair = QTableWidgetItem()
        pair.setToolTip("The language pair of this file, fixed when it was added")
        self.setItem(item.row, PAIR_COLUMN, pair)
        self.show_pair(item)
        cancel = QTableWidgetItem("✕")
        cancel.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
        cancel.setToolTip("Cancel this file (Delete)")
        self.setItem(item.row, CANCEL_COLUMN, cancel)
        self.show_status(item)

    def show_pair(self, item: QueuedFile) -> None:
        text = f"{item.from_lang} → {item.to_lang}" if item.from_lang else ""
        self.item(item.row, PAIR_COLUMN).setText(text)

    def show_status(self, item: QueuedFile) -> None:
        """The row's status (with its message), output, progress bar and ✕."""
        status, row = item.status, item.row
        label = status.capitalize() + (f": {item.message}" if item.message else "")
        cell = self.item(row, 1)
        if cell is None:
            return
        cell.setText(label)
        cell.setToolTip(item.message)
        self._mark_failed(cell, status == "failed")
        output = self.item(row, 3)
        shown = item.output if item.output and status == "done" else None
        output.setText(shown.name if shown else "")
        output.setToolTip(str(shown) if shown else "")
        bar = self.item(row, PROGRESS_COLUMN)
        unfinished = status in ("failed", "skipped", "cancelled")
        bar.setData(Qt.ItemDataRole.UserRole, None if unfinished else item.progress)
        bar.setText("–" if unfinished else "")
        cancel = self.item(row, CANCEL_COLUMN)
        cancel.setText("" if status in FINISHED or status == "cancelling" else "✕")

    def _mark_failed(self, cell: QTableWidgetItem, failed: bool) -> None:
        """A failed row stands out: red text and an error icon (the message is the tip)."""
        if failed:
            cell.setForeground(QBrush(FAILED_COLOUR))
            cell.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical))
        elif cell.data(Qt.ItemDataRole.ForegroundRole) is not None:
            cell.setData(Qt.ItemDataRole.ForegroundRole, None)
            cell.setData(Qt.ItemDataRole.DecorationRole, None)
