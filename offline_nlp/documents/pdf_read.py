"""Read a PDF's glyphs with the place each one was drawn from.

pdfminer.six lays the page out (chars -> lines -> blocks); this module subclasses its
interpreter and device so that every glyph also carries *where it came from*: which
content stream (the page's, or a form XObject's by object number), which text-showing
operator in it (the n-th ``Tj``/``TJ``/``'``/``"``), which string of that operator and
which bytes of the string (a :class:`~.pdf_glyphs.Glyph`). The writer
(:mod:`.pdf_write`) then removes exactly the translated glyphs from the content streams
with pikepdf, replacing each by a ``TJ`` displacement of its own advance so the glyphs
kept around it stay where they were.

Glyphs the writer must not touch are set aside before layout analysis and *reported*:
Type3 fonts (glyphs drawn by procedures), vertical writing, rotated or skewed text and
invisible text (render mode 3, an OCR layer over a scan).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pdfminer.cmapdb import CMap, IdentityCMap, IdentityCMapByte
from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LAParams
from pdfminer.pdffont import PDFType3Font
from pdfminer.pdfinterp import LITERAL_FORM, PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import PDFObjRef, resolve1, stream_value
from pdfminer.utils import translate_matrix

from offline_nlp.documents.pdf_glyphs import PAGE_STREAM, TEXT_OPERATORS, Glyph, PageGlyphs

_BOLD = re.compile(r"bold|black|heavy|semibold|demi|extrabold|ultrabold", re.IGNORECASE)
_ITALIC = re.compile(r"italic|oblique|slanted|inclined|kursiv", re.IGNORECASE)
# TeX's fonts say it in their short names: CMBX12 (bold extended), CMB10, CMSSBX10, the
# EC/cm-super SFBX1200 and ECBX1200 are bold; CMTI10, CMSL10, CMBXTI10, CMMI10 (math
# italic), CMITT10, CMSSI10, SFTI1000, ECSL1200 are italic or slanted
_TEX_BOLD = re.compile(r"^(?:cm|ec|sf|tc)(?:ss)?bx|^cmb\d|^cmmib\d|^cmbsy\d", re.IGNORECASE)
_TEX_ITALIC = re.compile(
    r"^(?:cm|ec|sf|tc)(?:bx|ss|tt|b)?(?:ti|sl|si|it|bi|bl)\d|^cmmib?\d|^cmitt\d|^cmssi\d",
    re.IGNORECASE,
)
_FORCE_BOLD, _ITALIC_FLAG, _FIXED = 1 << 18, 1 << 6, 1
_BOLD_STEM = 130  # StemV of bold faces (Helvetica-Bold 140, Times-Bold 139; regular 70-90)
_MONO = re.compile(r"mono|courier|consol|typewriter|menlo|code|fixed|\bcmtt|lmmono", re.IGNORECASE)


def _style(fontname: str, font) -> tuple[bool, bool, bool]:
    """``(bold, italic, monospaced)`` of a font: from its name (also TeX's short names),
    else its FontDescriptor (Flags ForceBold/Italic/FixedPitch, FontWeight, a wide StemV,
    a slanted ItalicAngle)."""
    name = fontname.split("+", 1)[-1]
    d = getattr(font, "descriptor", None)
    d = d if isinstance(d, dict) else {}
    flags = int(max(0.0, min(_number(d.get("Flags")), 2.0**32)))
    weight = d.get("FontWeight")
    heavy = (_number(weight) >= 600 if not isinstance(weight, (str, bytes))
             else bool(_BOLD.search(str(weight))))  # pdfminer's AFM metrics say "Bold"
    bold = (bool(_BOLD.search(name) or _TEX_BOLD.search(name)) or bool(flags & _FORCE_BOLD)
            or heavy or _number(d.get("StemV")) >= _BOLD_STEM)
    italic = (bool(_ITALIC.search(name) or _TEX_ITALIC.search(name))
              or bool(flags & _ITALIC_FLAG) or abs(_number(d.get("ItalicAngle"))) >= 5)
    mono = bool(_MONO.search(name)) or bool(flags & _FIXED)
    return bold, italic, mono


def _program(font) -> int:
    """Object number of the font's embedded TrueType (FontFile2) or OpenType (FontFile3
    /OpenType) program, else 0."""
    d = getattr(font, "descriptor", None)
    if not isinstance(d, dict):
        return 0
    try:
        for key in ("FontFile2", "FontFile3"):
            ref = d.get(key)
            if not isinstance(ref, PDFObjRef):
                continue
            if key == "FontFile3":
                sub = resolve1(ref).get("Subtype")
                if getattr(sub, "name", None) != "OpenType":
                    continue
            return int(ref.objid)
    except Exception:  # noqa: BLE001 - a damaged descriptor: Noto Sans is used
        return 0
    return 0


def _number(value) -> float:
    """A descriptor's number; anything else (damaged, a reference not resolved) is 0."""
    try:
        value = resolve1(value)
        return float(value) if isinstance(value, (int, float)) else 0.0
    except Exception:  # noqa: BLE001 - a damaged descriptor only loses the style
        return 0.0


