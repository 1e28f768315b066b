"""The labelled splitting set: every case split exactly (see data/sentence_splits.tsv).

Cases in the style of the "Golden Rules" for English, German, French, Spanish, Chinese,
Japanese and Korean (and a few in Italian, Portuguese, Russian, Hindi, Arabic, Urdu), including every splitting defect reported so far. A row's fourth
column, where present, is what the splitter gives by design instead of the reference
(it splits where the reference merges: a split costs fluency, a merge loses text).
``bench/splitters.py`` scores other splitters on the same rows.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest

from offline_nlp.engine.segmentation import split_text

DATA = Path(__file__).parent / "data" / "sentence_splits.tsv"


class Case(NamedTuple):
    language: str
    text: str
    expected: list[str]
    ours: list[str]


def load_cases(path: Path = DATA) -> list[Case]:
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        language, text, *columns = line.split("\t")
        expected, *ours = [column.split(" ‖ ") for column in columns]
        cases.append(Case(language, text.replace("\\n", "\n"), expected, ours[0] if ours else expected))
    return cases


CASES = load_cases()


def test_the_set_covers_every_language_and_enough_cases() -> None:
    assert {case.language for case in CASES} >= {"en", "de", "fr", "es", "zh", "ja", "ko"}
    assert len(CASES) >= 150
    assert sum(case.ours != case.expected for case in CASES) <= 4


@pytest.mark.parametrize("case", CASES, ids=[f"{c.language}-{i}" for i, c in enumerate(CASES)])
def test_labelled_case_is_split_exactly(case: Case) -> None:
    pieces = split_text(case.text, case.language)
    assert "".join(p.text for p in pieces) == case.text
    assert [p.text for p in pieces if p.is_sentence] == case.ours
