"""Write the translated PDF: the source's pages with the translated glyphs taken out of
their content streams and each block's translation set in the block's own box.

Everything else on a page (images, drawings, annotations, form fields, links, the
outline, the glyphs kept) is left as it is: the source is opened with pikepdf, only the
content streams that showed translated glyphs are rewritten, and the new text comes in
a stream of its own after the page's (wrapped in ``q``/``Q`` so no state leaks in).

Why pikepdf (qpdf, MPL-2.0/Apache-2.0) and not pypdf for this: on four sample PDFs
pikepdf parsed and rewrote every page's content stream 10-17x faster, copies pages between files
for ``--bilingual`` without losing shared resources, and keeps every object it is not
asked to change byte for byte. pypdf stays for the one-line encryption checks.

Typesetting: a block's translation flows through the block's parts (its paragraph on
one page, then its continuation on the next) at the source's size and line pitch, each
line starting where the source's did (first-line and hanging indents kept). When it
does not fit, the size (and the pitch with it) shrinks down to :data:`FLOOR` of the
source size; past that the lines go on below the last box, overlapping what is there
rather than being cut. Latin-like text breaks at spaces; CJK text between characters,
without added spaces, and never before closing punctuation (kinsoku).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

from offline_nlp.documents.pdf_fonts import FontBank, is_cjk
from offline_nlp.documents.pdf_read import PAGE_STREAM, TEXT_OPERATORS, Glyph, PageGlyphs

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


# --- typesetting -----------------------------------------------------------------------


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


# --- content stream editing ------------------------------------------------------------


def _xobjects(resources, found: dict[int, object], seen: set) -> None:
    """Form XObjects reachable from ``resources``, by object number."""
    import pikepdf

    try:
        xobjects = resources.get("/XObject")
    except Exception:  # noqa: BLE001 - damaged resources: nothing to find
        return
    if not isinstance(xobjects, pikepdf.Dictionary):
        return
    for xo in xobjects.values():
        if not isinstance(xo, pikepdf.Stream) or xo.get("/Subtype") != pikepdf.Name.Form:
            continue
        num = xo.objgen[0]
        if num in seen:
            continue
        seen.add(num)
        found[num] = xo
        inner = xo.get("/Resources")
        if isinstance(inner, pikepdf.Dictionary):
            _xobjects(inner, found, seen)


def _count_ops(instructions, operators: Sequence[str]) -> int:
    return sum(1 for ins in instructions if str(ins.operator) in operators)


def _page_resources(page):
    """A page's resources, its own or inherited from the page tree."""
    import pikepdf

    node, depth = page, 0
    while isinstance(node, pikepdf.Dictionary) and depth < 64:
        res = node.get("/Resources")
        if isinstance(res, pikepdf.Dictionary):
            return res
        node, depth = node.get("/Parent"), depth + 1
    return pikepdf.Dictionary()


