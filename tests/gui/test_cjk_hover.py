"""Issue 22 item 9: on the CJK fixture model (every English word is one ideograph,
numbers are copied), hovering an English word marks exactly its ideograph or number,
never half a word or a neighbour's character, and hovering an ideograph marks its word."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator

import pytest
import synthetic
from helpers import fixture_package
from PySide6.QtWidgets import QPlainTextEdit

from offline_nlp.context import AppContext
from offline_nlp.gui.highlight import AlignmentHighlighter

pytestmark = pytest.mark.gui

_EN = re.compile(r"\d[\d.,]*\d|\d|[A-Za-z']+")
_XZ = re.compile(r"\d[\d.,]*\d|\d|[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def translated() -> Iterator[list[tuple[str, object]]]:
    context = AppContext.create(use_cache=False)
    context.packages.install_file(fixture_package("en_xz"))
    rng = random.Random(5)
    sentences = [synthetic.random_sentence(rng, "en", 5, 12) for _ in range(40)]
    results = context.engine.translate_texts(sentences, "en", "xz", align=True)
    yield list(zip(sentences, results))
    context.close()


def test_each_english_word_marks_exactly_its_characters(qtbot, translated) -> None:  # type: ignore[no-untyped-def]
    source, target = QPlainTextEdit(), QPlainTextEdit()
    qtbot.addWidget(source)
    qtbot.addWidget(target)
    highlighter = AlignmentHighlighter(source, target)
    words = exact = 0
    wrong = []
    for sentence, result in translated:
        assert result.text == synthetic.translate_text(sentence, "en", "xz")
        source.setPlainText(sentence)
        target.setPlainText(result.text)
        highlighter.set_alignment(sentence, result.text, result.alignment)
        pairs = list(zip(_EN.finditer(sentence), _XZ.finditer(result.text)))
        for english, cjk in pairs:
            words += 1
            marked = highlighter.highlight(False, english.start(), english.end())[1]
            if marked == cjk.group():
                exact += 1
            else:
                wrong.append((english.group(), cjk.group(), marked))
    assert words > 300
    assert exact == words, wrong[:10]


def test_an_ideograph_marks_its_english_word(qtbot, translated) -> None:  # type: ignore[no-untyped-def]
    source, target = QPlainTextEdit(), QPlainTextEdit()
    qtbot.addWidget(source)
    qtbot.addWidget(target)
    highlighter = AlignmentHighlighter(source, target)
    sentence, result = translated[0]
    source.setPlainText(sentence)
    target.setPlainText(result.text)
    highlighter.set_alignment(sentence, result.text, result.alignment)
    english = next(m for m in _EN.finditer(sentence) if m.group().isalpha())
    cjk = next(_XZ.finditer(result.text))
    assert highlighter.highlight(True, cjk.start(), cjk.end()) == (english.group(), cjk.group())
