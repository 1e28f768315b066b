"""Typesetting a PDF block's translation in the block's own box.

A block's translation flows through the block's parts (its paragraph on one page, then
its continuation on the next) at the source's size and line pitch, each line starting
where the source's did (first-line and hanging indents kept). When it does not fit, it
may first run right into the room beside the block, then the size (and the pitch with
it) shrinks down to :data:`FLOOR` of the source size; past that the lines go on below the
last box, overlapping what is there rather than being cut. Latin-like text breaks at
spaces; CJK text between characters, without added spaces, and never before closing
punctuation (kinsoku). :func:`_text_ops` gives each line's text-showing operators, a
face from :mod:`.pdf_fonts` per run of characters.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

from offline_nlp.documents.pdf_fonts import FontBank, is_cjk
from offline_nlp.documents.pdf_glyphs import Glyph

FLOOR = 0.7  # the smallest size as a share of the source's, before overflowing


_STEPS = (1.0, 0.95, 0.9, 0.85, 0.8, 0.75, FLOOR)


_NO_START = set(
    "。．、，,.;:!?！？；：)]}）」』】〕〉》〙〗〟’”｝…‥ヽヾーァィゥェォッャュョヮヵヶ"
    "ぁぃぅぇぉっゃゅょゎゕゖ々〻・"
)


_NO_END = set("([{（「『【〔〈《〘〖〝‘“｛")


@dataclass
class Part:
    """A block's lines on one page (its glyphs in reading order per line)."""

    page: int
    lines: list[list[Glyph]]
    right: float  # right edge of the column
    room: float = 0.0  # how far right a translation may run when it does not fit


@dataclass
class Block:
    parts: list[Part]
    translation: str
    keep_first: int = 0  # glyphs of the first line kept in place (a list marker)
    glyphs: list[Glyph] = field(default_factory=list)  # to remove (all but the marker)


def _median(values: Sequence[float], default: float) -> float:
    return statistics.median(values) if values else default


def _tokens(text: str) -> list[tuple[str, bool]]:
    """Break opportunities: ``(token, space_before)``. A CJK character is a token of its
    own, with the closing punctuation after it and the opening before it attached."""
    tokens: list[tuple[str, bool]] = []
    space = False
    word = ""
    prefix = ""

    def flush() -> None:
        nonlocal word, space
        if word:
            tokens.append((word, space))
            word, space = "", False

    for ch in text:
        if ch.isspace():
            flush()
            space = bool(tokens) or space
            continue
        if ch in _NO_START and (word or tokens) and not prefix:
            if word:
                word += ch
            else:
                t, s = tokens[-1]
                tokens[-1] = (t + ch, s)
            continue
        if ch in _NO_END:
            flush()
            prefix += ch
            continue
        if is_cjk(ch):
            flush()
            tokens.append((prefix + ch, space))
            prefix, space = "", False
            continue
        if word and is_cjk(word[-1]):
            flush()
        word += prefix + ch
        prefix = ""
    flush()
    if prefix:
        tokens.append((prefix, space))
    return tokens


@dataclass
class _Slot:
    """Where one line of the translation goes."""

    part: int
    x: float
    y: float  # baseline
    width: float


@dataclass
class _Geometry:
    top: float
    first_base: float
    last_base: float
    bottom: float
    x_first: float
    x_rest: float
    x1: float
    lines: int
    room: float = 0.0


def _geometry(part: Part, keep: int) -> _Geometry:
    first = part.lines[0][keep:] or part.lines[0]
    last = part.lines[-1]
    rest = [g for line in part.lines[1:] for g in line[:1]]
    x_first = min(g.x0 for g in first)
    return _Geometry(
        top=max(g.y1 for g in first),
        first_base=_median([g.base for g in first], first[0].y0),
        last_base=_median([g.base for g in last], last[0].y0),
        bottom=min(g.y0 for g in last),
        x_first=x_first,
        x_rest=min((g.x0 for g in rest), default=x_first),
        x1=max(part.right, *(g.x1 for line in part.lines for g in line)),
        lines=len(part.lines),
        room=max(part.room, part.right, *(g.x1 for line in part.lines for g in line)),
    )