class _Forms:
    """Form XObjects edited per use. A form drawn more than once (a header on every page,
    a logo twice on one page) has one set of glyphs to remove per drawing, so each drawing
    whose glyphs are removed gets a copy of the form of its own (and of every form on the
    way to it); drawings with the same removals share one copy, and drawings with none
    keep the original, which is never changed."""

    def __init__(self, pdf, parsed: dict[tuple[int, int], list]) -> None:
        self.pdf = pdf
        self.parsed = parsed
        self.unreadable: set[int] = set()  # pages with a drawing that could not be followed
        self._reach: dict[tuple[int, tuple], object] = {}
        self._copies: dict[tuple, object] = {}
        self._page = -1  # the page being rewritten

    def _step(self, ins, resources, d: int):
        """The form drawn by the ``d``-th Do of ``ins`` and the resources it uses."""
        import pikepdf

        n = -1
        for i in ins:
            if str(i.operator) != "Do":
                continue
            n += 1
            if n < d:
                continue
            if not i.operands or not isinstance(resources.get("/XObject"), pikepdf.Dictionary):
                return None
            form = resources.XObject.get(str(i.operands[0]))
            if not isinstance(form, pikepdf.Stream) or form.get("/Subtype") != pikepdf.Name.Form:
                return None
            own = form.get("/Resources")
            return form, own if isinstance(own, pikepdf.Dictionary) else resources
        return None

    def reaches(self, page: int, use: tuple, key: int) -> bool:
        """Whether following ``use`` from the page's content arrives at form ``key``, every
        stream on the way one pikepdf reads as pdfminer did."""
        found = self._reach.get((page, use))
        if found is None:
            found = self._follow(page, use)
            self._reach[(page, use)] = found
            if found is False:
                self.unreadable.add(page)
        return found is not False and found.objgen[0] == key

    def _follow(self, page: int, use: tuple):
        ins = self.parsed.get((page, PAGE_STREAM))
        resources = _page_resources(self.pdf.pages[page].obj)
        form = None
        for _, d in use:
            step = self._step(ins, resources, d) if ins is not None else None
            if step is None:
                return False
            form, resources = step
            ins = self.parsed.get((-1, form.objgen[0]))
        return form if form is not None and ins is not None else False

    def rewrite(self, number: int, edits: dict[tuple, dict[int, list[Glyph]]]) -> list:
        """Page ``number``'s content with its glyphs removed and each edited form drawn
        as its copy (named in the page's resources)."""
        import pikepdf

        page = self.pdf.pages[number]
        resources = _page_resources(page.obj)
        taken = resources.get("/XObject")
        taken = set(taken.keys()) if isinstance(taken, pikepdf.Dictionary) else set()

        def name_of(copy) -> str:
            n = len(taken)
            while f"/ONLPX{n}" in taken:
                n += 1
            taken.add(f"/ONLPX{n}")
            return str(page.add_resource(copy, pikepdf.Name.XObject, pikepdf.Name(f"/ONLPX{n}")))

        self._page = number
        return self._rewrite(self.parsed[(number, PAGE_STREAM)], PAGE_STREAM, (), resources,
                             edits, name_of)

    def _rewrite(self, ins, key: int, use: tuple, resources, edits, name_of) -> list:
        import pikepdf

        out = _edited(ins, edits.get(use, {}))
        below = {u[len(use)][1] for u in edits if len(u) > len(use) and u[: len(use)] == use}
        if not below:
            return out
        d = -1
        for k, i in enumerate(out):
            if str(i.operator) != "Do":
                continue
            d += 1
            if d in below:
                form, inner = self._step(out[k:], resources, 0)
                copy = self._copy(form, inner, (*use, (key, d)), edits)
                out[k] = pikepdf.ContentStreamInstruction(
                    [pikepdf.Name(name_of(copy))], pikepdf.Operator("Do"))
        return out

    def _copy(self, form, resources, use: tuple, edits):
        """The form with this use's removals (and its forms' copies): one per distinct
        set of removals."""
        import pikepdf

        mine = sorted(
            (u[len(use):], op, tuple(sorted((g.elem, g.start, g.end) for g in gs)))
            for u, ops in edits.items() if u[: len(use)] == use for op, gs in ops.items()
        )
        # a form without resources of its own uses those of the page it is drawn on
        inherits = not isinstance(form.get("/Resources"), pikepdf.Dictionary)
        cache = (form.objgen, repr(mine), self._page if inherits else None)
        copy = self._copies.get(cache)
        if copy is not None:
            return copy
        own = pikepdf.Dictionary({k: v for k, v in resources.items()})
        if isinstance(resources.get("/XObject"), pikepdf.Dictionary):
            own.XObject = pikepdf.Dictionary({k: v for k, v in resources.XObject.items()})
        else:
            own.XObject = pikepdf.Dictionary()
        added = [0]

        def name_of(inner_copy) -> str:
            added[0] += 1
            name = f"/ONLPX{added[0]}"
            while name in own.XObject:
                added[0] += 1
                name = f"/ONLPX{added[0]}"
            own.XObject[name] = inner_copy
            return name

        ins = self._rewrite(self.parsed[(-1, form.objgen[0])], form.objgen[0], use, resources,
                            edits, name_of)
        copy = pikepdf.Stream(self.pdf, pikepdf.unparse_content_stream(ins))
        for k, v in form.stream_dict.items():
            if k not in ("/Length", "/Filter", "/DecodeParms", "/Resources"):
                copy[k] = v
        copy.Resources = own
        copy = self.pdf.make_indirect(copy)
        self._copies[cache] = copy
        return copy


