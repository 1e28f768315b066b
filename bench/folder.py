"""A folder of many documents dropped on the Documents tab: how long the window is
blocked, how soon every file is listed, and how long Cancel all takes to stop.

Real engine on the en→xl fixture model, ``--files`` small .txt documents of a few
sentences. The window's responsiveness is the longest gap between the ticks of a 10 ms
timer while the folder is scanned and the first files are translated (issue 13 asked:
no freeze, counts while scanning, Cancel all within 0.5 s). Offscreen by default:

    .venv/bin/python bench/folder.py [--files 1000] [--translate 20]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "fixtures")]

import synthetic  # noqa: E402
from helpers import fixture_package  # noqa: E402
from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def spin_until(condition, timeout_s: float = 600.0) -> None:  # type: ignore[no-untyped-def]
    """Run the event loop until ``condition()`` holds (checked every 5 ms by a timer:
    a Python loop around processEvents() crashes PySide6 on Python 3.11 after a while)."""
    if condition():
        return
    loop = QEventLoop()
    check = QTimer()
    check.timeout.connect(lambda: condition() and loop.quit())
    check.start(5)
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    loop.exec()
    check.stop()
    if not condition():
        raise TimeoutError("the documents tab did not get there")


def make_folder(folder: Path, files: int) -> Path:
    """``files`` small .txt documents of three sentences of the fixture's words."""
    folder.mkdir()
    rng = random.Random(3)
    for i in range(files):
        text = " ".join(synthetic.random_sentence(rng, "en", 4, 10) for _ in range(3))
        (folder / f"doc{i:05d}.txt").write_text(text + "\n", encoding="utf-8")
    return folder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--translate", type=int, default=20,
                        help="files to let finish before Cancel all")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: it runs, no figures")
    args = parser.parse_args()
    if args.smoke:
        args.files, args.translate = 6, 2
    scratch = Path(tempfile.mkdtemp(prefix="bench-folder-"))
    os.environ["OFFLINE_NLP_HOME"] = str(scratch / "home")
    folder = make_folder(scratch / "many", args.files)
    app = QApplication.instance() or QApplication([])
    from offline_nlp.context import AppContext
    from offline_nlp.gui.mainwindow import MainWindow

    context = AppContext.create(use_cache=False)
    context.packages.install_file(fixture_package("en_xl"))
    window = MainWindow(context)
    window.show()
    tab = window.documents_tab
    tab.pair.set_pair("en", "xl")
    context.engine.translate("warm up.", "en", "xl")

    gaps: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [0]

    def tick() -> None:
        now = clock.elapsed()
        gaps.append(now - last[0])
        last[0] = now
    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(10)

    started = time.perf_counter()
    tab.add_paths([folder])
    blocked = time.perf_counter() - started
    spin_until(lambda: len(tab.files) == args.files and not tab.is_scanning())
    listed = time.perf_counter() - started
    spin_until(lambda: sum(f.status == "done" for f in tab.files) >= args.translate)
    done = sum(f.status == "done" for f in tab.files)
    cancel_started = time.perf_counter()
    tab.cancel_all()
    spin_until(lambda: not tab.is_running())
    cancelled = time.perf_counter() - cancel_started
    timer.stop()
    window.close()
    context.close()
    print(f"{'files':>6} {'add_paths ms':>13} {'all listed s':>13} {'longest GUI gap ms':>19} "
          f"{'done before cancel':>19} {'cancel all ms':>14}")
    print(f"{args.files:>6} {blocked * 1000:>13.1f} {listed:>13.2f} {max(gaps):>19.0f} "
          f"{done:>19} {cancelled * 1000:>14.1f}")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
