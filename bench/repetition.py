"""Which repetition guard for CJK targets: measured on the trained fixture models.

Argos users report Chinese/Japanese output that repeats a word or phrase until the
length limit. The fixture models show the same failure now and then (``和和和和``), and
their right answers are known, so each setting is scored on held-out sentences:

* exact: output identical to the synthetic language's translation (higher is better);
* runaway: outputs over 1.5 times the expected length (the failure users see);
* repeats: outputs with a token repeated 3+ times in a row that the answer does not have.

    .venv/bin/python bench/repetition.py [--pair en_xz] [--sentences 2000] [--beam 2]

The engine's default for CJK targets (engine.Engine._guarded) is chosen from this table.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))

import synthetic  # noqa: E402

from offline_nlp.engine import Engine, TranslationOptions  # noqa: E402
from offline_nlp.packages import PackageManager  # noqa: E402
from offline_nlp.paths import AppPaths  # noqa: E402

SETTINGS = [
    ("none", 1.0, 0),
    ("repetition_penalty 1.05", 1.05, 0),
    ("repetition_penalty 1.1", 1.1, 0),
    ("repetition_penalty 1.2", 1.2, 0),
    ("no_repeat_ngram_size 3", 1.0, 3),
    ("no_repeat_ngram_size 4", 1.0, 4),
    ("no_repeat_ngram_size 6", 1.0, 6),
    ("penalty 1.1 + ngram 4", 1.1, 4),
    ("penalty 1.2 + ngram 4", 1.2, 4),
]
_RUN = re.compile(r"(.)\1\1")


def held_out(language: str, count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [synthetic.random_sentence(rng, language) for _ in range(count)]


def hard(language: str, count: int, seed: int) -> list[str]:
    """Where models loop: sentences three times longer than any seen in training, and
    words repeated 2-4 times in a row (the answer repeats them exactly as often)."""
    rng = random.Random(seed)
    out = []
    for index in range(count):
        if index % 2:
            parts = [synthetic.random_sentence(rng, language).rstrip(".?!") for _ in range(3)]
            out.append(", ".join([parts[0]] + [p[0].lower() + p[1:] for p in parts[1:]]) + ".")
        else:
            words = synthetic.random_sentence(rng, language).split(" ")
            at = rng.randrange(len(words))
            word = words[at].rstrip(".,?!")
            if word and not any(c.isdigit() for c in word):
                words[at:at] = [word.lower() if at else word] * rng.randint(1, 3)
            out.append(" ".join(words))
    return out


def score(outputs: list[str], expected: list[str]) -> tuple[float, int, int]:
    exact = sum(o == e for o, e in zip(outputs, expected)) / len(expected)
    runaway = sum(len(o) > 1.5 * len(e) for o, e in zip(outputs, expected))
    repeats = sum(bool(_RUN.search(o)) and not _RUN.search(e) for o, e in zip(outputs, expected))
    return exact, runaway, repeats


def run(engine: Engine, label: str, sentences: list[str], source: str, target: str,
        beam: int) -> None:
    expected = [synthetic.translate_text(s, source, target) for s in sentences]
    print(f"\n{source}_{target}, {len(sentences)} {label} sentences, beam {beam}")
    print(f"{'setting':<26} {'exact':>8} {'runaway':>8} {'repeats':>8} {'seconds':>8}")
    for name, penalty, ngram in SETTINGS:
        options = TranslationOptions(beam_size=beam, repetition_penalty=penalty,
                                     no_repeat_ngram_size=ngram, use_cache=False)
        start = time.perf_counter()
        outputs = [t.text for t in engine.translate_texts(sentences, source, target, options)]
        seconds = time.perf_counter() - start
        exact, runaway, repeats = score(outputs, expected)
        print(f"{name:<26} {exact:>8.2%} {runaway:>8} {repeats:>8} {seconds:>8.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pair", default="en_xz")
    parser.add_argument("--sentences", type=int, default=2000)
    parser.add_argument("--beam", type=int, default=2)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: it runs, no figures")
    args = parser.parse_args()
    if args.smoke:
        args.sentences = 5
    source, target = args.pair.split("_")
    package = ROOT / "tests" / "fixtures" / "packages" / f"translate-{args.pair}-1_0.argosmodel"
    with tempfile.TemporaryDirectory() as home:
        paths = AppPaths.under(Path(home)).ensure()
        manager = PackageManager(paths)
        manager.install_file(package)
        engine = Engine(manager)
        for label, make in (("held-out", held_out), ("hard", hard)):
            run(engine, label, make(source, args.sentences, args.seed), source, target, args.beam)


if __name__ == "__main__":
    main()
