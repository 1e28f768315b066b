#!/usr/bin/env python3
"""Render each tab of the desktop app at 1280×800 to PNG (docs/screenshots/).

``--size 800x600`` renders at another window size, ``--scale 2`` at 200 % (with
``--size 960x540``: a 1920×1080 screen at 200 %); the files are then named
``text-800x600.png``, ``text-960x540@2x.png``.

Uses a throwaway OFFLINE_NLP_HOME with the fixture packages installed (the synthetic
languages of tests/fixtures), sample text and a few translated documents, so no tab
is empty. Works under Xvfb and with the offscreen platform:

    xvfb-run -a .venv/bin/python packaging/screenshot.py
    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/screenshot.py
"""

from __future__ import annotations

import argparse
from dataclasses import replace
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SIZE = (1280, 800)
SUFFIX = [""]   # "-dark" with --dark
SIZE_NAME = [""]   # "-800x600" with --size, "@2x" with --scale
ONLY: set[str] = set()

# Shown as "Available" in the Packages tab and on the welcome page (sizes as in Argos's index).
SAMPLE_INDEX = [
    ("en", "English", "de", "German", 92_000_000), ("de", "German", "en", "English", 92_000_000),
    ("en", "English", "zh", "Chinese", 98_000_000), ("zh", "Chinese", "en", "English", 98_000_000),
    ("en", "English", "ja", "Japanese", 96_000_000),
    ("ja", "Japanese", "en", "English", 96_000_000),
    ("en", "English", "ko", "Korean", 95_000_000), ("en", "English", "fr", "French", 92_000_000),
    ("fr", "French", "en", "English", 92_000_000), ("en", "English", "es", "Spanish", 92_000_000),
]


def sample_index(fixture_packages: list[Path]) -> list[dict[str, object]]:
    entries: list[dict[str, object]] = []
    for src, src_name, tgt, tgt_name, size in SAMPLE_INDEX:
        entries.append({"code": f"translate-{src}_{tgt}", "type": "translate",
                        "from_code": src, "from_name": src_name, "to_code": tgt,
                        "to_name": tgt_name, "package_version": "1.9", "argos_version": "1.9.0",
                        "size": size, "links": [f"https://example.invalid/{src}_{tgt}.argosmodel"]})
    for package in fixture_packages:  # the installed ones, with a newer version to update to
        if not package.name.startswith("translate-"):
            continue
        pair = package.name.split("-")[1]
        src, tgt = pair.split("_")
        names = {"en": "English", "xl": "Synthetic Latin", "xz": "Synthetic CJK"}
        entries.append({"code": f"translate-{pair}", "type": "translate", "from_code": src,
                        "from_name": names[src], "to_code": tgt, "to_name": names[tgt],
                        "package_version": "1.1" if pair == "en_xz" else "1.0",
                        "size": package.stat().st_size, "links": [f"https://example.invalid/{pair}"]})
    return entries


