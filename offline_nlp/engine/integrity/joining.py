"""A sentence put back together: its parts' outputs joined with the right spacing.

Translated pieces of a CJK output are joined without spaces, kept spans keep the
source's own spacing, a fragment's translation loses the full stop and the capital a
model gives every sentence, and alignment rows are shifted to where each part landed.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from offline_nlp.engine.alignment import SpanRow
from offline_nlp.engine.integrity.measure import joined_gap, text_size
from offline_nlp.engine.integrity.spans import Part, UnitResult
from offline_nlp.engine.protect import is_number
from offline_nlp.engine.scripts import is_wide

__all__ = ["compose", "continued", "identity_rows", "no_added_end"]

_NO_SPACE_BEFORE = set(".,;:!?)]}”’»%…")
_NO_SPACE_AFTER = set("([{“‘«¿¡")
# Full-width punctuation left alone between kept spans ("257.08。") becomes the ASCII
# mark when the translation is written with spaces (xz→en gives "257.08.", not "257.08。").
_TO_ASCII = str.maketrans("。，！？：；", ".,!?:;")


def compose(parts: list[Part], results: dict[str, UnitResult], align: bool,
            lower_case_word: Callable[[str], bool]) -> UnitResult:
    """The parts' outputs joined with the right spacing; alignment rows shifted."""
    if len(parts) == 1 and parts[0].kind == "unit":
        return results[parts[0].text]
    ranks = max((len(results[p.text].hypotheses) for p in parts if p.kind == "unit"),
                default=1)
    hypotheses: list[str] = []
    alignment: list[SpanRow] | None = None
    for rank in range(ranks):
        text, rows = _join(parts, results, rank, lower_case_word)
        if rank == 0:
            alignment = rows
        if text not in hypotheses:
            hypotheses.append(text)
    return UnitResult(hypotheses, alignment if align else None, joined_gap(
        [(results[p.text].gap, text_size(p.text)) for p in parts if p.kind == "unit"]))


def _join(parts: list[Part], results: dict[str, UnitResult], rank: int,
          lower_case_word: Callable[[str], bool]) -> tuple[str, list[SpanRow] | None]:
    """The ``rank``-th hypotheses of the parts joined, and their alignment rows (``None``
    where a unit's rows are unknown: every rank but the first)."""
    out = ""
    rows: list[SpanRow] | None = []
    pending_gap = ""
    previous_kept = True
    previous_source = ""
    pieces = sum(p.kind != "gap" for p in parts) > 1
    spaced = _spaced_output(parts, results, rank)
    for part in parts:
        if part.kind == "gap":
            pending_gap += part.text
            continue
        if part.kind == "unit":
            result = results[part.text]
            text = result.hypotheses[min(rank, len(result.hypotheses) - 1)]
            if pieces:  # a fragment's translation does not end a sentence
                text = no_added_end(part.text, text)
            if out:
                text = continued(part.text, out, text, lower_case_word)
        elif part.put_back is None:
            text = _punctuation_for(part.text, spaced)
        else:
            text = part.put_back
        if out and text:
            tight = (previous_kept and is_number(previous_source)) or (
                part.kind == "keep" and is_number(part.text))
            out += _joint(out[-1], pending_gap, text[0],
                          previous_kept or part.kind == "keep",
                          is_wide(previous_source[-1:] or " ") or is_wide(part.text[0]),
                          tight)
        pending_gap = ""
        if rows is not None:
            if part.kind == "unit":
                unit_rows = results[part.text].alignment if rank == 0 else None
                if unit_rows is None:
                    rows = None
                else:
                    rows.extend([a + part.start, b + part.start, c + len(out), d + len(out)]
                                for a, b, c, d in unit_rows if d <= len(text))
            elif part.put_back is not None and part.put_back != part.text:
                rows.append([part.start, part.start + len(part.text), len(out),
                             len(out) + len(text)])
            else:
                rows.extend(identity_rows(part.text, part.start, len(out)))
        out += text
        previous_kept = part.kind == "keep"
        previous_source = part.text
    return out, rows


def _spaced_output(parts: list[Part], results: dict[str, UnitResult], rank: int) -> bool:
    """Whether the parts' translations are written with spaces (no CJK character in any)."""
    outputs = [results[p.text].hypotheses for p in parts if p.kind == "unit"]
    return bool(outputs) and not any(
        is_wide(char) for texts in outputs for char in texts[min(rank, len(texts) - 1)])


def _punctuation_for(text: str, spaced: bool) -> str:
    """A kept text as it goes into the output: full-width punctuation alone becomes ASCII
    in a translation written with spaces; anything else stays exactly as it was."""
    folded = text.translate(_TO_ASCII)
    if spaced and folded != text and all(not c.isalnum() and not is_wide(c) for c in folded):
        return folded
    return text


def _joint(left: str, gap: str, right: str, beside_kept: bool, wide_source: bool = True,
           number: bool = False) -> str:
    """What goes between two parts' outputs.

    Between two translated pieces of a CJK output nothing; next to a kept span the
    source's own gap, except beside a kept number or between two CJK characters;
    where the source had none (CJK source) but the output is written with spaces, one
    space; none where a source written with spaces had none beside a kept span
    (``🇯🇵🇰🇷``, ``{a}{b}``).
    """
    if is_wide(left) or is_wide(right):
        if number or (is_wide(left) and is_wide(right)):
            return ""
        return gap if beside_kept else ""
    if gap:
        return " " if not beside_kept else gap
    if left in _NO_SPACE_AFTER or right in _NO_SPACE_BEFORE or left.isspace():
        return ""
    if beside_kept and not wide_source:
        return ""
    return " "


_END_MARKS = ".!?。！？"


def no_added_end(source: str, out: str) -> str:
    """``out`` without the final mark a model adds to a source that has none (a piece
    cut from a sentence, a heading): ``Hello`` → ``Hallo``, not ``Hallo.``."""
    if source.rstrip()[-1:] in _END_MARKS + "…:;" or out.endswith(("..", "…")):
        return out
    trimmed = out.rstrip()
    if trimmed[-1:] in _END_MARKS:
        return trimmed[:-1].rstrip()
    return out


def continued(source: str, before: str, text: str, lower_case_word: Callable[[str], bool]
              ) -> str:
    """A piece cut from the middle of a sentence, without the capital a model gives
    every sentence start: where the source piece starts in lower case, or, from a
    script without case (Chinese), where the word is a lower-case word of the output
    language (``Stand`` → ``stand``, but ``Beijing`` and German ``Haus`` stay)."""
    if not (text[:1].isupper() and text[1:2].islower()) or \
            before.rstrip()[-1:] in ".!?。！？":
        return text
    first = source[:1]
    caseless = not first.isupper() and not first.islower()
    word = re.match(r"\w+", text)
    if first.islower() or (caseless and word is not None and lower_case_word(word.group())):
        return text[0].lower() + text[1:]
    return text


def identity_rows(text: str, start: int, out_start: int) -> list[SpanRow]:
    """A kept text maps onto itself, word by word (formatting follows each word)."""
    return [[start + m.start(), start + m.end(), out_start + m.start(), out_start + m.end()]
            for m in re.finditer(r"\S+", text)]
