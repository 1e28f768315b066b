"""Packages with a Hugging Face tokenizer.json (BART's byte-level BPE) load and run.

The model has random weights, so only the plumbing is checked: special tokens are added
on the way in (CTranslate2 adds none for Transformers models) and dropped on the way out,
chunks are measured with them, and a summary comes back.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
import tokenizers

from offline_nlp.engine import Engine
from offline_nlp.engine.models import tokenizer_of
from offline_nlp.engine.summarizer import Summarizer
from offline_nlp.errors import ModelLoadError
from offline_nlp.packages import PackageManager
from offline_nlp.paths import AppPaths

CORPUS = ["The water is cold today.", "We read a good book at home.", "Solar power is cheap.",
          "Where is the old house by the river?", "Café au lait, s'il vous plaît!"] * 20


def bart_like_tokenizer(path: Path) -> list[str]:
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=400, special_tokens=["<s>", "<pad>", "</s>", "<unk>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(CORPUS, trainer)
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", special_tokens=[("<s>", 0), ("</s>", 2)])
    tok.enable_truncation(8)  # as saved for training: must not cut our inputs
    tok.save(str(path))
    return [token for token, _ in sorted(tok.get_vocab().items(), key=lambda kv: kv[1])]


def random_model(out: Path, vocabulary: list[str], d: int = 32, ffn: int = 64) -> None:
    """A 1+1 layer Transformer with random weights (the weights do not matter here)."""
    import ctranslate2
    import numpy as np

    rng = np.random.default_rng(0)

    def dense(spec: object, rows: int, cols: int) -> None:
        spec.weight = (rng.standard_normal((rows, cols)) / np.sqrt(cols)).astype(np.float32)  # type: ignore[attr-defined]
        spec.bias = np.zeros(rows, np.float32)  # type: ignore[attr-defined]

    def norm(spec: object) -> None:
        spec.gamma, spec.beta = np.ones(d, np.float32), np.zeros(d, np.float32)  # type: ignore[attr-defined]

    spec = ctranslate2.specs.TransformerSpec.from_config((1, 1), 2)
    size = len(vocabulary)
    spec.encoder.embeddings[0].weight = rng.standard_normal((size, d)).astype(np.float32)
    spec.decoder.embeddings.weight = rng.standard_normal((size, d)).astype(np.float32)
    dense(spec.decoder.projection, size, d)
    for stack in (spec.encoder, spec.decoder):
        norm(stack.layer_norm)
        for layer in stack.layer:
            norm(layer.self_attention.layer_norm)
            dense(layer.self_attention.linear[0], 3 * d, d)
            dense(layer.self_attention.linear[1], d, d)
            if stack is spec.decoder:
                norm(layer.attention.layer_norm)
                dense(layer.attention.linear[0], d, d)
                dense(layer.attention.linear[1], 2 * d, d)
                dense(layer.attention.linear[2], d, d)
            norm(layer.ffn.layer_norm)
            dense(layer.ffn.linear_0, ffn, d)
            dense(layer.ffn.linear_1, d, ffn)
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    spec.validate()
    spec.optimize(quantization="int8")
    spec.save(str(out))


@pytest.fixture(scope="module")
def hf_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hf") / "summarize-hf-1_0"
    (root / "model").mkdir(parents=True)
    vocabulary = bart_like_tokenizer(root / "tokenizer.json")
    random_model(root / "model", vocabulary)
    metadata = {"type": "summarize", "code": "summarize-hf", "from_code": "en", "languages": ["en"],
                "package_version": "1.0", "tokenizer": "huggingface", "max_input_tokens": 24,
                "max_output_tokens": 12, "target_prefix": "<s>",
                "generation": {"beam_size": 1, "no_repeat_ngram_size": 3}}
    (root / "metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
    archive = root.parent / "summarize-hf-1_0.argosmodel"
    with zipfile.ZipFile(archive, "w") as zf:
        for item in sorted(root.rglob("*")):
            zf.write(item, item.relative_to(root.parent).as_posix())
    return archive


@pytest.fixture
def hf_summarizer(hf_package: Path, app_paths: AppPaths) -> Summarizer:
    PackageManager(app_paths).install_file(hf_package)
    return Summarizer(Engine(PackageManager(app_paths)))


def test_tokens_carry_the_special_tokens_and_decode_without_them(hf_summarizer: Summarizer) -> None:
    spec = hf_summarizer.find("en")
    assert spec is not None and tokenizer_of(spec.package)[0] == "huggingface"
    model = hf_summarizer.engine.models.get(spec.package)
    text = "Where is the old house by the river? Café au lait!"
    [tokens] = model.tokenizer.encode([text])
    assert tokens[0] == "<s>" and tokens[-1] == "</s>" and len(tokens) > 8  # no truncation
    assert model.tokenizer.decode(tokens) == text


def test_chunks_are_measured_with_the_special_tokens(hf_summarizer: Summarizer) -> None:
    text = " ".join(CORPUS[:12])
    chunks = hf_summarizer.chunks(text, language="en")
    model = hf_summarizer.engine.models.get(hf_summarizer.find("en").package)  # type: ignore[union-attr]
    sizes = [len(t) for t in model.tokenizer.encode(chunks)]
    assert len(chunks) > 2 and max(sizes) <= 24


def test_a_random_model_still_summarises_through_map_reduce(hf_summarizer: Summarizer) -> None:
    summary = hf_summarizer.summarize(" ".join(CORPUS[:12]), language="en", length="long")
    assert summary.method == "abstractive" and summary.model == "summarize-hf"
    assert summary.chunks > 2 and summary.rounds >= 1 and isinstance(summary.text, str)


def test_a_declared_tokenizer_must_be_there(hf_package: Path, app_paths: AppPaths) -> None:
    installed = PackageManager(app_paths).install_file(hf_package)
    (installed.path / "tokenizer.json").unlink()
    with pytest.raises(ModelLoadError, match="no tokenizer.json"):
        tokenizer_of(installed)
    data = json.loads((installed.path / "metadata.json").read_text())
    (installed.path / "metadata.json").write_text(json.dumps({**data, "tokenizer": "wordpiece"}))
    with pytest.raises(ModelLoadError, match="expected one of: sentencepiece, huggingface"):
        tokenizer_of(PackageManager(app_paths).get_installed("summarize-hf"))
