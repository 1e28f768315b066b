#!/usr/bin/env python
"""Convert a Hugging Face summarisation model into an offline-nlp ``summarize`` package.

No public index offers summarisation packages, so users build their own from any
encoder-decoder summariser that CTranslate2 converts: BART (``facebook/bart-large-cnn``,
``sshleifer/distilbart-cnn-12-6``), T5 / FLAN-T5 (``t5-small``, ``google/flan-t5-base``),
mBART (``facebook/mbart-large-50``) and Pegasus (``google/pegasus-cnn_dailymail``).

The conversion needs ``transformers`` and PyTorch **at build time only**; the package
then runs on offline-nlp's usual CTranslate2 + tokenizer stack. Use a separate
environment (PyTorch is large and never a dependency of offline-nlp)::

    python -m venv .venv-convert
    .venv-convert/bin/pip install "ctranslate2>=4.4,<5" transformers torch sentencepiece protobuf
    .venv-convert/bin/python packaging/build_summarizer.py facebook/bart-large-cnn --language en
    offline-nlp packages install summarize-en-bart-large-cnn-1_0.argosmodel
    offline-nlp summarize --from en report.docx

What it does:

1. runs ``ct2-transformers-converter --model MODEL --output_dir DIR/model
   --quantization int8`` (int8 weights: ~1 byte per parameter, e.g. ~400 MB for
   bart-large-cnn; fine on CPU; on a GPU offline-nlp uses ``int8_float16``);
2. saves the model's *fast* tokenizer as ``tokenizer.json`` (byte-level BPE for BART,
   SentencePiece-derived for T5, Pegasus and mBART), which offline-nlp reads with the
   ``tokenizers`` library (``pip install tokenizers``, no PyTorch). CTranslate2 adds no
   special tokens to Transformers models; the tokenizer's post-processor does
   (``<s> ... </s>`` for BART, ``... </s>`` for T5);
3. writes ``metadata.json`` with ``"type": "summarize"``, the language(s), the input
   prefix (T5's ``summarize: ``, from ``task_specific_params``), the input window
   (``max_input_tokens``: the position limit, 1024 for BART/Pegasus, 512 for T5), the
   longest summary (``max_output_tokens``), the forced first output token
   (``target_prefix``: ``<s>`` for bart-large-cnn, the language code for mBART-50) and
   the model's own generation settings (beam size, length penalty, no-repeat n-grams);
4. zips it all into ``<code>-<version>.argosmodel`` (one top folder, as Argos does).

This script cannot be run in offline-nlp's own test environment: it has neither
PyTorch/transformers nor access to the Hugging Face Hub. ``--model`` also takes a local
folder (a model saved with ``save_pretrained``), which works offline.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

DEFAULT_MAX_INPUT = 1024
DEFAULT_MAX_OUTPUT = 256
# Tokenizers report "no limit" as a huge number (int(1e30)).
_NO_LIMIT = 10**6
# transformers' default max_length, which says nothing about the model.
_DEFAULT_MAX_LENGTH = 20


def slug(model: str) -> str:
    """``facebook/bart-large-cnn`` -> ``bart-large-cnn``."""
    return re.sub(r"[^a-z0-9]+", "-", model.rstrip("/").rsplit("/", 1)[-1].lower()).strip("-")


def _first(*values: Any) -> Any:
    return next((v for v in values if v is not None), None)


def build_metadata(model: str, languages: list[str], config: dict[str, Any],
                   generation: dict[str, Any], model_max_length: int | None,
                   forced_bos_token: str | None, version: str = "1.0",
                   code: str | None = None) -> dict[str, Any]:
    """``metadata.json`` of a summarize package, from the model's configuration.

    Args:
        config: ``model.config.to_dict()`` (``task_specific_params``, positions).
        generation: ``GenerationConfig.to_dict()`` (may be empty for old models).
        model_max_length: the tokenizer's input limit.
        forced_bos_token: the token string of ``forced_bos_token_id``, if any.
    """
    task = (config.get("task_specific_params") or {}).get("summarization") or {}
    positions = _first(config.get("max_position_embeddings"), config.get("n_positions"))
    limits = [n for n in (positions, model_max_length) if n and n < _NO_LIMIT]
    max_input = min(limits) if limits else DEFAULT_MAX_INPUT
    max_output = _first(task.get("max_length"),
                        *(source.get("max_length") for source in (generation, config)
                          if source.get("max_length") != _DEFAULT_MAX_LENGTH),
                        DEFAULT_MAX_OUTPUT)
    settings = {
        "beam_size": _first(task.get("num_beams"), generation.get("num_beams"),
                            config.get("num_beams")),
        "length_penalty": _first(task.get("length_penalty"), generation.get("length_penalty")),
        "no_repeat_ngram_size": _first(task.get("no_repeat_ngram_size"),
                                       generation.get("no_repeat_ngram_size")),
        "repetition_penalty": generation.get("repetition_penalty"),
    }
    name = slug(model)
    metadata: dict[str, Any] = {
        "package_version": version,
        "argos_version": "1.9.0",
        "type": "summarize",
        "code": code or f"summarize-{languages[0]}-{name}",
        "languages": languages,
        "from_code": languages[0],
        "from_name": languages[0],
        "to_code": languages[0],
        "to_name": languages[0],
        "tokenizer": "huggingface",
        "prefix": str(task.get("prefix") or ""),
        "max_input_tokens": int(max_input),
        "max_output_tokens": int(max_output),
        "generation": {k: v for k, v in settings.items() if v not in (None, 0) and
                       not (k in ("length_penalty", "repetition_penalty") and v == 1.0)},
        "source_model": model,
        "links": [],
    }
    if forced_bos_token:
        metadata["target_prefix"] = forced_bos_token
    return metadata


def convert(model: str, out: Path, quantization: str, extra: list[str]) -> None:
    """Run CTranslate2's converter (the documented command line, not its internals)."""
    tool = shutil.which("ct2-transformers-converter",
                        path=os.pathsep.join([str(Path(sys.executable).parent),
                                              os.environ.get("PATH", "")]))
    if tool is None:
        sys.exit("ct2-transformers-converter not found: pip install ctranslate2 transformers torch")
    command = [tool, "--model", model, "--output_dir", str(out),
               "--quantization", quantization, "--low_cpu_mem_usage", *extra]
    print("+", " ".join(command), file=sys.stderr)
    subprocess.run(command, check=True)


