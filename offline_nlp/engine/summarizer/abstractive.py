"""Abstractive summaries: a seq2seq ``summarize`` package run on the engine's model cache.

The package's settings come from its ``metadata.json`` (:class:`SummaryModel`); its model
summarises a batch of chunks at a time, and :mod:`.mapreduce` cuts long texts to its
input window.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from offline_nlp.engine.engine import Engine, wait_for
from offline_nlp.engine.extractive import Length, length_share
from offline_nlp.engine.models import LoadedModel
from offline_nlp.engine.summarizer.mapreduce import Job, map_reduce, split_into_chunks
from offline_nlp.errors import InvalidPackageError
from offline_nlp.packages.metadata import InstalledPackage
from offline_nlp.progress import ProgressCallback, check_cancel

__all__ = ["ABSTRACTIVE_LENGTHS", "SUMMARIZE", "SummaryModel", "chunks_for",
           "summarize_abstractive"]

#: The package ``type`` of summarisation models.
SUMMARIZE = "summarize"
DEFAULT_MAX_INPUT_TOKENS = 1024
DEFAULT_MAX_OUTPUT_TOKENS = 256
#: No summary cap goes below this (or the package's maximum, if smaller).
MIN_OUTPUT_TOKENS = 16
DEFAULT_BEAM_SIZE = 2
#: Share of the package's ``max_output_tokens`` each preset allows an abstractive summary.
ABSTRACTIVE_LENGTHS: dict[str, float] = {"short": 1 / 3, "medium": 2 / 3, "long": 1.0}
_GENERATION_KEYS: dict[str, type] = {
    "beam_size": int, "length_penalty": float, "no_repeat_ngram_size": int,
    "repetition_penalty": float,
}


def _positive_int(raw: Mapping[str, Any], key: str, default: int, code: str) -> int:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidPackageError(f"package {code}: {key} must be a positive integer, "
                                  f"got {value!r}")
    return value


@dataclass(frozen=True)
class SummaryModel:
    """A summarize package's own settings, read from its ``metadata.json``."""

    package: InstalledPackage
    languages: tuple[str, ...]
    prefix: str = ""
    max_input_tokens: int = DEFAULT_MAX_INPUT_TOKENS
    max_output_tokens: int = DEFAULT_MAX_OUTPUT_TOKENS
    generation: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def code(self) -> str:
        return self.package.info.code

    @classmethod
    def from_package(cls, package: InstalledPackage) -> SummaryModel:
        """Raises: InvalidPackageError: a setting has the wrong type or range."""
        info, raw = package.info, package.info.raw
        languages = raw.get("languages") or [info.from_code]
        if not isinstance(languages, list) or not all(isinstance(c, str) and c
                                                      for c in languages):
            raise InvalidPackageError(f"package {info.code}: languages must be a list of "
                                      f"language codes, got {languages!r}")
        generation = raw.get("generation") or {}
        if not isinstance(generation, dict):
            raise InvalidPackageError(f"package {info.code}: generation must be an object")
        settings = {key: kind(generation[key]) for key, kind in _GENERATION_KEYS.items()
                    if key in generation}
        return cls(package, tuple(languages), str(raw.get("prefix") or ""),
                   _positive_int(raw, "max_input_tokens", DEFAULT_MAX_INPUT_TOKENS, info.code),
                   _positive_int(raw, "max_output_tokens", DEFAULT_MAX_OUTPUT_TOKENS, info.code),
                   MappingProxyType(settings))

    def covers(self, language: str) -> bool:
        """True for one of its codes, or a regional variant of one (``en-GB``)."""
        base = re.split(r"[-_]", language, maxsplit=1)[0]
        return language in self.languages or base in self.languages

    def cap(self, length: Length, input_tokens: int) -> int:
        """The most tokens a summary may have: a share of ``max_output_tokens`` for a
        preset, ``ratio * input_tokens`` for a ratio, never below :data:`MIN_OUTPUT_TOKENS`."""
        share = length_share(length)  # validates
        if isinstance(length, str):
            wanted = math.ceil(ABSTRACTIVE_LENGTHS[length] * self.max_output_tokens)
        else:
            wanted = math.ceil(share * input_tokens)
        floor = min(MIN_OUTPUT_TOKENS, self.max_output_tokens)
        return max(floor, min(wanted, self.max_output_tokens))