class Typesetter:
    def __init__(self, fonts: FontBank) -> None:
        self.fonts = fonts

    def width(self, text: str, size: float, bold: bool, italic: bool) -> float:
        return self.fonts.width(text, bold, italic) * size / 1000

    def _break(self, tokens, slots_for, size, bold, italic) -> list[tuple[int, str]] | None:
        """Greedy line filling: ``[(slot index, text)]``; ``None`` when the slots run out
        (``slots_for(i)`` gives the width of line ``i`` or ``None`` past the last)."""
        lines: list[tuple[int, str]] = []
        current, used = "", 0.0
        width = slots_for(0)
        space_w = self.width(" ", size, bold, italic)
        queue = list(tokens)
        while queue:
            if width is None:
                return None
            token, space = queue.pop(0)
            w = self.width(token, size, bold, italic)
            cjk_pair = current and is_cjk(current[-1]) and is_cjk(token[0])
            gap = space_w if current and space and not cjk_pair else 0
            if not current or used + gap + w <= width + 0.01:
                if current or w <= width + 0.01:
                    current += (" " if gap else "") + token
                    used += gap + w
                    continue
                # a token wider than the line on its own: cut it by characters
                cut = max(1, self._fit(token, width, size, bold, italic))
                lines.append((len(lines), token[:cut]))
                queue.insert(0, (token[cut:], False))
                width = slots_for(len(lines))
                continue
            lines.append((len(lines), current))
            current, used = "", 0.0
            width = slots_for(len(lines))
            queue.insert(0, (token, False))
        if current:
            if width is None:
                return None
            lines.append((len(lines), current))
        return lines

    def _fit(self, token: str, width: float, size: float, bold: bool, italic: bool) -> int:
        used = 0.0
        for i, ch in enumerate(token):
            used += self.width(ch, size, bold, italic)
            if used > width:
                return i
        return len(token)

    def layout(self, block: Block, style: tuple[bool, bool]):
        """``(size, [(slot, text)])`` for the block's translation (see the module doc)."""
        bold, italic = style
        geos = [_geometry(p, block.keep_first if i == 0 else 0) for i, p in enumerate(block.parts)]
        sizes = [g.size for g in block.glyphs] or [10.0]
        s0 = _median(sizes, 10.0)
        pitches = [(g.first_base - g.last_base) / (g.lines - 1) for g in geos if g.lines > 1]
        pitch0 = _median(pitches, 1.2 * s0)
        if pitch0 < 0.8 * s0:
            pitch0 = 1.2 * s0
        tokens = _tokens(block.translation)
        # the source's width first, then the room to its right, then smaller sizes
        steps = [(1.0, False)] + [(f, True) for f in _STEPS]
        for i, (f, wide) in enumerate(steps):
            size, pitch = s0 * f, pitch0 * f
            slots = self._slots(geos, size, pitch, f, wide, overflow=i == len(steps) - 1)

            def slots_for(n: int, slots=slots):
                if n < len(slots):
                    return slots[n].width
                return None if not slots.overflow else slots.extra(n).width

            placed = self._break(tokens, slots_for, size, bold, italic)
            if placed is not None:
                return size, [(slots.at(n), text) for n, text in placed]
        raise AssertionError("the last step overflows and always places")  # pragma: no cover

    def _slots(self, geos: list[_Geometry], size: float, pitch: float, f: float, wide: bool,
               overflow: bool):
        slots = _Slots(overflow)
        for k, g in enumerate(geos):
            base = g.top - (g.top - g.first_base) * f
            lowest = min(g.last_base, g.bottom + 0.25 * size)
            n = 0
            while base - n * pitch >= lowest - 0.01 or n == 0:
                x = g.x_first if n == 0 else g.x_rest
                right = g.room if wide else g.x1
                slots.append(_Slot(k, x, base - n * pitch, max(right - x, size)))
                n += 1
        slots.pitch = pitch
        return slots


class _Slots(list):
    """The lines available in a block's boxes; past them (``overflow``) more lines below
    the last, at the same pitch."""

    def __init__(self, overflow: bool) -> None:
        super().__init__()
        self.overflow = overflow
        self.pitch = 0.0

    def extra(self, n: int) -> _Slot:
        last = self[-1]
        return _Slot(last.part, last.x, last.y - (n - len(self) + 1) * self.pitch, last.width)

    def at(self, n: int) -> _Slot:
        return self[n] if n < len(self) else self.extra(n)


def _color_op(color: tuple[float, ...]) -> str:
    vals = " ".join(f"{c:.4g}" for c in color)
    return {1: f"{vals} g", 3: f"{vals} rg", 4: f"{vals} k"}.get(len(color), "0 g")


def _text_ops(fonts: FontBank, text: str, size: float, x: float, y: float,
              bold: bool, italic: bool) -> list[str]:
    ops = [f"1 0 0 1 {x:.3f} {y:.3f} Tm"]
    run_face, run = None, ""
    for ch in text + "\0":
        face = fonts.face_for(ch, bold, italic) if ch != "\0" else None
        if face is not run_face and run:
            ops.append(f"/{run_face.name} {size:.3f} Tf <{run_face.encode(run).hex()}> Tj")
            run = ""
        run_face = face
        run += ch if ch != "\0" else ""
    return ops
