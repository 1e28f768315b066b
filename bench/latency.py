"""One sentence where people wait: the engine with and without a cancel flag.

The desktop app and the server always pass a cancel flag. Issue 25 measured 5 ms for one
sentence without one and 52 ms with one, when a cancellable call polled the flag every
50 ms; the target is a ratio of at most 1.2. Rows, on the warm en→xl fixture model
without the segment cache (each sentence new):

* no cancel flag;
* a ``CancelFlag`` (what the GUI and the server pass: it wakes the wait when set);
* a plain ``threading.Event`` (polled for the cancel, but woken by the result);
* the server's queue (``Batcher``) in front of the engine.

    .venv/bin/python bench/latency.py [--sentences 200]  (--smoke: a few, no verdict)
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "fixtures")]

import synthetic  # noqa: E402
from helpers import fixture_package  # noqa: E402

from offline_nlp.engine import Engine, TranslationOptions  # noqa: E402
from offline_nlp.packages import PackageManager  # noqa: E402
from offline_nlp.paths import AppPaths  # noqa: E402
from offline_nlp.progress import CancelFlag  # noqa: E402
from offline_nlp.server.batcher import Batcher  # noqa: E402

TARGET_RATIO = 1.2
OPTIONS = TranslationOptions(use_cache=False)


def contenders(engine: Engine, batcher: Batcher) -> dict[str, Callable[[str], object]]:
    return {
        "no cancel flag": lambda s: engine.translate_texts([s], "en", "xl", OPTIONS),
        "CancelFlag": lambda s: engine.translate_texts([s], "en", "xl", OPTIONS,
                                                       cancel=CancelFlag()),
        "threading.Event": lambda s: engine.translate_texts([s], "en", "xl", OPTIONS,
                                                            cancel=threading.Event()),
        "through the Batcher": lambda s: batcher.submit([s], "en", "xl", OPTIONS)
        .future.result(timeout=60),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=200, help="per contender")
    parser.add_argument("--smoke", action="store_true", help="a few sentences, no verdict")
    args = parser.parse_args()
    count = 3 if args.smoke else args.sentences
    home = Path(tempfile.mkdtemp(prefix="bench-latency-"))
    os.environ["OFFLINE_NLP_HOME"] = str(home)
    manager = PackageManager(AppPaths.under(home).ensure())
    manager.install_file(fixture_package("en_xl"))
    engine = Engine(manager)
    batcher = Batcher(engine.translate_texts)
    runs = contenders(engine, batcher)
    engine.translate("Warm up the model.", "en", "xl")
    rng = random.Random(5)
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(count):
        order = list(runs)
        rng.shuffle(order)  # interleaved: a noisy neighbour hurts every row alike
        for name in order:
            sentence = synthetic.random_sentence(rng, "en", 5, 8)
            started = time.perf_counter()
            runs[name](sentence)
            times[name].append((time.perf_counter() - started) * 1000)
    batcher.close()
    base = statistics.median(times["no cancel flag"])
    print(f"{'one sentence, en→xl fixture':<28} {'median ms':>10} {'p90 ms':>8} {'ratio':>6}")
    for name, values in times.items():
        values.sort()
        p90 = values[max(0, round(0.9 * len(values)) - 1)]
        median = statistics.median(values)
        print(f"{name:<28} {median:>10.2f} {p90:>8.2f} {median / base:>6.2f}")
    ratio = statistics.median(times["CancelFlag"]) / base
    verdict = "" if args.smoke else (" (target <= %.1f: %s)" % (
        TARGET_RATIO, "met" if ratio <= TARGET_RATIO else "missed"))
    print(f"cancel/no-cancel={ratio:.2f}{verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
