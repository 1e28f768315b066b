"""The two-phase document interface every format implements.

A handler turns a file into a :class:`Document`; the document lists its translatable
:class:`Segment` s (extract) and later writes a new file with their translations put
back in place (re-insert). Between the two phases the pipeline sends the segments of
*all* documents of a job to the engine in one call, so batching spans documents.

Segments are plain text units (a paragraph, a table cell, a subtitle cue). A segment
whose text is split into differently formatted runs, or holds inline objects (an
image, a field, a footnote mark), carries :class:`InlineSpan` s so the formatting can
be carried onto the translated words (see :mod:`offline_nlp.documents.inline`).
"""

from __future__ import annotations

import abc
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, ClassVar, Protocol

from offline_nlp.engine.types import Translation
from offline_nlp.errors import DocumentParseError

__all__ = [
    "Document",
    "DocumentHandler",
    "InlineSpan",
    "Segment",
    "Sink",
    "is_translatable",
    "open_sink",
]

#: Where :meth:`Document.write` writes: a path, or a binary file opened for writing.
Sink = Path | str | IO[bytes]


@dataclass(frozen=True)
class InlineSpan:
    """A run ``[start, end)`` of the segment text with formatting ``key``.

    With ``is_object`` the span is zero-width (``start == end``) and marks where an
    inline object (image, field, note reference, tag that must stay) sits; ``key`` then
    numbers the object. Keys are opaque to everything but the format's handler.
    """

    start: int
    end: int
    key: int
    is_object: bool = False
    #: the run is (inside) a hyperlink: its translation always has one (see inline)
    link: bool = False


@dataclass(frozen=True)
class Segment:
    """One translatable unit.

    Attributes:
        text: plain text sent to the engine.
        locator: where it lives in the file; opaque, only the handler reads it.
        spans: inline runs and objects (empty: one run, nothing inline).
    """

    text: str
    locator: object = None
    spans: tuple[InlineSpan, ...] = field(default=())

    @property
    def needs_alignment(self) -> bool:
        """True when the text carries more than one run or an inline object."""
        keys = {s.key for s in self.spans if not s.is_object}
        return len(keys) > 1 or any(s.is_object for s in self.spans)


def is_translatable(text: str) -> bool:
    """True when ``text`` holds at least one letter (numbers and symbols stay as they are)."""
    return any(unicodedata.category(ch).startswith("L") for ch in text)


class Document(abc.ABC):
    """An opened document: its segments, and a way to write a translated copy."""

    #: Suffix of the translated file when it differs from the source's (PDF -> ".docx").
    output_suffix: ClassVar[str | None] = None

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @abc.abstractmethod
    def segments(self) -> list[Segment]:
        """The translatable units, in document order. Cheap to call again."""

    @abc.abstractmethod
    def write(
        self, dst: Sink, translations: Sequence[Translation], bilingual: bool = False
    ) -> None:
        """Write the translated document; ``translations[i]`` belongs to ``segments()[i]``.

        With ``bilingual`` the original is kept next to each translation where the
        format allows (paragraph after paragraph). The source file is never touched.
        """

    def _check_count(self, translations: Sequence[Translation]) -> None:
        n = len(self.segments())
        if len(translations) != n:
            raise ValueError(
                f"{self.path.name}: got {len(translations)} translations for {n} segments"
            )


class DocumentHandler(Protocol):
    """A format: a name, its extensions, and :meth:`open`."""

    NAME: str
    EXTENSIONS: tuple[str, ...]

    def open(self, path: Path) -> Document: ...


class open_sink:
    """Context manager giving a binary writable file for a :data:`Sink`."""

    def __init__(self, dst: Sink) -> None:
        self._dst = dst
        self._owned: IO[bytes] | None = None

    def __enter__(self) -> IO[bytes]:
        if isinstance(self._dst, (str, Path)):
            self._owned = open(self._dst, "wb")
            return self._owned
        return self._dst

    def __exit__(self, *exc: object) -> None:
        if self._owned is not None:
            self._owned.close()


def parse_error(path: Path, what: str) -> DocumentParseError:
    """A one-line :class:`DocumentParseError` naming the file."""
    return DocumentParseError(f"{Path(path).name}: {what}")
