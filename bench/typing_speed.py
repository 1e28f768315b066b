"""Keystroke to result while typing: the Text tab on the warm en→xl fixture model.

QTest types a short sentence into the Text tab one key at a time; the figure is the time
from the key that ends the sentence (".") to the translation on screen, through the real
path: key event, sentence detection, the interactive pool, the engine, the queued signal
and the pane update. Each sentence is new (no memory hit); the model is loaded first.
The target is under 150 ms. Offscreen by default, so it runs anywhere:

    .venv/bin/python bench/typing_speed.py [--sentences 30] [--words 6]
"""

from __future__ import annotations

# Not "bench/typing.py": a file of that name in bench/ shadows the standard library's
# typing module for every script run from this folder.
import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "fixtures")]

import synthetic  # noqa: E402
from helpers import fixture_package  # noqa: E402
from PySide6.QtCore import QEventLoop, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

TARGET_MS = 150


def wait_for_text(edit, timeout_ms: int = 30_000) -> str:  # type: ignore[no-untyped-def]
    """Run the event loop until ``edit`` (emptied before) shows a text; woken by its
    textChanged, so no polling adds to the figure."""
    loop = QEventLoop()

    def check() -> None:
        if edit.toPlainText():
            loop.quit()
    edit.textChanged.connect(check)
    QTimer.singleShot(timeout_ms, loop.quit)
    if not edit.toPlainText():
        loop.exec()
    edit.textChanged.disconnect(check)
    if not edit.toPlainText():
        raise TimeoutError("the translation did not appear")
    return str(edit.toPlainText())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=30)
    parser.add_argument("--words", type=int, default=6, help="words per sentence")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: it runs, no figures")
    args = parser.parse_args()
    if args.smoke:
        args.sentences = 2
    os.environ["OFFLINE_NLP_HOME"] = tempfile.mkdtemp(prefix="bench-typing-")
    app = QApplication.instance() or QApplication([])
    from offline_nlp.context import AppContext
    from offline_nlp.gui.mainwindow import MainWindow

    context = AppContext.create(use_cache=False)
    context.settings = context.settings.__class__(check_index_online="no")
    context.packages.install_file(fixture_package("en_xl"))
    window = MainWindow(context)
    window.show()
    tab = window.text_tab
    tab.pair.set_pair("en", "xl")
    tab._debounce.setInterval(60_000)     # measure the sentence-end path only
    rng = random.Random(7)
    context.engine.translate("warm up the model.", "en", "xl")
    times: list[float] = []
    exact = 0
    for _ in range(args.sentences):
        words = synthetic.random_sentence(rng, "en", args.words, args.words).rstrip(".!?")
        words = "".join(c for c in words if not c.isdigit()).strip() or "house"
        tab.source_edit.clear()
        tab.target_edit.clear()
        QTest.keyClicks(tab.source_edit, words)
        expected = synthetic.translate_text(words + ".", "en", "xl")
        started = time.perf_counter()
        QTest.keyClick(tab.source_edit, Qt.Key.Key_Period)
        shown = wait_for_text(tab.target_edit)
        times.append((time.perf_counter() - started) * 1000)
        exact += shown == expected
    window.close()
    context.close()
    times.sort()
    p90 = times[max(0, round(0.9 * len(times)) - 1)]
    print(f"{'sentences':>10} {'words':>6} {'median ms':>10} {'p90 ms':>8} {'max ms':>8} "
          f"{'target':>7} {'exact':>6}")
    print(f"{len(times):>10} {args.words:>6} {statistics.median(times):>10.1f} {p90:>8.1f} "
          f"{times[-1]:>8.1f} {'<' + str(TARGET_MS):>7} {exact:>3}/{len(times)}")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
