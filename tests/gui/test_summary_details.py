"""Summarise, issue 22 item 8: an undetected language gives an extractive summary (not
the English model's), a summary never waits behind a document job, and file dialogs
open in the documents folder."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from offline_nlp.gui.mainwindow import MainWindow
from tests.gui.test_documents_tab import statuses, write

pytestmark = pytest.mark.gui

TEXT = ("The river is wide. The old house stands by the river. We go home in the evening. "
        "The children play in the garden. The weather is fine today.")


def test_an_undetected_language_gives_an_extractive_summary(
        qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    from offline_nlp.engine import summarizer
    from offline_nlp.gui import summarize_tab

    asked: list[dict[str, Any]] = []
    original = summarizer.Summarizer.summarize_texts

    def spy(self, texts, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(kwargs)
        return original(self, texts, **kwargs)
    monkeypatch.setattr(summarizer.Summarizer, "summarize_texts", spy)
    monkeypatch.setattr(summarize_tab, "detect_language", lambda text: None)
    tab = window.summarize_tab
    tab.input.setPlainText(TEXT)
    assert tab.language.currentData() == ""          # Detect automatically
    tab.summarize()
    qtbot.waitUntil(lambda: tab.output.toPlainText() != "")
    assert asked[0]["extractive"] is True and asked[0]["language"] is None
    assert "picked from the text" in tab.state.text()


def test_a_summary_does_not_wait_for_a_document_job(
        qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    engine = window.context.engine
    engine.gate = threading.Event()
    engine.gated = lambda texts: texts == ["Long document."]
    window.documents_tab.add_paths([write(tmp_path / "a.txt", "Long document.\n")])
    assert engine.started.wait(5)
    tab = window.summarize_tab
    tab.extractive.setChecked(True)
    tab.input.setPlainText(TEXT)
    tab.summarize()
    qtbot.waitUntil(lambda: tab.output.toPlainText() != "", timeout=10_000)
    assert window.documents_tab.is_running()          # the document still runs
    engine.gate.set()
    qtbot.waitUntil(lambda: statuses(window.documents_tab) == ["done"])


def test_file_dialogs_open_in_the_documents_folder(
        window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtCore import QStandardPaths
    from PySide6.QtWidgets import QFileDialog

    documents = tmp_path / "Documents"
    documents.mkdir()
    monkeypatch.setattr(QStandardPaths, "writableLocation", lambda _kind: str(documents))
    folders: list[str] = []
    answers = {"getOpenFileNames": ([], ""), "getOpenFileName": ("", ""),
               "getExistingDirectory": ""}
    for name, answer in answers.items():
        def dialog(*args: Any, _answer: Any = answer, **_kw: Any) -> Any:
            folders.append(str(args[2]) if len(args) > 2 else "")
            return _answer
        monkeypatch.setattr(QFileDialog, name, dialog)
    window.documents_tab.choose_files()
    window.documents_tab.choose_folder()
    window.summarize_tab._on_open()
    window.install_package_files()
    assert folders == [str(documents)] * 4
