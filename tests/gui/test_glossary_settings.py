"""The glossary editor in Settings (issue 19, item 4): a table of terms saved as a file in
the config folder, used by the app's translations and by the CLI, on the fixture models."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot
from synthetic import translate_sentence

from offline_nlp.cli import main
from offline_nlp.context import AppContext
from offline_nlp.gui.settings_tab import SettingsTab
from offline_nlp.settings import load_settings

pytestmark = pytest.mark.gui

SOURCE = "The teacher went to the river."
EXPECTED = (f"{translate_sentence('The', 'en', 'xl')} Herr Lehrer "
            f"{translate_sentence('went to the river.', 'en', 'xl')}")


def fill(tab: SettingsTab, *rows: tuple[str, ...]) -> None:
    for row in rows:
        tab._add_term(row)


def test_terms_typed_in_settings_are_used_by_the_app_and_the_cli(
        qtbot: QtBot, context: AppContext, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OFFLINE_NLP_PACKAGES", str(context.paths.packages))
    tab = SettingsTab(context)
    qtbot.addWidget(tab)
    fill(tab, ("teacher", "Herr Lehrer", "", ""), ("", "", "", ""),
         ("river", "FLUSS", "en", "xz"))
    tab.save_button.click()
    saved = load_settings(context.paths.settings_file)
    assert saved.glossary_file == str(context.paths.glossary_file)
    assert context.paths.glossary_file.read_text(encoding="utf-8") == \
        "teacher,Herr Lehrer\nriver,FLUSS,en,xz\n"
    options = context.settings.translation_options()
    assert context.engine.translate(SOURCE, "en", "xl", options) == EXPECTED
    assert main(["translate", "--from", "en", "--to", "xl", "--text", SOURCE]) == 0
    assert capsys.readouterr().out.strip() == EXPECTED
    # the table shows the saved terms again
    again = SettingsTab(context)
    qtbot.addWidget(again)
    assert again.glossary.rowCount() == 2
    assert again.glossary.item(1, 3).text() == "xz"


def test_a_bad_row_is_one_clear_error_and_nothing_is_saved(
        qtbot: QtBot, context: AppContext, errors: list[tuple[str, str]]) -> None:
    tab = SettingsTab(context)
    qtbot.addWidget(tab)
    fill(tab, ("teacher", "", "", ""))
    tab.save_button.click()
    assert errors and "the glossary table, entry 1: a term is empty" in errors[0][1]
    assert not context.paths.glossary_file.exists()
    assert not context.settings.glossary_file


def test_removing_every_term_turns_the_glossary_off(qtbot: QtBot, context: AppContext) -> None:
    tab = SettingsTab(context)
    qtbot.addWidget(tab)
    fill(tab, ("teacher", "Herr Lehrer", "", ""))
    tab.save_button.click()
    tab.glossary.selectAll()
    tab._remove_terms()
    tab.save_button.click()
    assert context.settings.glossary_file == ""
    assert context.settings.translation_options().glossary is None
