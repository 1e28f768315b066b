"""Proving a staged package works: load its model and translate one sentence.

A package from the internet can hold anything in ``model.bin``; this runs before the
swap, so a garbage model never replaces one that works. The engine is imported only
here and only when called, keeping ``offline_nlp.packages`` light.
"""

from __future__ import annotations

from offline_nlp.errors import ModelLoadError
from offline_nlp.packages.metadata import InstalledPackage

__all__ = ["try_package"]

_SENTENCE = "Hello."


def try_package(package: InstalledPackage) -> None:
    """Raise :class:`ModelLoadError` unless the package loads and translates a sentence."""
    from offline_nlp.engine.models import ModelCache
    from offline_nlp.engine.types import EngineConfig

    # One thread, one model, CPU: the check must not disturb a running translation.
    loaded = ModelCache(EngineConfig(device="cpu", cpu_threads=1, parallel_jobs=1)).get(package)
    prefix = package.info.target_prefix
    try:
        tokens = loaded.tokenizer.encode([_SENTENCE])
        result = loaded.translator.translate_batch(
            tokens, beam_size=1, max_decoding_length=16,
            target_prefix=[[prefix]] if prefix else None)
        loaded.tokenizer.decode(result[0].hypotheses[0])
    except Exception as exc:  # noqa: BLE001 - whatever a foreign model throws
        raise ModelLoadError(
            f"the model of {package.info.code} fails on a test sentence: {exc}") from exc