def _color(graphicstate) -> tuple[float, ...]:
    col = getattr(graphicstate, "ncolor", None)
    if isinstance(col, (int, float)):
        col = (col,)
    if not isinstance(col, (tuple, list)) or len(col) not in (1, 3, 4):
        return (0.0,)
    try:
        return tuple(min(1.0, max(0.0, float(c))) for c in col)
    except (TypeError, ValueError):
        return (0.0,)


def split_codes(font, data: bytes) -> Iterator[tuple[int, int, int]]:
    """``(cid, start, end)`` for each character code of ``data`` in ``font``, decoded as
    pdfminer decodes it (so the n-th glyph here is pdfminer's n-th glyph)."""
    if not font.is_multibyte():
        for i, b in enumerate(data):
            yield b, i, i + 1
        return
    cmap = getattr(font, "cmap", None)
    if isinstance(cmap, IdentityCMapByte):
        for i, b in enumerate(data):
            yield b, i, i + 1
    elif isinstance(cmap, IdentityCMap):
        for i in range(0, len(data) - 1, 2):
            yield (data[i] << 8) | data[i + 1], i, i + 2
    elif isinstance(cmap, CMap):
        d, start = cmap.code2cid, 0
        for i, b in enumerate(data):
            if b in d:
                x = d[b]
                if isinstance(x, int):
                    yield x, start, i + 1
                    d, start = cmap.code2cid, i + 1
                else:
                    d = x
            else:
                d, start = cmap.code2cid, i + 1
    else:  # an unknown encoding: pdfminer draws nothing either
        for cid in font.decode(data):
            yield cid, 0, 0


class _Device(PDFPageAggregator):
    """pdfminer's layout device, each LTChar of which also carries a ``glyph``
    (:class:`Glyph`); it counts every glyph drawn, and sets aside the ones the writer
    must not touch."""

    page: PageGlyphs
    where = (PAGE_STREAM, 0, ())  # (stream key, its text operator now, the stream's use)
    pending_use: tuple = ()  # the use of the form a Do is about to draw

    def __init__(self, rsrcmgr, laparams) -> None:
        super().__init__(rsrcmgr, laparams=laparams)
        self._styles: dict = {}  # by font (the resource manager keeps each font for the file)

    def render_string(self, textstate, seq, ncs, graphicstate) -> None:
        self._textstate = textstate
        super().render_string(textstate, seq, ncs, graphicstate)

    def render_string_vertical(self, seq, matrix, pos, font, *args):
        # glyphs set aside whole: the writer never edits vertical text
        n = sum(1 for obj in seq if isinstance(obj, bytes) for _ in font.decode(obj))
        self._report("vertical writing", n)
        return pos

    def _report(self, reason: str, n: int) -> None:
        if n:
            self.page.glyphs += n
            self.page.ink += n
            self.page.reported[reason] = self.page.reported.get(reason, 0) + n

    def render_string_horizontal(
        self, seq, matrix, pos, font, fontsize, scaling, charspace, wordspace, rise,
        dxscale, ncs, graphicstate,
    ):
        # pdfminer's own loop, with each glyph's string and bytes in that string kept
        reason = self._set_aside(font)
        tag = (*self.where, *self._font_style(font), _color(graphicstate))
        multibyte = font.is_multibyte()
        (x, y) = pos
        needcharspace = False
        for elem, obj in enumerate(seq):
            if isinstance(obj, (int, float)):
                x -= obj * dxscale
                needcharspace = True
                continue
            if not isinstance(obj, bytes):
                continue
            for cid, start, end in split_codes(font, obj):
                if needcharspace:
                    x += charspace
                adv = self.render_char(
                    translate_matrix(matrix, (x, y)), font, fontsize, scaling, rise,
                    cid, ncs, graphicstate,
                )
                x += adv
                space = cid == 32 and wordspace and not multibyte
                if space:
                    x += wordspace
                needcharspace = True
                self._tag(font, fontsize, cid, space, reason, (elem, start, end), tag)
        return (x, y)

    def _set_aside(self, font) -> str:
        """Why the glyphs of the string being drawn are kept and reported, or ""."""
        if isinstance(font, PDFType3Font):
            return "Type3 fonts"
        if self._textstate.render in (3, 7):
            return "invisible text (an OCR layer)"
        return ""

    def _font_style(self, font) -> tuple[bool, bool, bool, int]:
        """``(bold, italic, monospaced, program)`` of a font, read once."""
        style = self._styles.get(id(font))
        if style is None:
            name = font.fontname if isinstance(font.fontname, str) else str(font.fontname)
            style = self._styles[id(font)] = (*_style(name, font), _program(font))
        return style

    def _tag(self, font, fontsize, cid: int, space, reason: str,
             at: tuple[int, int, int], tag: tuple) -> None:
        """Count the glyph just drawn and give it its :class:`Glyph`; or take it out of
        the layout, reported, when the writer must not touch it."""
        item = self.cur_item._objs[-1]
        self.page.glyphs += 1
        if item.get_text().strip():
            self.page.ink += 1
        elem, start, end = at
        why = reason or ("" if item.upright else "rotated text")
        if why or end == 0:
            self.cur_item._objs.pop()
            self.page.reported[why or "undecodable text"] = (
                self.page.reported.get(why or "undecodable text", 0) + 1)
            return
        ts = self._textstate
        tj = 0.0
        if fontsize:
            w = font.char_width(cid) * fontsize + ts.charspace
            if space:
                w += ts.wordspace
            tj = -w * 1000.0 / fontsize
        key, op, use, bold, italic, mono, program, color = tag
        item.glyph = Glyph(
            item.get_text(), key, op, elem, start, end, tj, item.x0, item.y0,
            item.x1, item.y1, item.size, item.matrix[5], bold, italic, mono,
            color, use, program,
        )

    def render_image(self, name, stream) -> None:
        self.page.images += 1
        super().render_image(name, stream)


