"""What one ``q`` item sends to the engine, and how its translation is put back together.

Plain text goes as it is. HTML goes through the documents' HTML handler, the same code
that translates ``.html`` files: only the text between tags changes (and ``alt`` and
``title``), every tag and attribute comes back byte for byte, inline tags (links, bold)
follow the words they belonged to, and ``script``/``code``/``translate="no"`` stay.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from offline_nlp.engine.types import Translation

__all__ = ["Prepared", "prepare"]


@dataclass(frozen=True)
class Prepared:
    """The engine texts of one ``q`` item and the function that rebuilds its result."""

    texts: list[str]
    align: list[bool]  # per text: only inline markup needs the model's word alignment
    rebuild: Callable[[Sequence[Translation]], str]
    alternatives: Callable[[Sequence[Translation]], list[str]]


def prepare(text: str, html: bool) -> Prepared:
    """Split ``text`` (plain or an HTML fragment or page) into engine texts."""
    if not html:
        return Prepared([text], [False], lambda done: done[0].text,
                        lambda done: list(done[0].alternatives))
    from offline_nlp.documents.html import HtmlDocument  # the documents extra, lazily

    document = HtmlDocument(Path("request.html"), text, "utf-8")
    segments = document.segments()

    def rebuild(done: Sequence[Translation]) -> str:
        out = io.BytesIO()
        document.write(out, list(done))
        return out.getvalue().decode("utf-8")

    return Prepared([s.text for s in segments], [s.needs_alignment for s in segments],
                    rebuild, lambda done: [])
