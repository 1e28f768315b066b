"""A PDF's text lines chained into paragraphs, and paragraphs into blocks across columns
and pages.

Lines (from :mod:`.pdf_lines`, in reading order) are chained into paragraphs by
geometry, not by characters per line: a line continues onto the line right below it
(same font size, no paragraph gap, not left of it) only when it is *full*, that is when
the next line's first word would not have fitted before the block's right edge. A rule
drawn between two lines (a table border) separates them too. So a table cell, a frame or
a short line ends its paragraph, and a list item wrapped with a hanging indent stays one
sentence. A list marker (``•``, ``1.``, ``a)``) is kept in front and not sent to the
model. Hyphenated words are joined, and so is a paragraph that runs on into the next
column or is cut by a page break (the block is listed on its first page).
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from offline_nlp.documents.base import is_translatable, parse_error
from offline_nlp.documents.pdf_lines import (
    _MARKER,
    _MAX_NEIGHBOURS,
    _Line,
    _page_lines,
    _ruled_apart,
    _rules,
    _walls,
)

#: list bullets in the private-use area of the Symbol and Wingdings fonts, as shown
_PRIVATE_BULLETS = {
    "\uf0b7": "•",
    "\uf0a7": "▪",
    "\uf076": "❖",
    "\uf0d8": "➢",
    "\uf0fc": "✓",
}


_SENTENCE_END = ".!?:;。！？\"”’)"


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uff00-\uffef]")


def _continues(a: _Line, b: _Line) -> bool:
    """True when line ``b`` carries on the paragraph of line ``a`` (see the docstring)."""
    h = max(a.height, 1.0)
    if a.block != b.block and b.top < a.top - h and b.x0 > a.x1 - h:
        return _next_column(a, b)
    if a.block != b.block and b.x0 < a.x0 + 0.5 * h:
        return False  # across blocks only a hanging indent (list items, references)
    gap = b.top - a.bottom
    if not -0.3 * h <= gap <= 0.6 * h:
        return False
    if b.x0 < a.x0 - 4 * h or b.x0 > a.x0 + 0.5 * (a.x1 - a.x0):
        return False
    return _full(a, b)


def _next_column(a: _Line, b: _Line) -> bool:
    """A paragraph goes on at the top of the next column as it does on the next page:
    its last line is full, without a sentence end, and the next starts in lower case."""
    return (
        a.text.rstrip()[-1:] not in _SENTENCE_END
        and (b.text[:1].islower() or b.text[:1].isdigit())
        and not _MARKER.match(b.text)
        and _full(a, b)
    )


def _full(a: _Line, b: _Line) -> bool:
    """Line ``a`` is full: ``b``'s first word would not have fitted after it (same size)."""
    h = max(a.height, 1.0)
    if abs(a.height - b.height) > 0.12 * h or _MARKER.match(b.text) or b.bullet:
        return False
    if a.text.endswith("-") or _CJK.match(a.text[-1]):
        return a.x1 + 2 * h > a.right
    per_char = (a.x1 - a.x0) / max(len(a.text), 1)
    first_word = len(b.text.split(" ", 1)[0]) + 1
    return a.x1 + first_word * per_char > a.right


def _join(a: str, b: str) -> str:
    if a.endswith("-") and b[:1].islower():
        return a[:-1] + b
    if _CJK.match(a[-1]) and _CJK.match(b[0]):
        return a + b
    return f"{a} {b}"


@dataclass
class _Paragraph:
    text: str
    first: _Line
    last: _Line
    lines: list[_Line] = field(default_factory=list)
    rooms: list[float] = field(default_factory=list)  # per run, how far right (_set_room)


def _set_room(paras: list[_Paragraph], lines: list[_Line],
              walls: list[tuple[float, float, float]], width: float) -> None:
    """A translation is often longer than its source: it may use the width up to the
    nearest text or vertical rule to the right of its paragraph on the same rows (the
    next column, the next table cell), else up to the page's right margin (as wide as
    its left one). Bounded: at most a few hundred neighbours per paragraph."""
    if not lines:
        return
    margin = width - min(line.x0 for line in lines)
    by_top = sorted(lines, key=lambda line: line.top)
    tops = [line.top for line in by_top]
    walls = sorted(walls, key=lambda w: w[1])
    wall_tops = [w[1] for w in walls]
    for p in paras:
        p.rooms = []
        for run in _runs(p.lines or [p.first]):
            top, bottom = run[0].top, run[-1].bottom
            right = max(line.x1 for line in run)
            h = max(run[0].height, 1.0)
            room = max(margin, right)
            mine = {id(line) for line in run}
            lo = bisect.bisect_left(tops, top - 4 * h)
            for other in itertools.islice(by_top, lo, lo + _MAX_NEIGHBOURS):
                if other.top > bottom:
                    break
                if other.bottom > top and other.x0 >= right - 1 and id(other) not in mine:
                    room = min(room, other.x0 - 0.8 * h)
            hi = bisect.bisect_left(wall_tops, bottom)
            for x, _wtop, wbottom in itertools.islice(walls, max(0, hi - _MAX_NEIGHBOURS), hi):
                if wbottom > top + 0.3 * h and x >= right - 1:
                    room = min(room, x - 0.3 * h)
            room = min(room, min(line.limit for line in run) - 0.5 * h)
            p.rooms.append(max(room, right))


