"""PDF → PDF speed: how much of a job is PDF work, peak memory and output size.

    .venv/bin/python bench/pdf.py                  # 50 LibreOffice pages, both models
    .venv/bin/python bench/pdf.py --smoke          # 2 pages, a one-layer model: it runs
    .venv/bin/python bench/pdf.py --no-argos       # without argos-translate-files
    .venv/bin/python bench/pdf.py --pages 10 --models random   # argos on the random model

The PDF is printed by LibreOffice Writer from the test kit's document
(tests/documents/pdf_kit.py: headings, lists, a ruled table, a picture, a footnote, two
columns), repeated to ``--pages`` pages with other sentences of the fixture's words on
each copy (the job sends a text once, so repeated pages would hide the engine's part).
Two models:

* ``fixture``: the en→xl fixture package (tests/fixtures), word by word, small;
* ``random``: a Transformer-base model with random int8 weights (bench/common.py's,
  built once into bench/out), decoding exactly ``--length`` tokens a sentence.

For each, the whole job as ``offline-nlp translate`` runs it (read, translate, lay out,
write) against the engine's part of it; ``pdf share`` = 1 - engine/total in
CPU seconds, the part of the job that is PDF work (target: under 15 % with a real
model). CPU seconds, because on a shared machine the wall time mostly measures the wait
for a core; both are printed. Every row runs in a child process of its own, so ``peak
RSS`` is that job's (model included).

argos-translate-files 1.4.4 (PyMuPDF, AGPL) runs the same PDF on the same model from its
own environment, ``.venv-bench-argos`` (never the project's):

    python3 -m venv .venv-bench-argos && .venv-bench-argos/bin/pip install \\
        torch==2.13.0 argostranslate==1.11.0 argos-translate-files==1.4.4 platformdirs

(platformdirs: the child imports our sentence splitter, through bench/argos_run.py.)

The engine's time is the time spent inside the engine's calls during the job
(``Engine.translate_texts`` for us, once for all blocks; argostranslate's
``translate``, once per text span, for argos-translate-files), so each route is
measured on its own blocks.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
ARGOS_PYTHON = ROOT / ".venv-bench-argos" / "bin" / "python"
FIXTURE = ROOT / "tests" / "fixtures" / "packages" / "translate-en_xl-1_0.argosmodel"
WARM_UP = "The dog is happy."


class Clock:
    """Wall time and this process's CPU time (all threads) of a stretch of work. On a
    shared machine the CPU time is the steady figure: waiting for a core costs none."""

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


# --- the parent: make the PDF, run each row in a child, print the table ---------------

def make_pdf(folder: Path, pages: int) -> Path:
    """A Writer document printed to PDF, grown until it has ``pages`` pages."""
    sys.path[:0] = [str(ROOT / "tests" / "documents"), str(ROOT / "tests" / "fixtures")]
    import pdf_kit
    import pypdf
    import random
    import synthetic

    def vary(n: int, text: str) -> str:
        """Other sentences of the fixture's words on every copy, as many as ``text`` has."""
        rng = random.Random(f"{n}:{text}")
        count = len(synthetic.split_sentences(text, "en")) or 1
        return " ".join(synthetic.random_sentence(rng, "en", max_words=14)
                        for _ in range(count))

    copies = max(1, pages)
    while True:
        pdf = pdf_kit.writer_pdf(folder, copies, name=f"bench-{copies}", vary=vary)
        count = len(pypdf.PdfReader(str(pdf)).pages)
        if count >= pages:
            break
        copies = max(copies + 1, copies * pages // max(count, 1))
    if count > pages:  # cut the last pages off (pypdf keeps everything else as it is)
        writer = pypdf.PdfWriter(clone_from=str(pdf))
        for _ in range(count - pages):
            writer.remove_page(len(writer.pages) - 1)
        pdf = folder / f"bench-{pages}p.pdf"
        with open(pdf, "wb") as fh:
            writer.write(fh)
    return pdf


def run_child(args: list[str], python: Path = Path(sys.executable),
              env: dict[str, str] | None = None) -> dict[str, object]:
    """Run one row in a child process; its JSON answer plus its own peak RSS."""
    proc = subprocess.Popen([str(python), str(Path(__file__).resolve()), *args],
                            stdout=subprocess.PIPE, env={**os.environ, **(env or {})})
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"child {args[:2]} failed ({proc.returncode})")
    result = json.loads(out.decode().strip().splitlines()[-1])
    result["rss_mb"] = usage.ru_maxrss / 1024  # KiB on Linux
    return result


