"""PDF: text extracted page by page and written as a new ``.docx`` (default) or ``.txt``,
keeping paragraphs, list items and page order (a page break between pages).

pdfminer.six's layout analysis gives each text line with its box on the page, grouped
into text blocks (a table cell, a frame, a column of text). Lines are then chained into
paragraphs by geometry, not by characters per line: a line continues onto the line right
below it (same font size, no paragraph gap, not left of it) only when it is *full*, that
is when the next line's first word would not have fitted before the block's right edge.
A rule drawn between two lines (a table border) separates them too. So a table cell,
a frame or a short line ends its paragraph, and a list item wrapped
with a hanging indent stays one sentence. A list marker (``•``, ``1.``, ``a)``) is kept
in front and not sent to the model. Paragraphs come in page order (top to bottom, left
to right, so a table is read row by row; a page set in two columns is read across);
hyphenated words are joined, and so is a paragraph cut by a page break (it stays on
its first page).

Why pdfminer.six (MIT) and not pypdf's ``extraction_mode="layout"``: pypdf's layout
mode prints the page as a text grid, so two table cells side by side share one line of
text and must be cut apart again by runs of spaces; pdfminer gives the lines' positions
and blocks themselves. pypdf still checks encryption (clear messages) first. Page
analysis is linear in the page's characters: the O(n²) hierarchical grouping of blocks
(``boxes_flow``) is switched off.

An encrypted PDF (unless it opens with an empty password) or one without a text layer
(scanned pages) raises :class:`~offline_nlp.errors.DocumentParseError`; OCR is out of scope.
"""

from __future__ import annotations

import bisect
import itertools
import re
import threading
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

import pikepdf
import pypdf
from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

