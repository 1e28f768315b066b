"""Growth of every stage with its input: each must be linear (exponent <= 1.15).

    .venv/bin/python bench/scaling.py              # all stages, n = the default sizes
    .venv/bin/python bench/scaling.py --scale 0.5  # quicker, noisier
    .venv/bin/python bench/scaling.py --only html

Each stage runs on inputs of size n, 2n, 4n and 8n; the exponent is the slope of
log(time) over log(size) (1.0 = linear, 2.0 = quadratic). Times are CPU seconds of this
process (of the child, for the CLI), the best of ``--repeat`` runs, so other programs
on a busy machine disturb them less than wall-clock time. Stages:

* ``split:*``: :func:`offline_nlp.engine.segmentation.split_text` on one long line,
  and on text hard-wrapped at 72 columns;
* ``txt:*``, ``md``, ``html:*``, ``srt``, ``docx``, ``epub``: a document handler's
  open + segments + write with the sentences written back unchanged (no model);
* ``cli:txt``: ``offline-nlp translate`` on a wrapped .txt with the en->xl fixture
  model, less the cost of the same command on a one-line file (start-up, model load).

The last line is ``worst_exponent=X``; the exit code is 1 when X > 1.15.

``--gc-off`` switches CPython's cyclic garbage collector off while timing (not for the
CLI stage): with a million live objects its full collections add a few tenths to the
exponents of the document handlers, which the algorithms themselves do not have.
"""

from __future__ import annotations

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

