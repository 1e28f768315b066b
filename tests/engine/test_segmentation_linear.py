"""Splitting and joining do work proportional to the text, however long its lines.

No timing: every regular expression the splitter uses is wrapped to count the characters
it is asked to look at, so a splitter that re-scans a line from its start at every period
(quadratic: 4,000 sentences on one line took 17 s) fails on its count, on any machine.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from offline_nlp.engine import segmentation
from offline_nlp.engine.segmentation import split_text


class CountingPattern:
    """A compiled pattern that adds up how many characters each call scans."""

    def __init__(self, pattern: re.Pattern[str], counter: list[int]) -> None:
        self._pattern = pattern
        self._counter = counter

    def _span(self, string: str, pos: int, endpos: int | None) -> tuple[int, int]:
        return pos, len(string) if endpos is None else min(endpos, len(string))

    def search(self, string: str, pos: int = 0, endpos: int | None = None) -> Any:
        start, stop = self._span(string, pos, endpos)
        found = self._pattern.search(string, start, stop)
        self._counter[0] += (found.end() if found else stop) - start + 1
        return found

    def match(self, string: str, pos: int = 0, endpos: int | None = None) -> Any:
        start, stop = self._span(string, pos, endpos)
        found = self._pattern.match(string, start, stop)
        self._counter[0] += (found.end() - start if found else 0) + 1
        return found

    def finditer(self, string: str, pos: int = 0, endpos: int | None = None) -> Iterator[Any]:
        start, stop = self._span(string, pos, endpos)
        self._counter[0] += stop - start + 1
        return self._pattern.finditer(string, start, stop)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pattern, name)


@pytest.fixture
def scanned(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    counter = [0]
    for name, value in vars(segmentation).items():
        if isinstance(value, re.Pattern):
            monkeypatch.setattr(segmentation, name, CountingPattern(value, counter))
    return counter


TEXTS = {
    "sentences on one line": "The teacher went home. ",
    "abbreviations": "Mr. Smith met Dr. Brown on Jan. 5, e.g. at No. 7. ",
    "Chinese without spaces": "我们去公园吧！你去吗？好的。",
    "Korean without spaces": "감사합니다.다음에 봐요.",
    "decimals and URLs": "It costs 3.5 at www.example.com today ",
    "periods only": ". ",
    "quotes": "「やめて！」と彼女は叫んだ。\"Stop!\" he said. ",
    "wrapped lines": "the line goes on\n",
}


@pytest.mark.parametrize("name", TEXTS)
def test_splitting_scans_each_character_a_bounded_number_of_times(
        name: str, scanned: list[int]) -> None:
    work = []
    for repeats in (500, 4000):
        text = TEXTS[name] * repeats
        scanned[0] = 0
        pieces = split_text(text)
        assert "".join(p.text for p in pieces) == text
        # At most a bounded look around each punctuation mark (the word before a period).
        assert scanned[0] <= 40 * len(text), (repeats, scanned[0], len(text))
        work.append(scanned[0])
    assert work[1] <= 8 * 1.05 * work[0]  # 8 times the text, 8 times the work

