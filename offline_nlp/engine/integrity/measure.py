"""How much a text says, and whether it says something again: the guard's measures."""

from __future__ import annotations

import math
import re

from offline_nlp.engine.scripts import is_wide

_CJK = "\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\uFF66-\uFF9F\U00020000-\U0002FFFF"
_UNSPACED = "\u0E00-\u0FFF\u1000-\u109F\u1780-\u17FF"
_SIZE_UNITS = re.compile(f"([{_CJK}])|([{_UNSPACED}])|[^\\W_{_CJK}{_UNSPACED}]+")
_LOOP_UNITS = re.compile(f"[{_CJK}{_UNSPACED}]|[^\\W_{_CJK}{_UNSPACED}]+")


def text_size(text: str) -> float:
    """How much a text says, in words: a CJK character counts 0.6 of a word (Chinese
    uses about 1.7 per English word) and a Thai, Lao, Khmer, Myanmar or Tibetan letter
    0.25 (no spaces between words); everything else is counted in words and numbers.

    Subword tokens are a worse measure: a small vocabulary spells rare or capitalised
    words letter by letter, and ``Student chair.`` becomes ten tokens.
    """
    size = 0.0
    for match in _SIZE_UNITS.finditer(text):
        if match.group(1):
            size += 0.6
        elif match.group(2):
            size += 0.25
        else:
            size += 1.0
    return size


def repeats(text: str, strict: bool) -> bool:
    """Whether ``text`` says something again: a word three times in a row, or a phrase
    of four words (six CJK characters) twice. ``strict=False`` (for the source, which
    may repeat itself in other words than its translation): a word twice in a row, or
    three words (four characters) twice."""
    units = _LOOP_UNITS.findall(text)
    wide = sum(len(u) == 1 and is_wide(u) for u in units) > len(units) / 2
    size = (6 if wide else 4) - (0 if strict else (2 if wide else 1))
    in_a_row = 3 if strict else 2
    run = 1
    for previous, unit in zip(units, units[1:]):
        run = run + 1 if unit == previous and not unit.isdigit() else 1
        if run >= in_a_row:
            return True
    seen: set[tuple[str, ...]] = set()
    for i in range(len(units) - size + 1):
        gram = tuple(units[i:i + size])
        if gram in seen:
            return True
        seen.add(gram)
    return False


def joined_gap(gaps: list[tuple[float | None, float]]) -> float | None:
    """The gap of pieces joined, measured against the whole's limit: a piece of six
    words that left three out is as incomplete as a whole of forty that left five,
    and so are eight pieces that left two each."""
    if not gaps or any(gap is None for gap, _ in gaps):
        return None
    whole = gap_limit(sum(words for _, words in gaps))
    worst = max(gap * whole / gap_limit(words) for gap, words in gaps if gap is not None)
    return max(worst, sum(gap for gap, _ in gaps if gap is not None and gap >= 2))


def gap_limit(words: float) -> float:
    """An output that never attends to this many source words in a row left them out:
    three in a short sentence (an article or particle the target language does without
    is one word, rarely two), up to five from thirty words on."""
    return max(3.0, min(5.0, math.ceil(words / 6)))


def short_share(words: float, measured: bool) -> float:
    """Below this share of the usual output/source ratio an output is suspect.

    Half for short sentences, whose ratio varies most. Long ones vary much less, so the
    share rises to 0.75 from 40 words when the usual ratio was measured on the job's own
    ordinary sentences, and only to 0.55 when it is a guess (a word-for-word translation
    into a CJK script is at 0.6 of the guess).
    """
    ramp = min(1.0, max(0.0, (words - 10) / 30))
    return 0.5 + (0.25 if measured else 0.05) * ramp


def median(values: list[float]) -> float | None:
    if len(values) < 5:
        return None
    ordered = sorted(values)
    return ordered[len(ordered) // 2]