from offline_nlp.documents.base import (
    Document,
    Segment,
    Sink,
    is_translatable,
    open_sink,
    parse_error,
)
from offline_nlp.engine.types import Translation

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: a list marker at the start of a paragraph: bullets (with the private-use bullets of
#: the Symbol and Wingdings fonts), "1." "1)" "(1)" "a)" "iv."
_MARKER = re.compile(
    r"^(?:[•●○◦▪■□►▸‣⁃∙·–—*\-\uf0b7\uf0a7\uf076\uf0d8\uf0fc]"
    r"|\(?\d{1,3}[.)]|\(\d{1,3}\)|[a-z][.)]|[ivx]{1,4}[.)])(?=\s)"
)
_PRIVATE_BULLETS = {
    "\uf0b7": "•",
    "\uf0a7": "▪",
    "\uf076": "❖",
    "\uf0d8": "➢",
    "\uf0fc": "✓",
}
#: typographic ligatures as they come out of a PDF (the model knows the letters)
_LIGATURES = str.maketrans(
    {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
)
_SENTENCE_END = ".!?:;。！？\"”’)"
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uff00-\uffef]")


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float  # distance from the top of the page
    bottom: float
    block: int  # index of its text block on the page
    right: float = 0.0  # right edge of the text around it (see _set_right_edges)
    glyphs: list = field(default_factory=list)  # its pdf_read.Glyph s, left to right
    bullet: bool = False  # a list bullet drawn as a shape just left of it
    limit: float = float("inf")  # the column's gutter to its right (see _reading_order)

    @property
    def height(self) -> float:
        return self.bottom - self.top


def _text_blocks(layout) -> Iterator:
    """Text blocks of a page, also those inside figures (form XObjects)."""
    from pdfminer.layout import LTFigure, LTTextBox

    for item in layout:
        if isinstance(item, LTTextBox):
            yield item
        elif isinstance(item, LTFigure):
            yield from _text_blocks(item)


_RTL = "\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff"  # Hebrew, Arabic, Syriac... and their forms
_RTL_RUN = re.compile(f"[{_RTL}](?:[{_RTL}\\s]*[{_RTL}])?")


def _logical(text: str) -> str:
    """Arabic and Hebrew come out of a PDF in visual order (left to right on the page):
    each right-to-left run is turned back into reading order."""
    return _RTL_RUN.sub(lambda m: m.group()[::-1], text)


def _rules(layout, page_top: float) -> list[tuple[float, float, float]]:
    """Horizontal rules drawn on the page as (y from the top, x0, x1): table borders and
    frame edges. A rectangle counts by its top and bottom edges."""
    from pdfminer.layout import LTCurve, LTFigure

    rules = []
    for item in layout:
        if isinstance(item, LTFigure):
            rules.extend(_rules(item, page_top))
        elif isinstance(item, LTCurve):  # LTLine and LTRect are curves too
            if item.height < 3:
                rules.append((page_top - (item.y0 + item.y1) / 2, item.x0, item.x1))
            elif item.width >= 3:
                rules.append((page_top - item.y1, item.x0, item.x1))
                rules.append((page_top - item.y0, item.x0, item.x1))
    return sorted(rules)


_MAX_RULES_BETWEEN = 64


def _ruled_apart(a: _Line, b: _Line, rules: list[tuple[float, float, float]]) -> bool:
    """True when a drawn rule runs between line ``a`` and line ``b`` below it."""
    left, right = max(a.x0, b.x0), min(a.x1, b.x1)
    i = bisect.bisect_left(rules, (a.top + a.height / 2,))
    for y, x0, x1 in itertools.islice(rules, i, i + _MAX_RULES_BETWEEN):
        if y > b.top + b.height / 2:
            return False
        if x0 <= right and x1 >= left:
            return True
    # more rules than that between two lines (a hatched drawing): they are apart, and
    # a hostile page with thousands of rules stays linear
    return i + _MAX_RULES_BETWEEN < len(rules)


@dataclass
class _Box:
    x0: float
    x1: float
    top: float
    bottom: float
    item: object = None
    limit: float = float("inf")  # the gutter to its right, when it is in a column


_MAX_ORDERED = 800  # text blocks per page put in column order; past that, top to bottom


def _reading_order(boxes: list[_Box], walls: list[tuple[float, float, float]],
                   depth: int = 0) -> list[_Box]:
    """Text blocks in reading order: column by column.

    A gutter is an x that the fewest blocks cross (ideally none) with blocks on both
    sides. The blocks that cross it (a title over two columns, a footer) cut the page
    into sections, read top to bottom; within a section the blocks left of the gutter
    come before those right of it, each side ordered the same way (three columns, a
    column with a side-by-side pair). A gutter on a vertical rule is a table's: its
    rows are read across, cell by cell, top to bottom then left to right."""
    by_top = sorted(boxes, key=lambda b: (round(b.top, 1), b.x0))
    if len(boxes) < 2 or depth > 6 or len(boxes) > _MAX_ORDERED:
        return by_top
    gutter = _gutter(boxes, walls)
    if gutter is None:
        return by_top
    out: list[_Box] = []
    section: list[_Box] = []

    def flush() -> None:
        left = [b for b in section if b.x1 <= gutter]
        right = [b for b in section if b.x0 >= gutter]
        if right:
            for b in left:  # a translation stays in its column
                b.limit = min(b.limit, gutter)
        out.extend(_reading_order(left, walls, depth + 1))
        out.extend(_reading_order(right, walls, depth + 1))
        section.clear()

    for b in by_top:
        if b.x0 < gutter < b.x1:
            flush()
            out.append(b)
        else:
            section.append(b)
    flush()
    return out


def _gutter(boxes: list[_Box], walls: list[tuple[float, float, float]]) -> float | None:
    """The middle of the gap right of some block that the fewest blocks cross."""
    best: tuple[int, float, float] | None = None
    starts = sorted(b.x0 for b in boxes)
    top, bottom = min(b.top for b in boxes), max(b.bottom for b in boxes)
    for edge in sorted({round(b.x1, 1) for b in boxes}):
        i = bisect.bisect_left(starts, edge)
        if i >= len(starts):
            continue
        gap_end = starts[i]
        x = (edge + gap_end) / 2
        crossing = sum(1 for b in boxes if b.x0 < x < b.x1)
        if crossing > max(2, len(boxes) / 4):
            continue  # not columns: text across most of the page
        if any((edge - 1 <= wx <= gap_end + 1 or abs(wx - x) < 8) and wt < bottom and wb > top
               and _between(wx, wt, wb, boxes) for wx, wt, wb in walls):
            continue  # a rule between table cells
        key = (crossing, -(gap_end - edge), x)
        if gap_end - edge >= 4 and (best is None or key < best):
            best = key
    return None if best is None else best[2]


@dataclass
class _Piece:
    """A text line, or the part of one between two vertical rules."""

    items: list  # pdfminer's LTChar and LTAnno, in order
    x0: float
    x1: float
    y0: float
    y1: float

    def get_text(self) -> str:
        return "".join(item.get_text() for item in self.items)

    def __iter__(self):
        return iter(self.items)


def _pieces(line, walls: list[tuple[float, float, float]],
            page_top: float) -> list[tuple[int, _Piece]]:
    """``(column, piece)``: a line cut at the vertical rules (table borders) that run
    through it; pdfminer joins two table cells into one line when they are close. The
    column counts the block's rules left of the piece."""
    from pdfminer.layout import LTChar

    items = list(line)
    xs = [x for x, _t, _b in walls]
    top, bottom = page_top - line.y1, page_top - line.y0
    through = sorted(x for x, wt, wb in walls
                     if wt < bottom - 1 and wb > top + 1 and line.x0 < x < line.x1)
    if not through:
        return [(bisect.bisect_left(xs, line.x0 + 1),
                 _Piece(items, line.x0, line.x1, line.y0, line.y1))]
    walls_x = xs
    groups: dict[int, list] = {}
    k = 0
    for item in items:
        if isinstance(item, LTChar):
            k = bisect.bisect_left(walls_x, (item.x0 + item.x1) / 2)
        groups.setdefault(k, []).append(item)
    out = []
    for k, group in sorted(groups.items()):
        chars = [c for c in group if isinstance(c, LTChar)]
        if chars:
            out.append((k, _Piece(group, min(c.x0 for c in chars), max(c.x1 for c in chars),
                                  line.y0, line.y1)))
    return out


def _split_at_rules(page, rules: list[tuple[float, float, float]],
                    walls: list[tuple[float, float, float]] = ()) -> list[_Box]:  # type: ignore[assignment]
    """pdfminer's text blocks, cut where a horizontal rule runs between two of their
    lines (two table rows in one block) and where a vertical rule runs through them
    (two table cells in one block)."""
    from pdfminer.layout import LTTextLine

    walls = sorted(walls, key=lambda w: w[1])
    wall_tops = [w[1] for w in walls]
    boxes = []
    for block in _text_blocks(page):
        top, bottom = page.y1 - block.y1, page.y1 - block.y0
        hi = bisect.bisect_left(wall_tops, bottom)
        near = sorted(
            w for w in itertools.islice(walls, max(0, hi - _MAX_NEIGHBOURS), hi)
            if w[2] > top and block.x0 + 1 < w[0] < block.x1 - 1
        )
        columns: dict[int, list] = {}
        for line in block:
            if isinstance(line, LTTextLine):
                for k, piece in _pieces(line, near, page.y1):
                    columns.setdefault(k, []).append(piece)
        for _k, pieces in sorted(columns.items()):
            group: list = []
            for piece in pieces:
                if group and _rule_between(group[-1], piece, page.y1, rules):
                    boxes.append(_box_of(group, page.y1))
                    group = []
                group.append(piece)
            if group:
                boxes.append(_box_of(group, page.y1))
    return boxes


def _box_of(lines: list, page_top: float) -> _Box:
    return _Box(min(ln.x0 for ln in lines), max(ln.x1 for ln in lines),
                page_top - max(ln.y1 for ln in lines), page_top - min(ln.y0 for ln in lines),
                lines)


def _rule_between(a, b, page_top: float, rules: list[tuple[float, float, float]]) -> bool:
    upper, lower = page_top - (a.y0 + a.y1) / 2, page_top - (b.y0 + b.y1) / 2
    left, right = max(a.x0, b.x0), min(a.x1, b.x1)
    i = bisect.bisect_left(rules, (upper,))
    for y, x0, x1 in itertools.islice(rules, i, i + _MAX_RULES_BETWEEN):
        if y > lower:
            return False
        if x0 <= right and x1 >= left:
            return True
    return False


def _dots(layout, page_top: float) -> list[tuple[float, float, float, float]]:
    """Small drawn shapes as (top, bottom, x0, x1): list bullets drawn as paths (Chromium
    draws them so)."""
    from pdfminer.layout import LTCurve, LTFigure

    dots = []
    for item in layout:
        if isinstance(item, LTFigure):
            dots.extend(_dots(item, page_top))
        elif isinstance(item, LTCurve) and 1 < item.width < 8 and 1 < item.height < 8:
            dots.append((page_top - item.y1, page_top - item.y0, item.x0, item.x1))
    return sorted(dots)


def _mark_bullets(lines: list[_Line], dots: list[tuple[float, float, float, float]]) -> None:
    tops = [d[0] for d in dots]
    for line in lines:
        i = bisect.bisect_left(tops, line.top - line.height)
        for top, bottom, x0, x1 in itertools.islice(dots, i, i + 16):
            if top > line.bottom:
                break
            inside = top >= line.top - 1 and bottom <= line.bottom + 1
            if inside and line.x0 - 3 * line.height < x0 and x1 < line.x0:
                line.bullet = True
                break


def _between(x: float, top: float, bottom: float, boxes: list[_Box]) -> bool:
    """A vertical rule with text close on both sides along it (between two table cells;
    not a table's outer border beside a column of text)."""
    beside = [b for b in boxes if b.top < bottom and b.bottom > top]
    return (any(x - 12 <= b.x1 <= x + 1 for b in beside)
            and any(x - 1 <= b.x0 <= x + 12 for b in beside))


def _page_lines(page, walls: list[tuple[float, float, float]] = (),  # type: ignore[assignment]
                rules: list[tuple[float, float, float]] = ()) -> list[_Line]:  # type: ignore[assignment]
    boxes = _split_at_rules(page, list(rules), list(walls))
    lines = []
    for b, box in enumerate(_reading_order(boxes, list(walls))):
        for line in box.item:
            raw = _INVALID_XML.sub("", line.get_text()).translate(_LIGATURES)
            text = _logical(re.sub(r"\s+", " ", raw).strip())
            if text:
                top, bottom = page.y1 - line.y1, page.y1 - line.y0
                glyphs = [c.glyph for c in line if hasattr(c, "glyph")]
                lines.append(_Line(text, line.x0, line.x1, top, bottom, b, glyphs=glyphs,
                                   limit=box.limit))
    lines = _attach_markers(lines)
    _mark_bullets(lines, _dots(page, page.y1))
    _set_right_edges(lines)
    return lines


def _set_right_edges(lines: list[_Line]) -> None:
    """A line's right edge is the rightmost end of the two lines above it, itself and
    the line below, in its block; not the block's right edge: pdfminer may put a table
    column and the text under the table in one block."""
    for i, line in enumerate(lines):
        near = lines[max(0, i - 2) : i + 2]
        line.right = max(n.x1 for n in near if n.block == line.block)


def _attach_markers(lines: list[_Line]) -> list[_Line]:
    """A list marker set apart by a tab is a line of its own: it joins the line to its
    right on the same row."""
    rows: dict[int, list[_Line]] = {}
    for line in lines:
        rows.setdefault(round(line.top / 2), []).append(line)
    gone: set[int] = set()
    for line in lines:
        alone = _MARKER.match(line.text + " ")  # the marker and nothing else
        if alone is None or alone.end() != len(line.text):
            continue
        key = round(line.top / 2)
        row = [o for k in (key - 1, key, key + 1) for o in rows.get(k, ()) if id(o) not in gone]
        right = [
            o
            for o in row
            if o is not line and o.x0 >= line.x1 and abs(o.top - line.top) < 0.5 * line.height
        ]
        if right:
            text = min(right, key=lambda o: o.x0)
            text.text = f"{line.text} {text.text}"
            text.x0 = line.x0
            text.glyphs = line.glyphs + text.glyphs
            gone.add(id(line))
    return [line for line in lines if id(line) not in gone]


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


def _walls(layout, page_top: float) -> list[tuple[float, float, float]]:
    """Vertical rules as (x, top, bottom), tops from the top of the page: table borders."""
    from pdfminer.layout import LTCurve, LTFigure

    walls = []
    for item in layout:
        if isinstance(item, LTFigure):
            walls.extend(_walls(item, page_top))
        elif isinstance(item, LTCurve):
            if item.width < 3 and item.height >= 3:
                walls.append(((item.x0 + item.x1) / 2, page_top - item.y1, page_top - item.y0))
            elif item.width >= 3 and item.height >= 3:
                walls.append((item.x0, page_top - item.y1, page_top - item.y0))
                walls.append((item.x1, page_top - item.y1, page_top - item.y0))
    return walls


_MAX_NEIGHBOURS = 400


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


_last_read: list = []  # [(key, result)]: the last PDF read, until it is opened again
_last_lock = threading.Lock()


def _read_pages_once(path: Path):
    """:func:`_read_pages`, kept for the next opening of the same unchanged file: a job
    opens each document twice (to count its sentences, then to translate it), and
    reading a PDF's layout is most of the PDF work. Handed out once, then dropped."""
    st = path.stat()
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    with _last_lock:
        if _last_read and _last_read[0][0] == key:
            return _last_read.pop()[1]
    result = _read_pages(path)
    with _last_lock:
        _last_read[:] = [(key, result)]
    return result


def _monospaced(block: list[_Paragraph]) -> bool:
    """Code: most of the block's glyphs are in a monospaced font. It is not sent."""
    glyphs = [g for p in block for line in p.lines for g in line.glyphs]
    return bool(glyphs) and sum(g.mono for g in glyphs) * 2 > len(glyphs)


def _marker_glyphs(glyphs: list, text: str) -> int:
    """How many of a first line's glyphs draw its list marker (kept in place)."""
    m = _MARKER.match(text)
    if not m:
        return 0
    want = len(m.group().replace(" ", ""))
    seen = n = 0
    for g in glyphs:
        if seen >= want:
            break
        seen += len(g.text.strip())
        n += 1
    return n


def _read_meta(path: Path) -> list[str]:
    """The document title and the outline titles, in that order ("" where absent)."""

    from offline_nlp.documents.pdf_write import outline_items

    try:
        with pikepdf.open(path, password="") as pdf:
            title = pdf.docinfo.get("/Title") if pdf.trailer.get("/Info") is not None else None
            out = [_INVALID_XML.sub("", str(title)) if title is not None else ""]
            out += [_INVALID_XML.sub("", str(item.get("/Title", "")))
                    for item in outline_items(pdf)]
            return [" ".join(t.split()) for t in out]
    except Exception:  # noqa: BLE001 - a damaged outline or title: nothing to translate there
        return [""]


class PdfDocument(Document):
    """A PDF: written as a translated PDF (the default), or as a new ``.docx``/``.txt``.

    After :meth:`write` to a PDF, :attr:`accounting` holds one dict per source page:
    ``page`` (1-based), ``glyphs``, ``translated``, ``kept``, ``reported`` (these three add
    up to ``glyphs``), ``notes`` (one line each) and ``boxes``, the regions where
    translated text was set, in the page's user space (points, before /Rotate).
    """

    output_suffix = ".pdf"

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        #: ".pdf", ".docx" or ".txt"; the pipeline sets it from the output name
        self.target_suffix = ".pdf"
        #: the target language code (the PDF's /Lang); the pipeline sets it
        self.target_language = ""
        self.accounting: list[dict] = []
        _check_readable(path)
        self._blocks, self._infos = _read_pages_once(path)
        # PUA bullets of the Symbol font become "•"; paragraph text = marker + " " + words
        self._pages = [
            [f"{m} {t}" if m else t for m, t in map(_split_marker, map(_block_text, page))]
            for page in self._blocks
        ]
        if not any(is_translatable(p) for page in self._pages for p in page):
            reported = sorted({r for i in self._infos for r in i.reported})
            why = f" (its text is {', '.join(reported)})" if reported else ""
            raise parse_error(
                path,
                f"the PDF has no text layer{why or ' (scanned or image-only pages)'}; "
                "OCR it first",
            )
        self._index: list[tuple[int, int]] = [
            (pi, k)
            for pi, page in enumerate(self._pages)
            for k, p in enumerate(page)
            if is_translatable(p) and not _monospaced(self._blocks[pi][k])
        ]
        self._meta = _read_meta(path)
        # the title is (-1, 0), outline item j is (-1, j + 1)
        self._index += [(-1, j) for j, t in enumerate(self._meta) if is_translatable(t)]

    def _text(self, pi: int, k: int) -> str:
        return self._meta[k] if pi < 0 else _split_marker(self._pages[pi][k])[1]

    def segments(self) -> list[Segment]:
        return [Segment(self._text(pi, k), (pi, k)) for pi, k in self._index]

    def write(
        self, dst: Sink, translations: Sequence[Translation], bilingual: bool = False
    ) -> None:
        self._check_count(translations)
        suffix = Path(dst).suffix.lower() if isinstance(dst, (str, Path)) else self.target_suffix
        if suffix not in (".docx", ".txt"):
            with open_sink(dst) as fh:
                self._write_pdf(fh, translations, bilingual)
            return
        done = {}
        for (pi, k), tr in zip(self._index, translations, strict=True):
            if pi < 0:
                continue
            marker = _split_marker(self._pages[pi][k])[0]
            done[(pi, k)] = f"{marker} {tr.text}" if marker else tr.text
        pages = [
            [(p, done.get((pi, k))) for k, p in enumerate(page)]
            for pi, page in enumerate(self._pages)
        ]
        with open_sink(dst) as fh:
            if suffix == ".txt":
                fh.write(_as_text(pages, bilingual).encode("utf-8"))
            else:
                _write_docx(fh, pages, bilingual)

    def _write_pdf(self, fh, translations: Sequence[Translation], bilingual: bool) -> None:
        from offline_nlp.documents.pdf_write import Block, Meta, Part, write_pdf

        meta = Meta(outline=[None] * max(0, len(self._meta) - 1))
        blocks = []
        done = dict(zip(self._index, translations, strict=True))
        for pi, page in enumerate(self._blocks):
            for k, parts in enumerate(page):
                tr = done.get((pi, k))
                text = tr.text if tr is not None else None
                if text is not None and text.strip() == self._text(pi, k).strip():
                    text = None  # nothing changed (another script, a name): keep the glyphs
                first = parts[0].lines[0] if parts[0].lines else None
                keep = _marker_glyphs(first.glyphs, first.text) if first is not None else 0
                block = Block(
                    [Part(pi + n, [ln.glyphs for ln in run if ln.glyphs],
                          max(ln.right for ln in run), max(p.rooms[k : k + 1] or [0.0]))
                     for n, p in enumerate(parts) if p.lines
                     for k, run in enumerate(_runs(p.lines))],
                    text, keep,
                )
                block.parts = [p for p in block.parts if p.lines]
                if not block.parts:
                    continue
                marker = block.parts[0].lines[0][:keep]
                block.glyphs = [g for p in block.parts for line in p.lines for g in line
                                if not any(g is m for m in marker)]
                blocks.append(block)
        for (pi, k), tr in done.items():
            if pi < 0 and tr.text.strip() != self._meta[k].strip():
                if k == 0:
                    meta.title = tr.text
                else:
                    meta.outline[k - 1] = tr.text
        self.accounting = write_pdf(
            str(self.path), fh, self._infos, blocks, meta, self.target_language, bilingual
        )


def _as_text(pages: list[list[tuple[str, str | None]]], bilingual: bool) -> str:
    out = []
    for page in pages:
        paras = []
        for original, tr in page:
            if tr is None:
                paras.append(original)
            elif bilingual:
                paras.append(f"{original}\n\n{tr}")
            else:
                paras.append(tr)
        out.append("\n\n".join(paras))
    return "\n\n\f".join(out) + "\n"


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    "</Relationships>"
)
_DOC_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    "</Relationships>"
)
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<w:styles {_W}><w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val="22"/></w:rPr></w:rPrDefault>'
    '<w:pPrDefault><w:pPr><w:spacing w:after="160"/></w:pPr></w:pPrDefault></w:docDefaults>'
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'
    '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:tblPr><w:tblBorders>'
    + "".join(
        f'<w:{b} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
        for b in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    + "</w:tblBorders></w:tblPr></w:style></w:styles>"
)


