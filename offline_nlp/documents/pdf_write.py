"""Write the translated PDF: the source's pages with the translated glyphs taken out of
their content streams (:mod:`.pdf_edit`) and each block's translation set in the block's
own box (:mod:`.pdf_typeset`), in fonts embedded as subsets (:mod:`.pdf_fonts`).

Everything else on a page (images, drawings, annotations, form fields, links, the
outline, the glyphs kept) is left as it is: the source is opened with pikepdf, only the
content streams that showed translated glyphs are rewritten, and the new text comes in
a stream of its own after the page's (wrapped in ``q``/``Q`` so no state leaks in). The
document title and outline titles are translated, and ``/Lang`` is set.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from offline_nlp.documents.pdf_edit import _Forms, _parse_streams, _raw_contents
from offline_nlp.documents.pdf_fonts import FontBank
from offline_nlp.documents.pdf_glyphs import PAGE_STREAM, Glyph, PageGlyphs
from offline_nlp.documents.pdf_typeset import (
    Block,
    Part,
    Typesetter,
    _color_op,
    _geometry,
    _Slot,
    _text_ops,
)


def _inverse(m: Sequence[float]) -> tuple[float, ...]:
    a, b, c, d, e, f = m
    det = a * d - b * c or 1.0
    ia, ib, ic, id_ = d / det, -b / det, -c / det, a / det
    return ia, ib, ic, id_, -(e * ia + f * ic), -(e * ib + f * id_)


def _apply(m: Sequence[float], x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


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
    out = _Output(pdf, pages, language)
    # the streams we can edit: pikepdf must see the text and Do operators pdfminer saw
    parsed, broken = _parse_streams(pdf, pages)
    forms = _Forms(pdf, parsed)
    for b in _editable(blocks, broken, forms):
        out.set_block(b)
    out.finish_accounting(broken, forms)
    out.rewrite_pages(forms)
    out.fonts.embed(pdf)
    _translate_meta(pdf, meta, language)
    if bilingual:
        source = pikepdf.open(path, password="")
        for i in reversed(range(len(pdf.pages))):
            pdf.pages.insert(i, source.pages[i])
    pdf.save(fh, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.accounting


def _editable(blocks: list[Block], broken: set[tuple[int, int]], forms: _Forms) -> list[Block]:
    """The blocks with a translation whose glyphs can all be removed; the others stay as
    they are."""

    def editable(g: Glyph, page: int) -> bool:
        if (page, PAGE_STREAM) in broken:
            return False
        return g.key == PAGE_STREAM or forms.reaches(page, g.use, g.key)

    return [
        b for b in blocks
        if b.translation is not None
        and all(editable(g, p.page) for p in b.parts for line in p.lines for g in line)
    ]


class _Output:
    """What the output takes out of each page and sets on it, and its accounting."""

    def __init__(self, pdf, pages: list[PageGlyphs], language: str) -> None:
        self.pdf = pdf
        self.pages = pages
        self.fonts = FontBank(language)
        self.setter = Typesetter(self.fonts)
        self.accounting = [
            {"page": p.number + 1, "glyphs": p.glyphs, "translated": 0, "kept": 0,
             "reported": sum(p.reported.values()), "notes": _notes(p), "boxes": []}
            for p in pages
        ]
        # page -> use of a stream on it (see Glyph.use) -> text operator -> glyphs to remove
        self.removals: dict[int, dict[tuple, dict[int, list[Glyph]]]] = {}
        self.text_ops: dict[int, list[str]] = {}

    def set_block(self, b: Block) -> None:
        """The block's glyphs to remove, and its translation's lines in its parts' boxes."""
        bold, italic = _style(b)
        color = _median_color(b)
        self.fonts.source = _source_face(self.pdf, self.fonts, b)
        size, placed = self.setter.layout(b, (bold, italic))
        page_of = {id(g): p.page for p in b.parts for line in p.lines for g in line}
        for g in b.glyphs:
            page = page_of[id(g)]
            self.removals.setdefault(page, {}).setdefault(g.use, {}).setdefault(g.op, []).append(g)
            self.accounting[page]["translated"] += 1
        per_part: dict[int, list[tuple[_Slot, str]]] = {}
        for slot, text in placed:
            per_part.setdefault(slot.part, []).append((slot, text))
        for k, part in enumerate(b.parts):
            ops = self.text_ops.setdefault(part.page, [])
            lines = per_part.get(k, [])
            if lines:
                ops.append(_color_op(color))
                for slot, text in lines:
                    ops.extend(_text_ops(self.fonts, text, size, slot.x, slot.y, bold, italic))
            box = self._box(part, b.keep_first if k == 0 else 0, lines, size, (bold, italic))
            self.accounting[part.page]["boxes"].append(_user_box(self.pages[part.page].ctm, box))

    def _box(self, part: Part, keep: int, lines: list[tuple[_Slot, str]], size: float,
             style: tuple[bool, bool]) -> tuple[float, float, float, float]:
        """The box that holds the part's source glyphs and every translated line set in
        it (Noto's ascender is 1.07 em, its descender 0.3 em); the source's own
        descenders can reach below the descent its font declares (LibreOffice's Noto
        Sans: the "g" of "garden" 2 pt below), so 0.3 em under its last line too."""
        geo = _geometry(part, keep)
        src = max((g.size for line in part.lines for g in line), default=size)
        low = min([geo.bottom, geo.last_base - 0.3 * src]
                  + [s.y - 0.3 * size for s, _ in lines])
        high = max([geo.top] + [s.y + 1.07 * size for s, _ in lines])
        right = max([geo.x1] + [s.x + self.setter.width(t, size, *style) for s, t in lines])
        return (min([geo.x_first, geo.x_rest] + [s.x for s, _ in lines]), low, right, high)

    def finish_accounting(self, broken: set[tuple[int, int]], forms: _Forms) -> None:
        for a in self.accounting:
            a["kept"] = a["glyphs"] - a["translated"] - a["reported"]
            if (a["page"] - 1, PAGE_STREAM) in broken or a["page"] - 1 in forms.unreadable:
                a["notes"].append(f"page {a['page']}: text in a content stream that could "
                                  "not be read back was kept untranslated")

    def rewrite_pages(self, forms: _Forms) -> None:
        """Each page with removals or new text: its content with the glyphs removed, then
        the new text, in fonts added to its resources."""
        import pikepdf

        self.fonts.source = None
        used = [face for face in self.fonts.faces if face.codes]
        for face in used:
            face.obj = self.pdf.make_indirect(pikepdf.Dictionary())
        for info in self.pages:
            ops = self.text_ops.get(info.number)
            page_removals = self.removals.get(info.number)
            if not ops and not page_removals:
                continue
            page = self.pdf.pages[info.number]
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
            page.obj.Contents = self.pdf.make_stream(new)


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
