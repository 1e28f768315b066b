"""A PDF page's text lines in reading order, from pdfminer.six's layout analysis.

pdfminer gives each text line with its box on the page, grouped into text blocks (a
table cell, a frame, a column of text). The blocks are cut where a drawn rule runs
between two of their lines (two table rows) or through them (two table cells), then put
in reading order, column by column (:func:`_reading_order`). A list marker set apart by
a tab joins the line to its right, and a bullet drawn as a shape marks its line.
:mod:`.pdf_blocks` chains the lines into paragraphs.

Why pdfminer.six (MIT) and not pypdf's ``extraction_mode="layout"``: pypdf's layout
mode prints the page as a text grid, so two table cells side by side share one line of
text and must be cut apart again by runs of spaces; pdfminer gives the lines' positions
and blocks themselves. Page analysis is linear in the page's characters: the O(n²)
hierarchical grouping of blocks (``boxes_flow``) is switched off.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


#: a list marker at the start of a paragraph: bullets (with the private-use bullets of
#: the Symbol and Wingdings fonts), "1." "1)" "(1)" "a)" "iv."
_MARKER = re.compile(
    r"^(?:[•●○◦▪■□►▸‣⁃∙·–—*\-\uf0b7\uf0a7\uf076\uf0d8\uf0fc]"
    r"|\(?\d{1,3}[.)]|\(\d{1,3}\)|[a-z][.)]|[ivx]{1,4}[.)])(?=\s)"
)


#: typographic ligatures as they come out of a PDF (the model knows the letters)
_LIGATURES = str.maketrans(
    {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
)


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


def _between(x: float, top: float, bottom: float, boxes: list[_Box]) -> bool:
    """A vertical rule with text close on both sides along it (between two table cells;
    not a table's outer border beside a column of text)."""
    beside = [b for b in boxes if b.top < bottom and b.bottom > top]
    return (any(x - 12 <= b.x1 <= x + 1 for b in beside)
            and any(x - 1 <= b.x0 <= x + 12 for b in beside))


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


_MAX_NEIGHBOURS = 400


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


def _set_right_edges(lines: list[_Line]) -> None:
    """A line's right edge is the rightmost end of the two lines above it, itself and
    the line below, in its block; not the block's right edge: pdfminer may put a table
    column and the text under the table in one block."""
    for i, line in enumerate(lines):
        near = lines[max(0, i - 2) : i + 2]
        line.right = max(n.x1 for n in near if n.block == line.block)
