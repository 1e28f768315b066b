"""The Qt binding itself: a long session must not wear out Python's ``None``."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidgetItem

pytestmark = pytest.mark.gui


def test_qt_calls_do_not_drop_references_to_none(qapp) -> None:  # type: ignore[no-untyped-def]
    """PySide6 6.12.0 on Python 3.11 lost one reference to None per call returning
    nothing: Cancel all on a 1,000-document queue aborted the app ("none_dealloc")."""
    item = QTableWidgetItem()
    before = sys.getrefcount(None)
    for _ in range(2000):
        item.setData(Qt.ItemDataRole.UserRole, 1)
        qapp.processEvents()
    assert sys.getrefcount(None) - before > -100
