"""Plain text: paragraphs (blocks between blank lines), in the file's own encoding.

A paragraph clearly hard-wrapped at a fixed width (every line but the last cut because
the next word did not fit) is joined into one line before translation (a sentence cut
by a line break translates badly) and comes back as one line. Everything else keeps
its line breaks and indentation: lines that each end a sentence, lists, verse, code.
A heading (a first line without end punctuation followed by a line that starts a
sentence) is never joined to the paragraph under it.

E-mail quote prefixes (``> ``, ``>> ``, ``> > ``), indentation and list markers (``- ``,
``* ``, ``1. ``) never reach the model: they are cut off each line and put back in front
of its translation; a line holding only a quote prefix separates paragraphs like a
blank line. Bilingual output puts the original paragraph, a blank line, then its
translation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from offline_nlp.documents._encoding import Decoded, TextLines, decode_bytes
from offline_nlp.documents.base import Document, Segment, Sink, is_translatable, open_sink
from offline_nlp.engine.types import Translation

_LIST = re.compile(r"^\s*(?:[-*+•·]|\d+[.)]|[a-zA-Z][.)])\s")
# What is cut off a line and put back: a quote prefix, then indentation and a marker.
_QUOTE = re.compile(r"^[ \t]*(?:>[ \t]?)+")
_MARKER = re.compile(r"^[ \t]*(?:[-*+•·]|\d{1,3}[.)])[ \t]+|^[ \t]+")


@dataclass
class _Block:
    first: int  # index of the first line
    lines: list[str]  # as in the file
    reflow: bool
    prefixes: list[str]  # per line: what is put back in front of its translation
    bodies: list[str]  # per line: what is translated


_SENTENCE_END = re.compile(r"""[.!?:;…。！？]['"”’»)\]]*$""")


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def _reflowable(lines: list[str]) -> bool:
    """True only for one paragraph hard-wrapped at a fixed width.

    Every line but the last was cut because the next word would not fit: the line plus
    that word is longer than the longest line. Lines that end a sentence, list items and
    lines indented unlike the rest (code, verse, addresses) keep their line breaks.
    """
    if len(lines) < 2 or any(_LIST.match(line) for line in lines[1:]):
        return False
    if len({_indent(line) for line in lines[1:]}) > 1 or len(_indent(lines[1])) > len(
        _indent(lines[0])
    ):
        return False
    body = [line.rstrip() for line in lines[:-1]]
    ends = sum(bool(_SENTENCE_END.search(line)) for line in body)
    if 2 * ends >= len(body):  # mostly sentence ends: lines the writer chose
        return False
    longest = max(len(line.rstrip()) for line in lines)
    if longest < 40:
        return False
    for line, following in zip(body, lines[1:], strict=False):
        next_word = following.split()[0]
        if len(line) + 1 + len(next_word) <= longest:
            return False  # the next word would have fit: the break was chosen
    return True


def _is_heading(line: str, following: str) -> bool:
    """A title line over a paragraph: no end punctuation, and the next line starts a
    sentence (capital or digit) at the same indentation."""
    text = line.strip()
    if not text or _LIST.match(line) or _indent(following) != _indent(line):
        return False
    if re.search(r"""[.!?:;,…。！？、，；：\-–—'"”’»)\]]$""", text):
        return False
    start = following.lstrip()[:1]
    return start.isupper() or start.isdigit()


class TxtDocument(Document):
    def __init__(self, path: Path, decoded: Decoded) -> None:
        super().__init__(path)
        self._decoded = decoded
        self._file = TextLines(decoded)
        self._lines = self._file.lines
        self._blocks: list[_Block] = []
        current: list[str] = []
        start, level = 0, ""
        for i, line in enumerate([*self._lines, ""]):
            quote = _QUOTE.match(line)
            line_level = quote.group().replace(" ", "").replace("\t", "") if quote else ""
            body = line[quote.end():] if quote else line
            if current and (not body.strip() or line_level != level):
                self._add_block(start, current)
                current = []
            if body.strip():
                if not current:
                    start, level = i, line_level
                current.append(line)

    def _add_block(self, start: int, lines: list[str]) -> None:
        if not is_translatable("".join(lines)):
            return
        quotes = [_QUOTE.match(line) for line in lines]
        unquoted = [line[q.end():] if q else line for line, q in zip(lines, quotes)]
        reflow = _reflowable(unquoted)
        # A heading over a wrapped paragraph: the paragraph alone is joined.
        if len(lines) > 1 and _is_heading(unquoted[0], unquoted[1]) and (
                reflow or _reflowable(unquoted[1:])):
            self._add_block(start, lines[:1])
            self._add_block(start + 1, lines[1:])
            return
        prefixes, bodies = [], []
        for line, quote, rest in zip(lines, quotes, unquoted):
            marker = _MARKER.match(rest)
            cut = (quote.end() if quote else 0) + (marker.end() if marker else 0)
            prefixes.append(line[:cut])
            bodies.append(line[cut:])
        self._blocks.append(_Block(start, list(lines), reflow, prefixes, bodies))

    def _text(self, block: _Block) -> str:
        if block.reflow:
            return " ".join(body.strip() for body in block.bodies)
        return "\n".join(block.bodies)

    def _translated_lines(self, block: _Block, text: str) -> list[str]:
        """The translation's lines with each source line's prefix back in front."""
        if block.reflow:
            return [block.prefixes[0] + text]
        lines = text.split("\n")
        if len(lines) != len(block.prefixes):  # the model merged or split lines
            quote = _QUOTE.match(block.lines[0])
            lines = [block.prefixes[0] + lines[0],
                     *[(quote.group() if quote else "") + line for line in lines[1:]]]
            return lines
        return [prefix + line for prefix, line in zip(block.prefixes, lines)]

    def segments(self) -> list[Segment]:
        return [Segment(self._text(b), i) for i, b in enumerate(self._blocks)]

    def write(
        self, dst: Sink, translations: Sequence[Translation], bilingual: bool = False
    ) -> None:
        self._check_count(translations)
        replaced: dict[int, tuple[int, list[str]]] = {}
        for block, tr in zip(self._blocks, translations, strict=True):
            new = self._translated_lines(block, tr.text)
            if bilingual:
                new = [*block.lines, "", *new]
            replaced[block.first] = (len(block.lines), new)
        with open_sink(dst) as fh:
            fh.write(self._file.encode(replaced))


class TxtHandler:
    NAME = "Plain text"
    EXTENSIONS = (".txt",)

    def open(self, path: Path) -> TxtDocument:
        return TxtDocument(path, decode_bytes(Path(path).read_bytes(), path))
