"""Embedding a PDF output's fonts as subsets (:mod:`.pdf_fonts` chooses them).

Each face is embedded once per document as a Type0 font (CIDFontType2, Identity-H) over a
fontTools subset of the glyphs used, with a ToUnicode CMap so text extraction
(``pdftotext``, copy and paste, search) gives the translation back. Codes are numbered
1, 2, 3... in order of first use (:meth:`~.pdf_fonts.Face.encode`), and a CIDToGIDMap
turns them into the subset's glyphs. CFF-flavoured fonts (the OpenType CJK fonts) are
converted to TrueType outlines after subsetting (fontTools' cu2qu), so every embedded
font is of one kind.
"""

from __future__ import annotations

import hashlib
from io import BytesIO


def _subset(font, codes: dict[str, int]):
    """``font`` (a fontTools TTFont, changed in place) cut down to the characters of
    ``codes``, without layout tables, in TrueType outlines."""
    from fontTools import subset

    for tag in ("GSUB", "GPOS", "GDEF", "BASE", "JSTF", "MATH", "DSIG"):
        if tag in font:
            del font[tag]  # dropped before the subsetter reads them (seconds on Noto)
    options = subset.Options()
    options.layout_features = []  # no shaping: the glyphs are set one by one
    options.hinting = False
    options.name_IDs = [1, 2, 4, 6]
    options.notdef_outline = True
    options.recalc_bounds = True
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "VORG", "BASE", "JSTF", "DSIG", "MATH"]
    sub = subset.Subsetter(options)
    sub.populate(unicodes=[ord(c) for c in codes])
    sub.subset(font)
    if "CFF " in font:
        _cff_to_truetype(font)
    return font


def _cff_to_truetype(font) -> None:
    """Replace CFF outlines by quadratic TrueType ones (fontTools' otf2ttf recipe)."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                 "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
                 "maxComponentElements"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    maxp.maxComponentDepth = 0
    post = font["post"]
    post.formatType = 3.0  # no glyph names
    font["head"].glyphDataFormat = 0
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    font.sfntVersion = "\x00\x01\x00\x00"


def _tounicode(codes: dict[str, int]) -> bytes:
    lines = [
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
        "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange",
    ]
    items = sorted(codes.items(), key=lambda kv: kv[1])
    for i in range(0, len(items), 100):
        chunk = items[i : i + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines.extend(f"<{c:04X}> <{ch.encode('utf-16-be').hex().upper()}>" for ch, c in chunk)
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode("ascii")


def _embed(pdf, font, codes: dict[str, int], obj) -> None:
    """Fill ``obj`` (an empty font dictionary) with a Type0 font over the subset of
    ``font`` (a fontTools TTFont) for ``codes`` (character -> code)."""
    import pikepdf

    font = _subset(font, codes)
    cid_to_gid, widths = _cid_maps(font, codes)
    buf = BytesIO()
    font.save(buf)
    data = buf.getvalue()
    base = _postscript_name(font)
    digest = hashlib.sha1(data).digest()  # the same subset gets the same tag on every run
    tag = "".join(chr(65 + b % 26) for b in digest[:6])
    descriptor = _descriptor(pdf, font, f"/{tag}+{base}", data)
    cid_font = pikepdf.Dictionary(
        Type=pikepdf.Name.Font,
        Subtype=pikepdf.Name.CIDFontType2,
        BaseFont=pikepdf.Name(f"/{tag}+{base}"),
        CIDSystemInfo=pikepdf.Dictionary(
            Registry=pikepdf.String("Adobe"), Ordering=pikepdf.String("Identity"), Supplement=0
        ),
        FontDescriptor=pdf.make_indirect(descriptor),
        DW=1000,
        W=[1, widths[1:]],
        CIDToGIDMap=pdf.make_stream(bytes(cid_to_gid)),
    )
    obj.Type = pikepdf.Name.Font
    obj.Subtype = pikepdf.Name.Type0
    obj.BaseFont = pikepdf.Name(f"/{tag}+{base}")
    obj.Encoding = pikepdf.Name("/Identity-H")
    obj.DescendantFonts = [pdf.make_indirect(cid_font)]
    obj.ToUnicode = pdf.make_stream(_tounicode(codes))


def _cid_maps(font, codes: dict[str, int]) -> tuple[bytearray, list[int]]:
    """The CIDToGIDMap (two bytes per code) and each code's advance in thousandths of
    an em."""
    gid_of = {name: i for i, name in enumerate(font.getGlyphOrder())}
    cmap = font.getBestCmap() or {}
    upm = font["head"].unitsPerEm
    hmtx = font["hmtx"]
    n = max(codes.values()) + 1
    cid_to_gid = bytearray(2 * n)
    widths = [0] * n
    for ch, code in codes.items():
        name = cmap.get(ord(ch), ".notdef")
        gid = gid_of.get(name, 0)
        cid_to_gid[2 * code : 2 * code + 2] = gid.to_bytes(2, "big")
        widths[code] = round(hmtx[name][0] * 1000 / upm)
    return cid_to_gid, widths


def _descriptor(pdf, font, fontname: str, data: bytes):
    """The FontDescriptor of a subset, its program ``data`` embedded."""
    import pikepdf

    head, hhea = font["head"], font["hhea"]
    os2 = font.get("OS/2")
    scale = 1000.0 / head.unitsPerEm
    return pikepdf.Dictionary(
        Type=pikepdf.Name.FontDescriptor,
        FontName=pikepdf.Name(fontname),
        Flags=4,
        FontBBox=[round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)],
        ItalicAngle=float(font["post"].italicAngle) if "post" in font else 0.0,
        Ascent=round(hhea.ascent * scale),
        Descent=round(hhea.descent * scale),
        CapHeight=round(getattr(os2, "sCapHeight", hhea.ascent) * scale) if os2 else 700,
        StemV=80,
        FontFile2=pdf.make_stream(data),
    )


def _postscript_name(font) -> str:
    name = (font["name"].getDebugName(6) if "name" in font else None) or "Font"
    return "".join(c for c in name if c.isalnum() or c in "-_")[:60] or "Font"