import argparse  # noqa: E402
import gc  # noqa: E402
import importlib.util  # noqa: E402
import math  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import textwrap  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(HERE).parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _bench_module(name: str):  # type: ignore[no-untyped-def]
    """A sibling bench script, loaded by its path whatever the current sys.path."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", Path(HERE) / f"{name}.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


_documents = _bench_module("documents")
make_docx, make_epub = _documents.make_docx, _documents.make_epub
paragraph, sentence = _documents.paragraph, _documents.sentence

from offline_nlp.documents.registry import open_document  # noqa: E402
from offline_nlp.engine.segmentation import split_text  # noqa: E402
from offline_nlp.engine.types import Translation  # noqa: E402

LIMIT = 1.15
FIXTURE = ROOT / "tests" / "fixtures" / "packages" / "translate-en_xl-1_0.argosmodel"


def sentences(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return [sentence(rng) for _ in range(n)]


def one_line(n: int) -> str:
    return " ".join(sentences(n))


def wrapped(n: int) -> str:
    """Paragraphs of 40 sentences hard-wrapped at 72 columns (re-flowed by the reader)."""
    parts = sentences(n)
    paras = [" ".join(parts[i : i + 40]) for i in range(0, len(parts), 40)]
    return "\n\n".join(textwrap.fill(p, 72) for p in paras) + "\n"


def nested_html(n: int) -> str:
    """n blocks, each inside the previous one: the open-block stack is n deep."""
    parts = sentences(n)
    return ("<html><body>" + "".join(f"<div><p>{s}</p>" for s in parts)
            + "</div>" * n + "</body></html>")


def flat_html(n: int) -> str:
    rng = random.Random(3)
    body = "".join(f"<p>{paragraph(rng)} <b>{sentence(rng)}</b></p>\n" for _ in range(n // 3))
    return f"<html><head><title>T</title></head><body>{body}</body></html>"


def markdown(n: int) -> str:
    rng = random.Random(4)
    out = []
    for i in range(n // 3):
        out.append(f"## {sentence(rng)}\n\n{paragraph(rng)} *{sentence(rng)}*\n\n- item {i}: "
                   f"{sentence(rng)}\n")
    return "\n".join(out)


def subtitles(n: int) -> str:
    parts = sentences(n)
    cues = []
    for i, text in enumerate(parts):
        start = i * 3
        cues.append(f"{i + 1}\n{_ts(start)} --> {_ts(start + 2)}\n{text}\n")
    return "\n".join(cues)


def _ts(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d},000"


def write_text(suffix: str, make: Callable[[int], str]) -> Callable[[int, Path], Path]:
    def build(n: int, folder: Path) -> Path:
        path = folder / f"in-{n}{suffix}"
        path.write_text(make(n), encoding="utf-8")
        return path
    return build


def docx(n: int, folder: Path) -> Path:
    path = folder / f"in-{n}.docx"
    make_docx(path, pages=max(1, n // 30))  # about 30 sentences a page
    return path


def epub(n: int, folder: Path) -> Path:
    path = folder / f"in-{n}.epub"
    make_epub(path, chapters=max(1, n // 150))  # about 150 sentences a chapter
    return path


def run_handler(path: Path) -> None:
    document = open_document(path)
    segments = document.segments()
    out = path.with_name("out-" + path.name)
    document.write(out, [Translation(s.text) for s in segments])


def cpu_self(action: Callable[[], object]) -> float:
    start = time.process_time()
    action()
    return time.process_time() - start


def cpu_children(command: list[str], env: dict[str, str]) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def exponent(sizes: list[int], times: list[float]) -> float:
    """Least-squares slope of log(time) over log(size)."""
    xs = [math.log(s) for s in sizes]
    ys = [math.log(max(t, 1e-6)) for t in times]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


class Cli:
    """offline-nlp in a throwaway home with the en->xl fixture installed."""

    def __init__(self, folder: Path) -> None:
        self.env = {**os.environ, "OFFLINE_NLP_HOME": str(folder / "home"),
                    "OMP_NUM_THREADS": "1"}
        self.exe = [sys.executable, "-m", "offline_nlp"]
        subprocess.run([*self.exe, "packages", "install", str(FIXTURE)], env=self.env,
                       check=True, stdout=subprocess.DEVNULL)
        small = folder / "tiny.txt"
        small.write_text("The house is old.\n", encoding="utf-8")
        self.baseline = min(self._translate(small) for _ in range(2))

    def _translate(self, path: Path) -> float:
        out = path.with_name("out-" + path.name)
        return cpu_children([*self.exe, "translate", "--from", "en", "--to", "xl", "--no-cache",
                             "--overwrite", str(path), "-o", str(out)], self.env)

    def measure(self, path: Path) -> float:
        return max(self._translate(path) - self.baseline, 1e-3)


def stages(folder: Path) -> dict[str, tuple[int, Callable[[int], Callable[[], object]]]]:
    """name -> (base size n in sentences, size -> the action to time)."""
    def split(make: Callable[[int], str]) -> Callable[[int], Callable[[], object]]:
        return lambda n: (lambda text=make(n): split_text(text, "en"))

    def handler(build: Callable[[int, Path], Path]) -> Callable[[int], Callable[[], object]]:
        return lambda n: (lambda path=build(n, folder): run_handler(path))

    return {
        "split:one-line": (20000, split(one_line)),
        "split:wrapped": (20000, split(wrapped)),
        "txt:one-line": (20000, handler(write_text(".txt", one_line))),
        "txt:wrapped": (20000, handler(write_text(".txt", wrapped))),
        "md": (2000, handler(write_text(".md", markdown))),
        "html:nested": (4000, handler(write_text(".html", nested_html))),
        "html:flat": (4000, handler(write_text(".html", flat_html))),
        "srt": (4000, handler(write_text(".srt", subtitles))),
        "docx": (4000, handler(docx)),
        "epub": (4000, handler(epub)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every n")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size (best kept)")
    parser.add_argument("--only", default="", help="stages whose name contains this")
    parser.add_argument("--no-cli", action="store_true", help="skip the CLI stage")
    parser.add_argument("--gc-off", action="store_true",
                        help="time without the cyclic garbage collector (algorithm alone)")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, no CLI, no verdict")
    args = parser.parse_args()
    if args.smoke:
        args.scale, args.repeat, args.no_cli = 0.005, 1, True
    if args.gc_off:
        gc.disable()
    worst = 0.0
    print(f"{'stage':16} {'n':>6} {'t(n)':>8} {'t(2n)':>8} {'t(4n)':>8} {'t(8n)':>8} "
          f"{'exponent':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        table = stages(folder)
        if not args.no_cli:
            cli = None

            def cli_stage(n: int) -> Callable[[], object]:
                nonlocal cli
                cli = cli or Cli(folder)
                path = write_text(".txt", wrapped)(n, folder)
                return lambda: cli.measure(path)  # type: ignore[union-attr]

            table["cli:txt"] = (600, cli_stage)
        for name, (base, prepare) in table.items():
            if args.only and args.only not in name:
                continue
            n = max(8, int(base * args.scale))
            sizes = [n, 2 * n, 4 * n, 8 * n]
            times = []
            for size in sizes:
                action = prepare(size)
                if name.startswith("cli:"):
                    times.append(min(action() for _ in range(args.repeat)))  # type: ignore[type-var]
                else:
                    times.append(min(cpu_self(action) for _ in range(args.repeat)))
            slope = exponent(sizes, times)
            worst = max(worst, slope)
            flag = "" if slope <= LIMIT else "  > 1.15"
            print(f"{name:16} {n:>6} " + " ".join(f"{t:8.3f}" for t in times)
                  + f" {slope:8.2f}{flag}", flush=True)
    print(f"worst_exponent={worst:.2f}")
    return 0 if worst <= LIMIT or args.smoke else 1


if __name__ == "__main__":
    sys.exit(main())
