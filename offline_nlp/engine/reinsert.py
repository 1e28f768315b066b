"""Whole sentences to the model: spans taken out, put back where the alignment says.

Translation models are trained on whole sentences. Given the text between two URLs on
its own they end it with a full stop, loop or invent words. So a sentence's spans (see
:mod:`offline_nlp.engine.protect`) are taken out (:func:`mask`), the rest is translated
as one sentence with its word alignment, and each span goes back next to the target
word aligned with the source word it followed, or, at the start of the sentence, before
the one aligned with the word after it (:func:`put_back`). Firefox Translations
(Bergamot) re-inserts markup the same way.

Spans with nothing but spaces or punctuation between them (``🇯🇵🇰🇷``, ``{a}, {b}``)
travel together as one *hole*, byte for byte, and brackets or quotes right around a
span go with it, so ``(https://example.org)`` does not leave ``()`` in the sentence.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from offline_nlp.engine.alignment import SpanRow
from offline_nlp.engine.protect import Span, is_number
from offline_nlp.engine.scripts import is_wide

__all__ = ["Hole", "Masked", "mask", "put_back"]

_WORDLIKE = re.compile(r"[^\W_]")
_CLOSERS = {"(": ")", "[": "]", "<": ">", '"': '"', "'": "'", "“": "”", "‘": "’", "«": "»",
            "「": "」", "『": "』", "（": "）"}
_END_MARKS = set(".!?。！？…:;")
_NO_SPACE_BEFORE = set(".,;:!?)]}”’»%…。，、；：！？）」』")
_NO_SPACE_AFTER = set("([{“‘«¿¡（「『")


@dataclass(frozen=True)
class Hole:
    """Where spans were: ``at`` in the masked text, ``[start, end)`` in the sentence."""

    at: int
    start: int
    end: int
    text: str  # what goes back: the spans' ``put_back`` and the source text between them
    before: str  # the source's whitespace right before and after
    after: str
    spans: tuple[Span, ...]


@dataclass(frozen=True)
class Masked:
    """A sentence without its spans, and what is needed to put them back."""

    sentence: str
    text: str
    holes: tuple[Hole, ...]
    # (offset in ``text``, offset in ``sentence``, length) of each piece of text kept
    chunks: tuple[tuple[int, int, int], ...]

    def to_source(self, offset: int, end: bool = False) -> int:
        """An offset in the masked text as an offset in the sentence."""
        starts = [c[0] for c in self.chunks]
        index = (bisect.bisect_left(starts, offset) if end else
                 bisect.bisect_right(starts, offset)) - 1
        masked, source, length = self.chunks[max(0, index)]
        return source + min(max(0, offset - masked), length)


def mask(sentence: str, spans: list[Span]) -> Masked | None:
    """``sentence`` without ``spans`` (sorted, not overlapping), ending with a full stop
    if it had no end mark; ``None`` when nothing is left to translate (only spans and
    punctuation)."""
    groups = _groups(sentence, spans)
    text, chunks, holes = "", [], []
    cursor = 0
    for start, end, members in groups:
        left = sentence[cursor:start]
        body = left.rstrip()
        if not holes:
            body = body.lstrip()
        lead = len(left) - len(left.lstrip()) if not holes else 0
        if body:
            chunks.append((len(text), cursor + lead, len(body)))
            text += body
        holes.append(Hole(len(text), start, end, _put_back_text(sentence, start, end, members),
                          left[len(left.rstrip()):], _space_after(sentence, end), members))
        cursor = end
    rest = sentence[cursor:]
    trail = rest.strip()
    if trail:
        offset = cursor + len(rest) - len(rest.lstrip())
        if text and _joined_by_space(text[-1], holes[-1], trail[0]):
            text += " "
        chunks.append((len(text), offset, len(trail)))
        text += trail
    if not _WORDLIKE.search(text):
        return None
    if sentence.rstrip()[-1:] not in _END_MARKS:
        # A model that has only seen whole sentences loops on "See" ("See https://…"):
        # it gets "See." (the mark is taken off its output again).
        text += "。" if is_wide(text[-1]) else "."
    return Masked(sentence, text, tuple(holes), tuple(chunks))


def _groups(sentence: str, spans: list[Span]) -> list[tuple[int, int, tuple[Span, ...]]]:
    """Spans with only spaces or punctuation between them, as one group each; brackets
    or quotes right around a group join it."""
    groups: list[tuple[int, int, tuple[Span, ...]]] = []
    for span in spans:
        if groups and not _WORDLIKE.search(sentence[groups[-1][1]:span.start]):
            start, _, members = groups[-1]
            groups[-1] = (start, span.end, (*members, span))
        else:
            groups.append((span.start, span.end, (span,)))
    out = []
    for start, end, members in groups:
        if start > 0 and end < len(sentence) and _CLOSERS.get(sentence[start - 1]) == sentence[end]:
            start, end = start - 1, end + 1
        out.append((start, end, members))
    return out


def _put_back_text(sentence: str, start: int, end: int, members: tuple[Span, ...]) -> str:
    out, cursor = "", start
    for span in members:
        out += sentence[cursor:span.start] + span.put_back
        cursor = span.end
    return out + sentence[cursor:end]


def _space_after(sentence: str, end: int) -> str:
    rest = sentence[end:]
    return rest[:len(rest) - len(rest.lstrip())]


def _joined_by_space(left: str, hole: Hole, right: str) -> bool:
    """Whether the text on both sides of a hole is joined with a space once it is out."""
    if not (hole.before or hole.after) or is_wide(left) or is_wide(right):
        return False  # a model for an unspaced script may stop at a space
    return right not in _NO_SPACE_BEFORE and left not in _NO_SPACE_AFTER


def put_back(masked: Masked, translation: str, rows: list[SpanRow] | None,
             anyway: bool = False) -> tuple[str, list[SpanRow]] | None:
    """The translation of ``masked.text`` with every hole filled, and its alignment rows
    (source offsets in the sentence); ``None`` when the alignment cannot place them.

    With ``anyway``, a hole the alignment cannot place goes to the word boundary at the
    same relative position (for an output that is reported as suspect anyway).
    """
    rows = rows or []
    if not anyway and (not rows or not all(_both_sides_kept(masked, hole, rows)
                                           for hole in masked.holes)):
        return None
    positions = [_position(hole, rows) for hole in masked.holes]
    if anyway:
        positions = [p if p is not None else _relative(masked, hole, translation)
                     for p, hole in zip(positions, masked.holes)]
    if any(p is None for p in positions):
        return None
    order = sorted(range(len(positions)), key=lambda i: (positions[i], i))
    # The translation cut at the holes' positions: [text, hole, text, hole, hole, text]
    items: list[tuple[int, str] | Hole] = []
    cursor = 0
    for index in order:
        pos = positions[index]
        assert pos is not None
        items.append((cursor, translation[cursor:pos]))
        items.append(masked.holes[index])
        cursor = pos
    items.append((cursor, translation[cursor:]))
    out = ""
    chunks: list[tuple[int, int, int]] = []  # (translation offset, output offset, length)
    hole_rows: list[SpanRow] = []
    for index, item in enumerate(items):
        if isinstance(item, Hole):
            previous, following = items[index - 1], items[index + 1]
            if isinstance(previous, Hole):
                out += previous.after or item.before
            elif out:
                out += _separator(item.before, masked.sentence[item.start - 1:item.start],
                                  out[-1], "before", item.text, _terms_only(item))
            hole_rows.extend(_rows_of(item, len(out)))
            out += item.text
            if not isinstance(following, Hole) and following[1].strip():
                out += _separator(item.after, masked.sentence[item.end:item.end + 1],
                                  following[1].lstrip()[0], "after", item.text,
                                  _terms_only(item))
            continue
        offset, text = item
        if index > 0:  # after a hole: its separator replaces the translation's spaces
            offset, text = offset + len(text) - len(text.lstrip()), text.lstrip()
        if index < len(items) - 1:
            text = text.rstrip()
        chunks.append((offset, len(out), len(text)))
        out += text
    moved = [[masked.to_source(a), masked.to_source(b, end=True),
              _moved(chunks, c), _moved(chunks, d, end=True)] for a, b, c, d in rows]
    return out, sorted(moved + hole_rows, key=lambda r: (r[2], r[3]))


def _moved(chunks: list[tuple[int, int, int]], offset: int, end: bool = False) -> int:
    """A translation offset as an offset in the output, holes filled."""
    for start, out_start, length in (reversed(chunks) if not end else chunks):
        if start <= offset <= start + length and (length or not end):
            return out_start + offset - start
    return chunks[-1][1] + chunks[-1][2] if chunks else 0


def _both_sides_kept(masked: Masked, hole: Hole, rows: list[SpanRow]) -> bool:
    """Whether words on each side of a hole are in the translation: a model that
    stopped at a word it does not know leaves the span nowhere to go."""
    for side, present in ((masked.text[:hole.at], any(r[1] <= hole.at for r in rows)),
                          (masked.text[hole.at:], any(r[0] >= hole.at for r in rows))):
        if _WORDLIKE.search(side) and not present:
            return False
    return True


def _relative(masked: Masked, hole: Hole, translation: str) -> int:
    """The word boundary of ``translation`` nearest the hole's relative position."""
    goal = round(len(translation) * hole.at / max(1, len(masked.text)))
    cuts = [0, len(translation)] + [m.start() for m in re.finditer(r"\s", translation)]
    cuts += [i for i, char in enumerate(translation) if is_wide(char)]
    return min(cuts, key=lambda cut: abs(cut - goal))


