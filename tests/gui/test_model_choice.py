"""Settings → "Model for en → xl": the user picks which installed package serves a pair
that two can serve (an Argos en→xl package and the multilingual NLLB model; issue 23)."""

from __future__ import annotations

import json
import random

import pytest
import synthetic
from helpers import PACKAGES, fixture_package
from pytestqt.qtbot import QtBot

from offline_nlp.context import AppContext
from offline_nlp.packages.ctmodels import ModelHints
from tests.gui.support import WindowFactory

pytestmark = pytest.mark.gui


def translate_in_text_tab(qtbot: QtBot, window, seed: int,  # type: ignore[no-untyped-def]
                          loaded: str) -> None:
    """Types a sentence into the Text tab; its translation loads only the package
    that served it (the engine was rebuilt on saving, without the old models)."""
    tab = window.text_tab
    tab.pair.set_pair("en", "xl")
    tab.source_edit.clear()
    tab.target_edit.clear()
    text = synthetic.random_sentence(random.Random(seed), "en")
    qtbot.keyClicks(tab.source_edit, text)
    tab.translate_now()
    qtbot.waitUntil(lambda: tab.target_edit.toPlainText().strip() != "", timeout=30_000)
    qtbot.waitUntil(lambda: window.models_label.text() == f"Loaded: {loaded}", timeout=10_000)


def test_choosing_the_model_for_a_pair_saves_it_and_the_text_tab_uses_it(
        qtbot: QtBot, make_window: WindowFactory, empty_context: AppContext) -> None:
    context = empty_context
    for pair in ("en_xl", "xl_en", "en_xz"):
        context.packages.install_file(fixture_package(pair))
    context.packages.install_file(
        PACKAGES / "nllb-synthetic.zip",
        hints=ModelHints(languages={"xl": "xlx_Latn", "xz": "xzx_Hani"}))
    window = make_window(context)
    window.refresh_languages()
    settings = window.settings_tab
    # every pair both serve gets a choice; xz→en, which NLLB alone serves, none
    assert set(settings.model_choices) == {("en", "xl"), ("xl", "en"), ("en", "xz")}
    combo = settings.model_choices[("en", "xl")]
    assert [combo.itemData(i) for i in range(combo.count())] == [
        "", "translate-en_xl", "nllb-synthetic"]
    assert "CC-BY-NC-4.0" in combo.itemText(2)
    assert combo.currentData() == ""   # automatic: the one-pair package

    combo.setCurrentIndex(combo.findData("nllb-synthetic"))
    settings.save()
    saved = json.loads(context.paths.settings_file.read_text(encoding="utf-8"))
    assert saved["preferred_models"] == ["en>xl=nllb-synthetic"]
    engine = context.engine
    assert [h.package.info.code for h in engine.route("en", "xl").hops] == ["nllb-synthetic"]
    assert [h.package.info.code for h in engine.route("xl", "en").hops] == ["translate-xl_en"]
    translate_in_text_tab(qtbot, window, 1, "nllb-synthetic")

    # the Settings tab shows the choice again, and Automatic goes back
    assert settings.model_choices[("en", "xl")].currentData() == "nllb-synthetic"
    combo = settings.model_choices[("en", "xl")]
    combo.setCurrentIndex(combo.findData(""))
    settings.save()
    saved = json.loads(context.paths.settings_file.read_text(encoding="utf-8"))
    assert saved["preferred_models"] == []
    assert [h.package.info.code for h in context.engine.route("en", "xl").hops] == [
        "translate-en_xl"]
    translate_in_text_tab(qtbot, window, 2, "translate-en_xl")
