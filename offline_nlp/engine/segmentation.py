"""Split text into sentences without a model, keeping every separator verbatim.

The engine translates sentences, so text is cut into an alternating sequence of
*separators* (whitespace, line breaks, empty lines: kept byte for byte) and *sentences*
(translated). Joining them again restores the layout exactly.

Rules, in order of importance:

* a line break always ends a sentence (paragraphs and lines survive as they are);
* ``。！？`` (and their half-width forms ``｡！？``) end a sentence even with no space
  after them, as Chinese and Japanese text has none;
* ``. ! ?`` end a sentence only when followed by whitespace, so decimals (``3.5``),
  versions and URLs stay whole, and only when the word before a ``.`` is not a known
  abbreviation (``Mr.``, ``e.g.``) or a single initial (``J. Smith``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Piece", "join_sentences", "split_text"]

# Lower-cased, without the final dot. Conservative on purpose: a missed split only
# makes one longer sentence, a wrong split can change the translation.
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st mt vs etc e.g i.e cf al approx dept est fig figs
    inc ltd co corp no nos vol vols p pp ch sec jan feb mar apr jun jul aug sep sept
    oct nov dec mon tue wed thu fri sat sun u.s u.k a.m p.m ph.d gen col lt sgt capt
    rev hon gov pres ave blvd rd""".split()
)

_CLOSERS = "\"'”’»)]}」』）】〕〉》"
_CJK_END = "。！？｡!?"
# A sentence end: a run of terminal punctuation, then closing quotes/brackets.
_LATIN_END = re.compile(r"[.!?…]+[" + re.escape(_CLOSERS) + r"]*(?=\s)")
_CJK_END_RE = re.compile(r"[。！？｡]+[" + re.escape(_CLOSERS) + r"]*|[!?]+[" + re.escape(_CLOSERS)
                         + r"]*(?=[\u3000-\u9fff\uac00-\ud7af\uff00-\uffef])")
_WORD_BEFORE = re.compile(r"([\w.]+)\.$")


@dataclass(frozen=True)
class Piece:
    """A stretch of the input: a sentence to translate, or a separator to keep."""

    text: str
    is_sentence: bool


def split_text(text: str) -> list[Piece]:
    """Cut ``text`` into sentences and separators; ``"".join`` gives ``text`` back."""
    pieces: list[Piece] = []
    for line in re.split(r"(\s*\n\s*)", text):
        if not line:
            continue
        if "\n" in line or line.isspace():
            pieces.append(Piece(line, False))
            continue
        pieces.extend(_split_line(line))
    return _merge_separators(pieces)


def _split_line(line: str) -> list[Piece]:
    out: list[Piece] = []
    lead = len(line) - len(line.lstrip())
    if lead:
        out.append(Piece(line[:lead], False))
    start = lead
    for end in _sentence_ends(line, lead):
        _append_sentence(out, line[start:end])
        gap_end = end
        while gap_end < len(line) and line[gap_end].isspace():
            gap_end += 1
        if gap_end > end:
            out.append(Piece(line[end:gap_end], False))
        start = gap_end
    _append_sentence(out, line[start:])
    return out


def _append_sentence(out: list[Piece], chunk: str) -> None:
    body = chunk.rstrip()
    if body:
        out.append(Piece(body, True))
    if len(body) < len(chunk):
        out.append(Piece(chunk[len(body):], False))


def _sentence_ends(line: str, start: int) -> list[int]:
    ends = {m.end() for m in _CJK_END_RE.finditer(line, start)}
    ends.update(m.end() for m in _LATIN_END.finditer(line, start) if _is_latin_end(line, m))
    return sorted(end for end in ends if end < len(line.rstrip()))


def _is_latin_end(line: str, match: re.Match[str]) -> bool:
    punct = match.group()
    if not punct.startswith(".") or len(punct.rstrip(_CLOSERS)) > 1:
        return True
    before = _WORD_BEFORE.search(line, 0, match.start() + 1)
    if before is None:
        return True
    word = before.group(1)
    if word.lower() in _ABBREVIATIONS:
        return False
    if len(word) == 1 and word.isupper():  # an initial, as in "J. R. R. Tolkien"
        return False
    rest = line[match.end():].lstrip()
    # "e.g. the" or "approx. five": a lower-case continuation is not a new sentence.
    return not (rest[:1].islower() and "." in word)


def _merge_separators(pieces: list[Piece]) -> list[Piece]:
    merged: list[Piece] = []
    for piece in pieces:
        if merged and not piece.is_sentence and not merged[-1].is_sentence:
            merged[-1] = Piece(merged[-1].text + piece.text, False)
        else:
            merged.append(piece)
    return merged


def _is_wide(char: str) -> bool:
    """Characters of scripts written without spaces between sentences."""
    code = ord(char)
    return (
        0x3000 <= code <= 0x30FF  # CJK punctuation, hiragana, katakana
        or 0x3400 <= code <= 0x9FFF  # CJK ideographs
        or 0xF900 <= code <= 0xFAFF
        or 0xFF00 <= code <= 0xFF60  # full-width forms
        or 0x20000 <= code <= 0x2FFFF
    )


def join_sentences(pieces: list[Piece], translations: list[str]) -> str:
    """Put translated sentences back between the original separators.

    A separator without a line break is adapted to the output script: translating
    Chinese into English needs a space between sentences that had none, and translating
    English into Chinese must not leave one between ``。`` and the next sentence.
    """
    out: list[str] = []
    it = iter(translations)
    for index, piece in enumerate(pieces):
        if piece.is_sentence:
            if out and index > 0 and pieces[index - 1].is_sentence:
                out.append(_gap("", out[-1]))
            out.append(next(it))
        elif "\n" in piece.text or index == 0 or index == len(pieces) - 1:
            out.append(piece.text)
        else:
            out.append(_gap(piece.text, out[-1] if out else ""))
    return "".join(out)


def _gap(separator: str, previous: str) -> str:
    ends_wide = bool(previous) and _is_wide(previous[-1])
    if ends_wide:
        return ""
    return separator or " "
