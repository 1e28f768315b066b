"""Fixtures for the document tests: a fake engine with exact word alignment, sample files."""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from offline_nlp.engine.types import Span, Translation, TranslationOptions
from offline_nlp.errors import Cancelled
from offline_nlp.progress import Progress

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "documents"
_WORD = re.compile(r"\w+")


def fake_word(word: str) -> str:
    """The fake 'translation' of one word: upper case, or reversed for caseless scripts."""
    if not any(ch.isalpha() for ch in word):
        return word
    up = word.upper()
    return up if up != word or word.lower() != word else word[::-1]


def fake_translate(text: str, reverse: bool = False) -> tuple[str, tuple[Span, ...]]:
    """Word by word, keeping everything between words; exact spans per word and symbol.

    With ``reverse`` the words of each line come out in reverse order, joined by single
    spaces (to test that formatting follows the words, not the positions).
    """
    out: list[str] = []
    spans: list[Span] = []
    pos = 0
    for line_start, line in _lines(text):
        tokens = [(m.start(), m.end()) for m in re.finditer(r"\w+|[^\w\s]", line)]
        order = list(reversed(tokens)) if reverse else tokens
        gaps = []
        prev = 0
        for s, e in tokens:
            gaps.append(line[prev:s])
            prev = e
        tail = line[prev:]
        for i, (s, e) in enumerate(order):
            gap = gaps[i] if not reverse else (gaps[0] if i == 0 else " ")
            out.append(gap)
            pos += len(gap)
            tr = fake_word(line[s:e]) if _WORD.fullmatch(line[s:e]) else line[s:e]
            spans.append(Span(line_start + s, line_start + e, pos, pos + len(tr)))
            out.append(tr)
            pos += len(tr)
        out.append(tail)
        pos += len(tail)
    return "".join(out), tuple(spans)


def _lines(text: str) -> list[tuple[int, str]]:
    result = []
    start = 0
    for piece in re.split(r"(\n)", text):
        if piece == "\n":
            result.append((start, "\n"))
        else:
            result.append((start, piece))
        start += len(piece)
    return result


class FakeEngine:
    """Same signature as ``Engine.translate_texts``; records every call."""

    def __init__(
        self,
        align: str = "exact",
        reverse: bool = False,
        batch: int = 4,
        fail_on: str | None = None,
    ) -> None:
        self.align_mode = align  # "exact", "none"
        self.reverse = reverse
        self.batch = batch
        self.fail_on = fail_on
        self.calls: list[dict] = []

    def translate_texts(
        self,
        texts: Sequence[str],
        source: str,
        target: str,
        options: TranslationOptions | None = None,
        *,
        align: bool = False,
        on_progress: Callable[[Progress], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> list[Translation]:
        self.calls.append(
            {"texts": list(texts), "source": source, "target": target, "align": align}
        )
        results = []
        total = len(texts)
        for i, text in enumerate(texts):
            if i % self.batch == 0:
                if cancel is not None and cancel.is_set():
                    raise Cancelled()
                if on_progress is not None:
                    on_progress(Progress(i, total, "translating"))
            if self.fail_on and self.fail_on in text:
                raise RuntimeError("engine failure")
            out, spans = fake_translate(text, self.reverse)
            results.append(
                Translation(out, alignment=spans if align and self.align_mode == "exact" else ())
            )
        if on_progress is not None:
            on_progress(Progress(total, total, "translating"))
        return results


@pytest.fixture
def engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture(scope="session")
def shared_docs() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"sample documents not found at {SHARED} (../shared is absent)")
    return SHARED


def sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def translate_file(src: Path, dst: Path, engine: FakeEngine | None = None, bilingual: bool = False):
    """Open, translate with the fake engine, write; returns (document, segments)."""
    from offline_nlp.documents.registry import open_document

    engine = engine or FakeEngine()
    doc = open_document(src)
    segs = doc.segments()
    trs = engine.translate_texts(
        [s.text for s in segs], "en", "xx", align=any(s.needs_alignment for s in segs)
    )
    doc.write(dst, trs, bilingual=bilingual)
    return doc, segs
