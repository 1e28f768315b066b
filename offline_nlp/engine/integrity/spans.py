"""What goes to the model: each sentence as a plan of parts, long units cut to fit.

A part is a unit the model translates, a span kept verbatim (URLs, code, emoji, see
:mod:`~offline_nlp.engine.protect`; words and whole sentences in a script the source
language is not written in, see :mod:`~offline_nlp.engine.scripts`; invisible characters
the model does not know) or the whitespace between them. A sentence with spans goes to
the model whole, without them (:mod:`~offline_nlp.engine.reinsert` puts them back); a
unit longer than the limit is cut at clause punctuation, then by length.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from offline_nlp.engine.alignment import SpanRow
from offline_nlp.engine.protect import Span, fold_full_width, spans_of
from offline_nlp.engine.reinsert import Masked, mask
from offline_nlp.engine.scripts import foreign_runs, is_foreign
from offline_nlp.engine.tokenization import Tokenizer

__all__ = ["WHOLE_SENTENCES", "Part", "Plan", "Planner", "UnitResult"]

# One logger for the whole guard, named as the module was before it became a package.
log = logging.getLogger(__package__)

#: Sentences with spans go to the model whole, the spans put back by the alignment;
#: ``False`` translates the parts between spans one by one (``bench/integrity.py``).
WHOLE_SENTENCES = True

# Where a clause may end: CJK clause marks anywhere, Latin ones before a space, dashes.
_CLAUSE_END = re.compile(r"[，、；：﹐﹑﹔﹕]|[,;:](?=\s)|[—–](?=\s)|—")
# Length cutting works on atoms: whitespace runs, runs of non-CJK characters (words,
# numbers), single CJK characters.
_ATOM = re.compile(r"\s+|[^\s\u2E80-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF\uFF00-\uFF60]+|\S")
_WORDLIKE = re.compile(r"[^\W_]")
# Format characters (zero-width space, joiners, word joiner, BOM, direction marks, soft
# hyphen) and controls other than whitespace.
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
                        "\u2066-\u206f\ufeff\ufff9-\ufffb\x00-\x08\x0e-\x1f\x7f-\x84"
                        "\x86-\x9f]+")


@dataclass
class UnitResult:
    """A unit's translation: distinct hypotheses (best first) and the best's alignment.

    ``gap``: the longest run of source words the best hypothesis never attended to
    (:func:`alignment.uncovered_run`), ``None`` where the attention is unknown.
    """

    hypotheses: list[str]
    alignment: list[SpanRow] | None = None
    gap: float | None = None


@dataclass
class Part:
    text: str
    start: int  # offset in the sentence
    kind: str  # "unit" (to the model), "keep" (verbatim) or "gap" (whitespace)
    put_back: str | None = None  # what a "keep" part becomes (a glossary term's translation)


@dataclass
class Plan:
    parts: list[Part]
    kept: bool = False
    whole: Masked | None = None  # the sentence without its spans, sent whole
    kept_words: tuple[str, ...] = ()
    placed: UnitResult | None = None  # the whole sentence's result, spans put back

    def units(self) -> list[str]:
        if self.whole is not None:
            return [self.whole.text]
        return [p.text for p in self.parts if p.kind == "unit"]


@dataclass
class Planner:
    """Cuts the sentences of one engine request into parts.

    Args:
        source_tokens: the first model's tokenizer, to count and cut.
        scripts: the source language's scripts (``None``: keep nothing).
        limit: the most source tokens a unit may have.
        known: whether the first model's vocabulary has a character.
        more_spans: further spans of a sentence to keep or replace (glossary terms);
            a protected span wins where they overlap.
    """

    source_tokens: Tokenizer
    scripts: frozenset[str] | None
    limit: int
    known: Callable[[str], bool] = lambda char: True  # noqa: ARG005
    more_spans: Callable[[str], list[Span]] | None = None
    counts: dict[str, int] = field(default_factory=dict)  # source tokens of each text
    _read: dict[str, bool] = field(default_factory=dict)  # see _reads

    def plan(self, sentences: Sequence[str]) -> dict[str, Plan]:
        """Each sentence's parts, long units already cut to the limit."""
        plans = {s: self._parts(s) for s in sentences}
        self.count([plan.whole.text for plan in plans.values() if plan.whole is not None])
        for plan in plans.values():
            if plan.whole is not None and self.counts[plan.whole.text] > self.limit:
                plan.whole = None  # too long for one piece: cut like any long sentence
        self.count([u for plan in plans.values() if plan.whole is None for u in plan.units()])
        for sentence, plan in plans.items():
            if plan.whole is None:
                self.fit(sentence, plan)
        return plans

    def fit(self, sentence: str, plan: Plan) -> None:
        """Cut the plan's units that are longer than the limit."""
        if any(self.counts[p.text] > self.limit for p in plan.parts if p.kind == "unit"):
            plan.parts = [q for p in plan.parts for q in self.cut(p, self.limit)]
            pieces = sum(p.kind == "unit" for p in plan.parts)
            log.info("a sentence of %d characters is longer than the model's limit of %d "
                     "tokens: translated in %d pieces", len(sentence), self.limit, pieces)

    def _parts(self, sentence: str) -> Plan:
        spans = _merged(spans_of(sentence), self.more_spans(sentence) if self.more_spans else [])
        outside = _outside(sentence, [(s.start, s.end) for s in spans])
        if is_foreign(outside, self.scripts):
            return Plan([Part(sentence, 0, "keep")], kept=True)
        foreign = [Span(a, b, sentence[a:b], "foreign")
                   for a, b in foreign_runs(sentence, self.scripts)]
        spans = _merged(_merged(spans, foreign), self._invisible(sentence))
        parts: list[Part] = []
        cursor = 0
        for span in [*spans, Span(len(sentence), len(sentence), "")]:
            self._add_text(parts, sentence[cursor:span.start], cursor)
            if span.end > span.start:
                parts.append(Part(sentence[span.start:span.end], span.start, "keep",
                                  span.put_back))
            cursor = span.end
        whole = mask(sentence, spans) if spans and WHOLE_SENTENCES else None
        return Plan(parts, whole=whole, kept_words=tuple(
            sentence[s.start:s.end] for s in spans if s.kind == "foreign"))

    def _invisible(self, sentence: str) -> list[Span]:
        """Invisible characters the model does not know, as spans: taken out of what it
        sees and put back by the alignment. A model that has never seen a zero-width
        space reads it as an unknown token and may drop everything after it; one that
        knows it (a Persian model and its zero-width non-joiner) gets it."""
        if sentence.isascii() and sentence.isprintable():
            return []
        return [Span(m.start(), m.end(), m.group(), "invisible")
                for m in _INVISIBLE.finditer(sentence) if not all(map(self._reads, m.group()))]

    def _reads(self, char: str) -> bool:
        """Whether the model gets ``char`` as it is: in its vocabulary, and not dropped by
        its tokenizer's normaliser (which would lose it from the output)."""
        if char not in self._read:
            pieces = self.source_tokens.encode([char])[0]
            self._read[char] = self.known(char) and self.source_tokens.decode(pieces) == char
        return self._read[char]

    def _add_text(self, parts: list[Part], text: str, start: int) -> None:
        body = text.strip()
        if not body:
            if text:
                parts.append(Part(text, start, "gap"))
            return
        lead = len(text) - len(text.lstrip())
        if lead:
            parts.append(Part(text[:lead], start, "gap"))
        # Punctuation alone between two spans ("{a}, {b}") is not worth a model call.
        kind = "unit" if _WORDLIKE.search(body) else "keep"
        parts.append(Part(fold_full_width(body, self.known) if kind == "unit" else body,
                          start + lead, kind))
        tail = len(text) - lead - len(body)
        if tail:
            parts.append(Part(text[lead + len(body):], start + lead + len(body), "gap"))

    def count(self, texts: Sequence[str]) -> None:
        todo = [t for t in dict.fromkeys(texts) if t not in self.counts]
        if todo:
            for text, pieces in zip(todo, self.source_tokens.encode(todo)):
                self.counts[text] = len(pieces)

    def cut(self, part: Part, limit: int) -> list[Part]:
        """A unit as pieces of at most ``limit`` tokens: at clause ends, else by length."""
        if part.kind != "unit" or self.counts.get(part.text, 0) <= limit:
            return [part]
        clauses = _clauses(part.text)
        self.count([c.strip() for c in clauses])
        chunks = _pack(clauses, [self.counts[c.strip()] for c in clauses], limit)
        self.count([c.strip() for c in chunks])
        pieces: list[str] = []
        for chunk in chunks:
            if self.counts[chunk.strip()] <= limit:
                pieces.append(chunk)
                continue
            atoms = _ATOM.findall(chunk)
            self.count([a for a in atoms if not a.isspace()])
            pieces.extend(_pack(atoms, [0 if a.isspace() else self.counts[a] for a in atoms],
                                limit))
        out: list[Part] = []
        offset = part.start
        for piece in pieces:
            self._add_text(out, piece, offset)
            offset += len(piece)
        self.count([p.text for p in out if p.kind == "unit"])
        return out