def _edited(instructions, removals: dict[int, list[Glyph]]):
    """The instructions with the listed glyphs of each text operator replaced by their
    advance, so the glyphs kept around them stay in place."""
    import pikepdf

    out = []
    n = -1
    for ins in instructions:
        op = str(ins.operator)
        if op not in TEXT_OPERATORS:
            out.append(ins)
            continue
        n += 1
        gone = removals.get(n)
        if not gone:
            out.append(ins)
            continue
        operands = list(ins.operands)
        seq = list(operands[0]) if op == "TJ" and operands else operands[-1:]
        by_elem: dict[int, list[Glyph]] = {}
        for g in gone:
            by_elem.setdefault(g.elem, []).append(g)
        array: list = []
        for k, el in enumerate(seq):
            if not isinstance(el, pikepdf.String):
                _push_number(array, float(el))
                continue
            data = bytes(el)
            pos = 0
            for g in sorted(by_elem.get(k, ()), key=lambda g: g.start):
                if g.start > pos:
                    array.append(pikepdf.String(data[pos : g.start]))
                _push_number(array, g.adv)
                pos = max(pos, g.end)
            if pos < len(data):
                array.append(pikepdf.String(data[pos:]))
        if op == "'":
            out.append(pikepdf.ContentStreamInstruction([], pikepdf.Operator("T*")))
        elif op == '"':
            out.append(pikepdf.ContentStreamInstruction([operands[0]], pikepdf.Operator("Tw")))
            out.append(pikepdf.ContentStreamInstruction([operands[1]], pikepdf.Operator("Tc")))
            out.append(pikepdf.ContentStreamInstruction([], pikepdf.Operator("T*")))
        out.append(pikepdf.ContentStreamInstruction([pikepdf.Array(array)], pikepdf.Operator("TJ")))
    return out


def _push_number(array: list, value: float) -> None:
    if array and isinstance(array[-1], float):
        array[-1] += value
    else:
        array.append(value)


def _inverse(m: Sequence[float]) -> tuple[float, ...]:
    a, b, c, d, e, f = m
    det = a * d - b * c or 1.0
    ia, ib, ic, id_ = d / det, -b / det, -c / det, a / det
    return ia, ib, ic, id_, -(e * ia + f * ic), -(e * ib + f * id_)


