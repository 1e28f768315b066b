"""A multilingual model in the desktop app: the Packages tab says its licence and memory,
and the pickers offer every pair it serves (issue 23)."""

from __future__ import annotations

import pytest
from helpers import PACKAGES
from pytestqt.qtbot import QtBot

from offline_nlp.context import AppContext
from offline_nlp.packages.ctmodels import ModelHints
from tests.gui.support import WindowFactory

pytestmark = pytest.mark.gui


def test_packages_tab_shows_licence_and_memory_and_pickers_every_pair(
        qtbot: QtBot, make_window: WindowFactory, empty_context: AppContext) -> None:
    empty_context.packages.install_file(
        PACKAGES / "nllb-synthetic.zip",
        hints=ModelHints(languages={"xl": "xlx_Latn", "xz": "xzx_Hani"}))
    window = make_window(empty_context)
    window.refresh_languages()
    window.open_packages()
    tab = window.packages_tab
    tab.reload()
    qtbot.waitUntil(lambda: tab.select_code("nllb-synthetic"))
    row = tab.table.currentRow()
    assert tab.table.item(row, 1).text() == "3 languages: en, xl, xz"
    status = tab.table.item(row, 4).text()
    assert "licence: CC-BY-NC-4.0" in status and "MB in memory" in status
    pair = window.text_tab.pair
    pair.set_pair("xl", "xz")
    assert pair.pair() == ("xl", "xz") and pair.is_available()
    assert pair.sources_for("xz") == ["en", "xl"]