def summarize_abstractive(engine: Engine, spec: SummaryModel, texts: list[str], length: Length,
                          beam_size: int | None, on_progress: ProgressCallback | None,
                          cancel: threading.Event | None) -> list[Job]:
    """Each text summarised by ``spec``'s model, map-reduced over its input window.

    Args:
        beam_size: overrides the package's ``generation.beam_size``.
    """
    check_cancel(cancel)
    model = _Model(engine, engine.models.get(spec.package), spec, beam_size, cancel)
    return map_reduce(texts, model.count, spec.max_input_tokens,
                      lambda tokens: spec.cap(length, tokens), model.generate, on_progress)


def chunks_for(engine: Engine, spec: SummaryModel, text: str) -> list[str]:
    """The inputs ``text`` would be cut into for ``spec``'s model."""
    model = _Model(engine, engine.models.get(spec.package), spec, None, None)
    return split_into_chunks(text, model.count, spec.max_input_tokens)


@dataclass
class _Model:
    """A summarize package's loaded model, summarising chunks for one request."""

    engine: Engine  # its current max_batch_tokens
    loaded: LoadedModel
    spec: SummaryModel
    beam_size: int | None
    cancel: threading.Event | None

    def count(self, items: list[str]) -> list[int]:
        """Tokens of each item as one whole input: see :data:`.mapreduce.TokenCount`."""
        return [len(t) for t in self.loaded.tokenizer.encode([self.spec.prefix + s
                                                              for s in items])]

    def generate(self, chunks: list[str], caps: list[int], done: Callable[[], None]
                 ) -> list[str]:
        """Summaries of ``chunks``, all submitted at once (one call per distinct cap)."""
        if not chunks:
            return []
        tokens = self.loaded.tokenizer.encode([self.spec.prefix + chunk for chunk in chunks])
        groups: dict[int, list[int]] = {}
        for index, cap in enumerate(caps):
            groups.setdefault(cap, []).append(index)
        futures: list[tuple[int, Any]] = []
        for cap, indices in groups.items():
            check_cancel(self.cancel)
            results = self._submit([tokens[i] for i in indices], cap)
            futures.extend(zip(indices, results))
        outputs = [""] * len(chunks)
        for index, future in futures:
            outputs[index] = self._decode(wait_for(future, self.cancel))
            done()
        return outputs

    def _submit(self, batch: list[list[str]], cap: int) -> list[Any]:
        generation = self.spec.generation
        prefix = self.spec.package.info.target_prefix
        return self.loaded.translator.translate_batch(  # type: ignore[no-any-return]
            batch,
            target_prefix=[[prefix]] * len(batch) if prefix else None,
            max_batch_size=self.engine.config.max_batch_tokens,
            batch_type="tokens",
            beam_size=self.beam_size or int(generation.get("beam_size", DEFAULT_BEAM_SIZE)),
            length_penalty=float(generation.get("length_penalty", 1.0)),
            repetition_penalty=float(generation.get("repetition_penalty", 1.0)),
            no_repeat_ngram_size=int(generation.get("no_repeat_ngram_size", 0)),
            max_decoding_length=cap,
            max_input_length=self.spec.max_input_tokens,
            return_scores=False,
            asynchronous=True,
        )

    def _decode(self, result: Any) -> str:
        pieces = list(result.hypotheses[0])
        prefix = self.spec.package.info.target_prefix
        if prefix and pieces[:1] == [prefix]:
            pieces = pieces[1:]
        return self.loaded.tokenizer.decode(pieces).strip()