def _para(text: str) -> str:
    runs = []
    for k, line in enumerate(text.split("\n")):
        if k:
            runs.append("<w:br/>")
        runs.append(f'<w:t xml:space="preserve">{escape(line)}</w:t>')
    return f"<w:p><w:r>{''.join(runs)}</w:r></w:p>"


def _write_docx(fh, pages: list[list[tuple[str, str | None]]], bilingual: bool) -> None:
    body: list[str] = []
    for n, page in enumerate(pages):
        if n:
            body.append('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')
        if bilingual:
            rows = "".join(
                f'<w:tr><w:tc><w:tcPr><w:tcW w:w="4500" w:type="dxa"/></w:tcPr>{_para(o)}</w:tc>'
                f'<w:tc><w:tcPr><w:tcW w:w="4500" w:type="dxa"/></w:tcPr>{_para(t if t is not None else o)}</w:tc></w:tr>'
                for o, t in page
            )
            if rows:
                body.append(
                    '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="9000" w:type="dxa"/></w:tblPr>'
                    f'<w:tblGrid><w:gridCol w:w="4500"/><w:gridCol w:w="4500"/></w:tblGrid>{rows}</w:tbl>'
                    "<w:p/>"
                )
        else:
            body.extend(_para(t if t is not None else o) for o, t in page)
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f"<w:document {_W}><w:body>{''.join(body)}"
        '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
        '<w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" w:header="708" w:footer="708" w:gutter="0"/>'
        "</w:sectPr></w:body></w:document>"
    )
    with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("word/_rels/document.xml.rels", _DOC_RELS)
        z.writestr("word/document.xml", document)
        z.writestr("word/styles.xml", _STYLES)


def _check_readable(path: Path) -> None:
    """One clear line for an encrypted or damaged file (pypdf's messages are precise)."""
    try:
        reader = pypdf.PdfReader(str(path))
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except (DependencyError, NotImplementedError):
                ok = 0
            if not ok:
                raise parse_error(
                    path, "the PDF is encrypted (password-protected); decrypt it first"
                )
        len(reader.pages)
    except (DependencyError, FileNotDecryptedError):
        raise parse_error(
            path, "the PDF is encrypted (password-protected); decrypt it first"
        ) from None
    except PdfReadError as exc:
        raise parse_error(path, f"damaged PDF file ({exc})") from None


class PdfHandler:
    NAME = "PDF"
    EXTENSIONS = (".pdf",)

    def open(self, path: Path) -> PdfDocument:
        return PdfDocument(Path(path))


__all__ = ["PdfDocument", "PdfHandler", "paragraphs_of"]
