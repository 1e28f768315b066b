"""Markdown (CommonMark + GFM tables), rewritten line by line.

markdown-it-py finds the blocks; only paragraphs, headings and table cells are
translated. Fenced and indented code, HTML blocks, link reference definitions and
YAML/TOML front matter are written back byte for byte. Inside a paragraph, inline code,
autolinks, images, link destinations and raw HTML tags are objects that are never
translated; ``*em*``, ``**strong**``, ``~~strike~~`` and link texts are runs carried onto
the translated words. A translated paragraph comes back on one line (soft line breaks
become spaces, hard breaks stay). Reference-style links whose text is their label
(``[text]``, ``[text][]``) are kept untranslated so the reference still resolves.
The inline tokens come from :mod:`.markdown_inline`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from offline_nlp.documents._encoding import Decoded, TextLines, decode_bytes
from offline_nlp.documents.base import Document, Segment, Sink, is_translatable, open_sink
from offline_nlp.documents.markdown_inline import (
    BLOCKS,
    escape,
    escape_title,
    inline_tokens,
    unescape,
)
from offline_nlp.documents.markup import InlineRegion, SegmentBuilder, Tok, Unit, analyse
from offline_nlp.engine.types import Translation


@dataclass
class _Para:
    first: int  # first line index
    count: int  # lines replaced
    prefix: str
    suffix: str
    cont: str  # prefix of continuation lines
    top_level: bool


@dataclass
class _Cell:
    line: int
    start: int
    end: int


@dataclass
class _Text:
    """An image's alt text or a link's title, inside the bytes of ``tok``."""

    tok: Tok
    original: str  # the token's bytes as read
    start: int
    end: int

    @property
    def text(self) -> str:
        return unescape(self.original[self.start : self.end])

    def escape(self, text: str) -> str:
        quote = self.original[self.start - 1]
        return escape(text) if quote == "[" else escape_title(text, quote)


def _front_matter(lines: list[str]) -> int:
    """Number of front-matter lines at the top (YAML ``---`` or TOML ``+++``)."""
    if not lines or lines[0].strip() not in ("---", "+++"):
        return 0
    fence = lines[0].strip()
    for i in range(1, len(lines)):
        if lines[i].strip() in (fence, "...") and (fence == "---" or lines[i].strip() == fence):
            return i + 1
    return 0


def _split_row(line: str) -> list[tuple[int, int]]:
    """Cell content ranges of a GFM table row (pipes escaped or in code do not split)."""
    i = 0
    in_code = ""
    starts = []
    while i < len(line):
        ch = line[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "`":
            run = re.match(r"`+", line[i:]).group()  # type: ignore[union-attr]
            in_code = "" if in_code == run else (run if not in_code else in_code)
            i += len(run)
            continue
        if ch == "|" and not in_code:
            starts.append(i)
        i += 1
    stripped = line.strip()
    cells = []
    lead = 0 if stripped.startswith("|") else None
    positions = (
        ([-1] if lead is None else []) + starts + ([len(line)] if not stripped.endswith("|") else [])
    )
    for a, b in itertools.pairwise(positions):
        cells.append((a + 1, b))
    return [(a, b) for a, b in cells if b > a]


class MarkdownDocument(Document):
    def __init__(self, path: Path, decoded: Decoded) -> None:
        super().__init__(path)
        self._decoded = decoded
        self._file = TextLines(decoded)
        self._lines = self._file.lines
        skip = _front_matter(self._lines)
        feed = [""] * skip + self._lines[skip:]
        env: dict = {}
        tokens = BLOCKS.parse("\n".join(feed), env)
        references = env.get("references", {})
        self._units: SegmentBuilder[_Para | _Cell | _Text] = SegmentBuilder()
        depth_containers = 0
        for k, tok in enumerate(tokens):
            if tok.type in ("blockquote_open", "bullet_list_open", "ordered_list_open"):
                depth_containers += 1
            elif tok.type in ("blockquote_close", "bullet_list_close", "ordered_list_close"):
                depth_containers -= 1
            if tok.type == "tr_open" and tok.map:
                self._add_row(tok.map[0], references)
            if tok.type != "inline" or not tok.map or k == 0:
                continue
            parent = tokens[k - 1]
            if parent.type not in ("paragraph_open", "heading_open"):
                continue
            self._add_para(tok.map, tok.content, parent, references, depth_containers == 0)

    def _add_para(
        self, span: list[int], content: str, parent, references: dict, top: bool
    ) -> None:
        if not is_translatable(content):
            return
        first = span[0]
        content_lines = content.split("\n")
        line0 = self._lines[first]
        c0 = content_lines[0]
        at = line0.find(c0) if c0 else -1
        if at < 0:
            return  # cannot locate safely: leave the block as it is
        prefix = line0[:at]
        suffix = ""
        count = len(content_lines)
        if parent.type == "heading_open" and parent.markup.startswith("#"):
            suffix = line0[at + len(c0) :]
            count = 1
        last = self._lines[first + count - 1]
        if count > 1 and not last.rstrip().endswith(content_lines[-1].rstrip()):
            return
        cont = re.sub(r"[-*+](?=\s)|\d+[.)](?=\s)|#+(?=\s)", lambda m: " " * len(m.group()), prefix)
        region = analyse(inline_tokens(content, references), collapse_space=False)
        self._add_region(region, _Para(first, count, prefix, suffix, cont, top))

    def _add_row(self, line_no: int, references: dict) -> None:
        line = self._lines[line_no]
        for a, b in _split_row(line):
            cell = line[a:b]
            content = cell.strip()
            if not is_translatable(content):
                continue
            start = a + (len(cell) - len(cell.lstrip()))
            region = analyse(inline_tokens(content, references))
            self._add_region(region, _Cell(line_no, start, start + len(content)))

    def _add_region(self, region: InlineRegion, place: _Para | _Cell) -> None:
        """The region, then its images' alt texts and links' titles; a region holding only
        an image is not sent, but rewritten for its alt text."""
        self._units.add_region(region, place, sent=is_translatable(region.text))
        for tok in region.tokens:
            for start, end in tok.texts:
                text = _Text(tok, tok.raw, start, end)
                self._units.add_words(text.text, text)

    def segments(self) -> list[Segment]:
        return self._units.segments()

    def write(
        self, dst: Sink, translations: Sequence[Translation], bilingual: bool = False
    ) -> None:
        self._check_count(translations)
        translated = self._units.translated(translations)
        _set_texts(translated)
        lines = list(self._lines)
        replace: dict[int, tuple[int, list[str]]] = {}
        cells: dict[int, list[tuple[int, int, str]]] = {}
        for unit, tr in translated:
            place = unit.place
            if isinstance(place, _Cell):
                rendered = unit.render(tr, lambda t: escape(t).replace("|", "\\|"),
                                       spaces_outside=True)
                if bilingual:
                    rendered = lines[place.line][place.start : place.end] + "<br>" + rendered
                cells.setdefault(place.line, []).append((place.start, place.end, rendered))
            elif isinstance(place, _Para):
                new = _para_lines(place, unit.render(tr, escape, spaces_outside=True))
                if bilingual:
                    new = _bilingual(place, lines[place.first : place.first + place.count], new)
                replace[place.first] = (place.count, new)
        for line_no, changes in cells.items():
            line = lines[line_no]
            for start, end, text in sorted(changes, reverse=True):
                line = line[:start] + text + line[end:]
            lines[line_no] = line
        with open_sink(dst) as fh:
            fh.write(self._file.encode(replace, lines))


def _set_texts(translated: Sequence[tuple[Unit, Translation | None]]) -> None:
    """Put translated alt texts and titles into their tokens' bytes (bilingual output
    keeps them in the original copy of their paragraph)."""
    changes: dict[int, list[tuple[_Text, str]]] = {}
    for unit, tr in translated:
        if isinstance(unit.place, _Text) and tr is not None:
            changes.setdefault(id(unit.place.tok), []).append((unit.place, tr.text))
    for edits in changes.values():
        raw = edits[0][0].original
        for text, translation in sorted(edits, key=lambda e: e[0].start, reverse=True):
            raw = raw[: text.start] + text.escape(translation) + raw[text.end :]
        edits[0][0].tok.raw = raw


def _para_lines(para: _Para, rendered: str) -> list[str]:
    """A paragraph's rendered markup as lines, with its prefixes and suffix."""
    body = rendered.split("\n")
    new = [para.prefix + body[0] + (para.suffix if len(body) == 1 else "")]
    new += [para.cont + b for b in body[1:]]
    if len(body) > 1:
        new[-1] += para.suffix
    return new


def _bilingual(para: _Para, original: list[str], new: list[str]) -> list[str]:
    """The original paragraph over its translation (in a list or quote: inside it)."""
    if para.top_level:
        return [*original, "", *new]
    return [
        *original,
        para.cont.rstrip(),
        *[para.cont + x[len(para.prefix) :] if i == 0 else x for i, x in enumerate(new)],
    ]


class MarkdownHandler:
    NAME = "Markdown"
    EXTENSIONS = (".md", ".markdown")

    def open(self, path: Path) -> MarkdownDocument:
        path = Path(path)
        return MarkdownDocument(path, decode_bytes(path.read_bytes(), path))
