"""packaging/build_summarizer.py's metadata, from configurations shaped like the real ones.

The conversion itself needs transformers, PyTorch and the Hugging Face Hub, none of
which the tests have; what it writes into metadata.json is checked here.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from offline_nlp.engine.summarizer import SummaryModel
from offline_nlp.packages import InstalledPackage, PackageInfo

SCRIPT = Path(__file__).resolve().parents[2] / "packaging" / "build_summarizer.py"
spec = importlib.util.spec_from_file_location("build_summarizer_script", SCRIPT)
script = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
spec.loader.exec_module(script)  # type: ignore[union-attr]

BART_CNN = {"max_position_embeddings": 1024, "max_length": 142, "num_beams": 4,
            "task_specific_params": {"summarization": {
                "length_penalty": 2.0, "max_length": 142, "min_length": 56,
                "no_repeat_ngram_size": 3, "num_beams": 4}}}
T5 = {"n_positions": 512, "task_specific_params": {"summarization": {
    "early_stopping": True, "length_penalty": 2.0, "max_length": 200, "min_length": 30,
    "no_repeat_ngram_size": 3, "num_beams": 4, "prefix": "summarize: "}}}


def as_model(metadata: dict) -> SummaryModel:  # type: ignore[type-arg]
    return SummaryModel.from_package(InstalledPackage(PackageInfo.from_json(metadata), Path(".")))


def test_bart_cnn_metadata() -> None:
    metadata = script.build_metadata("facebook/bart-large-cnn", ["en"], BART_CNN,
                                     {"max_length": 20, "forced_bos_token_id": 0}, 1024, "<s>")
    assert metadata["code"] == "summarize-en-bart-large-cnn" and metadata["type"] == "summarize"
    assert (metadata["max_input_tokens"], metadata["max_output_tokens"]) == (1024, 142)
    assert metadata["generation"] == {"beam_size": 4, "length_penalty": 2.0,
                                      "no_repeat_ngram_size": 3}
    assert metadata["target_prefix"] == "<s>" and metadata["tokenizer"] == "huggingface"
    model = as_model(metadata)
    assert model.generation["beam_size"] == 4 and model.cap("short", 900) == 48


def test_t5_metadata_has_its_prefix_and_window() -> None:
    metadata = script.build_metadata("google-t5/t5-small", ["en", "de"], T5, {}, int(1e30), None)
    assert metadata["prefix"] == "summarize: " and metadata["max_input_tokens"] == 512
    assert metadata["max_output_tokens"] == 200 and "target_prefix" not in metadata
    assert as_model(metadata).languages == ("en", "de")


def test_defaults_when_the_model_says_nothing() -> None:
    metadata = script.build_metadata("./my-model", ["fr"], {"max_length": 20}, {}, None, None,
                                     "2.1", "summarize-fr-mine")
    assert (metadata["max_input_tokens"], metadata["max_output_tokens"]) == (1024, 256)
    assert metadata["code"] == "summarize-fr-mine" and metadata["package_version"] == "2.1"
    assert metadata["generation"] == {}
