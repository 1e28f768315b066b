"""Summaries on the shared engine: seq2seq ``summarize`` packages, or extraction without one.

An abstractive model (BART, T5, Pegasus, mBART converted with CTranslate2) is installed as
a package of ``"type": "summarize"`` and runs as a ``ctranslate2.Translator`` from the
engine's model cache, with the engine's threads. Its ``metadata.json`` adds::

    "languages": ["en"],            # codes it summarises (default: [from_code])
    "tokenizer": "sentencepiece",   # or "huggingface" (a tokenizer.json)
    "prefix": "summarize: ",        # put before every input (T5); default none
    "max_input_tokens": 1024,       # the model's input window, prefix and specials included
    "max_output_tokens": 256,       # the longest summary it should write
    "target_prefix": "<s>",         # optional: forced first output token (BART, mBART)
    "generation": {"beam_size": 4, "length_penalty": 2.0, "no_repeat_ngram_size": 3}

Input longer than the window is cut on paragraph and sentence boundaries into chunks
that fit; the chunks of *all* texts are summarised in one batched call, the summaries of
a text's chunks are joined and summarised again (map-reduce) until they fit one window.
Without a package for the language the extractive summariser (TextRank) is used, and
the result says so in :attr:`Summary.method`.
"""

from __future__ import annotations

import logging
import math
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Literal

from offline_nlp.engine.engine import Engine, wait_for
from offline_nlp.engine.extractive import (
    Length,
    join_summary,
    length_share,
    sentence_layout,
    summarize_extractive,
)
from offline_nlp.engine.models import LoadedModel
from offline_nlp.engine.types import TranslationOptions
from offline_nlp.errors import EngineError, InvalidPackageError, PackageNotFoundError
from offline_nlp.packages.metadata import InstalledPackage
from offline_nlp.progress import ProgressCallback, check_cancel, report

__all__ = [
    "ABSTRACTIVE_LENGTHS",
    "SUMMARIZE",
    "Summarizer",
    "Summary",
    "SummaryModel",
    "TokenCount",
    "split_into_chunks",
]

log = logging.getLogger(__name__)

#: The package ``type`` of summarisation models.
SUMMARIZE = "summarize"
DEFAULT_MAX_INPUT_TOKENS = 1024
DEFAULT_MAX_OUTPUT_TOKENS = 256
#: No summary cap goes below this (or the package's maximum, if smaller).
MIN_OUTPUT_TOKENS = 16
#: Map-reduce passes before giving up on shrinking (each pass divides the length by
#: roughly window / cap, so real inputs need two or three).
MAX_ROUNDS = 8
DEFAULT_BEAM_SIZE = 2
#: Share of the package's ``max_output_tokens`` each preset allows an abstractive summary.
ABSTRACTIVE_LENGTHS: dict[str, float] = {"short": 1 / 3, "medium": 2 / 3, "long": 1.0}
_GENERATION_KEYS: dict[str, type] = {
    "beam_size": int, "length_penalty": float, "no_repeat_ngram_size": int,
    "repetition_penalty": float,
}

#: Counts the tokens a model sees for each string *as one whole input* (prefix and
#: special tokens included).
TokenCount = Callable[[list[str]], list[int]]


@dataclass(frozen=True)
class Summary:
    """The summary of one text.

    Attributes:
        text: the summary.
        method: ``"abstractive"`` (a model wrote it) or ``"extractive"`` (sentences of
            the source, in source order: asked for, or no model for the language).
        model: the summarize package's code, ``None`` for extractive summaries.
        chunks: how many model inputs the text was cut into (1 when it fit).
        rounds: model passes (2 or more: chunk summaries were summarised again).
        language: the language of :attr:`text`.
        original: before translation, when the summary was translated.
    """

    text: str
    method: Literal["abstractive", "extractive"]
    model: str | None = None
    chunks: int = 1
    rounds: int = 1
    language: str | None = None
    original: str | None = None


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


