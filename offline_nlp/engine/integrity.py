"""Nothing the user wrote is lost: what goes to the model, and checking what comes back.

Each sentence becomes a plan of *parts*: units the model translates, spans kept verbatim
(URLs, code, emoji, see :mod:`protect`; words and whole sentences in a script the source
language is not written in, see :mod:`scripts`) and the whitespace between them.

* **Whole sentences to the model.** A sentence with spans goes to the model without
  them, whole, and the spans are put back by the word alignment (:mod:`reinsert`). The
  parts are translated one by one only when that fails: the output looks incomplete,
  or the alignment cannot place a span.

* **Long sentences are cut to fit.** A unit longer than the model's limit (the package's
  ``max_source_tokens``, else :data:`DEFAULT_MAX_TOKENS`, or the option) is cut at
  clause punctuation, then by length, and its pieces are joined again with the spacing
  of the output script. Models trained on single sentences drop the end of a long one.
* **A coverage guard.** After decoding, a unit is suspect when its output never attends
  to a run of its source words (the attention CTranslate2 returns, whatever the
  output's length), is much shorter or longer than its source (by the ratio of output
  to source words the job shows on its other sentences), repeats a word or phrase the
  source does not, is empty, or ran into the decoding limit. It is translated again on
  its own with a wider beam, then in ever smaller pieces. What is still suspect is
  reported, never hidden, and what is still empty keeps its source text.
* **Invisible characters** (zero-width spaces and joiners, BOM, controls) the model does
  not know are kept out of what it sees, like spans, and put back.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from offline_nlp.engine.alignment import SpanRow
from offline_nlp.engine.glossary import Glossary
from offline_nlp.engine.models import tokenizer_of
from offline_nlp.engine.protect import Span, fold_full_width, is_number, spans_of
from offline_nlp.engine.reinsert import Masked, mask, put_back
from offline_nlp.engine.scripts import expected_scripts, foreign_runs, is_foreign, is_wide
from offline_nlp.engine.tokenization import HuggingFaceTokenizer, SentencePieceTokenizer, Tokenizer
from offline_nlp.engine.types import TranslationOptions
from offline_nlp.packages.metadata import InstalledPackage

__all__ = ["DEFAULT_MAX_TOKENS", "Guard", "Outcome", "UnitResult", "guard_for",
           "package_limit", "package_tokenizer"]

log = logging.getLogger(__name__)

#: Source tokens per unit when the package does not say: Argos models were trained on
#: sentences of up to about 150-200 tokens and lose text beyond.
DEFAULT_MAX_TOKENS = 150
#: The guard leaves units shorter than this (in words) alone: their ratio varies too much.
MIN_GUARDED_WORDS = 6
#: The usual output/source ratio (in words) is never taken to be lower than this.
NORMAL_FLOOR = 0.5
#: Units up to this size (in words) show what a complete translation's length ratio is.
ORDINARY_WORDS = 25
#: An output longer than this many times the usual ratio, plus LONG_SLACK words, is
#: suspect: 4 words that came back as 30 are a loop.
LONG_SHARE = 2.0
LONG_SLACK = 6
#: Pieces are never cut smaller than this many tokens when retrying.
MIN_PIECE_TOKENS = 6
_RETRY_DEPTH = 4
#: Sentences with spans go to the model whole, the spans put back by the alignment;
#: ``False`` translates the parts between spans one by one (``bench/integrity.py``).
WHOLE_SENTENCES = True

# Where a clause may end: CJK clause marks anywhere, Latin ones before a space, dashes.
_CLAUSE_END = re.compile(r"[，、；：﹐﹑﹔﹕]|[,;:](?=\s)|[—–](?=\s)|—")
# Length cutting works on atoms: whitespace runs, runs of non-CJK characters (words,
# numbers), single CJK characters.
_ATOM = re.compile(r"\s+|[^\s\u2E80-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF\uFF00-\uFF60]+|\S")
_WORDLIKE = re.compile(r"[^\W_]")
_CJK = "\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\uFF66-\uFF9F\U00020000-\U0002FFFF"
_UNSPACED = "\u0E00-\u0FFF\u1000-\u109F\u1780-\u17FF"
_SIZE_UNITS = re.compile(f"([{_CJK}])|([{_UNSPACED}])|[^\\W_{_CJK}{_UNSPACED}]+")
_LOOP_UNITS = re.compile(f"[{_CJK}{_UNSPACED}]|[^\\W_{_CJK}{_UNSPACED}]+")
_NO_SPACE_BEFORE = set(".,;:!?)]}”’»%…")
# Format characters (zero-width space, joiners, word joiner, BOM, direction marks, soft
# hyphen) and controls other than whitespace.
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
                        "\u2066-\u206f\ufeff\ufff9-\ufffb\x00-\x08\x0e-\x1f\x7f-\x84"
                        "\x86-\x9f]+")
_NO_SPACE_AFTER = set("([{“‘«¿¡")


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
class _Part:
    text: str
    start: int  # offset in the sentence
    kind: str  # "unit" (to the model), "keep" (verbatim) or "gap" (whitespace)
    put_back: str | None = None  # what a "keep" part becomes (a glossary term's translation)


@dataclass
class Outcome:
    """A whole sentence's result, assembled from its parts."""

    result: UnitResult
    kept: bool = False  # not sent to the model: a script the source is not written in
    suspect: bool = False  # still looks incomplete after every retry
    kept_words: tuple[str, ...] = ()  # words in such a script inside the sentence


