"""Compare sentence splitters on the labelled set, and check that ours is linear.

Candidates: our rules (offline_nlp.engine.segmentation) and the permissive libraries
pysbd, sentencex and blingfire (all MIT), where installed. Every splitter gets one line
at a time, as in the engine (a line break always ends a sentence), and the language of
the row (blingfire has none; pysbd falls back to English for Korean).

For each it prints, on tests/engine/data/sentence_splits.tsv: cases split exactly as
labelled (overall and per language), cases where it merged sentences the label keeps
apart (the harmful error: the model drops text), cases it split too much, whether its
output gives the input back byte for byte (separators kept), and its time per 10,000
sentences. A list marker at the start of a line ("1. ") is ignored for the libraries,
which keep it on the first sentence; one that becomes a sentence alone still counts.

Then our splitter's time on inputs of n, 2n, 4n and 8n characters (one long line of
sentences, hard-wrapped lines, Chinese without spaces, long runs of spaces) with the
growth exponent (slope of log time over log size; 1.0 is linear), and its time on the document
``bench/translate.py`` decodes (compare with the decode time ``make bench`` prints).

    .venv/bin/python -m pip install pysbd sentencex blingfire
    .venv/bin/python bench/splitters.py [--scale-kb 500]
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent

ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "engine"))

from test_segmentation_labelled import Case, load_cases

from offline_nlp.engine.segmentation import join_sentences, split_text

# A splitter takes one line and a language and returns the line cut into consecutive
# pieces (sentence plus the whitespace after it), or None when it cannot give them.
Splitter = Callable[[str, str], list[str]]

_MARKER = re.compile(r"(?:\d{1,3}(?:\.\d{1,3})*[.)]|[a-z][.)])\s+(?=\S)")


def _ours(line: str, language: str) -> list[str]:
    return [p.text for p in split_text(line, language)]


def _pysbd() -> Splitter:
    import pysbd

    segmenters: dict[str, pysbd.Segmenter] = {}

    def split(line: str, language: str) -> list[str]:
        code = language if language in pysbd.languages.LANGUAGE_CODES else "en"
        if code not in segmenters:
            segmenters[code] = pysbd.Segmenter(language=code, clean=False, char_span=True)
        return [span.sent for span in segmenters[code].segment(line)]

    return split


def _sentencex() -> Splitter:
    import sentencex

    return lambda line, language: list(sentencex.segment(language, line))


def _blingfire() -> Splitter:
    import blingfire

    def split(line: str, language: str) -> list[str]:
        _, offsets = blingfire.text_to_sentences_and_offsets(line)
        starts = [start for start, _ in offsets]
        return [line[a:b] for a, b in zip(starts, starts[1:] + [len(line)])] if offsets else []

    return split


LIBRARIES: dict[str, Callable[[], Splitter]] = {
    "pysbd 0.3": _pysbd, "sentencex 1.0": _sentencex, "blingfire 0.1": _blingfire}


def candidates() -> dict[str, Splitter]:
    found: dict[str, Splitter] = {"offline-nlp rules": _ours}
    for name, load in LIBRARIES.items():
        try:
            found[name] = load()
        except ImportError:
            print(f"({name} not installed: skipped)")
    return found


def sentences_of(split: Splitter, text: str, language: str, is_ours: bool) -> tuple[list[str], bool]:
    """The stripped sentences of ``text``, and whether the pieces join back exactly."""
    if is_ours:
        pieces = split_text(text, language)
        return [p.text for p in pieces if p.is_sentence], "".join(p.text for p in pieces) == text
    out, exact = [], True
    for line in text.split("\n"):
        parts = split(line, language) if line.strip() else []
        exact = exact and ("".join(parts) == line or not line.strip())
        found = [p.strip() for p in parts if p.strip()]
        if found and (marker := _MARKER.match(found[0])):
            found[0] = found[0][marker.end():]
        out.extend(found)
    return out, exact


def score(name: str, split: Splitter, cases: list[Case]) -> dict[str, object]:
    right, merged, oversplit, exact = 0, 0, 0, True
    by_language: dict[str, list[int]] = {}
    for case in cases:
        got, same = sentences_of(split, case.text, case.language, name.startswith("offline"))
        exact = exact and same
        hit = got == case.expected
        right += hit
        merged += len(got) < len(case.expected)
        oversplit += len(got) > len(case.expected)
        tally = by_language.setdefault(case.language, [0, 0])
        tally[0] += hit
        tally[1] += 1
    return {"right": right, "merged": merged, "oversplit": oversplit, "exact": exact,
            "by_language": by_language}


def per_10k(name: str, split: Splitter, cases: list[Case]) -> float:
    """CPU seconds to split 10,000 sentences of the set's texts, line by line."""
    lines = [(line, c.language) for c in cases for line in c.text.split("\n") if line.strip()]
    per_round = sum(len(c.expected) for c in cases)
    rounds = math.ceil(10_000 / per_round)
    start = time.process_time()
    for _ in range(rounds):
        for line, language in lines:
            split(line, language)
    return (time.process_time() - start) * 10_000 / (rounds * per_round)