def _position(hole: Hole, rows: list[SpanRow]) -> int | None:
    """Where in the translation a hole goes: after the target word aligned with the
    nearest source word before it; at the sentence's start, before the one aligned with
    the nearest source word after it."""
    before = [r for r in rows if r[1] <= hole.at]
    if before:
        nearest = max(r[1] for r in before)
        return max(r[3] for r in before if r[1] == nearest)
    after = [r for r in rows if r[0] >= hole.at]
    if after:
        nearest = min(r[0] for r in after)
        return min(r[2] for r in after if r[0] == nearest)
    return None


def _terms_only(hole: Hole) -> bool:
    """Glossary terms and invisible characters: spaced as the translation is."""
    return all(span.kind in ("term", "invisible") for span in hole.spans)


def _separator(gap: str, source_char: str, target_char: str, side: str, text: str,
               term: bool = False) -> str:
    """The source's whitespace beside a hole; a space where the source, written without
    spaces (Chinese), had none but the translation is written with them; none between a
    Chinese or Japanese word and a number or another such word, nor beside a glossary
    term (``term``: target-language words, spaced as the translation is)."""
    if not target_char:
        return ""
    if is_wide(target_char) and (term or is_number(text)
                                 or is_wide(text[0 if side == "before" else -1])):
        return ""
    if gap:
        return gap
    if source_char and is_wide(source_char) and not is_wide(target_char) and \
            not target_char.isspace() and target_char not in (
                _NO_SPACE_BEFORE if side == "after" else _NO_SPACE_AFTER):
        return " "
    return ""


def _rows_of(hole: Hole, out_start: int) -> list[SpanRow]:
    """A hole maps onto itself word by word; a replaced span (a glossary term) as one."""
    if all(s.put_back == hole.text[s.start - hole.start:s.end - hole.start]
           for s in hole.spans):
        return [[hole.start + m.start(), hole.start + m.end(), out_start + m.start(),
                 out_start + m.end()] for m in re.finditer(r"\S+", hole.text)]
    return [[hole.start, hole.end, out_start, out_start + len(hole.text)]]
