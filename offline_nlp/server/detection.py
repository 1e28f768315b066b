"""``source=auto``: the language of a request's texts or of an uploaded document, among
the sources the engine can translate into the target."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from offline_nlp.server.requests import ApiError, State

__all__ = ["SHORT_TEXT", "detect_document", "detect_sources"]

#: Texts shorter than this are detected together with the rest of the request
#: (as LibreTranslate does): one word says too little about its language.
SHORT_TEXT = 40


def detect_sources(state: State, texts: list[str], target: str) -> list[dict[str, Any]]:
    """``{"confidence": 0-100, "language": code}`` per text, among sources reaching target."""
    candidates = sorted({s for s, t in state.engine.pairs() if t == target} | {target})
    overall = best_language(" ".join(texts), candidates)
    return [best_language(text, candidates) if len(text) > SHORT_TEXT else overall
            for text in texts]


def detect_document(state: State, path: Path, target: str) -> dict[str, Any]:
    """The language of a document's first segments, among sources reaching ``target``."""
    from offline_nlp.documents.registry import open_document

    texts = (segment.text for segment in open_document(path).segments()[:500])
    sample = "\n\n".join(texts)[:DETECT_CHARS]
    candidates = sorted({s for s, t in state.engine.pairs() if t == target} | {target})
    return best_language(sample, candidates)


#: how much of a document ``source=auto`` reads (as the CLI's --from auto)
DETECT_CHARS = 20_000


def best_language(text: str, candidates: list[str]) -> dict[str, Any]:
    from offline_nlp.langdetect import detect_among

    found = detect_among(text, candidates)
    if found is None:
        raise ApiError(400, "Cannot detect the source language among the installed ones "
                            f"({', '.join(candidates)}); pass source")
    return {"confidence": round(found.confidence * 100, 1), "language": found.language}
