"""The app under a real X server (Xvfb), not only Qt's offscreen platform.

Run by ``make test`` as its own pytest invocation, under ``xvfb-run -a`` with
``QT_QPA_PLATFORM=xcb`` (the offscreen run deselects the ``xvfb`` marker). Without an X
display the tests skip on a developer's machine but FAIL when ``CI=true``: CI must
install xvfb and the xcb libraries (``.ci/run``).
"""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QGuiApplication, QTextCursor
from pytestqt.qtbot import QtBot

from offline_nlp.gui.mainwindow import MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.xvfb]


@pytest.fixture(autouse=True)
def real_x(qapp) -> None:  # type: ignore[no-untyped-def]
    platform = QGuiApplication.platformName()
    if platform != "xcb":
        message = (f"Qt runs on {platform!r}, not on an X server: run under "
                   "'xvfb-run -a' with QT_QPA_PLATFORM=xcb (make test does)")
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)


def test_typing_and_the_alignment_highlight_under_x(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.waitExposed(window)
    tab = window.text_tab
    qtbot.keyClicks(tab.source_edit, "good morning.")
    qtbot.waitUntil(lambda: tab.target_edit.toPlainText() == "GOOD MORNING.")
    cursor = QTextCursor(tab.source_edit.document())
    cursor.setPosition(7)
    point = tab.source_edit.cursorRect(cursor).center() + QPoint(2, 0)
    qtbot.mouseMove(tab.source_edit.viewport(), point)
    qtbot.waitUntil(lambda: tab.highlighter.highlighted == ("morning", "MORNING"))
    image = window.grab().toImage()
    colours = {image.pixel(x, y) for x in range(0, image.width(), 5)
               for y in range(0, image.height(), 5)}
    assert len(colours) > 10          # the window was drawn, not left blank