def _merged(spans: list[Span], more: list[Span]) -> list[Span]:
    """``spans`` and those of ``more`` that overlap none of them, in order."""
    if not more:
        return spans
    taken = list(spans)
    for span in sorted(more, key=lambda s: (s.start, -s.end)):
        if all(span.end <= s.start or s.end <= span.start for s in taken):
            taken.append(span)
    return sorted(taken, key=lambda s: s.start)


def _outside(sentence: str, spans: list[tuple[int, int]]) -> str:
    if not spans:
        return sentence
    pieces, cursor = [], 0
    for start, end in spans:
        pieces.append(sentence[cursor:start])
        cursor = end
    pieces.append(sentence[cursor:])
    return " ".join(pieces)


def _clauses(text: str) -> list[str]:
    """``text`` cut after each clause mark; the whitespace after it stays with the clause."""
    out, cursor = [], 0
    for match in _CLAUSE_END.finditer(text):
        end = match.end()
        while end < len(text) and text[end].isspace():
            end += 1
        if end < len(text):
            out.append(text[cursor:end])
            cursor = end
    out.append(text[cursor:])
    return [c for c in out if c]


def _pack(items: list[str], sizes: list[int], limit: int) -> list[str]:
    """Consecutive items joined into about equal chunks of at most ``limit`` tokens.

    An item over the limit stays alone (the caller cuts it further).
    """
    total = sum(sizes)
    target = total / max(1, math.ceil(total / max(1, limit)))
    chunks: list[str] = []
    current, size = "", 0
    for item, item_size in zip(items, sizes):
        if current.strip() and size + item_size > target and not item.isspace():
            chunks.append(current)
            current, size = "", 0
        current += item
        size += item_size
    if current:
        if chunks and not current.strip():
            chunks[-1] += current
        else:
            chunks.append(current)
    return chunks