def save_tokenizer(model: str, out: Path, language_code: str | None) -> Any:
    """Write the fast tokenizer's ``tokenizer.json`` into ``out``; return the tokenizer."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model, use_fast=True)
    if not getattr(tokenizer, "is_fast", False):
        sys.exit(f"{model} has no fast tokenizer (tokenizer.json); offline-nlp needs one")
    if language_code and hasattr(tokenizer, "src_lang"):  # mBART-50: <lang> ... </s>
        tokenizer.src_lang = language_code
    tokenizer.backend_tokenizer.save(str(out / "tokenizer.json"))
    return tokenizer


def model_settings(model: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """``config.json`` and ``generation_config.json`` (empty for older models) as dicts."""
    from transformers import AutoConfig, GenerationConfig

    config = AutoConfig.from_pretrained(model).to_dict()
    try:
        generation = GenerationConfig.from_pretrained(model).to_dict()
    except OSError:
        generation = {}
    return config, generation


def forced_first_token(tokenizer: Any, config: dict[str, Any], generation: dict[str, Any],
                       language_code: str | None) -> str | None:
    """The token generation must start with (BART-cnn's ``<s>``, mBART's language)."""
    if language_code:
        return language_code
    forced = _first(generation.get("forced_bos_token_id"), config.get("forced_bos_token_id"))
    return None if forced is None else str(tokenizer.convert_ids_to_tokens(forced))


def write_package(folder: Path, dest: Path) -> Path:
    """Zip ``folder`` as ``dest`` with the folder as the archive's single top folder."""
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in sorted(folder.rglob("*")):
            if item.is_file():
                archive.write(item, f"{folder.name}/{item.relative_to(folder).as_posix()}")
    return dest


def readme(model: str, metadata: dict[str, Any]) -> str:
    return (f"# {metadata['code']}\n\nSummarisation model converted from `{model}` with "
            "CTranslate2 (int8) by offline-nlp's packaging/build_summarizer.py.\n\n"
            "Check the original model card for its license and intended use.\n\n"
            f"```json\n{json.dumps(metadata, indent=2)}\n```\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", help="Hugging Face model name or local folder")
    parser.add_argument("--language", action="append", required=True, metavar="CODE",
                        help="language code the model summarises (repeat for several; "
                             "the first is the main one)")
    parser.add_argument("--mbart-language", metavar="CODE",
                        help="mBART-50 language token of the input, e.g. en_XX")
    parser.add_argument("--code", help="package code (default: summarize-LANG-MODEL)")
    parser.add_argument("--version", default="1.0", help="package_version (default 1.0)")
    parser.add_argument("--quantization", default="int8",
                        help="CTranslate2 weight type (default int8)")
    parser.add_argument("--max-input-tokens", type=int, help="override the input window")
    parser.add_argument("--max-output-tokens", type=int, help="override the longest summary")
    parser.add_argument("-o", "--output", type=Path, help="output .argosmodel file")
    parser.add_argument("--converter-arg", action="append", default=[], metavar="ARG",
                        help="extra argument for ct2-transformers-converter "
                             "(e.g. --converter-arg=--trust_remote_code)")
    args = parser.parse_args(argv)
    config, generation = model_settings(args.model)
    with tempfile.TemporaryDirectory() as tmp:
        probe = Path(tmp) / "probe"
        probe.mkdir()
        tokenizer = save_tokenizer(args.model, probe, args.mbart_language)
        forced = forced_first_token(tokenizer, config, generation, args.mbart_language)
        metadata = build_metadata(args.model, args.language, config, generation,
                                  getattr(tokenizer, "model_max_length", None), forced,
                                  args.version, args.code)
        if args.max_input_tokens:
            metadata["max_input_tokens"] = args.max_input_tokens
        if args.max_output_tokens:
            metadata["max_output_tokens"] = args.max_output_tokens
        stem = f"{metadata['code']}-{args.version.replace('.', '_')}"
        folder = Path(tmp) / stem
        folder.mkdir()
        convert(args.model, folder / "model", args.quantization, args.converter_arg)
        shutil.move(str(probe / "tokenizer.json"), folder / "tokenizer.json")
        (folder / "metadata.json").write_text(json.dumps(metadata, indent=2) + "\n",
                                              encoding="utf-8")
        (folder / "README.md").write_text(readme(args.model, metadata), encoding="utf-8")
        dest = write_package(folder, args.output or Path(f"{stem}.argosmodel"))
    print(f"wrote {dest}; install it with: offline-nlp packages install {dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