class _Interpreter(PDFPageInterpreter):
    """pdfminer's interpreter, telling the device which content stream and which of its
    text-showing operators each string comes from, and through which ``Do`` operators
    a form XObject was reached."""

    device: _Device
    _key = PAGE_STREAM
    _ops = 0
    _dos = 0
    _use: tuple = ()

    def render_contents(self, resources, streams, ctm=(1, 0, 0, 1, 0, 0)) -> None:
        device = self.device
        self._key, self._ops, self._dos = PAGE_STREAM, 0, 0
        self._use, device.pending_use = device.pending_use, ()
        if len(streams) == 1:
            first = stream_value(streams[0])
            if first.get("Subtype") is LITERAL_FORM and first.objid is not None:
                self._key = first.objid
        super().render_contents(resources, streams, ctm)
        device.page.operators[self._key] = self._ops
        device.page.dos[self._key] = self._dos

    def _show(self) -> None:
        self.device.where = (self._key, self._ops, self._use)
        self._ops += 1

    def do_TJ(self, seq) -> None:
        self._show()
        PDFPageInterpreter.do_TJ(self, seq)

    def do_Tj(self, s) -> None:
        self._show()
        PDFPageInterpreter.do_TJ(self, [s])

    def do__q(self, s) -> None:
        self._show()
        self.do_T_a()
        PDFPageInterpreter.do_TJ(self, [s])

    def do__w(self, aw, ac, s) -> None:
        self._show()
        self.do_Tw(aw)
        self.do_Tc(ac)
        PDFPageInterpreter.do_TJ(self, [s])

    def do_Do(self, xobjid_arg) -> None:
        self.device.pending_use = (*self._use, (self._key, self._dos))
        self._dos += 1
        super().do_Do(xobjid_arg)
        self.device.pending_use = ()
        # back in this stream after the form's own operators
        self.device.where = (self._key, self._ops, self._use)


def read_pages(path: str, password: str = "") -> Iterator[tuple[object, PageGlyphs]]:
    """``(layout, page)`` per page: pdfminer's analysed LTPage (its LTChars carry a
    ``glyph`` attribute) and what the page holds."""
    rsrcmgr = PDFResourceManager(caching=True)
    # line_margin 1.0: LibreOffice sets body text with gaps of 0.55 line heights; at
    # pdfminer's 0.5 every line became a block of its own
    params = LAParams(boxes_flow=None, all_texts=True, line_margin=1.0)
    device = _Device(rsrcmgr, laparams=params)
    interpreter = _Interpreter(rsrcmgr, device)
    with open(path, "rb") as fh:
        for n, page in enumerate(PDFPage.get_pages(fh, password=password)):
            layout, info = _process(interpreter, device, page, n)
            turned = info.reported.get("rotated text", 0)
            if page.rotate % 360 and turned * 2 > info.glyphs:
                # a /Rotate page whose text is upright as drawn (a page turned in a
                # viewer): read and write it in its own space, not the displayed one
                page.rotate = 0
                layout, info = _process(interpreter, device, page, n)
            yield layout, info


def _process(interpreter, device, page, n: int):
    ctm = _page_ctm(page)
    x0, y0, x1, y1 = page.mediabox
    w, h = abs(x1 - x0), abs(y1 - y0)
    if page.rotate in (90, 270):
        w, h = h, w
    device.page = PageGlyphs(n, ctm, w, h)
    device.pending_use = ()
    interpreter.process_page(page)
    return device.get_result(), device.page


def _page_ctm(page) -> tuple[float, float, float, float, float, float]:
    """pdfminer's page matrix (it turns a /Rotate page upright), kept for the writer."""
    (x0, y0, x1, y1) = page.mediabox
    return {
        90: (0, -1, 1, 0, -y0, x1),
        180: (-1, 0, 0, -1, x1, y1),
        270: (0, 1, -1, 0, y1, -x0),
    }.get(page.rotate, (1, 0, 0, 1, -x0, -y0))


__all__ = ["PAGE_STREAM", "TEXT_OPERATORS", "Glyph", "PageGlyphs", "read_pages", "split_codes"]
