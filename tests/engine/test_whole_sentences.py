"""Whole sentences to the model (issue 19): a model trained only on whole sentences
(``translate-en_xl-whole``, like every real package) gets each sentence without its
spans, whole, and the spans are put back by the word alignment."""

from __future__ import annotations

import pytest
import synthetic
from helpers import PACKAGES

from offline_nlp.engine import Engine, TranslationOptions, integrity
from offline_nlp.packages import PackageManager
from offline_nlp.paths import AppPaths


def tr(text: str, target: str) -> str:
    return synthetic.translate_sentence(text, "en", target)


# -- whole sentences to a model trained only on whole sentences -------------------------

WHOLE = PACKAGES / "translate-en_xl-whole-1_0.argosmodel"


@pytest.fixture(scope="module")
def whole_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """Only ``translate-en_xl-whole``: never trained on fragments or unpunctuated text,
    like every real package."""
    paths = AppPaths.under(tmp_path_factory.mktemp("whole")).ensure()
    PackageManager(paths).install_file(WHOLE)
    return Engine(PackageManager(paths))


WHOLE_CASES = [
    ("The teacher went to", "https://example.org/a", "and the dog is happy."),
    ("Write to", "a@b.org", "before the evening."),
    ("", "{name}", "is here."),
    ("Open", "/usr/local/bin", "and read the book!"),
    ("The", "%s", "and", "{count}", "are new."),
    ("We live in", "北京", "now."),
    ("The train went at", "10:30", "today."),
    ("My phone is", "+1 (555) 123-4567", "."),
    ("Call", "1️⃣", "and wait."),
    ("The", "🇯🇵🇰🇷", "children are happy."),
    ("See", "https://example.org", ""),
]


def whole_sentence(case: tuple[str, ...]) -> tuple[str, str]:
    """A case's source and right answer: text and spans alternate, one space between."""
    source = " ".join(part for part in case if part).replace(" .", ".")
    out = []
    for index, part in enumerate(case):
        if index % 2:
            out.append(part)
        elif part.strip("."):
            out.append(tr(part, "xl"))
        elif part:
            out[-1] += part
    return source, " ".join(out)


@pytest.mark.parametrize("case", WHOLE_CASES, ids=lambda c: "-".join(c[1::2]))
def test_a_model_of_whole_sentences_gets_whole_sentences(whole_engine: Engine,
                                                         case: tuple[str, ...]) -> None:
    # Sent in pieces, "The teacher went to" comes back as a sentence of its own, with a
    # full stop; sent whole without its spans, every word is right and the spans are put
    # back beside the words they followed.
    source, expected = whole_sentence(case)
    result = whole_engine.translate_texts([source], "en", "xl", TranslationOptions(use_cache=False))[0]
    assert result.text == expected
    assert result.suspect == ()