# -- chunking ------------------------------------------------------------------------


def _paragraphs(text: str) -> list[list[str]]:
    """Sentences grouped by paragraph (a blank line ends one); wrapped lines joined."""
    paragraphs: list[list[str]] = []
    for sentence, gap in sentence_layout(text):
        if gap in ("", "\n\n"):
            paragraphs.append([])
        paragraphs[-1].append(sentence)
    return paragraphs


def _middle_boundary(text: str) -> int | None:
    """Where to halve a too-long sentence: the space nearest the middle, else the middle."""
    if len(text) < 2:
        return None
    middle = len(text) // 2
    spaces = [m.start() for m in re.finditer(r"\s+", text) if 0 < m.start() < len(text)]
    if spaces:
        return min(spaces, key=lambda i: abs(i - middle))
    return middle


def _hard_split(sentence: str, count: TokenCount, limit: int) -> list[str]:
    """A sentence longer than the window, halved at spaces (or characters) until it fits."""
    if count([sentence])[0] <= limit:
        return [sentence]
    cut = _middle_boundary(sentence)
    if cut is None:  # one character over the window: nothing sensible to do
        return [sentence]
    left, right = sentence[:cut].rstrip(), sentence[cut:].lstrip()
    return [part for half in (left, right) if half for part in _hard_split(half, count, limit)]


def _pack(paragraphs: list[list[tuple[str, int]]], budget: int) -> list[list[str]]:
    """Greedy: whole paragraphs while they fit, a too-long paragraph sentence by sentence."""
    chunks: list[list[str]] = []
    current: list[str] = []
    used = 0
    for units in paragraphs:
        whole = sum(cost for _, cost in units)
        if whole <= budget:
            if current and used + whole > budget:
                chunks.append(current)
                current, used = [], 0
            current.extend(text for text, _ in units)
            used += whole
            continue
        for text, cost in units:
            if current and used + cost > budget:
                chunks.append(current)
                current, used = [], 0
            current.append(text)
            used += cost
    if current:
        chunks.append(current)
    return chunks


def _verified(groups: list[list[str]], count: TokenCount, limit: int) -> list[str]:
    """Joined chunks, each measured as a whole; one over the window is halved again.

    Token counts are not exactly additive (a word at the start of an input may be cut
    differently), so the estimate of :func:`_pack` is checked, never trusted.
    """
    texts = [join_summary(group) for group in groups]
    sizes = count(texts)
    out: list[str] = []
    for group, text, size in zip(groups, texts, sizes):
        if size <= limit or len(group) == 1:
            out.append(text)
        else:
            half = len(group) // 2
            out.extend(_verified([group[:half], group[half:]], count, limit))
    return out


def split_into_chunks(text: str, count: TokenCount, limit: int) -> list[str]:
    """Cut ``text`` into model inputs of at most ``limit`` tokens each.

    Paragraphs stay whole when they fit, otherwise the cut falls between sentences;
    only a single sentence longer than the window is cut between words. Inside a chunk
    sentences are joined by one space (none after a CJK full stop).

    Args:
        count: see :data:`TokenCount`; ``count([""])`` is the fixed cost of an input
            (prefix, special tokens).
        limit: the model's window, ``max_input_tokens``.

    Raises:
        EngineError: the prefix alone does not leave room for any text.
    """
    paragraphs = _paragraphs(text)
    if not paragraphs:
        return []
    overhead = count([""])[0]
    budget = limit - overhead
    if budget < 1:
        raise EngineError(f"the summary prefix alone takes {overhead} of the model's "
                          f"{limit} input tokens")
    sentences = [s for para in paragraphs for s in para]
    sizes = iter(count(sentences))
    units: list[list[tuple[str, int]]] = []
    for para in paragraphs:
        row: list[tuple[str, int]] = []
        for sentence in para:
            size = next(sizes)
            parts = [sentence] if size <= limit else _hard_split(sentence, count, limit)
            part_sizes = [size] if len(parts) == 1 else count(parts)
            row.extend((part, max(1, n - overhead)) for part, n in zip(parts, part_sizes))
        units.append(row)
    return _verified(_pack(units, budget), count, limit)


