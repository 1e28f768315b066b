"""Summarisation speed: our Summarizer vs raw CTranslate2 ``translate_batch`` (the ceiling).

Both run on a BART-base shaped model (6+6 layers, d_model 768, 12 heads, FFN 3072,
50,265-token vocabulary, post-norm, GELU, learned positions, layernorm_embedding) with
random int8 weights, built with ``ctranslate2.specs`` (no PyTorch), as a ``summarize``
package. The documents each fit one input window, so the summarizer makes one pass like
the ceiling; both get the same token batches, beam, batch size and threads, and every
summary is forced to exactly ``--length`` tokens (random weights stop anywhere). The
difference is the summarizer's own work: tokenising, chunking, length caps, futures,
decoding. A map-reduce run on one long document is printed for information.

    .venv/bin/python bench/summarize.py [--docs 8] [--words 400] [--length 128] [--beam 2]

The last line is ``summarizer/ceiling=R`` (1.00: no overhead). Compare ratios, not
seconds: machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

import ctranslate2
import fixed_length
import numpy as np
import sentencepiece as spm
from common import make_corpus
from random_model import _norm, fill_and_save

from offline_nlp.engine import Engine, EngineConfig
from offline_nlp.engine.summarizer import Summarizer
from offline_nlp.engine.tokenization import SentencePieceTokenizer
from offline_nlp.packages import InstalledPackage

OUT = HERE / "out"
BART_BASE = {"layers": 6, "d_model": 768, "heads": 12, "ffn": 3072, "vocab": 50265,
             "positions": 1024}
MAX_INPUT = 1024


def build_bart_like(out_dir: Path, vocabulary: list[str], layers: int, d_model: int,
                    heads: int, ffn: int, positions: int, seed: int = 0) -> None:
    """BART's layout (post-norm, GELU, layernorm_embedding, learned positions, tied
    embeddings), random weights."""
    rng = np.random.default_rng(seed)
    spec = ctranslate2.specs.TransformerSpec.from_config(
        (layers, layers), heads, pre_norm=False,
        activation=ctranslate2.specs.Activation.GELU, layernorm_embedding=True)
    spec.config.decoder_start_token = "</s>"  # as the converter sets it for BART
    embeddings = (rng.standard_normal((len(vocabulary), d_model)) * 0.1).astype(np.float32)
    spec.encoder.embeddings[0].weight = embeddings
    spec.decoder.embeddings.weight = embeddings
    spec.decoder.projection.weight = embeddings
    spec.decoder.projection.bias = np.zeros(len(vocabulary), np.float32)
    for stack in (spec.encoder, spec.decoder):
        stack.scale_embeddings = False
        stack.position_encodings.encodings = (
            rng.standard_normal((positions, d_model)) * 0.02).astype(np.float32)
        _norm(stack.layernorm_embedding, d_model)
    fill_and_save(spec, rng, d_model, ffn, vocabulary, out_dir)


#: --smoke: the same layout, small enough to build in a second.
TINY = {"layers": 1, "d_model": 64, "heads": 2, "ffn": 128, "vocab": 2000, "positions": 1024}


def model_package(smoke: bool = False) -> Path:
    """bench/out/bart-base-summarize-en: metadata, int8 model, sentencepiece (built once)."""
    folder = OUT / ("tiny-summarize-en" if smoke else "bart-base-summarize-en")
    shape = TINY if smoke else BART_BASE
    if (folder / "model" / "model.bin").exists():
        return folder
    if not smoke:
        print("building a BART-base shaped model with random weights (once)...",
              file=sys.stderr)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as tmp:
        text = Path(tmp) / "corpus.txt"
        text.write_text("\n".join(make_corpus(2000 if smoke else 20000, seed=98)),
                        encoding="utf-8")
        spm.SentencePieceTrainer.train(
            input=str(text), model_prefix=str(folder / "sentencepiece"),
            vocab_size=min(8000, shape["vocab"]),
            hard_vocab_limit=False, character_coverage=1.0, minloglevel=2)
    (folder / "sentencepiece.vocab").unlink(missing_ok=True)
    processor = spm.SentencePieceProcessor(model_file=str(folder / "sentencepiece.model"))
    pieces = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    pieces += [f"<extra_{i}>" for i in range(shape["vocab"] - len(pieces))]
    build_bart_like(folder / "model", pieces,
                    **{k: v for k, v in shape.items() if k != "vocab"})
    metadata = {"package_version": "1.0", "type": "summarize", "code": "summarize-en-bench",
                "from_code": "en", "languages": ["en"], "tokenizer": "sentencepiece",
                "max_input_tokens": MAX_INPUT, "max_output_tokens": 256, "links": []}
    (folder / "metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
    return folder


def make_documents(count: int, words: int, seed: int = 7) -> list[str]:
    """``count`` documents of about ``words`` words, in paragraphs of 1-6 sentences."""
    rng = random.Random(seed)
    corpus = iter(make_corpus(count * words // 10 + 100, seed))
    docs = []
    for _ in range(count):
        paragraphs, total = [], 0
        while total < words:
            paragraph = [next(corpus) for _ in range(rng.randint(1, 6))]
            total += sum(len(s.split()) for s in paragraph)
            paragraphs.append(" ".join(paragraph))
        docs.append("\n\n".join(paragraphs))
    return docs


def make_summarizer(package: Path, config: EngineConfig, beam: int) -> Summarizer:
    installed = InstalledPackage.load(package)

    class Source:
        def installed(self) -> list[InstalledPackage]:
            return [installed]

    return Summarizer(Engine(Source(), config), beam_size=beam)


def run_ceiling(package: Path, chunks: list[str], beam: int, length: int,
                config: EngineConfig) -> float:
    inter, intra = config.threads()
    translator = fixed_length.FixedLengthTranslator(
        str(package / "model"), compute_type="int8", inter_threads=inter, intra_threads=intra)
    tokens = SentencePieceTokenizer(package / "sentencepiece.model").encode(chunks)
    translator.translate_batch(tokens[:1], beam_size=beam, max_decoding_length=length)
    start = time.perf_counter()
    translator.translate_batch(tokens, beam_size=beam, max_batch_size=config.max_batch_tokens,
                               batch_type="tokens", max_decoding_length=length,
                               max_input_length=MAX_INPUT, return_scores=False)
    return time.perf_counter() - start


def run_summarizer(summarizer: Summarizer, docs: list[str]) -> float:
    summarizer.summarize("Warm up. This loads the model.", language="en")
    start = time.perf_counter()
    summaries = summarizer.summarize_texts(docs, language="en", length="long")
    seconds = time.perf_counter() - start
    assert all(s.chunks == 1 and s.rounds == 1 for s in summaries), "a document was chunked"
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=8, help="documents summarised in one call")
    parser.add_argument("--words", type=int, default=400, help="words per document")
    parser.add_argument("--length", type=int, default=128, help="tokens generated per summary")
    parser.add_argument("--beam", type=int, default=2)
    parser.add_argument("--no-long", action="store_true", help="skip the map-reduce run")
    parser.add_argument("--smoke", action="store_true", help="tiny model and sizes")
    args = parser.parse_args()
    if args.smoke:
        args.docs, args.words, args.length, args.no_long = 2, 40, 4, True
    fixed_length.install(args.length)
    package = model_package(args.smoke)
    config = EngineConfig()
    summarizer = make_summarizer(package, config, args.beam)
    docs = make_documents(args.docs, args.words)
    chunks = [summarizer.chunks(doc, language="en")[0] for doc in docs]
    input_tokens = [len(t) for t in
                    SentencePieceTokenizer(package / "sentencepiece.model").encode(chunks)]
    generated = args.docs * args.length
    ceiling = run_ceiling(package, chunks, args.beam, args.length, config)
    ours = run_summarizer(summarizer, docs)
    inter, intra = config.threads()
    print(f"model: BART-base shape, random int8 weights; {args.docs} documents of "
          f"{min(input_tokens)}-{max(input_tokens)} input tokens; beam {args.beam}; "
          f"{args.length} tokens each; {inter}x{intra} threads; ctranslate2 "
          f"{ctranslate2.__version__}; {os.cpu_count()} cores")
    print(f"| {'contender':40} | {'seconds':>8} | {'tokens/s':>9} |")
    print(f"|{'-' * 42}|{'-' * 10}|{'-' * 11}|")
    for name, seconds in (("ctranslate2 translate_batch (ceiling)", ceiling),
                          ("offline-nlp Summarizer", ours)):
        print(f"| {name:40} | {seconds:8.2f} | {generated / seconds:9.1f} |")
    if not args.no_long:
        long_doc = "\n\n".join(make_documents(4, args.words * 2, seed=8))
        start = time.perf_counter()
        summary = summarizer.summarize(long_doc, language="en", length="long")
        print(f"map-reduce on one {len(long_doc.split())}-word document: {summary.chunks} "
              f"chunks, {summary.rounds} passes, {time.perf_counter() - start:.2f} s")
    print(f"summarizer/ceiling={ceiling / ours:.2f}")


if __name__ == "__main__":
    main()
