"""Many packages installed: what each request pays for looking up its route.

"Install all" gives about a hundred packages. Issue 25 measured, with 93 installed,
``route()`` at 27 ms and a one-sentence ``/translate`` at 165-254 ms, because every
request re-read every package's metadata and re-paired all routes. The targets:
``route()`` under 1 ms, and a one-sentence ``/translate`` within 1.3× of the figure
with one package installed.

Copies of the en→xl fixture package are installed under other language codes (half
into English, half out of it, as "install all" gives), so every pivot route exists;
they share the fixture's weights, so only the catalogue differs between the rows.

    .venv/bin/python bench/packages.py [--copies 100 --requests 200]  (--smoke: tiny)
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from helpers import fixture_package  # noqa: E402

from offline_nlp.engine import Engine, TranslationOptions  # noqa: E402
from offline_nlp.packages import PackageManager  # noqa: E402
from offline_nlp.paths import AppPaths  # noqa: E402
from offline_nlp.server import Server, ServerConfig  # noqa: E402

ROUTE_TARGET_MS = 1.0
TRANSLATE_TARGET_RATIO = 1.3
SENTENCE = "The old house is by the river."


def copy_of_fixture(folder: Path, source: str, target: str) -> Path:
    """The en→xl fixture archive relabelled as ``source → target``."""
    out = folder / f"translate-{source}_{target}-1_0.argosmodel"
    top = f"translate-{source}_{target}-1_0/"
    with zipfile.ZipFile(fixture_package("en_xl")) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
        for item in src.infolist():
            name = top + item.filename.split("/", 1)[1]
            data = src.read(item) if not item.is_dir() else b""
            if item.filename.endswith("/metadata.json"):
                meta = json.loads(data)
                meta.update(from_code=source, to_code=target, from_name=source.upper(),
                            to_name=target.upper(), code=f"translate-{source}_{target}")
                data = json.dumps(meta).encode()
            dst.writestr(name, data)
    return out


def codes(count: int) -> list[str]:
    """Codes no real language uses (ISO 639's qaa-qtz range is for local use)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    return [f"q{letters[i // 26 % 20]}{letters[i % 26]}" for i in range(count)]


def install_copies(manager: PackageManager, count: int, scratch: Path) -> None:
    for index, code in enumerate(codes(count)):
        pair = ("en", code) if index % 2 == 0 else (code, "en")
        archive = copy_of_fixture(scratch, *pair)
        manager.install_file(archive)
        archive.unlink()


def median_ms(run: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def one_sentence(port: int) -> Callable[[], None]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    body = json.dumps({"q": SENTENCE, "source": "en", "target": "xl"})

    def post() -> None:
        connection.request("POST", "/translate", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        data = json.loads(response.read())
        if response.status != 200:
            raise RuntimeError(f"server answered {response.status}: {data}")
    return post


def measure(engine: Engine, repeats: int) -> tuple[float, float]:
    """Median ms of route() and of a one-sentence /translate (no segment cache)."""
    route_ms = median_ms(lambda: engine.route("en", "xl"), repeats)
    options = TranslationOptions(use_cache=False)
    with Server(engine, ServerConfig(port=0, options=options)) as server:
        post = one_sentence(server.port)
        post()  # the model loads on the first request
        translate_ms = median_ms(post, repeats)
    return route_ms, translate_ms


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=100)
    parser.add_argument("--requests", type=int, default=200, help="repeats per figure")
    parser.add_argument("--smoke", action="store_true", help="3 copies, 3 requests, no verdict")
    args = parser.parse_args()
    copies, repeats = (3, 3) if args.smoke else (args.copies, args.requests)
    home = Path(tempfile.mkdtemp(prefix="bench-packages-"))
    try:
        manager = PackageManager(AppPaths.under(home).ensure())
        manager.install_file(fixture_package("en_xl"))
        engine = Engine(manager)
        one = measure(engine, repeats)
        started = time.perf_counter()
        install_copies(manager, copies, home)
        install_s = time.perf_counter() - started
        engine.route(codes(copies)[1], codes(copies)[0])  # a pivot route exists
        many = measure(engine, repeats)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print(f"{copies} copies installed in {install_s:.1f} s; medians of {repeats} requests")
    print(f"| {'packages installed':>18} | {'route() ms':>10} | {'one-sentence /translate ms':>26} |")
    print(f"|{'-' * 20}|{'-' * 12}|{'-' * 28}|")
    for label, (route_ms, translate_ms) in (("1", one), (str(copies + 1), many)):
        print(f"| {label:>18} | {route_ms:>10.3f} | {translate_ms:>26.2f} |")
    ratio = many[1] / one[1]
    verdict = "" if args.smoke else (
        f" (targets: route <= {ROUTE_TARGET_MS} ms, ratio <= {TRANSLATE_TARGET_RATIO}: "
        f"{'met' if many[0] <= ROUTE_TARGET_MS and ratio <= TRANSLATE_TARGET_RATIO else 'missed'})")
    print(f"route_ms={many[0]:.3f} translate_many/one={ratio:.2f}{verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
