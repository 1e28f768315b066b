"""Translate while typing, sentence by sentence, with a memory of sentences already done.

No Qt here: the Text tab runs :func:`translate_changed` on a pool thread. Only sentences
the memory lacks go to the engine (one batched call); the others, and translations the
user picked among the alternatives, come from the memory. The engine translates every
sentence on its own anyway, so the assembled text is what translating the whole text
would give, and the alignment of each sentence is shifted to its place in the whole.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from offline_nlp.engine.segmentation import Piece, join_sentences, split_text
from offline_nlp.engine.types import Span, Translation, TranslationOptions
from offline_nlp.langdetect import LanguageDetectionError
from offline_nlp.progress import ProgressCallback

__all__ = ["LiveResult", "SentenceMemory", "SentencePlace", "completed_sentences",
           "detect_source", "finished_prefix", "place_at", "translate_changed"]

Key = tuple[str, str, str]          # source language, target language, sentence


class Translates(Protocol):
    def translate_texts(self, texts: list[str], source: str, target: str,
                        options: TranslationOptions | None = None, *, align: bool = False,
                        on_progress: ProgressCallback | None = None,
                        cancel: threading.Event | None = None) -> list[Translation]: ...


@dataclass(frozen=True)
class SentencePlace:
    """Where one sentence sits in the source text and in the translation."""

    sentence: str
    source_start: int
    source_end: int
    target_start: int
    target_end: int


@dataclass(frozen=True)
class LiveResult:
    """The assembled translation, where each sentence went, and what the engine added."""

    translation: Translation
    places: tuple[SentencePlace, ...]
    new: dict[Key, Translation]
    sent: tuple[str, ...]             # the sentences that went to the engine


class SentenceMemory:
    """Sentence translations of this session (bounded, least recently used dropped)
    and the alternatives the user chose.

    Shared by the Text tab's jobs like a cache: a job reads it when it starts (so a
    request that waited behind another sees what that one translated) and adds what the
    engine returned; a lock makes each read and write whole, and reads are copies.
    """

    def __init__(self, limit: int = 5000) -> None:
        self.limit = limit
        self._done: OrderedDict[Key, Translation] = OrderedDict()
        self._chosen: dict[Key, str] = {}
        self._lock = threading.Lock()

    def snapshot(self, source: str, target: str,
                 sentences: list[str]) -> tuple[dict[Key, Translation], dict[Key, str]]:
        """What a job needs: known translations of these sentences, and the choices."""
        found = {}
        with self._lock:
            for sentence in sentences:
                key = (source, target, sentence)
                if key in self._done:
                    self._done.move_to_end(key)
                    found[key] = self._done[key]
            return found, dict(self._chosen)

    def add(self, new: dict[Key, Translation]) -> None:
        with self._lock:
            self._done.update(new)
            while len(self._done) > self.limit:
                self._done.popitem(last=False)

    def get(self, key: Key) -> Translation | None:
        with self._lock:
            return self._done.get(key)

    def chosen(self, key: Key) -> str | None:
        with self._lock:
            return self._chosen.get(key)

    def choose(self, key: Key, text: str) -> None:
        """Keep ``text`` for this sentence from now on."""
        with self._lock:
            self._chosen[key] = text


def sentences_of(layout: list[Piece]) -> list[str]:
    return [piece.text for piece in layout if piece.is_sentence]


def completed_sentences(text: str) -> list[str]:
    """Sentences the user has finished: all but the last, and the last too once it ends
    with sentence-final punctuation (the moment to translate without waiting)."""
    layout = split_text(text)
    sentences = sentences_of(layout)
    if sentences and not _ends_sentence(text):
        sentences.pop()
    return sentences


def _ends_sentence(text: str) -> bool:
    stripped = text.rstrip().rstrip("\"'”’»)]」』）")
    return bool(stripped) and stripped[-1] in ".!?…。！？｡"


def translate_changed(engine: Translates, text: str, source: str, target: str,
                      options: TranslationOptions, memory: SentenceMemory,
                      cancel: threading.Event | None = None,
                      on_progress: ProgressCallback | None = None) -> LiveResult:
    """Translate ``text`` sending only the sentences ``memory`` lacks (on a pool thread).

    What the engine returns goes into ``memory`` at once, also when a newer request makes
    this result stale: the sentences are still right, and the next request reuses them.
    """
    layout = split_text(text)
    sentences = sentences_of(layout)
    known, chosen = memory.snapshot(source, target, sentences)
    missing = [s for s in dict.fromkeys(sentences) if (source, target, s) not in known]
    new: dict[Key, Translation] = {}
    if missing:
        results = engine.translate_texts(missing, source, target, options, align=True,
                                         on_progress=on_progress, cancel=cancel)
        new = {(source, target, s): r for s, r in zip(missing, results, strict=True)}
        memory.add(new)
    every = {**known, **new}
    parts = [every[(source, target, s)] for s in sentences]
    texts = [chosen.get((source, target, s), part.text) for s, part in zip(sentences, parts,
                                                                             strict=True)]
    output = join_sentences(layout, texts)
    places, spans = _place(layout, output, texts, parts)
    pivot = next((p.pivot for p in parts if p.pivot), None)
    kept = tuple(k for p in parts for k in p.kept)
    suspect = tuple(s for p in parts for s in p.suspect)
    translation = Translation(output, (), tuple(spans), pivot, kept, suspect)
    return LiveResult(translation, tuple(places), new, tuple(missing))


def _place(layout: list[Piece], output: str, texts: list[str],
           parts: list[Translation]) -> tuple[list[SentencePlace], list[Span]]:
    """Each sentence's range in source and output, and its alignment moved there."""
    places: list[SentencePlace] = []
    spans: list[Span] = []
    source_pos = output_pos = index = 0
    for piece in layout:
        if piece.is_sentence:
            text, part = texts[index], parts[index]
            output_pos = max(output.find(text, output_pos), output_pos)
            places.append(SentencePlace(piece.text, source_pos, source_pos + len(piece.text),
                                        output_pos, output_pos + len(text)))
            if text == part.text:   # a chosen alternative has no alignment
                spans.extend(replace(span, source_start=span.source_start + source_pos,
                                     source_end=span.source_end + source_pos,
                                     target_start=span.target_start + output_pos,
                                     target_end=span.target_end + output_pos)
                             for span in part.alignment)
            output_pos += len(text)
            index += 1
        source_pos += len(piece.text)
    return places, spans


