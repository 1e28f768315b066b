"""Plain text: paragraphs (blocks between blank lines), in the file's own encoding.

A paragraph clearly hard-wrapped at a fixed width (every line but the last cut because
the next word did not fit) is joined into one line before translation (a sentence cut
by a line break translates badly) and comes back as one line. Everything else keeps
its line breaks and indentation: lines that each end a sentence, lists, verse, code.
Bilingual output puts the original paragraph, a blank line, then its translation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from offline_nlp.documents._encoding import Decoded, decode_bytes, newline_of
from offline_nlp.documents.base import Document, Segment, Sink, is_translatable, open_sink
from offline_nlp.engine.types import Translation

_LIST = re.compile(r"^\s*(?:[-*+•·]|\d+[.)]|[a-zA-Z][.)])\s")


@dataclass
class _Block:
    first: int  # index of the first line
    lines: list[str]
    reflow: bool
    indent: str


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


class TxtDocument(Document):
    def __init__(self, path: Path, decoded: Decoded) -> None:
        super().__init__(path)
        self._decoded = decoded
        text = decoded.text
        self._newline = newline_of(text)
        self._ends_with_newline = text.endswith(("\n", "\r"))
        self._lines = re.split(r"\r\n|\r|\n", text)
        if self._ends_with_newline:
            self._lines.pop()
        self._blocks: list[_Block] = []
        current: list[str] = []
        start = 0
        for i, line in enumerate([*self._lines, ""]):
            if line.strip():
                if not current:
                    start = i
                current.append(line)
            elif current:
                self._add_block(start, current)
                current = []

    def _add_block(self, start: int, lines: list[str]) -> None:
        if not is_translatable("".join(lines)):
            return
        reflow = _reflowable(lines)
        indent = re.match(r"\s*", lines[0]).group() if reflow else ""  # type: ignore[union-attr]
        self._blocks.append(_Block(start, list(lines), reflow, indent))

    def _text(self, block: _Block) -> str:
        if block.reflow:
            return " ".join(line.strip() for line in block.lines)
        return "\n".join(block.lines)

    def segments(self) -> list[Segment]:
        return [Segment(self._text(b), i) for i, b in enumerate(self._blocks)]

    def write(
        self, dst: Sink, translations: Sequence[Translation], bilingual: bool = False
    ) -> None:
        self._check_count(translations)
        lines = list(self._lines)
        replaced: dict[int, tuple[int, list[str]]] = {}
        for block, tr in zip(self._blocks, translations, strict=True):
            new = (block.indent + tr.text).split("\n") if block.reflow else tr.text.split("\n")
            if bilingual:
                new = [*block.lines, "", *new]
            replaced[block.first] = (len(block.lines), new)
        out: list[str] = []
        i = 0
        while i < len(lines):
            if i in replaced:
                count, new = replaced[i]
                out.extend(new)
                i += count
            else:
                out.append(lines[i])
                i += 1
        text = self._newline.join(out) + (self._newline if self._ends_with_newline else "")
        with open_sink(dst) as fh:
            fh.write(self._decoded.encode(text))


class TxtHandler:
    NAME = "Plain text"
    EXTENSIONS = (".txt",)

    def open(self, path: Path) -> TxtDocument:
        return TxtDocument(path, decode_bytes(Path(path).read_bytes(), path))
