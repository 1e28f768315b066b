"""The CLI on a document against the pure model, on a small model (issue 25 item 4).

With Transformer-base the CLI's own work is under 1 % of a document's time; on small
and distilled models it is not, so this runs a small random-weight model (3+3 layers,
d_model 256, int8; built once into bench/out) decoding exactly ``--length`` tokens per
sentence, on a generated docx of ``--pages`` pages (bold runs, links, tables). Two
processes, each timed from start to exit, interleaved and repeated (medians):

* **pure model**: a Python process that loads the same model and SentencePiece, and
  translates the document's sentences (split beforehand, de-duplicated) with one
  ``translate_batch`` over the engine's replicas: nothing but the model's work;
* **CLI**: ``offline-nlp translate FILE -o OUT --from en --to xx --no-cache``.

The target is CLI/pure <= 1.15. The coverage guard's retries are off in both (the
random model's output is garbage by design; see bench/translate.py).

    .venv/bin/python bench/cli_documents.py [--pages 100 --length 20 --repeats 3]
    .venv/bin/python bench/cli_documents.py --smoke
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

from common import OUT, make_corpus, model_package  # noqa: E402
from documents import make_docx  # noqa: E402
from random_model import build_package  # noqa: E402

from offline_nlp.documents.registry import open_document  # noqa: E402
from offline_nlp.engine import EngineConfig, TranslationOptions  # noqa: E402
from offline_nlp.engine.segmentation import split_text  # noqa: E402

TARGET = 1.15
SMALL = {"layers": 3, "d_model": 256, "heads": 4, "ffn": 1024}

# Both processes get fixed-length decoding and no guard retries before anything runs.
_PRELUDE = """
import sys
sys.path[:0] = {paths!r}
import fixed_length
fixed_length.install({length})
"""

_PURE = _PRELUDE + """
import json, ctranslate2, sentencepiece
sentences = json.load(open({sentences!r}))
sp = sentencepiece.SentencePieceProcessor(model_file={package!r} + "/sentencepiece.model")
translator = ctranslate2.Translator({package!r} + "/model", device="cpu",
                                    inter_threads={inter}, intra_threads={intra})
tokens = sp.encode(sentences, out_type=str)
results = translator.translate_batch(tokens, max_batch_size={batch}, batch_type="tokens",
                                     beam_size={beam})
out = [sp.decode(r.hypotheses[0]) for r in results]
"""

_CLI = _PRELUDE + """
from common import retries_off
retries_off()
from offline_nlp.cli import main
sys.exit(main({argv!r}))
"""


def small_package(smoke: bool) -> Path:
    if smoke:
        return model_package(smoke=True)
    folder = OUT / "small-en_xx"
    if not (folder / "model" / "model.bin").exists():
        shutil.rmtree(folder, ignore_errors=True)
        build_package(folder, make_corpus(3000, seed=99), vocab_size=8000, **SMALL)
    return folder


def timed(code: str, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--length", type=int, default=20, help="tokens decoded per sentence")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="tiny model and document")
    args = parser.parse_args()
    if args.smoke:
        args.pages, args.repeats, args.length = 2, 1, 3
    package = small_package(args.smoke)
    config = EngineConfig()
    inter, intra = config.threads()
    beam = TranslationOptions().beam_size
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as tmp:
        work = Path(tmp)
        docx = work / "report.docx"
        make_docx(docx, args.pages)
        sentences = list(dict.fromkeys(
            p.text for seg in open_document(docx).segments()
            for p in split_text(seg.text) if p.is_sentence))
        (work / "sentences.json").write_text(json.dumps(sentences))
        packages = work / "packages"
        packages.mkdir()
        shutil.copytree(package, packages / "translate-en_xx")
        env = dict(os.environ, OFFLINE_NLP_HOME=str(work / "home"),
                   OFFLINE_NLP_PACKAGES=str(packages))
        paths = [str(ROOT), str(HERE)]
        pure = _PURE.format(paths=paths, length=args.length, sentences=str(work / "sentences.json"),
                            package=str(package), inter=inter, intra=intra,
                            batch=config.max_batch_tokens, beam=beam)
        times: dict[str, list[float]] = {"pure model": [], "CLI": []}
        for repeat in range(args.repeats):
            out = work / f"out-{repeat}"
            cli = _CLI.format(paths=paths, length=args.length, argv=[
                "translate", str(docx), "-o", str(out), "--from", "en", "--to", "xx",
                "--no-cache"])
            order = [("pure model", pure), ("CLI", cli)]
            for name, code in order if repeat % 2 == 0 else order[::-1]:
                times[name].append(timed(code, env))
    pure_s, cli_s = (statistics.median(times[k]) for k in ("pure model", "CLI"))
    print(f"small model ({'tiny' if args.smoke else '3+3 layers, d_model 256'}), docx of "
          f"{args.pages} pages: {len(sentences)} unique sentences, {args.length} tokens each, "
          f"beam {beam}, {inter}x{intra} threads, {os.cpu_count()} cores; medians of "
          f"{args.repeats}")
    print(f"| {'process':12} | {'seconds':>8} |")
    print(f"|{'-' * 14}|{'-' * 10}|")
    for name in times:
        print(f"| {name:12} | {statistics.median(times[name]):8.2f} |")
    ratio = cli_s / pure_s
    verdict = "" if args.smoke else f" (target <= {TARGET}: {'met' if ratio <= TARGET else 'missed'})"
    print(f"cli/pure={ratio:.2f}{verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