def place_at(places: Sequence[SentencePlace], position: int) -> SentencePlace | None:
    """The sentence at ``position`` of the translation; a position just after a
    sentence's last character (the end of the text) is in it too."""
    inside = next((p for p in places if p.target_start <= position < p.target_end), None)
    return inside or next((p for p in places if position == p.target_end), None)


def finished_prefix(text: str, count: int) -> str:
    """``text`` up to the end of its ``count``-th sentence."""
    end = seen = 0
    for piece in split_text(text):
        end += len(piece.text)
        if piece.is_sentence:
            seen += 1
            if seen == count:
                return text[:end]
    return text


def detect_source(text: str, candidates: list[str]) -> str:
    """The language of ``text`` among the installed sources ``candidates``.

    Raises:
        LanguageDetectionError: none of them, or too unsure (as the CLI's ``--from auto``).
    """
    from offline_nlp.langdetect import MIN_CONFIDENCE, detect_among

    if len(candidates) == 1 and len(text.strip()) < 3:
        return candidates[0]          # nothing to tell from yet: the only choice
    found = detect_among(text[:4000], candidates, min_confidence=MIN_CONFIDENCE)
    if found is None:
        raise LanguageDetectionError("could not tell the language of the text among the "
                                     f"installed ones ({', '.join(candidates) or 'none'})")
    return found.language