def _runs(lines: list[_Line]) -> list[list[_Line]]:
    """A paragraph's lines cut where it goes on in the next column (a line above and to
    the right of the one before): one box per run."""
    runs = [[lines[0]]]
    for a, b in itertools.pairwise(lines):
        if b.top < a.top - 0.5 * a.height and b.x0 > a.x1 - a.height:
            runs.append([b])
        else:
            runs[-1].append(b)
    return runs


def _paragraphs(
    lines: Sequence[_Line], rules: list[tuple[float, float, float]] = ()  # type: ignore[assignment]
) -> list[_Paragraph]:
    """Chain a page's lines (in block order, top to bottom) into paragraphs.

    A line may continue onto the next line of its block or onto the first line of the
    next block when that one is indented (a hanging indent, as in list items, often
    makes two blocks). Linear: each line looks at one candidate, then a sort.
    """
    paras: list[_Paragraph] = []
    current = ""
    members: list[_Line] = []
    for i, line in enumerate(lines):
        if not current:
            members = []
        members.append(line)
        current = _join(current, line.text) if current else line.text
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if nxt is None or not _continues(line, nxt) or _ruled_apart(line, nxt, rules):
            paras.append(_Paragraph(current, members[0], line, members))
            current = ""
    return paras  # the lines came in reading order (see _reading_order)


def paragraphs_of(lines: Sequence[_Line]) -> list[str]:
    return [p.text for p in _paragraphs(lines)]


def _chain(pages: list[list[_Paragraph]]) -> list[list[list[_Paragraph]]]:
    """Join a paragraph cut by a page break: its last line is full, it ends without a
    sentence end, and the next page starts in lower case. The block (its parts, one per
    page) is listed on its first page. Page numbers (blocks without a letter) at the
    foot of a page or the head of the next are passed over."""
    out: list[list[list[_Paragraph]]] = [[[p] for p in page] for page in pages]
    for n in range(len(pages) - 1):
        i = next((i for i in range(len(out[n]) - 1, -1, -1)
                  if is_translatable(_block_text(out[n][i]))), None)
        j = next((j for j, block in enumerate(out[n + 1])
                  if is_translatable(_block_text(block))), None)
        if i is None or j is None:
            continue
        a, b = out[n][i][-1], out[n + 1][j][0]
        if (
            _block_text(out[n][i]).rstrip()[-1:] not in _SENTENCE_END
            and b.text[:1].islower()
            and _full(a.last, b.first)
        ):
            out[n][i].extend(out[n + 1].pop(j))
    return out


def _block_text(parts: list[_Paragraph]) -> str:
    text = parts[0].text
    for p in parts[1:]:
        text = _join(text, p.text)
    return text


def _across_pages(pages: list[list[_Paragraph]]) -> list[list[str]]:
    """The texts of :func:`_chain`'s blocks, page by page."""
    return [[_block_text(block) for block in page] for page in _chain(pages)]


def _split_marker(paragraph: str) -> tuple[str, str]:
    """(marker, text): the list marker is kept as it is, not translated."""
    m = _MARKER.match(paragraph)
    if not m:
        return "", paragraph
    marker = _PRIVATE_BULLETS.get(m.group(), m.group())
    return marker, paragraph[m.end() :].lstrip()


def _read_pages(path: Path):
    """``(blocks per page, PageGlyphs per page)``; a block is a list of paragraphs, one
    per page it runs over."""
    from offline_nlp.documents.pdf_read import read_pages

    pages, infos = [], []
    try:
        for layout, info in read_pages(str(path)):
            walls, rules = _walls(layout, layout.y1), _rules(layout, layout.y1)
            lines = _page_lines(layout, walls, rules)
            paras = _paragraphs(lines, rules)
            _set_room(paras, lines, walls, layout.width)
            pages.append(paras)
            infos.append(info)
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds on damaged files
        raise parse_error(path, f"damaged PDF file ({type(exc).__name__}: {exc})") from None
    return _chain(pages), infos
