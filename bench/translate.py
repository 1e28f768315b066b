"""Translation speed: raw CTranslate2 (the ceiling) vs our engine vs argostranslate.

All three run in one invocation on the same Transformer-base sized model (6+6 layers,
d_model 512, 32k vocabulary, random int8 weights), the same multi-paragraph input and
the same beam size, each decoding exactly ``--length`` tokens per sentence. Compare the
ratios, not the seconds: machines are shared and noisy.

    make bench            (or: .venv/bin/python bench/translate.py --sentences 2000)

argostranslate runs from the ``make parity`` environment (.venv-parity) if present.
The last line is ``engine/ceiling=R1 engine/argostranslate=R2``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

import ctranslate2  # noqa: E402
import fixed_length  # noqa: E402
from corpus import make_corpus, make_document  # noqa: E402
from random_model import build_package  # noqa: E402

from offline_nlp.engine import Engine, EngineConfig, TranslationOptions  # noqa: E402
from offline_nlp.engine.segmentation import split_text  # noqa: E402
from offline_nlp.engine.tokenization import SentencePieceTokenizer  # noqa: E402
from offline_nlp.errors import Cancelled  # noqa: E402
from offline_nlp.packages import InstalledPackage  # noqa: E402

OUT = HERE / "out"
PARITY_PYTHON = HERE.parent / ".venv-parity" / "bin" / "python"


def model_package() -> Path:
    folder = OUT / "transformer-base-en_xx"
    if not (folder / "model" / "model.bin").exists():
        print("building a Transformer-base model with random weights (once)...", file=sys.stderr)
        shutil.rmtree(folder, ignore_errors=True)
        build_package(folder, make_corpus(20000, seed=99))
    return folder


def run_ceiling(package: Path, sentences: list[str], beam: int, config: EngineConfig) -> float:
    inter, intra = config.threads()
    translator = fixed_length.FixedLengthTranslator(
        str(package / "model"), compute_type="int8", inter_threads=inter, intra_threads=intra)
    tokens = SentencePieceTokenizer(package / "sentencepiece.model").encode(sentences)
    translator.translate_batch(tokens[:8], beam_size=beam)
    start = time.perf_counter()
    translator.translate_batch(tokens, beam_size=beam, max_batch_size=config.max_batch_tokens,
                               batch_type="tokens", return_scores=False)
    return time.perf_counter() - start


def make_engine(package: Path, config: EngineConfig) -> Engine:
    installed = InstalledPackage.load(package)

    class Source:
        def installed(self) -> list[InstalledPackage]:
            return [installed]

    return Engine(Source(), config)


def run_engine(package: Path, text: str, beam: int, config: EngineConfig) -> tuple[float, str]:
    engine = make_engine(package, config)
    # argostranslate's length_penalty, so both decode the same thing and outputs compare
    options = TranslationOptions(beam_size=beam, length_penalty=0.2, use_cache=False)
    engine.translate("Warm up.", "en", "xx", options)
    start = time.perf_counter()
    output = engine.translate(text, "en", "xx", options)
    return time.perf_counter() - start, output


def cancel_latency(package: Path, text: str, beam: int, config: EngineConfig) -> float:
    """Seconds from setting the cancel flag to the engine giving control back."""
    engine = make_engine(package, config)
    cancel = threading.Event()
    stopped = []

    def work() -> None:
        try:
            engine.translate_texts([text], "en", "xx", TranslationOptions(beam_size=beam,
                                   use_cache=False), cancel=cancel)
        except Cancelled:
            stopped.append(time.perf_counter())

    thread = threading.Thread(target=work)
    thread.start()
    time.sleep(3)  # well into the job
    asked = time.perf_counter()
    cancel.set()
    thread.join()
    return stopped[0] - asked if stopped else float("nan")


def run_argos(package: Path, text: str, beam: int, length: int) -> tuple[float, str] | None:
    if not PARITY_PYTHON.exists():
        print("argostranslate skipped: run 'make parity' once to build .venv-parity",
              file=sys.stderr)
        return None
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(shutil.make_archive(f"{tmp}/translate-en_xx-1_0", "zip", package.parent,
                                           package.name))
        archive = archive.rename(archive.with_suffix(".argosmodel"))
        input_file = Path(tmp) / "input.txt"
        input_file.write_text(text, encoding="utf-8")
        done = subprocess.run([str(PARITY_PYTHON), str(HERE / "argos_run.py"), str(archive),
                               str(input_file), str(beam), str(length)],
                              capture_output=True, text=True, check=True)
    data = json.loads(done.stdout.strip().splitlines()[-1])
    return data["seconds"], data["output"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sentences", type=int, default=2000)
    parser.add_argument("--beam", type=int, default=2)
    parser.add_argument("--length", type=int, default=30, help="tokens decoded per sentence")
    parser.add_argument("--batch-tokens", type=int, default=EngineConfig().max_batch_tokens)
    parser.add_argument("--no-argos", action="store_true")
    args = parser.parse_args()
    fixed_length.install(args.length)
    package = model_package()
    text = make_document(args.sentences, seed=7)
    sentences = [p.text for p in split_text(text) if p.is_sentence]
    generated = len(sentences) * args.length
    config = EngineConfig(max_batch_tokens=args.batch_tokens)
    rows = [("ctranslate2 translate_batch (ceiling)",
             run_ceiling(package, sentences, args.beam, config))]
    engine_seconds, engine_output = run_engine(package, text, args.beam, config)
    rows.append(("offline-nlp engine", engine_seconds))
    argos = None if args.no_argos else run_argos(package, text, args.beam, args.length)
    if argos is not None:
        rows.append(("argostranslate 1.11", argos[0]))
    inter, intra = config.threads()
    print(f"model: Transformer-base, random int8 weights; {len(sentences)} sentences in "
          f"{text.count(chr(10) * 2) + 1} paragraphs; beam {args.beam}; {args.length} tokens "
          f"each; {inter}x{intra} threads; ctranslate2 {ctranslate2.__version__}; "
          f"{os.cpu_count()} cores")
    print(f"| {'contender':40} | {'seconds':>8} | {'tokens/s':>9} |")
    print(f"|{'-' * 42}|{'-' * 10}|{'-' * 11}|")
    for name, seconds in rows:
        print(f"| {name:40} | {seconds:8.2f} | {generated / seconds:9.0f} |")
    if argos is not None:
        same = "identical" if argos[1] == engine_output else "DIFFERENT"
        print(f"output of engine and argostranslate: {same}")
    print(f"cancel latency of the engine: {cancel_latency(package, text, args.beam, config):.3f} s")
    ceiling = rows[0][1]
    vs_argos = argos[0] / engine_seconds if argos is not None else float("nan")
    print(f"engine/ceiling={ceiling / engine_seconds:.2f} engine/argostranslate={vs_argos:.2f}")


if __name__ == "__main__":
    main()
