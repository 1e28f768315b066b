"""Plain data the engine takes and returns: options, results, language routes."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import Literal

from offline_nlp.engine.glossary import Glossary

__all__ = [
    "PRESETS",
    "EngineConfig",
    "Language",
    "Span",
    "Translation",
    "TranslationOptions",
    "usable_cores",
]

Preset = Literal["quality", "balanced", "fast"]


@dataclass(frozen=True)
class TranslationOptions:
    """How to decode. Every field has a default that needs no configuration.

    Attributes:
        beam_size: 1 is greedy (fastest); Argos uses 4. See :data:`PRESETS`.
        num_alternatives: how many distinct translations to return per text (n-best).
        replace_unknowns: copy the source token where the model emits ``<unk>``.
        length_ratio, length_extra: each sentence may produce at most
            ``length_ratio * source_tokens + length_extra`` tokens, so long sentences
            are never silently cut at CTranslate2's fixed default of 256.
        length_penalty: CTranslate2's length normalisation of beam scores. 0 (raw
            log-probabilities) was exact on 99.6-100% of held-out fixture sentences at
            beam 2 where CTranslate2's default of 1 (and argostranslate's 0.2) ended
            91-97% of them correctly, the rest cut short (see bench/beams.py).
        repetition_penalty, no_repeat_ngram_size: guards against runaway repetition;
            ``None`` lets the engine pick per target script (see engine.translator).
        use_cache: read and write the persistent segment cache.
        max_sentence_tokens: a sentence longer than this (in source tokens) is cut at
            clause punctuation, then by length, and translated in pieces; 0 takes the
            package's ``max_source_tokens``, else 150 (see engine.integrity).
        glossary: terms that always become the given target terms (see
            engine.glossary); only the rows for the pair being translated apply.
        model: the code of the package that must serve the pair when several can
            (``--model``); empty: the setting's choice, else the engine's (see
            engine.routing).
    """

    beam_size: int = 2
    num_alternatives: int = 1
    replace_unknowns: bool = True
    length_ratio: float = 2.0
    length_extra: int = 16
    length_penalty: float = 0.0
    repetition_penalty: float | None = None
    no_repeat_ngram_size: int | None = None
    use_cache: bool = True
    max_sentence_tokens: int = 0
    glossary: Glossary | None = None
    model: str = ""

    @classmethod
    def preset(cls, name: str, **changes: object) -> TranslationOptions:
        """Options for a named preset: ``quality``, ``balanced`` or ``fast``."""
        try:
            base = PRESETS[name]
        except KeyError:
            raise ValueError(
                f"unknown preset {name!r}; expected one of: {', '.join(PRESETS)}"
            ) from None
        return replace(base, **changes)  # type: ignore[arg-type]


PRESETS: dict[str, TranslationOptions] = {
    "quality": TranslationOptions(beam_size=4),
    "balanced": TranslationOptions(beam_size=2),
    "fast": TranslationOptions(beam_size=1),
}


def usable_cores() -> int:
    """Cores this process may really use: CPU affinity and a cgroup CPU quota count.

    ``os.cpu_count()`` reports the host's cores, so a container limited to 2 CPUs on a
    64-core host would start 64 threads fighting over 2.
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # macOS and Windows have no affinity call
        cores = os.cpu_count() or 1
    quota = _cgroup_quota()
    if quota is not None:
        cores = min(cores, quota)
    return max(1, cores)


def _cgroup_quota() -> int | None:
    """Whole CPUs allowed by a cgroup v2 ``cpu.max`` (``"max 100000"`` means none)."""
    try:
        with open("/sys/fs/cgroup/cpu.max", encoding="ascii") as handle:
            quota, period = handle.read().split()[:2]
        if quota == "max":
            return None
        return max(1, int(quota) // int(period))
    except (OSError, ValueError):
        return None


@dataclass(frozen=True)
class EngineConfig:
    """How models are loaded and run. User-facing names, mapped onto CTranslate2's.

    Attributes:
        device: ``cpu``, ``cuda`` or ``auto`` (CUDA when CTranslate2 sees a GPU).
        compute_type: ``int8`` on CPU is 2-2.6x faster than float32 at the same output;
            ``auto`` lets CTranslate2 pick per device.
        cpu_threads: threads per batch (CTranslate2 ``intra_threads``); 0 = automatic.
        parallel_jobs: batches run in parallel (``inter_threads``); 0 = automatic.
        max_batch_tokens: tokens per CTranslate2 batch; also the cancel granularity.
            1,024 rather than 2,048: 12% faster at beam 4, equal at beam 2, and 38% less
            peak memory with 2 replicas (issue 15's measurements; ``bench/translate.py``).
        max_loaded_models, max_loaded_bytes: bounds of the loaded-model cache (LRU).
        preferred_models: package codes that serve a pair before any other package
            that can (first listed first); see engine.routing.
    """

    device: str = "cpu"
    compute_type: str = "int8"
    cpu_threads: int = 0
    parallel_jobs: int = 0
    max_batch_tokens: int = 1024
    max_loaded_models: int = 4
    max_loaded_bytes: int = 2 * 1024**3
    cache_max_entries: int = 200_000
    preferred_models: tuple[str, ...] = ()

    def threads(self) -> tuple[int, int]:
        """``(inter_threads, intra_threads)`` never oversubscribing the cores.

        Replicas of one thread each beat one wide OpenMP team on a busy desktop
        (measured in shared/design/ctranslate2.md, section 2.1).
        """
        cores = usable_cores()
        if self.parallel_jobs:
            inter = self.parallel_jobs
        elif self.cpu_threads:
            inter = max(1, cores // self.cpu_threads)
        else:
            inter = cores if cores < 4 else cores // 2  # 2-thread replicas on big machines
        intra = self.cpu_threads or max(1, cores // inter)
        return inter, intra


@dataclass(frozen=True)
class Span:
    """A character range ``[start, end)`` in the source text mapped to one in the output.

    Spans come from the model's attention and cover each output token, so a caller can
    carry formatting (bold, links) from source words onto the words that translate them.
    """

    source_start: int
    source_end: int
    target_start: int
    target_end: int


@dataclass(frozen=True)
class Translation:
    """The result for one input text.

    Attributes:
        text: the translation, with the input's whitespace and line breaks kept.
        alternatives: further distinct translations when ``num_alternatives > 1``.
        alignment: token spans (only when asked with ``align=True``); empty otherwise.
        pivot: the language translated through (``"en"``) or ``None`` for a direct pair.
        kept: sentences not sent to the model, left as they were, because they are in a
            script the source language is not written in (a Chinese quote in English),
            then the words in such a script inside translated sentences (北京).
        suspect: sentences whose translation still looks incomplete (much shorter than
            the source) after being retranslated alone and in pieces; tell the user.
    """

    text: str
    alternatives: tuple[str, ...] = ()
    alignment: tuple[Span, ...] = field(default=())
    pivot: str | None = None
    kept: tuple[str, ...] = ()
    suspect: tuple[str, ...] = ()


@dataclass(frozen=True)
class Language:
    """A language as named by package metadata (codes are never checked against a list)."""

    code: str
    name: str

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"
