"""Build an Argos-format package holding a Transformer-base model with random weights.

Speed depends on the architecture, not on the weights, so benchmarks use a model of
Argos's real size (6+6 layers, d_model 512, 8 heads, FFN 2048, 32k vocabulary) built
directly with ``ctranslate2.specs`` (no PyTorch), plus a sentencepiece model trained on
the benchmark's own text. It imports no other benchmark module (bench/common.py imports
it); ``python bench/common.py DIR`` builds one.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import ctranslate2
import numpy as np
import sentencepiece as spm


def _linear(rng: np.random.Generator, spec: object, rows: int, cols: int) -> None:
    spec.weight = (rng.standard_normal((rows, cols)) / np.sqrt(cols)).astype(np.float32)  # type: ignore[attr-defined]
    spec.bias = np.zeros(rows, np.float32)  # type: ignore[attr-defined]


def _norm(spec: object, dim: int) -> None:
    spec.gamma = np.ones(dim, np.float32)  # type: ignore[attr-defined]
    spec.beta = np.zeros(dim, np.float32)  # type: ignore[attr-defined]


def _fill_layer(rng: np.random.Generator, layer: object, d: int, ffn: int, cross: bool) -> None:
    att = layer.self_attention  # type: ignore[attr-defined]
    _norm(att.layer_norm, d)
    _linear(rng, att.linear[0], 3 * d, d)
    _linear(rng, att.linear[1], d, d)
    if cross:
        att = layer.attention  # type: ignore[attr-defined]
        _norm(att.layer_norm, d)
        _linear(rng, att.linear[0], d, d)
        _linear(rng, att.linear[1], 2 * d, d)
        _linear(rng, att.linear[2], d, d)
    _norm(layer.ffn.layer_norm, d)  # type: ignore[attr-defined]
    _linear(rng, layer.ffn.linear_0, ffn, d)  # type: ignore[attr-defined]
    _linear(rng, layer.ffn.linear_1, d, ffn)  # type: ignore[attr-defined]


def build_model(out_dir: Path, vocabulary: list[str], layers: int = 6, d_model: int = 512,
                heads: int = 8, ffn: int = 2048, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    spec = ctranslate2.specs.TransformerSpec.from_config((layers, layers), heads)
    size = len(vocabulary)
    spec.encoder.embeddings[0].weight = rng.standard_normal((size, d_model)).astype(np.float32) * 0.1
    spec.decoder.embeddings.weight = rng.standard_normal((size, d_model)).astype(np.float32) * 0.1
    _norm(spec.encoder.layer_norm, d_model)
    _norm(spec.decoder.layer_norm, d_model)
    _linear(rng, spec.decoder.projection, size, d_model)
    fill_and_save(spec, rng, d_model, ffn, vocabulary, out_dir)


def fill_and_save(spec: object, rng: np.random.Generator, d_model: int, ffn: int,
                  vocabulary: list[str], out_dir: Path) -> None:
    """Random weights in every layer, then an int8 CTranslate2 model in ``out_dir``."""
    for layer in spec.encoder.layer:  # type: ignore[attr-defined]
        _fill_layer(rng, layer, d_model, ffn, cross=False)
    for layer in spec.decoder.layer:  # type: ignore[attr-defined]
        _fill_layer(rng, layer, d_model, ffn, cross=True)
    spec.register_source_vocabulary(vocabulary)  # type: ignore[attr-defined]
    spec.register_target_vocabulary(vocabulary)  # type: ignore[attr-defined]
    spec.validate()  # type: ignore[attr-defined]
    spec.optimize(quantization="int8")  # type: ignore[attr-defined]
    out_dir.mkdir(parents=True, exist_ok=True)
    spec.save(str(out_dir))  # type: ignore[attr-defined]


def build_package(dest: Path, corpus: list[str], vocab_size: int = 32000, *,
                  from_code: str = "en", to_code: str = "xx", **model_args: int) -> Path:
    """A package folder at ``dest``: metadata, int8 model, sentencepiece model."""
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        text = Path(tmp) / "corpus.txt"
        text.write_text("\n".join(corpus), encoding="utf-8")
        spm.SentencePieceTrainer.train(
            input=str(text), model_prefix=str(dest / "sentencepiece"), vocab_size=min(vocab_size, 8000),
            hard_vocab_limit=False, character_coverage=1.0, minloglevel=2)
    (dest / "sentencepiece.vocab").unlink(missing_ok=True)
    processor = spm.SentencePieceProcessor(model_file=str(dest / "sentencepiece.model"))
    pieces = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    pieces += [f"<extra_{i}>" for i in range(vocab_size - len(pieces))]
    build_model(dest / "model", pieces, **model_args)
    metadata = {"package_version": "1.0", "argos_version": "1.9.0", "from_code": from_code,
                "from_name": from_code, "to_code": to_code, "to_name": to_code,
                "type": "translate", "code": f"translate-{from_code}_{to_code}", "links": []}
    (dest / "metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
    return dest


#: NLLB-200's language tokens the benchmark's NLLB-shaped model knows (the real one has 202).
NLLB_LANGUAGE_TOKENS = ("eng_Latn", "fra_Latn", "deu_Latn", "spa_Latn", "zho_Hans", "jpn_Jpan")
#: NLLB-200's vocabulary: 256,000 sentencepiece entries, language tokens, <mask>.
NLLB_VOCABULARY = 256_206


def build_nllb_folder(dest: Path, corpus: list[str], vocab_size: int = NLLB_VOCABULARY, *,
                      layers: int = 12, d_model: int = 1024, heads: int = 16, ffn: int = 4096,
                      seed: int = 0) -> Path:
    """A CTranslate2 folder shaped like NLLB-200 distilled 600M as ct2-transformers-converter
    writes it (12+12 pre-norm layers, d_model 1024, 16 heads, FFN 4096, one embedding shared
    by encoder, decoder and output, ``</s>`` starting the decoder) with random int8 weights,
    and a sentencepiece BPE model trained on ``corpus`` as ``sentencepiece.bpe.model``."""
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        text = Path(tmp) / "corpus.txt"
        text.write_text("\n".join(corpus), encoding="utf-8")
        spm.SentencePieceTrainer.train(
            input=str(text), model_prefix=str(Path(tmp) / "spm"), model_type="bpe",
            vocab_size=min(vocab_size // 2, 8000), hard_vocab_limit=False,
            character_coverage=1.0, unk_id=0, bos_id=1, eos_id=2, pad_id=-1, minloglevel=2)
        (dest / "sentencepiece.bpe.model").write_bytes((Path(tmp) / "spm.model").read_bytes())
    processor = spm.SentencePieceProcessor(model_file=str(dest / "sentencepiece.bpe.model"))
    # fairseq's order, as NllbTokenizer numbers it: specials, pieces, languages, <mask>
    tokens = ["<s>", "<pad>", "</s>", "<unk>"]
    tokens += [processor.id_to_piece(i) for i in range(3, processor.get_piece_size())]
    tokens += [f"<extra_{i}>" for i in range(vocab_size - len(tokens) - len(NLLB_LANGUAGE_TOKENS) - 1)]
    tokens += [*NLLB_LANGUAGE_TOKENS, "<mask>"]
    rng = np.random.default_rng(seed)
    spec = ctranslate2.specs.TransformerSpec.from_config((layers, layers), heads, pre_norm=True)
    spec.config.decoder_start_token = "</s>"  # type: ignore[attr-defined]
    shared = rng.standard_normal((len(tokens), d_model), dtype=np.float32) * 0.1
    spec.encoder.embeddings[0].weight = shared  # type: ignore[attr-defined]
    spec.decoder.embeddings.weight = shared  # type: ignore[attr-defined]
    spec.decoder.projection.weight = shared  # type: ignore[attr-defined]
    _norm(spec.encoder.layer_norm, d_model)  # type: ignore[attr-defined]
    _norm(spec.decoder.layer_norm, d_model)  # type: ignore[attr-defined]
    fill_and_save(spec, rng, d_model, ffn, tokens, dest)
    (dest / "tokenizer_config.json").write_text(json.dumps(
        {"tokenizer_class": "NllbTokenizer", "src_lang": "eng_Latn", "legacy_behaviour": False,
         "extra_special_tokens": list(NLLB_LANGUAGE_TOKENS)}, indent=2), encoding="utf-8")
    return dest

