"""The guard: the sentences of one request planned, translated, checked and put together.

After decoding, a unit is suspect when its output never attends to a run of its source
words, is much shorter or longer than its source (by the ratio the job shows on its other
sentences), repeats what the source does not, is empty, or ran into the decoding limit.
It is translated again alone with a wider beam, then in ever smaller pieces; what is
still suspect is reported, and what is still empty keeps its source text.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from offline_nlp.engine.glossary import Glossary
from offline_nlp.engine.integrity.joining import compose, continued, identity_rows, no_added_end
from offline_nlp.engine.integrity.measure import (
    gap_limit,
    median,
    repeats,
    short_share,
    text_size,
)
from offline_nlp.engine.integrity.spans import Part, Plan, Planner, UnitResult
from offline_nlp.engine.kinds import load_tokenizer, tokenizer_files
from offline_nlp.engine.protect import Span
from offline_nlp.engine.reinsert import Masked, put_back
from offline_nlp.engine.scripts import expected_scripts
from offline_nlp.engine.tokenization import Tokenizer
from offline_nlp.engine.types import TranslationOptions
from offline_nlp.packages.metadata import InstalledPackage

__all__ = ["DEFAULT_MAX_TOKENS", "FirstPass", "Guard", "Outcome", "Translate", "guard_for",
           "package_limit", "package_tokenizer"]

# One logger for the whole guard, named as the module was before it became a package.
log = logging.getLogger(__package__)

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


@dataclass
class Outcome:
    """A whole sentence's result, assembled from its parts."""

    result: UnitResult
    kept: bool = False  # not sent to the model: a script the source is not written in
    suspect: bool = False  # still looks incomplete after every retry
    kept_words: tuple[str, ...] = ()  # words in such a script inside the sentence


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
    _normal: float = 1.0  # the usual output/source ratio, in words
    _measured: bool = False  # _normal comes from the job's ordinary sentences
    _gaps_trusted: bool = True  # the attention shows what the model left out
    planner: Planner = field(init=False, repr=False)  # cuts sentences into parts

    def __post_init__(self) -> None:
        self.planner = Planner(self.source_tokens, self.scripts, self.limit, self.known,
                               self.more_spans)

    def run(self, sentences: Sequence[str], first: FirstPass) -> dict[str, Outcome]:
        """Translate ``sentences`` (``first`` does the main pass, with progress), guarded."""
        plans = self.planner.plan(sentences)
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
                results[unit] = UnitResult([unit], identity_rows(unit, 0, 0) if self.align
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

    def _place(self, plans: dict[str, Plan], results: dict[str, UnitResult],
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
            self.planner.count(plan.units())
            self.planner.fit(sentence, plan)
            todo.extend(u for u in plan.units() if u not in results)
        return list(dict.fromkeys(todo))

    def _put_back(self, whole: Masked, result: UnitResult, anyway: bool = False
                  ) -> UnitResult | None:
        text = no_added_end(whole.sentence, result.hypotheses[0])
        rows = [r for r in result.alignment or [] if r[3] <= len(text)]
        if whole.holes and whole.holes[0].at == 0:  # the sentence starts with a span
            text = continued(whole.text, whole.holes[0].text, text, self._lower_case_word)
        placed = put_back(whole, text, rows, anyway)
        if placed is None:
            return None
        return UnitResult([placed[0]], placed[1] if self.align else None)

    # -- checking ---------------------------------------------------------------------

    def _check(self, units: list[str], results: dict[str, UnitResult]) -> set[str]:
        """Units whose output looks truncated, looping, empty or cut at the decoding limit."""
        outs = [results[u].hypotheses[0] for u in units]
        ratios = {u: text_size(out) / max(text_size(u), 1.0) for u, out in zip(units, outs)}
        # The usual ratio, from the job's ordinary sentences: long ones may all be cut
        # short by the same model, and their median would call that normal.
        ordinary = [u for u in units if MIN_GUARDED_WORDS <= text_size(u) <= ORDINARY_WORDS]
        measured = median([ratios[u] for u in ordinary])
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
                         "again alone, then in pieces", self.planner.counts[unit], why)
        return suspects

    def _attention_follows(self, ordinary: list[str], results: dict[str, UnitResult]) -> bool:
        """Whether the model's attention can tell what was left out, judged on the job's
        ordinary sentences: if it misses words in many of them whose length is right,
        it is the attention that is wrong (a head never trained to align), not them."""
        known = [u for u in ordinary if results[u].gap is not None]
        missed = [u for u in known if (results[u].gap or 0) >= gap_limit(text_size(u))
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
        tokens = self.planner.counts[unit]
        ceiling = min(1024, int(tokens * self.options.length_ratio) + self.options.length_extra)
        if out_tokens >= ceiling - 1:
            return f"ran into the decoding limit of {ceiling} tokens"
        words = text_size(unit)
        if self._gaps_trusted and result.gap is not None and result.gap >= gap_limit(words):
            return f"never attends to {result.gap:g} words of its source in a row"
        return self._length_wrong(unit, out)

    def _length_wrong(self, unit: str, out: str) -> str:
        """Too short or too long for ``unit``, or repeating what it does not repeat."""
        words = text_size(unit)
        share = short_share(words, self._measured)
        if words >= MIN_GUARDED_WORDS and text_size(out) < share * self._normal * words:
            ratio = text_size(out) / words / self._normal
            return f"is {ratio:.0%} of the usual length"
        if text_size(out) > LONG_SHARE * self._normal * words + LONG_SLACK:
            ratio = text_size(out) / words / self._normal
            return f"is {ratio:.0%} of the usual length"
        # A phrase said again that the source does not say again: a loop, a doubled output.
        if repeats(out, strict=True) and not repeats(unit, strict=False):
            return "repeats itself"
        return ""

    def _worth_retrying(self, units: list[str], suspects: set[str]) -> set[str]:
        """The suspects to translate again: all of them, unless the model is the problem.

        When many ordinary sentences (6-25 words, which any model handles) or nearly all
        sentences look wrong, the model does not suit the text (a damaged package, a
        wrong pair): translating everything up to five times more would only hide that,
        so nothing is retried and everything is reported.
        """
        ordinary = [u for u in units if MIN_GUARDED_WORDS <= text_size(u) <= ORDINARY_WORDS]
        guarded = [u for u in units if text_size(u) >= MIN_GUARDED_WORDS]
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
            # Sorted, not in set order: the pieces' batch would otherwise change with
            # the hash seed from run to run, and with it some alignment rows.
            for unit in sorted(suspects):
                limit = max(MIN_PIECE_TOKENS, math.ceil(self.planner.counts[unit] / 2 ** depth))
                parts = self.planner.cut(Part(unit, 0, "unit"), limit)
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
        for unit in sorted(suspects):
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

    def _compose(self, parts: list[Part], results: dict[str, UnitResult]) -> UnitResult:
        return compose(parts, results, self.align, self._lower_case_word)

    def _lower_case_word(self, word: str) -> bool:
        """Whether the output vocabulary has ``word`` as a lower-case word of its own."""
        has_piece = getattr(self.target_tokens, "has_piece", None)
        return word.lower() != word and has_piece is not None and has_piece(
            "\u2581" + word.lower())

    def _distance(self, unit: str, out: str) -> float:
        ratio = (text_size(out) + 0.5) / max(text_size(unit), 1.0)
        return abs(math.log(ratio / self._normal))


def package_limit(raw: dict[str, object]) -> int | None:
    """A package's own limit from its metadata (``max_source_tokens``), if sensible."""
    value = raw.get("max_source_tokens")
    if isinstance(value, int) and 8 <= value <= 1024:
        return value
    return None


@lru_cache(maxsize=8)
def _load_tokenizer(package: InstalledPackage, stamp: tuple[object, ...]) -> Tokenizer:
    return load_tokenizer(package)


def package_tokenizer(package: InstalledPackage) -> Tokenizer:
    """A package's tokenizer, loaded once, without loading (or waiting for) its model."""
    _, files = tokenizer_files(package)
    stamp = tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files)
    return _load_tokenizer(package, stamp)


def guard_for(first: InstalledPackage, last: InstalledPackage, options: TranslationOptions,
              align: bool, translate: Translate, source: tuple[str, str] | None = None) -> Guard:
    """The guard of a route from its first package to its last; ``source``: the source
    language's code and name (a multilingual package has many)."""
    code, name = source or (first.info.from_code, first.info.from_name)
    source = package_tokenizer(first)
    knows = getattr(source, "knows", None)
    limit = (options.max_sentence_tokens or package_limit(first.info.raw)
             or DEFAULT_MAX_TOKENS)
    return Guard(
        translate=translate, source_tokens=source, target_tokens=_output_side(last),
        scripts=expected_scripts(code, name), limit=limit,
        options=options, known=lru_cache(maxsize=256)(knows) if knows else _always,
        align=align, more_spans=_terms(options.glossary) if options.glossary else None)


def _output_side(package: InstalledPackage) -> Tokenizer:
    """The tokenizer that counts a package's outputs: its target side where source and
    target differ (OPUS-MT's target.spm), else its only one."""
    tokenizer = package_tokenizer(package)
    return getattr(tokenizer, "target", tokenizer)  # type: ignore[no-any-return]


def _terms(glossary: Glossary) -> Callable[[str], list[Span]]:
    """A sentence's glossary terms, as spans put back as their target terms."""
    def spans(sentence: str) -> list[Span]:
        return [Span(start, end, target, "term")
                for start, end, target in glossary.matches(sentence)]

    return spans


def _always(char: str) -> bool:
    return True