def comparison(cases: list[Case]) -> None:
    languages = sorted({c.language for c in cases})
    header = (f"{'splitter':<18} {'exact':>6} {'merged':>6} {'over':>5} "
              + " ".join(f"{lang:>6}" for lang in languages) + f" {'bytes kept':>10} {'s/10k sent.':>11}")
    print(f"\n{len(cases)} labelled cases; columns: cases split exactly (%), cases merged, "
          "cases over-split, exact per language, separators kept, time")
    print(header)
    print("-" * len(header))
    for name, split in candidates().items():
        result = score(name, split, cases)
        seconds = per_10k(name, split, cases)
        langs = " ".join(f"{100 * r / n:>5.0f}%" for r, n in
                         (result["by_language"][lang] for lang in languages))  # type: ignore[index]
        print(f"{name:<18} {100 * result['right'] / len(cases):>5.1f}% {result['merged']:>6} "
              f"{result['oversplit']:>5} {langs} {'yes' if result['exact'] else 'NO':>10} "
              f"{seconds:>11.3f}")


SCALING_INPUTS = {
    "one line of sentences": "The teacher went home. Mr. Smith met Dr. Brown on Jan. 5. Really? ",
    "hard-wrapped lines": "the teacher went home and\nMr. Smith met Dr. Brown. ",
    "Chinese, no spaces": "我们去公园吧！你去吗？「やめて！」と彼女は叫んだ。",
    "spaces without breaks": "a" + " " * 5000 + "b. ",
}


def _cpu_seconds(text: str) -> float:
    """CPU time of split + join, best of three (the machine is shared)."""
    best = math.inf
    for _ in range(3):
        start = time.process_time()
        pieces = split_text(text)
        join_sentences(pieces, [p.text for p in pieces if p.is_sentence])
        best = min(best, time.process_time() - start)
    return best


def _slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope: the growth exponent over all four sizes, not just two."""
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def scaling(size: int) -> None:
    print(f"\nour splitter (split + join, CPU seconds) on n, 2n, 4n, 8n characters, n = {size:,}")
    print(f"{'input':<24} " + " ".join(f"{f'{k}n':>8}" for k in (1, 2, 4, 8)) + f" {'exponent':>9}")
    for name, unit in SCALING_INPUTS.items():
        times = [_cpu_seconds(unit * max(1, k * size // len(unit))) for k in (1, 2, 4, 8)]
        exponent = _slope([math.log(k) for k in (1, 2, 4, 8)], [math.log(t) for t in times])
        print(f"{name:<24} " + " ".join(f"{t:>8.3f}" for t in times) + f" {exponent:>9.2f}")


def translate_document() -> None:
    """The splitter's share of bench/translate.py's document, to set against its decode time."""
    sys.path.insert(0, str(HERE))
    from common import make_document

    text = make_document(2000, seed=7)
    count = sum(p.is_sentence for p in split_text(text))
    print(f"\nbench/translate.py's document ({count} sentences, {len(text):,} characters): "
          f"split + join {1000 * _cpu_seconds(text):.1f} ms CPU")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale-kb", type=int, default=500, help="n for the scaling table, in KB")
    parser.add_argument("--smoke", action="store_true", help="a small scaling table")
    args = parser.parse_args()
    if args.smoke:
        args.scale_kb = 5
    comparison(load_cases())
    translate_document()
    scaling(args.scale_kb * 1000)


if __name__ == "__main__":
    main()
