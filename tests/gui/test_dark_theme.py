"""Dark theme, issue 22 item 8: an unchecked check box and an empty progress bar must be
seen against the window."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QCheckBox, QProgressBar, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from offline_nlp.gui.theme import apply_theme

pytestmark = pytest.mark.gui


@pytest.fixture
def dark(qapp) -> Iterator[None]:  # type: ignore[no-untyped-def]
    apply_theme("dark")
    yield
    apply_theme("system")


def contrast(image: QImage, background: QColor) -> int:
    """The largest lightness difference between a pixel and the window background."""
    return max(abs(QColor(image.pixel(x, y)).lightness() - background.lightness())
               for x in range(image.width()) for y in range(image.height()))


def test_unchecked_boxes_and_empty_bars_show_in_the_dark_theme(qtbot: QtBot, dark: None) -> None:
    page = QWidget()
    layout = QVBoxLayout(page)
    box = QCheckBox("")
    bar = QProgressBar()
    bar.setTextVisible(False)
    bar.setValue(0)
    layout.addWidget(box)
    layout.addWidget(bar)
    qtbot.addWidget(page)
    page.resize(200, 80)
    page.show()
    qtbot.waitExposed(page)
    window = page.palette().window().color()
    assert contrast(box.grab().toImage(), window) >= 60
    assert contrast(bar.grab().toImage(), window) >= 60
