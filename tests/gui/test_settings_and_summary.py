"""Settings go to the shared settings file; summaries run in the background."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from offline_nlp.context import AppContext
from offline_nlp.gui.mainwindow import MainWindow
from offline_nlp.settings import load_settings
from tests.gui.support import drop_files

pytestmark = pytest.mark.gui

TEXT = ("The river rose in the night. Farmers moved their animals to the hills. "
        "By morning the water had covered the fields. The village school opened its doors "
        "to families. Volunteers brought food and blankets. The rain stopped at noon.")


def test_settings_are_saved_to_the_settings_file(
        qtbot: QtBot, window: MainWindow, fake_context: AppContext) -> None:
    tab = window.settings_tab
    tab.preset.setCurrentIndex(tab.preset.findData("quality"))
    tab.threads.setValue(2)
    tab.models.setValue(2)
    tab.favourites.setText("xl, en")
    tab.save_button.click()
    saved = load_settings(fake_context.paths.settings_file)
    assert (saved.preset, saved.cpu_threads, saved.max_loaded_models) == ("quality", 2, 2)
    assert saved.favourite_languages == ("xl", "en")
    assert fake_context.settings == saved
    assert fake_context.settings.translation_options().beam_size == 4
    # favourites first in the pickers (after "Detect language" in the Text tab)
    assert window.text_tab.pair.source_box.itemData(0) == "auto"
    assert window.text_tab.pair.source_box.itemData(1) == "xl"
    assert window.documents_tab.pair.source_box.itemData(0) == "xl"


def test_extractive_summary(qtbot: QtBot, window: MainWindow) -> None:
    tab = window.summarize_tab
    tab.input.setPlainText(TEXT)
    tab.length.setCurrentIndex(tab.length.findData("short"))
    tab.summarize()
    qtbot.waitUntil(lambda: tab.output.toPlainText() != "")
    summary = tab.output.toPlainText()
    assert len(summary) < len(TEXT)
    assert all(sentence.strip() in TEXT for sentence in summary.split(". ") if sentence.strip())
    assert "picked from the text" in tab.state.text()


def test_dropping_a_document_on_the_summary_box_loads_its_text(
        qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text(TEXT + "\n", encoding="utf-8")
    tab = window.summarize_tab
    window.tabs.setCurrentWidget(tab)
    drop_files(tab.input.viewport(), [path])   # a scroll area gets drops on its viewport
    qtbot.waitUntil(lambda: tab.input.toPlainText().strip() == TEXT)


def test_summary_can_be_cancelled(
        qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    from offline_nlp.engine import summarizer
    from offline_nlp.errors import Cancelled

    started = threading.Event()

    def slow(self, texts, **kwargs):  # type: ignore[no-untyped-def]
        started.set()
        while not kwargs["cancel"].wait(0.01):
            pass
        raise Cancelled()

    monkeypatch.setattr(summarizer.Summarizer, "summarize_texts", slow)
    tab = window.summarize_tab
    tab.input.setPlainText(TEXT)
    tab.summarize()
    assert started.wait(5)
    tab.cancel_button.click()
    qtbot.waitUntil(lambda: tab.state.text() == "Cancelled")
    qtbot.waitUntil(lambda: tab.run_button.isEnabled())
