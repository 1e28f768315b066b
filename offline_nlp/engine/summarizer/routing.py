"""Which summary a request gets: a ``summarize`` package's model, or extraction without one.

:class:`Summarizer` picks the package for the language (or the one named), runs it
through :mod:`.abstractive`, falls back to the extractive summariser (TextRank) where
none fits, and translates summaries for summarise-and-translate.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from offline_nlp.engine.engine import Engine
from offline_nlp.engine.extractive import Length, length_share, summarize_extractive
from offline_nlp.engine.summarizer.abstractive import (
    SUMMARIZE,
    SummaryModel,
    chunks_for,
    summarize_abstractive,
)
from offline_nlp.engine.types import TranslationOptions
from offline_nlp.errors import InvalidPackageError, PackageNotFoundError
from offline_nlp.progress import ProgressCallback, check_cancel, report

__all__ = ["Summarizer", "Summary"]

# One logger for all summaries, named as the module was before it became a package.
log = logging.getLogger(__package__)


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
        return chunks_for(self.engine, spec, text)

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

    def _abstractive(self, spec: SummaryModel, texts: list[str], language: str, length: Length,
                     on_progress: ProgressCallback | None,
                     cancel: threading.Event | None) -> list[Summary]:
        jobs = summarize_abstractive(self.engine, spec, texts, length, self.beam_size,
                                     on_progress, cancel)
        return [Summary(job.text, "abstractive", spec.code, job.chunks, job.rounds, language)
                for job in jobs]