@dataclass
class _Plan:
    parts: list[_Part]
    kept: bool = False
    whole: Masked | None = None  # the sentence without its spans, sent whole
    kept_words: tuple[str, ...] = ()
    placed: UnitResult | None = None  # the whole sentence's result, spans put back

    def units(self) -> list[str]:
        if self.whole is not None:
            return [self.whole.text]
        return [p.text for p in self.parts if p.kind == "unit"]


Translate = Callable[[list[str], TranslationOptions], dict[str, UnitResult]]
#: The main pass: units, and those of them whose word alignment is needed.
FirstPass = Callable[[list[str], set[str]], dict[str, UnitResult]]


@dataclass
class Guard:
    """Plans, checks and reassembles the sentences of one engine request.

    Args:
        translate: sends unique units through every hop of the route (no progress).
        source_tokens: the first model's tokenizer, to count and cut.
        target_tokens: the last model's tokenizer, to measure outputs.
        scripts: the source language's scripts (``None``: keep nothing).
        limit: the most source tokens a unit may have.
        known: whether the first model's vocabulary has a character.
        align: alignment rows are wanted.
        more_spans: further spans of a sentence to keep or replace (glossary terms);
            a protected span wins where they overlap.
    """

    translate: Translate
    source_tokens: Tokenizer
    target_tokens: Tokenizer
    scripts: frozenset[str] | None
    limit: int
    options: TranslationOptions
    known: Callable[[str], bool] = lambda char: True  # noqa: ARG005
    align: bool = False
    more_spans: Callable[[str], list[Span]] | None = None
    _counts: dict[str, int] = field(default_factory=dict)
    _read: dict[str, bool] = field(default_factory=dict)  # see _reads
    _normal: float = 1.0  # the usual output/source ratio, in words
    _measured: bool = False  # _normal comes from the job's ordinary sentences
    _gaps_trusted: bool = True  # the attention shows what the model left out

    def plan(self, sentences: Sequence[str]) -> dict[str, _Plan]:
        """Each sentence's parts, long units already cut to the limit."""
        plans = {s: self._parts(s) for s in sentences}
        self._count([plan.whole.text for plan in plans.values() if plan.whole is not None])
        for plan in plans.values():
            if plan.whole is not None and self._counts[plan.whole.text] > self.limit:
                plan.whole = None  # too long for one piece: cut like any long sentence
        self._count([u for plan in plans.values() if plan.whole is None for u in plan.units()])
        for sentence, plan in plans.items():
            if plan.whole is None:
                self._fit(sentence, plan)
        return plans

    def _fit(self, sentence: str, plan: _Plan) -> None:
        """Cut the plan's units that are longer than the limit."""
        if any(self._counts[p.text] > self.limit for p in plan.parts if p.kind == "unit"):
            plan.parts = [q for p in plan.parts for q in self._cut(p, self.limit)]
            pieces = sum(p.kind == "unit" for p in plan.parts)
            log.info("a sentence of %d characters is longer than the model's limit of %d "
                     "tokens: translated in %d pieces", len(sentence), self.limit, pieces)

    def run(self, sentences: Sequence[str], first: FirstPass) -> dict[str, Outcome]:
        """Translate ``sentences`` (``first`` does the main pass, with progress), guarded."""
        plans = self.plan(sentences)
        units = list(dict.fromkeys(u for plan in plans.values() for u in plan.units()))
        aligned = {plan.whole.text for plan in plans.values() if plan.whole is not None}
        results = first(units, aligned) if units else {}
        suspects = self._check(units, results)
        # When the model fails everywhere, nothing is translated again, in pieces or not.
        retry = bool(self._worth_retrying(units, suspects)) or not suspects
        pieces = self._place(plans, results, suspects if retry else set(), retry)
        if pieces:
            results.update(self.translate(pieces, self.options))
            suspects |= {u for u, tokens in zip(pieces, self.target_tokens.encode(
                [results[u].hypotheses[0] for u in pieces])) if self._suspect(
                    u, results[u], len(tokens))}
            units = list(dict.fromkeys(units + pieces))
        in_use = {u for plan in plans.values() if plan.placed is None for u in plan.units()}
        units = [u for u in units if u in in_use]
        suspects &= in_use | {plan.whole.text for plan in plans.values()
                              if plan.placed is not None and plan.whole is not None}
        retried = set(suspects) if retry else set()
        tried = set(retried)
        self._retry(retried, results)  # leaves in ``retried`` what is still suspect
        suspects -= tried - retried
        for unit in suspects:  # nothing came back, even alone or in pieces: keep the source
            if not results[unit].hypotheses[0].strip():
                results[unit] = UnitResult([unit], _identity_rows(unit, 0, 0) if self.align
                                           else None)
        outcomes = {}
        for sentence, plan in plans.items():
            if plan.placed is not None:
                outcome = Outcome(plan.placed, kept_words=plan.kept_words,
                                  suspect=plan.whole is not None and plan.whole.text in suspects)
            else:
                outcome = Outcome(self._compose(plan.parts, results), kept=plan.kept,
                                  kept_words=plan.kept_words)
                outcome.suspect = any(p.text in suspects for p in plan.parts
                                      if p.kind == "unit")
            outcomes[sentence] = outcome
        return outcomes

    def _place(self, plans: dict[str, _Plan], results: dict[str, UnitResult],
               suspects: set[str], retry: bool) -> list[str]:
        """Put the spans back into each whole sentence's translation; where its output
        looks incomplete or the alignment cannot place a span, the sentence falls back to
        its parts. Returns the parts' units still to translate.

        Without ``retry`` (the model fails everywhere) nothing falls back: the spans are
        put where the alignment, or else their relative position, says."""
        todo: list[str] = []
        for sentence, plan in plans.items():
            if plan.whole is None:
                continue
            result = results[plan.whole.text]
            placed = None
            if plan.whole.text not in suspects:
                placed = self._put_back(plan.whole, result, anyway=not retry)
            if placed is not None:
                plan.placed = placed
                continue
            log.info("the spans of a sentence could not be placed in its translation; "
                     "translating the text between them piece by piece")
            plan.whole = None
            self._count(plan.units())
            self._fit(sentence, plan)
            todo.extend(u for u in plan.units() if u not in results)
        return list(dict.fromkeys(todo))

    def _put_back(self, whole: Masked, result: UnitResult, anyway: bool = False
                  ) -> UnitResult | None:
        text = _no_added_end(whole.sentence, result.hypotheses[0])
        rows = [r for r in result.alignment or [] if r[3] <= len(text)]
        if whole.holes and whole.holes[0].at == 0:  # the sentence starts with a span
            text = _continued(whole.text, whole.holes[0].text, text, self._lower_case_word)
        placed = put_back(whole, text, rows, anyway)
        if placed is None:
            return None
        return UnitResult([placed[0]], placed[1] if self.align else None)

    # -- planning ---------------------------------------------------------------------

    def _parts(self, sentence: str) -> _Plan:
        spans = _merged(spans_of(sentence), self.more_spans(sentence) if self.more_spans else [])
        outside = _outside(sentence, [(s.start, s.end) for s in spans])
        if is_foreign(outside, self.scripts):
            return _Plan([_Part(sentence, 0, "keep")], kept=True)
        foreign = [Span(a, b, sentence[a:b], "foreign")
                   for a, b in foreign_runs(sentence, self.scripts)]
        spans = _merged(_merged(spans, foreign), self._invisible(sentence))
        parts: list[_Part] = []
        cursor = 0
        for span in [*spans, Span(len(sentence), len(sentence), "")]:
            self._add_text(parts, sentence[cursor:span.start], cursor)
            if span.end > span.start:
                parts.append(_Part(sentence[span.start:span.end], span.start, "keep",
                                   span.put_back))
            cursor = span.end
        whole = mask(sentence, spans) if spans and WHOLE_SENTENCES else None
        return _Plan(parts, whole=whole, kept_words=tuple(
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

    def _add_text(self, parts: list[_Part], text: str, start: int) -> None:
        body = text.strip()
        if not body:
            if text:
                parts.append(_Part(text, start, "gap"))
            return
        lead = len(text) - len(text.lstrip())
        if lead:
            parts.append(_Part(text[:lead], start, "gap"))
        # Punctuation alone between two spans ("{a}, {b}") is not worth a model call.
        kind = "unit" if _WORDLIKE.search(body) else "keep"
        parts.append(_Part(fold_full_width(body, self.known) if kind == "unit" else body,
                           start + lead, kind))
        tail = len(text) - lead - len(body)
        if tail:
            parts.append(_Part(text[lead + len(body):], start + lead + len(body), "gap"))

    def _count(self, texts: Sequence[str]) -> None:
        todo = [t for t in dict.fromkeys(texts) if t not in self._counts]
        if todo:
            for text, pieces in zip(todo, self.source_tokens.encode(todo)):
                self._counts[text] = len(pieces)

    def _cut(self, part: _Part, limit: int) -> list[_Part]:
        """A unit as pieces of at most ``limit`` tokens: at clause ends, else by length."""
        if part.kind != "unit" or self._counts.get(part.text, 0) <= limit:
            return [part]
        clauses = _clauses(part.text)
        self._count([c.strip() for c in clauses])
        chunks = _pack(clauses, [self._counts[c.strip()] for c in clauses], limit)
        self._count([c.strip() for c in chunks])
        pieces: list[str] = []
        for chunk in chunks:
            if self._counts[chunk.strip()] <= limit:
                pieces.append(chunk)
                continue
            atoms = _ATOM.findall(chunk)
            self._count([a for a in atoms if not a.isspace()])
            pieces.extend(_pack(atoms, [0 if a.isspace() else self._counts[a] for a in atoms],
                                limit))
        out: list[_Part] = []
        offset = part.start
        for piece in pieces:
            self._add_text(out, piece, offset)
            offset += len(piece)
        self._count([p.text for p in out if p.kind == "unit"])
        return out

    # -- checking ---------------------------------------------------------------------

    def _check(self, units: list[str], results: dict[str, UnitResult]) -> set[str]:
        """Units whose output looks truncated, looping, empty or cut at the decoding limit."""
        outs = [results[u].hypotheses[0] for u in units]
        ratios = {u: _size(out) / max(_size(u), 1.0) for u, out in zip(units, outs)}
        # The usual ratio, from the job's ordinary sentences: long ones may all be cut
        # short by the same model, and their median would call that normal.
        ordinary = [u for u in units if MIN_GUARDED_WORDS <= _size(u) <= ORDINARY_WORDS]
        measured = _median([ratios[u] for u in ordinary])
        self._measured = measured is not None
        # No language pair says half as much as its source (the lowest seen, word for
        # word into a CJK script, is 0.6): a lower median means the model fails everywhere.
        self._normal = max(NORMAL_FLOOR, measured) if measured is not None else 1.0
        self._gaps_trusted = self._attention_follows(ordinary, results)
        out_tokens = self.target_tokens.encode(outs) if outs else []
        suspects = set()
        for unit, tokens in zip(units, out_tokens):
            why = self._why(unit, results[unit], len(tokens))
            if why:
                suspects.add(unit)
                log.info("the translation of a sentence of %d tokens %s; translating it "
                         "again alone, then in pieces", self._counts[unit], why)
        return suspects

    def _attention_follows(self, ordinary: list[str], results: dict[str, UnitResult]) -> bool:
        """Whether the model's attention can tell what was left out, judged on the job's
        ordinary sentences: if it misses words in many of them whose length is right,
        it is the attention that is wrong (a head never trained to align), not them."""
        known = [u for u in ordinary if results[u].gap is not None]
        missed = [u for u in known if (results[u].gap or 0) >= _gap_limit(_size(u))
                  and not self._length_wrong(u, results[u].hypotheses[0])]
        if len(known) >= 8 and len(missed) > len(known) / 4:
            log.info("the model's attention misses words in %d of %d ordinary sentences: "
                     "the coverage check is off for this text", len(missed), len(known))
            return False
        return True

    def _suspect(self, unit: str, result: UnitResult, out_tokens: int) -> bool:
        return bool(self._why(unit, result, out_tokens))

    def _why(self, unit: str, result: UnitResult, out_tokens: int) -> str:
        """Why ``result`` looks like an incomplete translation of ``unit`` ("" if not)."""
        out = result.hypotheses[0]
        if not out.strip():
            return "is empty"
        tokens = self._counts[unit]
        ceiling = min(1024, int(tokens * self.options.length_ratio) + self.options.length_extra)
        if out_tokens >= ceiling - 1:
            return f"ran into the decoding limit of {ceiling} tokens"
        words = _size(unit)
        if self._gaps_trusted and result.gap is not None and result.gap >= _gap_limit(words):
            return f"never attends to {result.gap:g} words of its source in a row"
        return self._length_wrong(unit, out)

    def _length_wrong(self, unit: str, out: str) -> str:
        """Too short or too long for ``unit``, or repeating what it does not repeat."""
        words = _size(unit)
        share = _short_share(words, self._measured)
        if words >= MIN_GUARDED_WORDS and _size(out) < share * self._normal * words:
            ratio = _size(out) / words / self._normal
            return f"is {ratio:.0%} of the usual length"
        if _size(out) > LONG_SHARE * self._normal * words + LONG_SLACK:
            ratio = _size(out) / words / self._normal
            return f"is {ratio:.0%} of the usual length"
        # A phrase said again that the source does not say again: a loop, a doubled output.
        if _repeats(out, strict=True) and not _repeats(unit, strict=False):
            return "repeats itself"
        return ""

    def _worth_retrying(self, units: list[str], suspects: set[str]) -> set[str]:
        """The suspects to translate again: all of them, unless the model is the problem.

        When many ordinary sentences (6-25 words, which any model handles) or nearly all
        sentences look wrong, the model does not suit the text (a damaged package, a
        wrong pair): translating everything up to five times more would only hide that,
        so nothing is retried and everything is reported.
        """
        ordinary = [u for u in units if MIN_GUARDED_WORDS <= _size(u) <= ORDINARY_WORDS]
        guarded = [u for u in units if _size(u) >= MIN_GUARDED_WORDS]
        for group, share in ((ordinary, 1 / 4), (guarded, 3 / 4)):
            failing = sum(u in suspects for u in group)
            if len(group) >= 8 and failing > share * len(group):
                log.warning("%d of %d sentences look incomplete or repeat themselves: the "
                            "model may not suit this text; they are reported, not translated "
                            "again", failing, len(group))
                return set()
        return set(suspects)

    def _retry(self, suspects: set[str], results: dict[str, UnitResult]) -> None:
        """Alone with a wider beam and in halves, then in quarters, eighths...

        Each round's candidates are judged together: the one closest to the usual length
        ratio wins, and a unit that no longer looks suspect is settled.
        """
        if not suspects:
            return
        wider = replace(self.options, beam_size=max(4, self.options.beam_size * 2),
                        use_cache=False)
        alone = self.translate(sorted(suspects), wider)
        for depth in range(1, _RETRY_DEPTH + 1):
            if not suspects:
                break
            cuts = {}
            for unit in suspects:
                limit = max(MIN_PIECE_TOKENS, math.ceil(self._counts[unit] / 2 ** depth))
                parts = self._cut(_Part(unit, 0, "unit"), limit)
                if sum(p.kind == "unit" for p in parts) > 1:
                    cuts[unit] = parts
            pieces = list(dict.fromkeys(
                p.text for parts in cuts.values() for p in parts if p.kind == "unit"))
            done = self.translate(pieces, self.options) if pieces else {}
            candidates = {u: [self._compose(parts, done)] for u, parts in cuts.items()}
            for unit, result in alone.items():
                candidates.setdefault(unit, []).append(result)
            alone = {}
            if not candidates:
                break
            self._adopt(suspects, results, candidates)
        for unit in suspects:
            log.info("a sentence may be incomplete in the translation: %.60s…", unit)

    def _adopt(self, suspects: set[str], results: dict[str, UnitResult],
               candidates: dict[str, list[UnitResult]]) -> None:
        """Settle a unit on its best candidate that passes the checks; failing that, take
        the one closest to the usual ratio if it is closer than what the unit has."""
        for unit, options in candidates.items():
            judged = [(self._suspect(unit, c, len(self.target_tokens.encode([c.hypotheses[0]])[0])),
                       self._distance(unit, c.hypotheses[0]), index, c)
                      for index, c in enumerate(options)]
            still, distance, _, best = min(judged)
            if not still:
                results[unit] = best
                suspects.discard(unit)
            elif distance < self._distance(unit, results[unit].hypotheses[0]):
                results[unit] = best

    def _lower_case_word(self, word: str) -> bool:
        """Whether the output vocabulary has ``word`` as a lower-case word of its own."""
        has_piece = getattr(self.target_tokens, "has_piece", None)
        return word.lower() != word and has_piece is not None and has_piece(
            "\u2581" + word.lower())

    def _distance(self, unit: str, out: str) -> float:
        ratio = (_size(out) + 0.5) / max(_size(unit), 1.0)
        return abs(math.log(ratio / self._normal))

    # -- assembling -------------------------------------------------------------------

    def _compose(self, parts: list[_Part], results: dict[str, UnitResult]) -> UnitResult:
        """The parts' outputs joined with the right spacing; alignment rows shifted."""
        if len(parts) == 1 and parts[0].kind == "unit":
            return results[parts[0].text]
        ranks = max((len(results[p.text].hypotheses) for p in parts if p.kind == "unit"),
                    default=1)
        hypotheses: list[str] = []
        alignment: list[SpanRow] | None = None
        for rank in range(ranks):
            text, rows = self._join(parts, results, rank)
            if rank == 0:
                alignment = rows
            if text not in hypotheses:
                hypotheses.append(text)
        return UnitResult(hypotheses, alignment if self.align else None, _joined_gap(
            [(results[p.text].gap, _size(p.text)) for p in parts if p.kind == "unit"]))

    def _join(self, parts: list[_Part], results: dict[str, UnitResult], rank: int
              ) -> tuple[str, list[SpanRow] | None]:
        out = ""
        rows: list[SpanRow] | None = []
        pending_gap = ""
        previous_kept = True
        previous_source = ""
        pieces = sum(p.kind != "gap" for p in parts) > 1
        for part in parts:
            if part.kind == "gap":
                pending_gap += part.text
                continue
            if part.kind == "unit":
                result = results[part.text]
                text = result.hypotheses[min(rank, len(result.hypotheses) - 1)]
                if pieces:  # a fragment's translation does not end a sentence
                    text = _no_added_end(part.text, text)
                if out:
                    text = _continued(part.text, out, text, self._lower_case_word)
            else:
                text = part.text if part.put_back is None else part.put_back
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
                    rows.extend(_identity_rows(part.text, part.start, len(out)))
            out += text
            previous_kept = part.kind == "keep"
            previous_source = part.text
        return out, rows


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


def _no_added_end(source: str, out: str) -> str:
    """``out`` without the final mark a model adds to a source that has none (a piece
    cut from a sentence, a heading): ``Hello`` → ``Hallo``, not ``Hallo.``."""
    if source.rstrip()[-1:] in _END_MARKS + "…:;" or out.endswith(("..", "…")):
        return out
    trimmed = out.rstrip()
    if trimmed[-1:] in _END_MARKS:
        return trimmed[:-1].rstrip()
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


def _continued(source: str, before: str, text: str, lower_case_word: Callable[[str], bool]
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


def _identity_rows(text: str, start: int, out_start: int) -> list[SpanRow]:
    """A kept text maps onto itself, word by word (formatting follows each word)."""
    return [[start + m.start(), start + m.end(), out_start + m.start(), out_start + m.end()]
            for m in re.finditer(r"\S+", text)]


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


def _size(text: str) -> float:
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


def _repeats(text: str, strict: bool) -> bool:
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


def _joined_gap(gaps: list[tuple[float | None, float]]) -> float | None:
    """The gap of pieces joined, measured against the whole's limit: a piece of six
    words that left three out is as incomplete as a whole of forty that left five,
    and so are eight pieces that left two each."""
    if not gaps or any(gap is None for gap, _ in gaps):
        return None
    whole = _gap_limit(sum(words for _, words in gaps))
    worst = max(gap * whole / _gap_limit(words) for gap, words in gaps if gap is not None)
    return max(worst, sum(gap for gap, _ in gaps if gap is not None and gap >= 2))


def _gap_limit(words: float) -> float:
    """An output that never attends to this many source words in a row left them out:
    three in a short sentence (an article or particle the target language does without
    is one word, rarely two), up to five from thirty words on."""
    return max(3.0, min(5.0, math.ceil(words / 6)))


def _short_share(words: float, measured: bool) -> float:
    """Below this share of the usual output/source ratio an output is suspect.

    Half for short sentences, whose ratio varies most. Long ones vary much less, so the
    share rises to 0.75 from 40 words when the usual ratio was measured on the job's own
    ordinary sentences, and only to 0.55 when it is a guess (a word-for-word translation
    into a CJK script is at 0.6 of the guess).
    """
    ramp = min(1.0, max(0.0, (words - 10) / 30))
    return 0.5 + (0.25 if measured else 0.05) * ramp


def _median(values: list[float]) -> float | None:
    if len(values) < 5:
        return None
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def package_limit(raw: dict[str, object]) -> int | None:
    """A package's own limit from its metadata (``max_source_tokens``), if sensible."""
    value = raw.get("max_source_tokens")
    if isinstance(value, int) and 8 <= value <= 1024:
        return value
    return None


@lru_cache(maxsize=8)
def _load_tokenizer(kind: str, path: str, stamp: tuple[int, int]) -> Tokenizer:
    if kind == "huggingface":
        return HuggingFaceTokenizer(Path(path))
    return SentencePieceTokenizer(Path(path))


def package_tokenizer(package: InstalledPackage) -> Tokenizer:
    """A package's tokenizer, loaded once, without loading (or waiting for) its model."""
    kind, path = tokenizer_of(package)
    stat = path.stat()
    return _load_tokenizer(kind, str(path), (stat.st_mtime_ns, stat.st_size))


def guard_for(first: InstalledPackage, last: InstalledPackage, options: TranslationOptions,
              align: bool, translate: Translate) -> Guard:
    """The guard of a route from its first package to its last."""
    source = package_tokenizer(first)
    knows = getattr(source, "knows", None)
    limit = (options.max_sentence_tokens or package_limit(first.info.raw)
             or DEFAULT_MAX_TOKENS)
    return Guard(
        translate=translate, source_tokens=source, target_tokens=package_tokenizer(last),
        scripts=expected_scripts(first.info.from_code, first.info.from_name), limit=limit,
        options=options, known=lru_cache(maxsize=256)(knows) if knows else _always,
        align=align, more_spans=_terms(options.glossary) if options.glossary else None)


def _terms(glossary: Glossary) -> Callable[[str], list[Span]]:
    """A sentence's glossary terms, as spans put back as their target terms."""
    def spans(sentence: str) -> list[Span]:
        return [Span(start, end, target, "term")
                for start, end, target in glossary.matches(sentence)]

    return spans


def _always(char: str) -> bool:
    return True
