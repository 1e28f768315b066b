"""Beam size and length penalty on the trained fixture models, whose right answers are known.

    .venv/bin/python bench/beams.py [--pairs en_xl,en_xz] [--sentences 1000]

Prints, per pair, the share of held-out sentences translated exactly and the time taken
for beam 1, 2 and 4 with CTranslate2's length_penalty 0, 0.2 (argostranslate's) and 1
(CTranslate2's default). TranslationOptions.length_penalty defaults to what wins here.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "fixtures"))

import synthetic  # noqa: E402
from repetition import held_out  # noqa: E402

from offline_nlp.engine import Engine, TranslationOptions  # noqa: E402
from offline_nlp.packages import PackageManager  # noqa: E402
from offline_nlp.paths import AppPaths  # noqa: E402

PENALTIES = (0.0, 0.2, 1.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", default="en_xl,en_xz,xl_en,xz_en")
    parser.add_argument("--sentences", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: it runs, no figures")
    args = parser.parse_args()
    if args.smoke:
        args.pairs, args.sentences = "en_xl", 5
    packages = ROOT / "tests" / "fixtures" / "packages"
    with tempfile.TemporaryDirectory() as home:
        manager = PackageManager(AppPaths.under(Path(home)).ensure())
        pairs = [p for p in args.pairs.split(",") if (packages / f"translate-{p}-1_0.argosmodel").exists()]
        for pair in pairs:
            manager.install_file(packages / f"translate-{pair}-1_0.argosmodel")
        engine = Engine(manager)
        print(f"{'pair':<7} {'beam':>4} " + " ".join(f"{'lp ' + str(lp):>16}" for lp in PENALTIES))
        for pair in pairs:
            source, target = pair.split("_")
            sentences = held_out(source, args.sentences, args.seed)
            expected = [synthetic.translate_text(s, source, target) for s in sentences]
            for beam in (1, 2, 4):
                cells = []
                for penalty in PENALTIES:
                    options = TranslationOptions(beam_size=beam, length_penalty=penalty,
                                                 use_cache=False)
                    start = time.perf_counter()
                    out = [t.text for t in engine.translate_texts(sentences, source, target, options)]
                    seconds = time.perf_counter() - start
                    exact = sum(o == e for o, e in zip(out, expected)) / len(expected)
                    cells.append(f"{exact:>8.1%} {seconds:>6.2f}s")
                print(f"{pair:<7} {beam:>4} " + " ".join(cells))


if __name__ == "__main__":
    main()
