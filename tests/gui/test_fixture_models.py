"""The app over the trained fixture models, whose exact output is known (synthetic.py)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
import synthetic
from helpers import FIXTURE_PAIRS, fixture_package
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from offline_nlp.context import AppContext
from tests.gui.support import WindowFactory

pytestmark = pytest.mark.gui


def need(*pairs: str) -> None:
    """The fixture packages are committed: a missing one is a broken checkout, not a skip."""
    missing = [p for p in pairs if not fixture_package(p).exists()]
    assert not missing, f"fixture packages missing: {', '.join(missing)}"


@pytest.fixture
def real_context() -> Iterator[AppContext]:
    """A real engine over whichever fixture packages exist (each test says what it needs)."""
    ctx = AppContext.create(use_cache=False)
    for pair in FIXTURE_PAIRS:
        if fixture_package(pair).exists():
            ctx.packages.install_file(fixture_package(pair))
    yield ctx
    ctx.close()


def sentences(seed: int, count: int) -> str:
    rng = random.Random(seed)
    return " ".join(synthetic.random_sentence(rng, "en") for _ in range(count))


def test_typing_translates_with_the_fixture_model(
        qtbot: QtBot, make_window: WindowFactory, real_context: AppContext) -> None:
    need("en_xz")
    window = make_window(real_context)
    tab = window.text_tab
    tab.pair.set_pair("en", "xz")
    text = sentences(1, 2)
    qtbot.keyClicks(tab.source_edit, text)
    expected = synthetic.translate_text(text, "en", "xz")
    qtbot.waitUntil(lambda: tab.target_edit.toPlainText() == expected, timeout=20_000)
    assert "translate-en_xz" in window.models_label.text()


def test_pivot_through_english(
        qtbot: QtBot, make_window: WindowFactory, real_context: AppContext) -> None:
    need("xl_en", "en_xz")
    window = make_window(real_context)
    tab = window.text_tab
    tab.pair.set_pair("xl", "xz")
    assert tab.pair.pair() == ("xl", "xz")
    source = synthetic.translate_text(sentences(2, 1), "en", "xl")
    tab.set_text(source)
    tab.translate_now()
    expected = synthetic.translate_text(source, "xl", "xz")
    qtbot.waitUntil(lambda: tab.target_edit.toPlainText() == expected, timeout=20_000)
    assert "through English" in tab.state_label.text()   # a name, not a code


def test_dropped_documents_are_translated_with_the_fixture_model(
        qtbot: QtBot, make_window: WindowFactory, real_context: AppContext, tmp_path: Path) -> None:
    from tests.gui.support import drop_files

    need("en_xz")
    window = make_window(real_context)
    tab = window.documents_tab
    tab.pair.set_pair("en", "xz")
    paragraphs = [sentences(3, 2), sentences(4, 1)]
    src = tmp_path / "story.txt"
    src.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    drop_files(tab.drop_zone, [src])
    qtbot.waitUntil(lambda: [f.status for f in tab.files] == ["done"], timeout=30_000)
    expected = "\n\n".join(synthetic.translate_text(p, "en", "xz") for p in paragraphs) + "\n"
    assert (tmp_path / "story.xz.txt").read_text(encoding="utf-8") == expected


def test_event_loop_turns_during_a_long_real_translation(
        qtbot: QtBot, make_window: WindowFactory, real_context: AppContext) -> None:
    need("en_xz")
    window = make_window(real_context)
    tab = window.text_tab
    tab.pair.set_pair("en", "xz")
    text = "\n\n".join(sentences(seed, 8) for seed in range(40))
    ticks: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    tab.set_text(text)
    tab.translate_now()
    qtbot.waitUntil(lambda: tab.target_edit.toPlainText() != "", timeout=60_000)
    timer.stop()
    assert tab.target_edit.toPlainText() == synthetic.translate_text(text, "en", "xz")
    assert len(ticks) >= 5