def _apply(m: Sequence[float], x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


# --- the document ----------------------------------------------------------------------


@dataclass
class Meta:
    """Translations of the document title and outline titles (``None``: keep)."""

    title: str | None = None
    outline: list[str | None] = field(default_factory=list)


def outline_items(pdf) -> list:
    """The outline's items in order (depth first), bounded and safe from loops."""
    import pikepdf

    items: list = []
    seen: set = set()
    try:
        root = pdf.Root.get("/Outlines")
    except Exception:  # noqa: BLE001
        return items
    stack = [root.get("/First")] if isinstance(root, pikepdf.Dictionary) else []
    while stack and len(items) < 10000:
        item = stack.pop()
        if not isinstance(item, pikepdf.Dictionary):
            continue
        key = item.objgen if item.is_indirect else id(item)
        if key in seen:
            continue
        seen.add(key)
        items.append(item)
        nxt, first = item.get("/Next"), item.get("/First")
        if nxt is not None:
            stack.append(nxt)
        if first is not None:
            stack.append(first)
    return items


def write_pdf(
    path: str,
    fh,
    pages: list[PageGlyphs],
    blocks: list[Block],
    meta: Meta,
    language: str = "",
    bilingual: bool = False,
) -> list[dict]:
    """Write the translated PDF to ``fh`` and return the per-page accounting."""
    import pikepdf

    pdf = pikepdf.open(path, password="")
    fonts = FontBank(language)
    setter = Typesetter(fonts)
    # the streams we can edit: pikepdf must see the text and Do operators pdfminer saw
    parsed: dict[tuple[int, int], list] = {}
    broken: set[tuple[int, int]] = set()
    for info in pages:
        page = pdf.pages[info.number]
        found: dict[int, object] = {}
        _xobjects(_page_resources(page.obj), found, set())
        for key, count in info.operators.items():
            where = (info.number, PAGE_STREAM) if key == PAGE_STREAM else (-1, key)
            if where in parsed or where in broken:
                continue
            target = page if key == PAGE_STREAM else found.get(key)
            try:
                ins = pikepdf.parse_content_stream(target) if target is not None else None
            except pikepdf.PdfError:
                ins = None
            if (ins is None or _count_ops(ins, TEXT_OPERATORS) != count
                    or _count_ops(ins, ("Do",)) != info.dos.get(key, 0)):
                broken.add(where)
            else:
                parsed[where] = ins
    forms = _Forms(pdf, parsed)

    def editable(g: Glyph, page: int) -> bool:
        if (page, PAGE_STREAM) in broken:
            return False
        return g.key == PAGE_STREAM or forms.reaches(page, g.use, g.key)

    # blocks whose glyphs cannot all be removed stay as they are
    todo = [
        b for b in blocks
        if b.translation is not None
        and all(editable(g, p.page) for p in b.parts for line in p.lines for g in line)
    ]
    accounting = [
        {"page": p.number + 1, "glyphs": p.glyphs, "translated": 0, "kept": 0,
         "reported": sum(p.reported.values()), "notes": _notes(p), "boxes": []}
        for p in pages
    ]
    # page -> use of a stream on it (see Glyph.use) -> text operator -> glyphs to remove
    removals: dict[int, dict[tuple, dict[int, list[Glyph]]]] = {}
    text_ops: dict[int, list[str]] = {}
    for b in todo:
        bold, italic = _style(b)
        color = _median_color(b)
        fonts.source = _source_face(pdf, fonts, b)
        size, placed = setter.layout(b, (bold, italic))
        page_of = {id(g): p.page for p in b.parts for line in p.lines for g in line}
        for g in b.glyphs:
            page = page_of[id(g)]
            removals.setdefault(page, {}).setdefault(g.use, {}).setdefault(g.op, []).append(g)
            accounting[page]["translated"] += 1
        per_part: dict[int, list[tuple[_Slot, str]]] = {}
        for slot, text in placed:
            per_part.setdefault(slot.part, []).append((slot, text))
        for k, part in enumerate(b.parts):
            ops = text_ops.setdefault(part.page, [])
            lines = per_part.get(k, [])
            if lines:
                ops.append(_color_op(color))
                for slot, text in lines:
                    ops.extend(_text_ops(fonts, text, size, slot.x, slot.y, bold, italic))
            geo = _geometry(part, b.keep_first if k == 0 else 0)
            # the box holds the source's glyphs and every translated line set in it
            # (Noto's ascender is 1.07 em, its descender 0.3 em); the source's own
            # descenders can reach below the descent its font declares (LibreOffice's
            # Noto Sans: the "g" of "garden" 2 pt below), so 0.3 em under its last line too
            src = max((g.size for line in part.lines for g in line), default=size)
            low = min([geo.bottom, geo.last_base - 0.3 * src]
                      + [s.y - 0.3 * size for s, _ in lines])
            high = max([geo.top] + [s.y + 1.07 * size for s, _ in lines])
            right = max([geo.x1] + [s.x + setter.width(t, size, bold, italic) for s, t in lines])
            box = (min([geo.x_first, geo.x_rest] + [s.x for s, _ in lines]), low, right, high)
            accounting[part.page]["boxes"].append(_user_box(pages[part.page].ctm, box))
    for a in accounting:
        a["kept"] = a["glyphs"] - a["translated"] - a["reported"]
        if (a["page"] - 1, PAGE_STREAM) in broken or a["page"] - 1 in forms.unreadable:
            a["notes"].append(f"page {a['page']}: text in a content stream that could not be "
                              "read back was kept untranslated")
    fonts.source = None
    used = [face for face in fonts.faces if face.codes]
    for face in used:
        face.obj = pdf.make_indirect(pikepdf.Dictionary())
    for info in pages:
        ops = text_ops.get(info.number)
        page_removals = removals.get(info.number)
        if not ops and not page_removals:
            continue
        page = pdf.pages[info.number]
        if page_removals:
            body = pikepdf.unparse_content_stream(forms.rewrite(info.number, page_removals))
        else:
            body = _raw_contents(page)
        inv = " ".join(f"{v:.6g}" for v in _inverse(info.ctm))
        new = b"q\n" + body + b"\nQ\n"
        if ops:
            new += f"q {inv} cm BT\n{chr(10).join(ops)}\nET Q\n".encode("latin-1")
            for face in used:
                page.add_resource(face.obj, pikepdf.Name.Font, pikepdf.Name("/" + face.name))
        page.obj.Contents = pdf.make_stream(new)
    fonts.embed(pdf)
    _translate_meta(pdf, meta, language)
    if bilingual:
        source = pikepdf.open(path, password="")
        for i in reversed(range(len(pdf.pages))):
            pdf.pages.insert(i, source.pages[i])
    pdf.save(fh, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return accounting


def _raw_contents(page) -> bytes:
    import pikepdf

    contents = page.obj.get("/Contents")
    if isinstance(contents, pikepdf.Array):
        return b"\n".join(s.read_bytes() for s in contents if isinstance(s, pikepdf.Stream))
    if isinstance(contents, pikepdf.Stream):
        return contents.read_bytes()
    return b""


def _translate_meta(pdf, meta: Meta, language: str) -> None:
    import pikepdf

    if language:
        pdf.Root.Lang = pikepdf.String(language)
    if meta.title:
        pdf.docinfo["/Title"] = pikepdf.String(meta.title)
        try:
            with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
                if "dc:title" in xmp:
                    xmp["dc:title"] = meta.title
        except Exception:  # noqa: BLE001, S110 - broken XMP: the Info title is enough
            pass
    for item, title in zip(outline_items(pdf), meta.outline, strict=False):
        if title:
            item.Title = pikepdf.String(title)


def _user_box(ctm, box) -> list[float]:
    inv = _inverse(ctm)
    x0, y0 = _apply(inv, box[0], box[1])
    x1, y1 = _apply(inv, box[2], box[3])
    return [round(v, 2) for v in (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))]


_MAX_PROGRAM = 32 << 20  # bytes of an embedded font program worth reusing


def _source_face(pdf, fonts: FontBank, b: Block):
    """The block's own embedded TrueType/OpenType font when it has a glyph for every
    character of the translation (Latin, Cyrillic, Greek), else None (Noto Sans). A
    subset font usually lacks some, so this is decided block by block."""
    counts: dict[int, int] = {}
    for g in b.glyphs:
        counts[g.program] = counts.get(g.program, 0) + 1
    program = max(counts, key=counts.get) if counts else 0
    text = b.translation or ""
    if not program or not all(map(_western, text)):
        return None

    def load() -> bytes | None:
        stream = pdf.get_object((program, 0))
        length = stream.get("/Length1", stream.get("/Length", 0))
        return stream.read_bytes() if int(length) <= _MAX_PROGRAM else None

    face = fonts.source_face(program, load)
    return face if face is not None and face.has_all(text) else None


def _western(ch: str) -> bool:
    """Latin, Greek, Cyrillic (set glyph by glyph, no shaping) and their punctuation."""
    o = ord(ch)
    return (o < 0x0530 or 0x1D00 <= o < 0x2070 or 0x20A0 <= o < 0x20D0
            or 0x2100 <= o < 0x2150 or 0xA720 <= o < 0xA800 or 0xFB00 <= o < 0xFB07)


def _style(b: Block) -> tuple[bool, bool]:
    n = len(b.glyphs) or 1
    return (sum(g.bold for g in b.glyphs) * 2 > n, sum(g.italic for g in b.glyphs) * 2 > n)


def _median_color(b: Block) -> tuple[float, ...]:
    counts: dict[tuple[float, ...], int] = {}
    for g in b.glyphs:
        counts[g.color] = counts.get(g.color, 0) + 1
    return max(counts, key=counts.get) if counts else (0.0,)


def _notes(p: PageGlyphs) -> list[str]:
    n = p.number + 1
    notes = []
    if p.ink == 0 and p.images:
        notes.append(f"page {n} is an image; it was kept untranslated")
    for reason, count in sorted(p.reported.items()):
        notes.append(f"page {n}: {count} glyphs of {reason} were kept untranslated")
    return notes


__all__ = ["Block", "Meta", "Part", "outline_items", "write_pdf"]