def random_archive(folder: Path, smoke: bool) -> Path:
    """The random model as an Argos package file (for argostranslate)."""
    import common

    package = common.model_package(smoke)
    archive = Path(shutil.make_archive(str(folder / "translate-en_xx-1_0"), "zip",
                                       package.parent, package.name))
    return archive.rename(archive.with_suffix(".argosmodel"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--models", default="fixture,random")
    parser.add_argument("--length", type=int, default=30,
                        help="tokens decoded per sentence by the random model")
    parser.add_argument("--no-argos", action="store_true")
    parser.add_argument("--argos-models", default=None,
                        help="models to run argos-translate-files on (default: --models); "
                             "it takes minutes a page on the random model")
    parser.add_argument("--smoke", action="store_true",
                        help="2 pages, a one-layer random model, no argos: it runs, no figures")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.child, args.length)
    if args.smoke:
        args.pages, args.no_argos = 2, True
    argos = not args.no_argos and ARGOS_PYTHON.exists()
    if not args.no_argos and not argos:
        print(f"argos-translate-files skipped: {ARGOS_PYTHON} not found (see --help)",
              file=sys.stderr)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as tmp:
        work = Path(tmp)
        pdf = make_pdf(work, args.pages)
        size_in = pdf.stat().st_size
        for model in args.models.split(","):
            kind = "smoke" if model == "random" and args.smoke else model
            ours = run_child(["--child", "ours", kind, str(pdf), str(work / f"{model}.pdf"),
                              "--length", str(args.length)])
            rows.append(("offline-nlp", model, ours))
            if argos and model in (args.argos_models or args.models).split(","):
                archive = FIXTURE if model == "fixture" else random_archive(work, False)
                env = {"PYTHONPATH": str(ROOT)}
                if model == "random":
                    env["BENCH_FIXED_LENGTH"] = str(args.length)
                target = "xl" if model == "fixture" else "xx"
                copy = work / f"argos-{model}.pdf"
                shutil.copy(pdf, copy)
                rows.append(("argos-translate-files", model, run_child(
                    ["--child", "argos", str(archive), str(copy), target],
                    ARGOS_PYTHON, env)))
    print(f"{args.pages}-page LibreOffice PDF, {size_in / 1e3:.0f} kB, "
          f"{rows[0][2]['blocks']} distinct blocks; random model decodes {args.length} tokens a sentence")
    print("wall = elapsed seconds; cpu = CPU seconds of the process (all threads); "
          "pdf share = 1 - engine cpu / total cpu")
    print(f"{'route':22} {'model':8} {'total wall':>10} {'engine wall':>11} {'total cpu':>9} "
          f"{'engine cpu':>10} {'pdf share':>9} {'peak RSS MB':>11} {'output kB':>9}")
    for route, model, r in rows:
        cpu, engine_cpu = float(r["total_cpu"]), float(r["engine_cpu"])
        share = 1 - engine_cpu / cpu if cpu else 0.0
        print(f"{route:22} {model:8} {float(r['total']):10.2f} {float(r['engine']):11.2f} "
              f"{cpu:9.2f} {engine_cpu:10.2f} {share:9.1%} {float(r['rss_mb']):11.0f} "
              f"{int(r['size']) / 1e3:9.0f}")
    return 0


# --- the children ---------------------------------------------------------------------

def child(spec: list[str], length: int) -> int:
    if spec[0] == "ours":
        result = ours(spec[1], Path(spec[2]), Path(spec[3]), length)
    else:
        result = argos(Path(spec[1]), Path(spec[2]), spec[3])
    print(json.dumps(result))
    return 0


def _engine(model: str, length: int):  # type: ignore[no-untyped-def]
    if model == "fixture":
        from offline_nlp.engine import Engine
        from offline_nlp.packages import PackageManager
        from offline_nlp.paths import AppPaths

        paths = AppPaths.under(Path(tempfile.mkdtemp(prefix="bench-pdf-home-"))).ensure()
        PackageManager(paths).install_file(FIXTURE)
        return Engine(PackageManager(paths)), "xl"
    import common
    import fixed_length

    from offline_nlp.engine import EngineConfig

    fixed_length.install(length)
    common.retries_off()  # random output loops; retries would time the model
    engine = common.single_package_engine(common.model_package(model == "smoke"),
                                          EngineConfig())
    return engine, "xx"


class EngineClock:
    """Wraps a translate function: the wall and CPU seconds spent inside it."""

    def __init__(self, func):  # type: ignore[no-untyped-def]
        self.func, self.wall, self.cpu, self.calls = func, 0.0, 0.0, 0

    def __call__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        with Clock() as clock:
            result = self.func(*args, **kwargs)
        self.wall += clock.wall
        self.cpu += clock.cpu
        self.calls += 1
        return result


def ours(model: str, pdf: Path, out: Path, length: int) -> dict[str, object]:
    """The job as the CLI runs it; the engine's share is the time inside its calls."""
    from offline_nlp.documents.pdf import PdfDocument
    from offline_nlp.documents.pipeline import translate_documents
    from offline_nlp.engine import TranslationOptions

    engine, target = _engine(model, length)
    options = TranslationOptions(use_cache=False)
    engine.translate_texts([WARM_UP], "en", target, options)  # the model loads here
    texts = list(dict.fromkeys(s.text for s in PdfDocument(pdf).segments()))
    inside = engine.translate_texts = EngineClock(engine.translate_texts)
    with Clock() as job:
        (result,) = translate_documents([(pdf, out)], engine, "en", target, options)
    if result.status != "done":
        raise SystemExit(f"translation failed: {result.error}")
    return {"total": job.wall, "engine": inside.wall, "total_cpu": job.cpu,
            "engine_cpu": inside.cpu, "blocks": len(texts), "size": out.stat().st_size}


def argos(archive: Path, pdf: Path, target: str) -> dict[str, object]:
    """argos-translate-files's PDF route (in .venv-bench-argos)."""
    import argos_run

    translate = argos_run.start_argos([archive])  # before argostranslate is imported
    from argostranslatefiles import argostranslatefiles

    languages = translate.get_installed_languages()
    source = next(lang for lang in languages if lang.code == "en")
    translation = source.get_translation(next(lang for lang in languages if lang.code == target))
    translation.translate(WARM_UP)

    argos_run.forget_last_call(translate)
    inside = translation.translate = EngineClock(translation.translate)
    with Clock() as job:
        out = argostranslatefiles.translate_file(translation, str(pdf))
    return {"total": job.wall, "engine": inside.wall, "total_cpu": job.cpu,
            "engine_cpu": inside.cpu, "blocks": inside.calls, "size": Path(out).stat().st_size}


if __name__ == "__main__":
    raise SystemExit(main())