def wait_until(app, predicate: Callable[[], bool], timeout: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not reach the state to photograph")
        app.processEvents()
        time.sleep(0.01)


def settle(app, seconds: float = 0.3) -> None:  # type: ignore[no-untyped-def]
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def prepare_home(home: Path, packages: list[Path], with_index: bool) -> None:
    from offline_nlp.packages import PackageManager
    from offline_nlp.paths import AppPaths

    paths = AppPaths.under(home).ensure()
    manager = PackageManager(paths)
    for package in packages:
        manager.install_file(package)
    if with_index:
        index_cache(paths).write_text(json.dumps(sample_index(packages)), encoding="utf-8")


def index_cache(paths):  # type: ignore[no-untyped-def]
    """Where the app looks for its cached copy of the index (one per index URL)."""
    from offline_nlp.packages.index import cache_file_for, index_url

    return cache_file_for(paths.cache, index_url())


def english(seed: int, count: int) -> str:
    import synthetic

    rng = random.Random(seed)
    return " ".join(synthetic.random_sentence(rng, "en", 6, 14) for _ in range(count))


def highlight_a_word(text, app) -> None:  # type: ignore[no-untyped-def]
    """Select a word of the source as a user would: its translation lights up too."""
    import re

    from PySide6.QtGui import QTextCursor

    wait_until(app, lambda: not text._debounce.isActive() and not text.requests.is_busy())
    source = text.source_edit.toPlainText()
    aligned = {span.source_start for span in text.translation_alignment()}
    words = [m for m in re.finditer(r"[A-Za-z]{4,}", source) if m.start() in aligned]
    word = words[len(words) // 2]
    cursor = text.source_edit.textCursor()
    cursor.setPosition(word.start())
    cursor.setPosition(word.end(), QTextCursor.MoveMode.KeepAnchor)
    text.source_edit.setFocus()
    text.source_edit.setTextCursor(cursor)
    settle(app)
    print(f"highlighted {text.highlighter.highlighted}")


def shoot(window, app, out: Path, name: str) -> Path:  # type: ignore[no-untyped-def]
    settle(app)
    if ONLY and name not in ONLY:
        return out / name
    path = out / f"{name}{SIZE_NAME[0]}{SUFFIX[0]}.png"
    if not window.grab().save(str(path)):
        raise OSError(f"cannot write {path}")
    print(f"wrote {path}")
    return path


def render(out: Path, packages: list[Path], scratch: Path, dark: bool = False) -> None:
    from offline_nlp.context import AppContext
    from offline_nlp.gui.app import create_application
    from offline_nlp.gui.mainwindow import MainWindow
    from offline_nlp.gui.theme import apply_theme
    from offline_nlp.paths import AppPaths

    app = create_application()
    SUFFIX[0] = "-dark" if dark else ""
    theme = "dark" if dark else "system"    # the app's own themes (View → Theme)
    apply_theme(theme)
    # Welcome page: nothing installed, a package list from the (cached) index.
    welcome_home = scratch / "welcome"
    prepare_home(welcome_home, [], with_index=False)
    index_cache(AppPaths.under(welcome_home)).write_text(
        json.dumps(sample_index([])), encoding="utf-8")
    ctx = AppContext.create(AppPaths.under(welcome_home), use_cache=False)
    ctx.settings = replace(ctx.settings, theme=theme)   # the window applies its setting
    window = MainWindow(ctx)
    window.resize(*SIZE)
    window.show()
    wait_until(app, lambda: window.welcome.list.count() > 0)
    window.welcome.check(["translate-en_zh", "translate-zh_en", "translate-en_de"])
    shoot(window, app, out, "welcome")
    window.close()
    ctx.close()

    home = scratch / "home"
    prepare_home(home, packages, with_index=True)
    ctx = AppContext.create(AppPaths.under(home), use_cache=False)
    ctx.settings = replace(ctx.settings, theme=theme)
    window = MainWindow(ctx)
    window.resize(*SIZE)
    window.show()

    pairs = set(ctx.engine.pairs())
    text_pair = ("en", "xz") if ("en", "xz") in pairs else min(pairs)
    document_pair = ("en", "xl") if ("en", "xl") in pairs else text_pair
    text = window.text_tab
    text.pair.set_pair(*text_pair)
    history = [english(seed, 1) for seed in (11, 12, 13)]
    for sample in [*history, english(7, 4)]:
        text.set_text(sample)
        text.translate_now()
        wait_until(app, lambda: not text.requests.is_busy()
                   and text.target_edit.toPlainText() != "")
    window.tabs.setCurrentWidget(text)
    shoot(window, app, out, "text")
    highlight_a_word(text, app)
    shoot(window, app, out, "alignment")

    documents = window.documents_tab
    documents.pair.set_pair(*document_pair)
    docs = scratch / "documents"
    docs.mkdir()
    for i, name in enumerate(("report.txt", "minutes.txt", "notes.srt")):
        body = english(20 + i, 30)
        if name.endswith(".srt"):
            body = "1\n00:00:01,000 --> 00:00:03,000\n" + english(30, 1) + "\n"
        (docs / name).write_text(body + "\n", encoding="utf-8")
    (docs / "scan.xyz").write_text("?", encoding="utf-8")
    window.tabs.setCurrentWidget(documents)
    documents.add_paths(sorted(docs.iterdir()))
    wait_until(app, lambda: not documents.is_running())
    shoot(window, app, out, "documents")

    summary = window.summarize_tab
    summary.input.setPlainText("\n\n".join(english(40 + i, 4) for i in range(4)))
    summary.length.setCurrentIndex(summary.length.findData("short"))
    window.tabs.setCurrentWidget(summary)
    summary.summarize()
    wait_until(app, lambda: summary.output.toPlainText() != "" and summary.run_button.isEnabled())
    shoot(window, app, out, "summarise")

    window.tabs.setCurrentWidget(window.packages_tab)
    wait_until(app, lambda: window.packages_tab.table.rowCount() > len(packages))
    window.packages_tab.select_code("translate-en_xz")
    shoot(window, app, out, "packages")

    window.tabs.setCurrentWidget(window.settings_tab)
    shoot(window, app, out, "settings")
    window.close()
    ctx.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--packages", type=Path, default=FIXTURES / "packages",
                        help="folder of .argosmodel files to install (default: the fixtures)")
    parser.add_argument("--dark", action="store_true",
                        help="render with the dark colour scheme (files named *-dark.png)")
    parser.add_argument("--size", default="",
                        help="window size WxH in the app's units (default 1280x800)")
    parser.add_argument("--scale", type=int, default=1,
                        help="Qt scale factor (2 is 200 %%); set before Qt starts")
    parser.add_argument("--only", default="",
                        help="comma-separated shot names to keep (default: all)")
    args = parser.parse_args(argv)
    if args.size:
        width, height = (int(n) for n in args.size.lower().split("x"))
        SIZE_NAME[0] = f"-{width}x{height}"
        globals()["SIZE"] = (width, height)
    if args.scale != 1:
        os.environ["QT_SCALE_FACTOR"] = str(args.scale)
        SIZE_NAME[0] += f"@{args.scale}x"
    ONLY.update(name for name in args.only.split(",") if name)
    packages = sorted(args.packages.glob("*.argosmodel"))
    if not packages:
        print(f"no .argosmodel files in {args.packages}; build them with tests/fixtures/build.py",
              file=sys.stderr)
        return 1
    sys.path.insert(0, str(FIXTURES))
    sys.path.insert(0, str(ROOT))
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="offline-nlp-shots-") as scratch:
        # Nothing from the real home, and no network: the index comes from a cached copy.
        os.environ["OFFLINE_NLP_HOME"] = str(Path(scratch) / "home")
        os.environ["OFFLINE_NLP_INDEX_URL"] = "http://127.0.0.1:9/index.json"
        os.environ.pop("OFFLINE_NLP_PACKAGES", None)
        render(args.out, packages, Path(scratch), args.dark)
    return 0


if __name__ == "__main__":
    sys.exit(main())