# -- the summarizer --------------------------------------------------------------------


@dataclass
class _Job:
    """One text on its way through the map-reduce passes."""

    text: str
    cap: int
    tokens: int
    chunks: int = 0
    rounds: int = 0
    done: bool = False


class _Progress:
    """Chunk summaries done out of those known so far (later passes add to the total)."""

    def __init__(self, on_progress: ProgressCallback | None) -> None:
        self.on_progress, self.done, self.total, self.round = on_progress, 0, 0, 0

    def start_round(self, chunks: int) -> None:
        self.round += 1
        self.total += chunks
        report(self.on_progress, self.done, self.total, self.message)

    def add(self) -> None:
        self.done += 1
        report(self.on_progress, self.done, self.total, self.message)

    @property
    def message(self) -> str:
        return "chunks" if self.round <= 1 else f"chunks (pass {self.round})"


class Summarizer:
    """Summarise texts with installed ``summarize`` packages, or extractively.

    Args:
        engine: the shared engine: its model cache (same threads, same loaded-model
            bounds), its package source and, for summarise-and-translate, its
            translation.
        beam_size: overrides the package's ``generation.beam_size`` (default 2).
    """

    def __init__(self, engine: Engine, *, beam_size: int | None = None) -> None:
        self.engine = engine
        self.beam_size = beam_size

    # -- which model -------------------------------------------------------------------

    def models(self) -> list[SummaryModel]:
        """Installed summarize packages: our own before argostranslate's, newest first."""
        found = [p for p in self.engine.packages.installed() if p.info.type == SUMMARIZE]
        found.sort(key=lambda p: p.info.version, reverse=True)  # stable sorts, as the engine
        models = []
        for package in sorted(found, key=lambda p: p.read_only):
            try:
                models.append(SummaryModel.from_package(package))
            except InvalidPackageError as exc:
                log.warning("ignoring %s: %s", package.path, exc)
        return models

    def find(self, language: str | None = None, model: str | None = None) -> SummaryModel | None:
        """The package to use: ``model`` by code, else the first covering ``language``
        (any one when ``language`` is ``None``); ``None`` when nothing fits.

        Raises:
            PackageNotFoundError: ``model`` names no installed summarize package.
        """
        models = self.models()
        if model is not None:
            for candidate in models:
                if model in (candidate.code, candidate.package.path.name):
                    return candidate
            names = ", ".join(m.code for m in models) or "none"
            raise PackageNotFoundError(
                f"no installed summarize package {model!r} (installed: {names})")
        for candidate in models:
            if language is None or candidate.covers(language):
                return candidate
        return None

    # -- summarising -------------------------------------------------------------------

    def summarize(self, text: str, **kwargs: Any) -> Summary:
        """One text; keywords as for :meth:`summarize_texts`."""
        return self.summarize_texts([text], **kwargs)[0]

    def summarize_texts(
        self,
        texts: Sequence[str],
        *,
        language: str | None = None,
        model: str | None = None,
        extractive: bool = False,
        length: Length = "medium",
        on_progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> list[Summary]:
        """Summarise each text (a paragraph, a file, a whole document).

        Args:
            language: the texts' language; picks the package, and CJK handling in
                extractive summaries. ``None``: any installed package.
            model: a summarize package code; overrides ``language``'s choice.
            extractive: use sentences of the source, no model.
            length: ``short``/``medium``/``long`` or a ratio in (0, 1]; see
                :meth:`SummaryModel.cap` and :func:`~offline_nlp.engine.extractive.extract_sentences`.
            on_progress: chunk summaries (or texts, extractive) done / total.
            cancel: once set, stops within ~50 ms with :class:`~offline_nlp.errors.Cancelled`.

        Raises:
            ValueError: a bad ``length``, or both ``model`` and ``extractive``.
            PackageNotFoundError: ``model`` is not installed.
            ModelLoadError: the package's model or tokenizer cannot be loaded.
        """
        length_share(length)
        if extractive and model is not None:
            raise ValueError("choose a summarize model or extractive summaries, not both")
        texts = list(texts)
        spec = None if extractive else self.find(language, model)
        if spec is None:
            if not extractive:
                log.info("no summarize package for %s is installed; summarising extractively",
                         language or "any language")
            return self._extractive(texts, language, length, on_progress, cancel)
        return self._abstractive(spec, texts, language or spec.package.info.from_code, length,
                                 on_progress, cancel)

    def summarize_and_translate(
        self,
        texts: Sequence[str],
        source: str,
        target: str,
        *,
        translate_first: bool = False,
        options: TranslationOptions | None = None,
        on_progress: ProgressCallback | None = None,
        cancel: threading.Event | None = None,
        **summary: Any,
    ) -> list[Summary]:
        """Summarise in ``source`` then translate the summaries into ``target``.

        With ``translate_first`` the texts are translated first and summarised in
        ``target`` (for when only a ``target`` summarize package is installed).
        ``summary`` keywords are those of :meth:`summarize_texts` (not ``language``).

        Raises:
            LanguagePairUnavailableError: before any work, when nothing translates
                ``source`` into ``target``.
        """
        if source == target:
            return self.summarize_texts(texts, language=source, on_progress=on_progress,
                                        cancel=cancel, **summary)
        self.engine.route(source, target)  # fail before the slow part
        if translate_first:
            translated = self.engine.translate_texts(list(texts), source, target, options,
                                                     on_progress=on_progress, cancel=cancel)
            return self.summarize_texts([t.text for t in translated], language=target,
                                        on_progress=on_progress, cancel=cancel, **summary)
        summaries = self.summarize_texts(texts, language=source, on_progress=on_progress,
                                         cancel=cancel, **summary)
        translated = self.engine.translate_texts([s.text for s in summaries], source, target,
                                                 options, on_progress=on_progress, cancel=cancel)
        return [replace(s, text=t.text, language=target, original=s.text)
                for s, t in zip(summaries, translated)]

    def chunks(self, text: str, model: str | None = None,
               language: str | None = None) -> list[str]:
        """The inputs a text would be cut into for a package (for tests and previews)."""
        spec = self.find(language, model)
        if spec is None:
            raise PackageNotFoundError(f"no summarize package for {language or 'any language'}")
        loaded = self.engine.models.get(spec.package)
        return split_into_chunks(text, self._counter(loaded, spec), spec.max_input_tokens)

    # -- internals ---------------------------------------------------------------------

    @staticmethod
    def _extractive(texts: list[str], language: str | None, length: Length,
                    on_progress: ProgressCallback | None,
                    cancel: threading.Event | None) -> list[Summary]:
        out = []
        for index, text in enumerate(texts):
            check_cancel(cancel)
            summary = summarize_extractive(text, length=length, language=language)
            out.append(Summary(summary, "extractive", None, 1 if summary else 0, 1, language))
            report(on_progress, index + 1, len(texts), "texts")
        return out

    @staticmethod
    def _counter(loaded: LoadedModel, spec: SummaryModel) -> TokenCount:
        def count(items: list[str]) -> list[int]:
            return [len(t) for t in loaded.tokenizer.encode([spec.prefix + s for s in items])]

        return count

    def _abstractive(self, spec: SummaryModel, texts: list[str], language: str, length: Length,
                     on_progress: ProgressCallback | None,
                     cancel: threading.Event | None) -> list[Summary]:
        check_cancel(cancel)
        loaded = self.engine.models.get(spec.package)
        count = self._counter(loaded, spec)
        sizes = count(texts) if texts else []
        jobs = [_Job(text, spec.cap(length, size), size) for text, size in zip(texts, sizes)]
        progress = _Progress(on_progress)
        for _ in range(MAX_ROUNDS):
            active = [job for job in jobs if not job.done]
            if not active:
                break
            self._round(loaded, spec, active, count, progress, cancel)
        for job in jobs:
            if not job.done:
                log.warning("summary still longer than the window after %d passes", MAX_ROUNDS)
        return [Summary(job.text, "abstractive", spec.code, job.chunks, job.rounds, language)
                for job in jobs]

    def _round(self, loaded: LoadedModel, spec: SummaryModel, active: list[_Job],
               count: TokenCount, progress: _Progress, cancel: threading.Event | None) -> None:
        """One map-reduce pass: every chunk of every active text in one batched call."""
        pieces = [split_into_chunks(job.text, count, spec.max_input_tokens) for job in active]
        flat = [(job, chunk) for job, chunks in zip(active, pieces) for chunk in chunks]
        if flat:
            progress.start_round(len(flat))
        outputs = iter(self._generate(loaded, spec, [c for _, c in flat],
                                      [job.cap for job, _ in flat], progress, cancel))
        for job, chunks in zip(active, pieces):
            if not chunks:  # nothing to summarise: no pass, no model call
                job.text, job.done = "", True
                continue
            job.rounds += 1
            job.chunks = job.chunks or len(chunks)
            results = [next(outputs) for _ in chunks]
            if len(chunks) == 1:
                job.text, job.done = results[0], True
                continue
            joined = join_summary([r for r in results if r])
            tokens = count([joined])[0]
            if not joined or tokens >= job.tokens:  # nothing left, or no longer shrinking
                if joined:
                    log.warning("chunk summaries stopped getting shorter; kept as they are")
                job.done = True
            job.text, job.tokens = joined, tokens

    def _generate(self, loaded: LoadedModel, spec: SummaryModel, chunks: list[str],
                  caps: list[int], progress: _Progress,
                  cancel: threading.Event | None) -> list[str]:
        """Summaries of ``chunks``, all submitted at once (one call per distinct cap)."""
        if not chunks:
            return []
        tokens = loaded.tokenizer.encode([spec.prefix + chunk for chunk in chunks])
        groups: dict[int, list[int]] = {}
        for index, cap in enumerate(caps):
            groups.setdefault(cap, []).append(index)
        futures: list[tuple[int, Any]] = []
        for cap, indices in groups.items():
            check_cancel(cancel)
            results = self._submit(loaded, spec, [tokens[i] for i in indices], cap)
            futures.extend(zip(indices, results))
        outputs = [""] * len(chunks)
        for index, future in futures:
            outputs[index] = self._decode(loaded, spec, wait_for(future, cancel))
            progress.add()
        return outputs

    def _submit(self, loaded: LoadedModel, spec: SummaryModel, batch: list[list[str]],
                cap: int) -> list[Any]:
        generation = spec.generation
        prefix = spec.package.info.target_prefix
        return loaded.translator.translate_batch(  # type: ignore[no-any-return]
            batch,
            target_prefix=[[prefix]] * len(batch) if prefix else None,
            max_batch_size=self.engine.config.max_batch_tokens,
            batch_type="tokens",
            beam_size=self.beam_size or int(generation.get("beam_size", DEFAULT_BEAM_SIZE)),
            length_penalty=float(generation.get("length_penalty", 1.0)),
            repetition_penalty=float(generation.get("repetition_penalty", 1.0)),
            no_repeat_ngram_size=int(generation.get("no_repeat_ngram_size", 0)),
            max_decoding_length=cap,
            max_input_length=spec.max_input_tokens,
            return_scores=False,
            asynchronous=True,
        )

    @staticmethod
    def _decode(loaded: LoadedModel, spec: SummaryModel, result: Any) -> str:
        pieces = list(result.hypotheses[0])
        prefix = spec.package.info.target_prefix
        if prefix and pieces[:1] == [prefix]:
            pieces = pieces[1:]
        return loaded.tokenizer.decode(pieces).strip()
