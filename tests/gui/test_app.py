"""Starting the app the way the launcher and ``offline-nlp gui`` do."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from offline_nlp.gui import app as gui_app
from tests.gui.support import Shown

pytestmark = pytest.mark.gui


def test_main_starts_and_quits_cleanly(tmp_path: Path) -> None:
    """In a child process: a finished ``exec()`` leaves this test process's app unusable."""
    code = ("from PySide6.QtCore import QTimer\n"
            "from offline_nlp.gui.app import create_application, main\n"
            "app = create_application()\n"
            "QTimer.singleShot(500, app.quit)\n"
            "raise SystemExit(main([]))\n")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "OFFLINE_NLP_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=False,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert (tmp_path / "config" / "window.ini").is_file()   # the window saved its state


def test_app_icon_is_packaged(qtbot: QtBot) -> None:
    assert not gui_app.app_icon().isNull()


def test_cli_gui_subcommand_runs_the_app(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    from offline_nlp import cli

    called = []
    monkeypatch.setattr(gui_app, "main", lambda argv=None: called.append(argv) or 0)
    assert cli.main(["gui"]) == 0
    assert called == [[]]


def test_uncaught_slot_errors_become_a_message_box(
        qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, errors: Shown) -> None:
    from offline_nlp.gui.dialogs.errors import install_excepthook

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    install_excepthook()
    try:
        raise ValueError("bad value")
    except ValueError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    assert errors == [("Something went wrong", "Unexpected error (ValueError): bad value")]
