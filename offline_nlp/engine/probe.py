"""Proving a staged package works: load its model and translate one sentence.

A package from the internet can hold anything in ``model.bin``; the package manager
runs this (handed to it as a callable, so it never imports the engine) before the swap,
so a garbage model never replaces one that works.
"""

from __future__ import annotations

from offline_nlp.engine.kinds import framing
from offline_nlp.engine.models import ModelCache
from offline_nlp.engine.types import EngineConfig
from offline_nlp.errors import ModelLoadError
from offline_nlp.packages.metadata import InstalledPackage

__all__ = ["try_package"]

_SENTENCE = "Hello."


def try_package(package: InstalledPackage) -> None:
    """Raise :class:`ModelLoadError` unless the package loads and translates a sentence
    (its first pair, framed as its kind needs)."""
    # One thread, one model, CPU: the check must not disturb a running translation.
    loaded = ModelCache(EngineConfig(device="cpu", cpu_threads=1, parallel_jobs=1)).get(package)
    try:
        source, target = package.info.pairs()[0]
        frame = framing(package, source, target)
        tokens = [frame.source(loaded.tokenizer.encode([_SENTENCE])[0])]
        result = loaded.translator.translate_batch(
            tokens, beam_size=1, max_decoding_length=16,
            target_prefix=[list(frame.prefix)] if frame.prefix else None)
        loaded.tokenizer.decode([p for p in result[0].hypotheses[0] if p not in frame.drop])
    except Exception as exc:  # noqa: BLE001 - whatever a foreign model throws
        raise ModelLoadError(
            f"the model of {package.info.code} fails on a test sentence: {exc}") from exc
