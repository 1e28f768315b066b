"""PDFs made by other software, and checks of a translated PDF against its source.

Makers write a small document in each program's own format and let that program print
it: LibreOffice Writer (a flat .fodt: headings, lists, a ruled table, two columns, an
image, a footnote, a link) and Impress (a .pptx), Chromium's print to PDF (an HTML page),
reportlab (text pages around a scanned page), plus a hand-written page whose only text is
in a Type3 font. Their text uses only the fixture vocabulary (tests/fixtures/synthetic.py),
so the fixture models translate it exactly and outputs can be asserted exactly.

Checkers use poppler-utils (pdfinfo, pdffonts, pdfimages, pdftoppm, pdftotext), the tools
a reader's viewer is built on, and Pillow for pixels. Each raises AssertionError saying
what a reader would notice. Missing programs fail the test under CI=true (.ci/run installs
them) and skip it elsewhere.
"""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree
from xml.sax.saxutils import escape

import pytest

# --- programs ------------------------------------------------------------------------

_PACKAGES = {
    "soffice": "LibreOffice (make libreoffice)",
    "chromium": "chromium",
    "pdftotext": "poppler-utils",
    "pdffonts": "poppler-utils",
    "pdfimages": "poppler-utils",
    "pdftoppm": "poppler-utils",
    "pdfinfo": "poppler-utils",
}


def need(program: str) -> str:
    """The program's path; fails the test under CI=true (CI installs it), else skips."""
    path = shutil.which(program)
    if path is None and program == "soffice":
        path = shutil.which("libreoffice")
    if path is None:
        why = f"{program} not installed (apt: {_PACKAGES.get(program, program)})"
        if os.environ.get("CI") == "true":
            pytest.fail(why)
        pytest.skip(why)
    return path


def _run(args: Sequence[str], timeout: float = 300) -> bytes:
    done = subprocess.run(list(args), capture_output=True, timeout=timeout)
    if done.returncode != 0:
        raise AssertionError(f"{Path(args[0]).name} failed ({done.returncode}): "
                             f"{done.stderr.decode(errors='replace')[-500:]}")
    return done.stdout


# --- text of the fixture vocabulary --------------------------------------------------

TITLE = "My garden"
INTRO = ("The children play in the garden. We read a book today. My mother and my "
         "father drink green tea in the morning. The dog is happy and the cat is very small.")
BULLETS = ["The dog is happy.", "The cat is very small.", "We eat bread and fruit."]
STEPS = ["Open the window.", "Close the door."]
TABLE = [["Name", "Color"], ["The apple", "It is red."], ["The tree", "It is green."]]
COLUMNS = [
    "The river is cold in the morning. The children walk to school with their mother. "
    "They see a bird in the tree and a fish in the river.",
    "My father is a doctor. He work in the city every day. He come home late in the "
    "evening and he is very tired.",
    "The sun is warm today. We sit in the garden and we read a story. The flower is "
    "red and white and the sky is blue.",
    "My sister is a teacher. She love music and she sing a song every morning. Her "
    "children are happy.",
]
LINK_SENTENCE = ("Read the book", " at home.")  # the link is on "book"
NOTE = ("The sea is very cold", "The water is cold in the morning.")  # text, footnote
CAPTION = "A picture of the sea."


CELLS = [c for row in TABLE for c in row]
#: Each maker's text blocks in the order a reader reads them (columns one after the
#: other, a footnote at the foot of its page): what the translation must follow.
READING = {
    "writer": [TITLE, INTRO, "The river", *BULLETS, *STEPS, *CELLS,
               f"{''.join(LINK_SENTENCE)} {NOTE[0]}.", CAPTION, *COLUMNS, NOTE[1]],
    "impress": ["My family", "The children and the garden", "The river", *BULLETS, CAPTION,
                COLUMNS[0]],
    "chromium": [TITLE, INTRO, "The river", *BULLETS, *CELLS, "".join(LINK_SENTENCE),
                 CAPTION, *COLUMNS],
    "reportlab": [TITLE, INTRO, *BULLETS, "The river", *CELLS, CAPTION, *COLUMNS[:2]],
}


def reading_text(maker: str) -> str:
    return " ".join(READING[maker])


def vocabulary_blocks() -> list[str]:
    """Every sentence the makers put on their pages (for the tests' expectations)."""
    return [TITLE, INTRO, *BULLETS, *STEPS, *(c for row in TABLE for c in row), *COLUMNS,
            "".join(LINK_SENTENCE), NOTE[0] + ".", NOTE[1], CAPTION]


def picture_png(width: int = 240, height: int = 120, seed: int = 1) -> bytes:
    """A small RGB picture (bands and a circle) to embed; Pillow ships with reportlab."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (width, height), (40, 90, 160))
    draw = ImageDraw.Draw(img)
    for i in range(0, width, 12):
        draw.rectangle([i, height * 2 // 3, i + 6, height], fill=(20, 60 + i % 120, 120))
    draw.ellipse([width // 2 - 25 - seed, 15, width // 2 + 25, 65], fill=(250, 210, 60))
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def scan_png(lines: Sequence[str], width: int = 850, height: int = 1100) -> bytes:
    """A 'scanned' page: text drawn into a greyscale picture, no text layer."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("L", (width, height), 245)
    draw = ImageDraw.Draw(img)
    font = ImageFont.load_default(size=28) if hasattr(ImageFont, "load_default") else None
    for n, line in enumerate(lines):
        draw.text((90, 120 + 48 * n), line, fill=30, font=font)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


# --- LibreOffice ---------------------------------------------------------------------

def soffice_convert(sources: Sequence[Path], folder: Path) -> list[Path]:
    """Print files to PDF with LibreOffice, in a profile of its own (helpers run in parallel)."""
    soffice = need("soffice")
    profile = folder / "lo-profile"
    _run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
          "--convert-to", "pdf", "--outdir", str(folder), *map(str, sources)], timeout=600)
    out = [folder / f"{s.stem}.pdf" for s in sources]
    for pdf in out:
        assert pdf.is_file(), f"LibreOffice did not print {pdf.name}"
    return out


_ODF_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"'
)

_FODT_STYLES = """
 <office:font-face-decls>
  <style:font-face style:name="Liberation Serif" svg:font-family="'Liberation Serif'"/>
  <style:font-face style:name="Liberation Sans" svg:font-family="'Liberation Sans'"/>
 </office:font-face-decls>
 <office:styles>
  <style:default-style style:family="paragraph">
   <style:paragraph-properties fo:margin-bottom="6pt"/>
   <style:text-properties style:font-name="Liberation Serif" fo:font-size="12pt"/>
  </style:default-style>
  <style:style style:name="Standard" style:family="paragraph"/>
  <style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph"
      style:default-outline-level="1">
   <style:paragraph-properties fo:margin-top="12pt" fo:margin-bottom="8pt"/>
   <style:text-properties style:font-name="Liberation Sans" fo:font-size="20pt" fo:font-weight="bold"
       fo:color="#1f3864"/>
  </style:style>
  <style:style style:name="Heading_20_2" style:display-name="Heading 2" style:family="paragraph"
      style:default-outline-level="2">
   <style:paragraph-properties fo:margin-top="10pt" fo:margin-bottom="6pt"/>
   <style:text-properties style:font-name="Liberation Sans" fo:font-size="15pt" fo:font-weight="bold"/>
  </style:style>
  <style:style style:name="Footnote" style:family="paragraph">
   <style:text-properties fo:font-size="10pt"/>
  </style:style>
  <style:style style:name="Caption" style:family="paragraph">
   <style:text-properties fo:font-size="10pt" fo:font-style="italic"/>
  </style:style>
  <style:style style:name="Footer" style:family="paragraph">
   <style:paragraph-properties fo:text-align="center"/>
  </style:style>
 </office:styles>
 <office:automatic-styles>
  <style:style style:name="Sect1" style:family="section">
   <style:section-properties><style:columns fo:column-count="2" fo:column-gap="0.4in"/>
   </style:section-properties>
  </style:style>
  <style:style style:name="Tbl" style:family="table">
   <style:table-properties style:width="6.5in" table:align="left" fo:margin-bottom="8pt"/>
  </style:style>
  <style:style style:name="Cell" style:family="table-cell">
   <style:table-cell-properties fo:border="0.75pt solid #000000" fo:padding="0.05in"
       fo:background-color="#eef3fa"/>
  </style:style>
  <style:style style:name="fr1" style:family="graphic">
   <style:graphic-properties style:wrap="none" style:vertical-pos="top"
       style:horizontal-pos="center" style:horizontal-rel="paragraph"/>
  </style:style>
  <text:list-style style:name="L1">
   <text:list-level-style-bullet text:level="1" text:bullet-char="•">
    <style:list-level-properties text:list-level-position-and-space-mode="label-alignment">
     <style:list-level-label-alignment text:label-followed-by="listtab"
         text:list-tab-stop-position="0.5in" fo:text-indent="-0.25in" fo:margin-left="0.5in"/>
    </style:list-level-properties>
   </text:list-level-style-bullet>
  </text:list-style>
  <text:list-style style:name="L2">
   <text:list-level-style-number text:level="1" style:num-format="1" style:num-suffix=".">
    <style:list-level-properties text:list-level-position-and-space-mode="label-alignment">
     <style:list-level-label-alignment text:label-followed-by="listtab"
         text:list-tab-stop-position="0.5in" fo:text-indent="-0.25in" fo:margin-left="0.5in"/>
    </style:list-level-properties>
   </text:list-level-style-number>
  </text:list-style>
  <style:page-layout style:name="pm1">
   <style:page-layout-properties fo:page-width="8.5in" fo:page-height="11in" fo:margin="1in"/>
   <style:footer-style><style:header-footer-properties fo:min-height="0.3in"/></style:footer-style>
  </style:page-layout>
 </office:automatic-styles>
 <office:master-styles>
  <style:master-page style:name="Standard" style:page-layout-name="pm1">
   <style:footer><text:p text:style-name="Footer"><text:page-number text:select-page="current">1</text:page-number></text:p></style:footer>
  </style:master-page>
 </office:master-styles>
"""


def _para(text: str, style: str = "Standard") -> str:
    return f'<text:p text:style-name="{style}">{escape(text)}</text:p>'


_p = _para


def writer_fodt(pages: int = 1, text: str | None = None,
                vary: Callable[[int, str], str] | None = None) -> str:
    """A Writer document; ``pages`` > 1 repeats the body (one copy a page or so), each
    copy ``n`` > 0 with its paragraphs, list items and cells ``vary(n, text)`` when given
    (a benchmark's pages should not repeat); with ``text``, one paragraph of that only."""
    png = base64.b64encode(picture_png()).decode()
    body = [_para(text)] if text else []
    pages = 0 if text else pages
    for n in range(pages):
        def _p(text: str, style: str = "Standard", n: int = n) -> str:
            return _para(vary(n, text) if vary and n else text, style)

        body += [
            f'<text:h text:style-name="Heading_20_1" text:outline-level="1">{escape(TITLE)}</text:h>',
            _p(INTRO),
            '<text:h text:style-name="Heading_20_2" text:outline-level="2">The river</text:h>',
            '<text:list text:style-name="L1">',
            *(f"<text:list-item>{_p(b)}</text:list-item>" for b in BULLETS),
            "</text:list>",
            '<text:list text:style-name="L2">',
            *(f"<text:list-item>{_p(s)}</text:list-item>" for s in STEPS),
            "</text:list>",
            '<table:table table:name="T%d" table:style-name="Tbl">' % n,
            '<table:table-column table:number-columns-repeated="2"/>',
            *("<table:table-row>" + "".join(
                f'<table:table-cell table:style-name="Cell" office:value-type="string">{_p(c)}'
                "</table:table-cell>" for c in row) + "</table:table-row>" for row in TABLE),
            "</table:table>",
            '<text:p text:style-name="Standard">' + escape(LINK_SENTENCE[0][:-4])
            + '<text:a xlink:type="simple" xlink:href="https://example.org/book">book</text:a>'
            + escape(LINK_SENTENCE[1]) + " " + escape(NOTE[0])
            + f'<text:note text:id="ftn{n}" text:note-class="footnote"><text:note-citation>'
            f"{n + 1}</text:note-citation><text:note-body>{_p(NOTE[1], 'Footnote')}"
            "</text:note-body></text:note>.</text:p>",
            '<text:p text:style-name="Standard"><draw:frame draw:style-name="fr1" '
            f'draw:name="pic{n}" text:anchor-type="paragraph" svg:width="3in" svg:height="1.5in">'
            f"<draw:image><office:binary-data>{png}</office:binary-data></draw:image>"
            "</draw:frame></text:p>",
            _p(CAPTION, "Caption"),
            f'<text:section text:style-name="Sect1" text:name="Columns{n}">',
            *(_p(c) for c in COLUMNS),
            "</text:section>",
        ]
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<office:document {_ODF_NS} office:version="1.3" '
            'office:mimetype="application/vnd.oasis.opendocument.text">'
            + _FODT_STYLES + "<office:body><office:text>" + "\n".join(body)
            + "</office:text></office:body></office:document>")


def writer_pdf(folder: Path, pages: int = 1, name: str = "writer",
               vary: Callable[[int, str], str] | None = None) -> Path:
    src = folder / f"{name}.fodt"
    src.write_text(writer_fodt(pages, vary=vary), encoding="utf-8")
    (pdf,) = soffice_convert([src], folder)
    return pdf


def impress_pdf(folder: Path) -> Path:
    """Three slides made with python-pptx, printed by LibreOffice Impress."""
    from pptx import Presentation
    from pptx.util import Inches

    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[0])
    slide.shapes.title.text = "My family"
    slide.placeholders[1].text = "The children and the garden"
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    slide.shapes.title.text = "The river"
    body = slide.placeholders[1].text_frame
    body.text = BULLETS[0]
    for line in BULLETS[1:]:
        body.add_paragraph().text = line
    slide = deck.slides.add_slide(deck.slide_layouts[5])
    slide.shapes.title.text = CAPTION
    slide.shapes.add_picture(io.BytesIO(picture_png()), Inches(1), Inches(2), Inches(4))
    box = slide.shapes.add_textbox(Inches(5.5), Inches(2), Inches(3.5), Inches(2))
    box.text_frame.word_wrap = True
    box.text_frame.text = COLUMNS[0]
    src = folder / "impress.pptx"
    deck.save(str(src))
    (pdf,) = soffice_convert([src], folder)
    return pdf


# --- Chromium ------------------------------------------------------------------------

def chromium_html() -> str:
    png = base64.b64encode(picture_png(seed=3)).decode()
    rows = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>"
                   for row in TABLE)
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{escape(TITLE)}</title><style>
body {{ font-family: 'DejaVu Sans', sans-serif; font-size: 12pt; margin: 0; }}
h1 {{ color: #1f3864; }} table {{ border-collapse: collapse; margin: 8pt 0; }}
td {{ border: 1px solid #000; padding: 4pt 8pt; background: #eef3fa; }}
.cols {{ column-count: 2; column-gap: 24pt; }}
</style></head><body>
<h1>{escape(TITLE)}</h1><p>{escape(INTRO)}</p>
<h2>The river</h2><ul>{"".join(f"<li>{escape(b)}</li>" for b in BULLETS)}</ul>
<table>{rows}</table>
<p>{escape(LINK_SENTENCE[0][:-4])}<a href="https://example.org/book">book</a>{escape(LINK_SENTENCE[1])}</p>
<p><img src="data:image/png;base64,{png}" width="240" height="120" alt=""></p>
<p><i>{escape(CAPTION)}</i></p>
<div class="cols">{"".join(f"<p>{escape(c)}</p>" for c in COLUMNS)}</div>
</body></html>"""


def chromium_pdf(folder: Path) -> Path:
    chromium = need("chromium")
    page = folder / "chromium.html"
    page.write_text(chromium_html(), encoding="utf-8")
    pdf = folder / "chromium.pdf"
    _run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
          f"--user-data-dir={folder / 'chromium-profile'}", f"--print-to-pdf={pdf}",
          page.as_uri()], timeout=180)
    assert pdf.is_file(), "chromium did not print"
    return pdf


# --- reportlab -----------------------------------------------------------------------

SCAN_PAGE = 2  # 1-based: the reportlab document's image-only page
TYPE3_PAGE = 4  # and its page whose only text is in a Type3 font


def reportlab_pdf(folder: Path) -> Path:
    """Four pages: text in an embedded TrueType font (reportlab's own Vera), a scanned
    page (one image, no text), text again with a table and a picture, and the Type3 page
    of :func:`type3_pdf` (appended with pypdf)."""
    import pypdf
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import inch
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import (Image, PageBreak, Paragraph, SimpleDocTemplate, Spacer,
                                    Table, TableStyle)

    pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))
    pdfmetrics.registerFont(TTFont("VeraBd", "VeraBd.ttf"))
    body = ParagraphStyle("body", fontName="Vera", fontSize=11, leading=15, spaceAfter=6)
    head = ParagraphStyle("head", fontName="VeraBd", fontSize=18, leading=24, spaceAfter=8,
                          textColor=colors.HexColor("#1f3864"))
    pdf = folder / "reportlab.pdf"
    doc = SimpleDocTemplate(str(pdf), pagesize=A4, invariant=1, title=TITLE)
    scan = Image(io.BytesIO(scan_png([INTRO[:34], BULLETS[0], BULLETS[1]])),
                 width=6.5 * inch, height=8.4 * inch)
    table = Table(TABLE, style=TableStyle([("FONT", (0, 0), (-1, -1), "Vera", 11),
                                           ("GRID", (0, 0), (-1, -1), 0.75, colors.black)]))
    story = [Paragraph(TITLE, head), Paragraph(INTRO, body),
             *(Paragraph(b, body) for b in BULLETS), PageBreak(), scan, PageBreak(),
             Paragraph("The river", head), table, Spacer(1, 12),
             Image(io.BytesIO(picture_png(seed=5)), width=3 * inch, height=1.5 * inch),
             Paragraph(CAPTION, body), *(Paragraph(c, body) for c in COLUMNS[:2])]
    doc.build(story)
    writer = pypdf.PdfWriter(clone_from=str(pdf))
    writer.append(str(type3_pdf(folder)))
    with open(pdf, "wb") as fh:
        writer.write(fh)
    return pdf


# --- a Type3 font, by hand -----------------------------------------------------------

TYPE3_TEXT = "The dog is happy."


def type3_pdf(folder: Path) -> Path:
    """One page whose only text is set in a Type3 font (glyphs are little filled boxes,
    named by the standard glyph names so text extraction still reads the words): the
    kind of font old TeX output with bitmap fonts has. It cannot be re-set, so it must be
    kept and reported."""
    names = {" ": "space", ".": "period"}
    glyphs = {}
    for ch in sorted(set(TYPE3_TEXT)):
        top = 700 if ch.isupper() else 480
        glyphs[ch] = (names.get(ch, ch), "250 0 d0" if ch == " " else
                      f"500 0 40 0 460 {top} d1 40 0 420 {top} re f")
    pdf = folder / "type3.pdf"
    pdf.write_bytes(_type3_page(TYPE3_TEXT, glyphs))
    return pdf


def tofu_pdf(folder: Path, sample: str, hollow: bool = True) -> Path:
    """CJK text whose glyphs are hollow boxes (or empty), as a font without those
    characters draws them; the text layer still reads ``sample`` (through /ToUnicode)."""
    glyphs, codes = {}, {}
    for n, ch in enumerate(dict.fromkeys(sample)):
        code = chr(65 + n)
        codes[ch] = code
        glyphs[code] = (f"g{n}", "1000 0 50 0 950 900 d1 " + ("40 w 80 30 840 840 re S"
                                                             if hollow else ""))
    pdf = folder / f"tofu-{'hollow' if hollow else 'empty'}.pdf"
    pdf.write_bytes(_type3_page("".join(codes[c] for c in sample), glyphs,
                                {code: ch for ch, code in codes.items()}))
    return pdf


def _type3_page(shown: str, glyphs: dict[str, tuple[str, str]],
                unicode: dict[str, str] | None = None) -> bytes:
    """A one-page PDF, written by hand, showing ``shown`` in a Type3 font whose glyph for
    each character is ``glyphs[ch] = (name, drawing)``; ``unicode`` gives a /ToUnicode."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    def stream(data: bytes) -> bytes:
        return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"

    refs = {ch: add(stream(drawing.encode())) for ch, (_, drawing) in glyphs.items()}
    codes = sorted(ord(ch) for ch in glyphs)
    widths = {ord(ch): int(drawing.split()[0]) for ch, (_, drawing) in glyphs.items()}
    to_unicode = ""
    if unicode:
        pairs = " ".join(f"<{ord(c):02X}> <{ord(u):04X}>" for c, u in unicode.items())
        cmap = ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /T3 def "
                "/CMapType 2 def 1 begincodespacerange <00> <FF> endcodespacerange "
                f"{len(unicode)} beginbfchar {pairs} endbfchar endcmap "
                "CMapName currentdict /CMap defineresource pop end end")
        to_unicode = f"/ToUnicode {add(stream(cmap.encode()))} 0 R "
    font = add((
        "<< /Type /Font /Subtype /Type3 /FontBBox [0 0 1000 1000] "
        "/FontMatrix [0.001 0 0 0.001 0 0] /CharProcs << "
        + " ".join(f"/{glyphs[ch][0]} {ref} 0 R" for ch, ref in refs.items())
        + " >> /Encoding << /Type /Encoding /Differences ["
        + " ".join(f"{ord(ch)} /{name}" for ch, (name, _) in glyphs.items()) + "] >> "
        f"/FirstChar {codes[0]} /LastChar {codes[-1]} /Widths ["
        + " ".join(str(widths.get(c, 0)) for c in range(codes[0], codes[-1] + 1)) + "] "
        + to_unicode + "/Resources << >> >>").encode())
    content = add(stream(b"BT /F1 24 Tf 72 700 Td (" + shown.encode("latin-1") + b") Tj ET"))
    pages_ref = len(objects) + 2
    page = add(f"<< /Type /Page /Parent {pages_ref} 0 R /MediaBox [0 0 612 792] "
               f"/Resources << /Font << /F1 {font} 0 R >> >> /Contents {content} 0 R >>".encode())
    add(f"<< /Type /Pages /Kids [{page} 0 R] /Count 1 >>".encode())
    catalog = add(f"<< /Type /Catalog /Pages {pages_ref} 0 R >>".encode())
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, catalog, xref))
    return out.getvalue()


MAKERS: dict[str, Callable[[Path], Path]] = {
    "writer": writer_pdf,
    "impress": impress_pdf,
    "chromium": chromium_pdf,
    "reportlab": reportlab_pdf,
    "type3": type3_pdf,
}


def cjk_font() -> str | None:
    """A CJK font fontconfig knows (fonts-noto-cjk on CI), or None."""
    if shutil.which("fc-list") is None:
        return None
    found = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True)
    return found.stdout.splitlines()[0] if found.stdout.strip() else None


# --- reading a PDF with poppler ------------------------------------------------------

@dataclass
class PageInfo:
    width: float  # points, as displayed (after /Rotate)
    height: float
    rotation: int
    crop: tuple[float, float, float, float]  # user space, before /Rotate


def page_infos(pdf: Path) -> list[PageInfo]:
    """Sizes and rotation of every page (pdfinfo), crop boxes (pypdf)."""
    import pypdf

    out = _run([need("pdfinfo"), "-f", "1", "-l", "100000", "-box", str(pdf)]).decode()
    rots = {int(m[1]): int(m[2]) for m in re.finditer(r"Page\s+(\d+) rot:\s+(\d+)", out)}
    reader = pypdf.PdfReader(str(pdf))
    if reader.is_encrypted:
        reader.decrypt("")
    infos = []
    for n, page in enumerate(reader.pages, 1):
        box = page.cropbox
        crop = (float(box.left), float(box.bottom), float(box.right), float(box.top))
        w, h = crop[2] - crop[0], crop[3] - crop[1]
        rot = rots.get(n, 0) % 360
        infos.append(PageInfo(*((h, w) if rot in (90, 270) else (w, h)), rot, crop))
    return infos


@dataclass
class Font:
    name: str
    type: str
    embedded: bool


def fonts(pdf: Path) -> list[Font]:
    out = _run([need("pdffonts"), str(pdf)]).decode().splitlines()
    if len(out) < 2:
        return []
    # Columns are fixed-width: the dashes line gives their extents.
    spans = [(m.start(), m.end()) for m in re.finditer(r"-+", out[1])]
    result = []
    for line in out[2:]:
        cols = [line[a:b + 1].strip() for a, b in spans]
        result.append(Font(cols[0], cols[1], cols[3] == "yes"))
    return result


def image_list(pdf: Path) -> list[tuple[str, ...]]:
    """pdfimages -list rows: page, type, width, height, colour, components, bpc, encoding."""
    out = _run([need("pdfimages"), "-list", str(pdf)]).decode().splitlines()[2:]
    return [tuple(line.split()[i] for i in (0, 2, 3, 4, 5, 6, 7, 8)) for line in out]


def image_pixels(pdf: Path, folder: Path) -> list[tuple[str, tuple[int, int], bytes]]:
    """Every image's decoded pixels (pdfimages -png), in page order."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    _run([need("pdfimages"), "-png", str(pdf), str(folder / "img")])
    result = []
    for path in sorted(folder.glob("img-*.png")):
        with Image.open(path) as img:
            result.append((img.mode, img.size, img.tobytes()))
    return result


def render(pdf: Path, folder: Path, dpi: int = 72) -> list:
    """Every page as a Pillow RGB image (pdftoppm, anti-aliasing as a viewer does)."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    _run([need("pdftoppm"), "-r", str(dpi), "-png", str(pdf), str(folder / "p")])
    pages = sorted(folder.glob("p-*.png"), key=lambda p: int(p.stem.split("-")[-1]))
    result = []
    for path in pages:
        with Image.open(path) as img:
            result.append(img.convert("RGB"))
    return result


@dataclass
class Word:
    page: int  # 1-based
    text: str
    box: tuple[float, float, float, float]  # points, origin top-left of the displayed page


def words(pdf: Path) -> list[Word]:
    out = _run([need("pdftotext"), "-bbox", "-enc", "UTF-8", str(pdf), "-"])
    out = re.sub(rb"<!DOCTYPE[^>]*>", b"", out)
    root = ElementTree.fromstring(out)
    result = []
    for n, page in enumerate(root.iter("{http://www.w3.org/1999/xhtml}page"), 1):
        for w in page.iter("{http://www.w3.org/1999/xhtml}word"):
            box = tuple(float(w.get(k)) for k in ("xMin", "yMin", "xMax", "yMax"))
            result.append(Word(n, w.text or "", box))  # type: ignore[arg-type]
    return result


def text(pdf: Path, layout: bool = False, raw: bool = False) -> list[str]:
    """pdftotext's text of every page: in the order it reads the page (columns one after
    the other), or -layout, or -raw (the order the content streams draw the text in)."""
    mode = ["-layout"] if layout else ["-raw"] if raw else []
    args = [need("pdftotext"), "-enc", "UTF-8", *mode, str(pdf), "-"]
    return _run(args).decode("utf-8").split("\f")[:-1] or [""]


# --- geometry ------------------------------------------------------------------------

def to_display(box: Sequence[float], info: PageInfo, scale: float = 1.0
               ) -> tuple[float, float, float, float]:
    """A user-space box (origin bottom-left, before /Rotate) in displayed coordinates
    (origin top-left, after /Rotate), times ``scale`` (pixels per point)."""
    x0, y0, x1, y1 = box
    cx0, cy0, cx1, cy1 = info.crop
    corners = []
    for x, y in ((x0, y0), (x1, y1)):
        u, v = x - cx0, cy1 - y  # top-left origin, unrotated
        w, h = cx1 - cx0, cy1 - cy0
        if info.rotation == 90:
            u, v = h - v, u
        elif info.rotation == 180:
            u, v = w - u, h - v
        elif info.rotation == 270:
            u, v = v, w - u
        corners.append((u * scale, v * scale))
    (a, b), (c, d) = corners
    return min(a, c), min(b, d), max(a, c), max(b, d)


def _inside(inner: Sequence[float], outer: Sequence[float], pad: float) -> bool:
    return (inner[0] >= outer[0] - pad and inner[1] >= outer[1] - pad
            and inner[2] <= outer[2] + pad and inner[3] <= outer[3] + pad)


def _overlaps(a: Sequence[float], b: Sequence[float], pad: float = 0) -> bool:
    return a[0] < b[2] + pad and b[0] < a[2] + pad and a[1] < b[3] + pad and b[1] < a[3] + pad


# --- checks --------------------------------------------------------------------------

def check_same_pages(src: Path, out: Path, bilingual: bool = False) -> None:
    a, b = page_infos(src), page_infos(out)
    if bilingual:
        assert len(b) == 2 * len(a), f"{len(a)} pages became {len(b)}, not {2 * len(a)}"
        b = b[1::2]
    assert len(b) == len(a), f"{len(a)} pages became {len(b)}"
    for n, (x, y) in enumerate(zip(a, b), 1):
        assert (round(x.width, 1), round(x.height, 1), x.rotation) == (
            round(y.width, 1), round(y.height, 1), y.rotation), f"page {n}: {x} became {y}"


def check_fonts_embedded(src: Path, out: Path) -> None:
    """Every font of the output is embedded, except those the source did not embed."""
    not_embedded = {f.name for f in fonts(src) if not f.embedded}
    missing = [f for f in fonts(out) if not f.embedded and f.name not in not_embedded
               and f.type != "Type 3"]
    assert not missing, f"fonts not embedded: {missing}"


def check_images_identical(src: Path, out: Path, work: Path, bilingual: bool = False) -> None:
    a, b = image_list(src), image_list(out)
    pa, pb = image_pixels(src, work / "img-src"), image_pixels(out, work / "img-out")
    if bilingual:  # each original page comes first, its translation after it
        keep = [i for i, row in enumerate(b) if int(row[0]) % 2 == 0]
        b = [(str(int(b[i][0]) // 2), *b[i][1:]) for i in keep]
        pb = [pb[i] for i in keep]
    assert b == a, f"images differ: {a} became {b}"
    assert len(pa) == len(pb) and all(x == y for x, y in zip(pa, pb)), "image pixels differ"


def check_pixels_outside_boxes(src: Path, out: Path, accounting: list[dict], work: Path,
                               dpi: int = 72, pad_px: int = 2, bilingual: bool = False) -> None:
    """Rendered pixels outside the boxes where translated text was set are the source's."""
    infos = page_infos(src)
    a = render(src, work / "render-src", dpi)
    b = render(out, work / "render-out", dpi)
    if bilingual:
        assert a == b[0::2], "an original page of the bilingual output differs from the source"
        b = b[1::2]
    assert len(a) == len(b)
    scale = dpi / 72
    for n, (x, y, info) in enumerate(zip(a, b, infos), 1):
        assert x.size == y.size, f"page {n}: rendered size {x.size} became {y.size}"
        from PIL import ImageChops, ImageDraw

        diff = ImageChops.difference(x, y).convert("L")
        mask = ImageDraw.Draw(diff)
        for box in _page(accounting, n)["boxes"]:
            x0, y0, x1, y1 = to_display(box, info, scale)
            mask.rectangle([x0 - pad_px, y0 - pad_px, x1 + pad_px, y1 + pad_px], fill=0)
        where = diff.getbbox()
        assert where is None, (f"page {n}: pixels outside the translated boxes changed, in "
                               f"{tuple(round(v / scale) for v in where)} (points, top-left)")


def _page(accounting: list[dict], n: int) -> dict:
    (page,) = [p for p in accounting if p["page"] == n]
    return page


def check_words_in_boxes(src: Path, out: Path, accounting: list[dict],
                         translated: Callable[[str], bool], pad: float = 1.5) -> int:
    """Every translated word of the output's text layer lies inside a translated box, and
    every word outside those boxes is the source's word at the same place. Returns how
    many translated words were seen."""
    infos = page_infos(src)
    source = {(w.page, w.text): [] for w in words(src)}
    for w in words(src):
        source[(w.page, w.text)].append(w.box)
    seen = 0
    for w in words(out):
        boxes = [to_display(b, infos[w.page - 1]) for b in _page(accounting, w.page)["boxes"]]
        # pdftotext's word box runs from the font's ascent to its descent, taller than
        # the glyphs: the word is inside when it is across and its middle line is
        middle = (w.box[1] + w.box[3]) / 2
        inside = any(_inside((w.box[0], middle, w.box[2], middle), b, pad) for b in boxes)
        if translated(w.text):
            seen += 1
            assert inside, f"page {w.page}: {w.text!r} at {w.box} is outside every box {boxes}"
        elif not inside:
            assert any(_inside(w.box, b, 0.5) and _inside(b, w.box, 0.5)
                       for b in source.get((w.page, w.text), [])), (
                f"page {w.page}: {w.text!r} at {w.box} is outside the translated boxes but "
                "is not the source's word there")
    return seen


def _norm(text: str, cjk: bool) -> str:
    text = re.sub(r"\s+", " " if not cjk else "", text).strip()
    return text


def check_reading_order(out: Path, expected: Sequence[str], cjk: bool = False,
                        raw: bool = False) -> None:
    """pdftotext of the output holds each block's translation, in this order. With
    ``raw``, in the order the content streams draw them: the order a translation was
    written in, which pdftotext's reading of the new layout cannot reorder."""
    whole = _norm(" ".join(text(out, raw=raw)), cjk)
    pos = 0
    for block in expected:
        want = _norm(block, cjk)
        if not want:
            continue
        at = whole.find(want, pos)
        assert at >= 0, (f"{want!r} is not in the output's text after position {pos}"
                         + (" (it is earlier)" if want in whole else "")
                         + f"; the text there: {whole[pos:pos + 300]!r}")
        pos = at + len(want)


_CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uac00-\ud7af\uff00-\uffef]")


def check_cjk_ink(out: Path, work: Path, dpi: int = 150) -> int:
    """CJK characters render as ideographs, not as empty or hollow boxes (tofu): each
    character's cell has ink, and nearly all have ink in their middle, where a .notdef
    box has none. Returns the number of CJK characters looked at."""
    pages = render(out, work / "render-cjk", dpi)
    scale = dpi / 72
    cells = inner_ink = 0
    for w in words(out):
        chars = [c for c in w.text]
        if not chars or not all(_CJK.match(c) for c in chars):
            continue
        img = pages[w.page - 1].convert("L")
        x0, y0, x1, y1 = (v * scale for v in w.box)
        step = (x1 - x0) / len(chars)
        for i in range(len(chars)):
            a, b = x0 + i * step, x0 + (i + 1) * step
            cell = img.crop((int(a), int(y0), int(b + 0.999), int(y1 + 0.999)))
            ink = cell.point(lambda v: 255 if v < 200 else 0)  # grey text is ink too
            where = ink.getbbox()
            assert where is not None, f"page {w.page}: {chars[i]!r} renders no ink"
            l, t, r, btm = where  # the middle of the glyph's own ink box
            middle = ink.crop((l + int((r - l) * 0.3), t + int((btm - t) * 0.3),
                               l + int((r - l) * 0.7 + 0.999), t + int((btm - t) * 0.7 + 0.999)))
            cells += 1
            inner_ink += middle.getbbox() is not None
    assert cells, "no CJK characters in the output's text layer"
    assert inner_ink >= 0.8 * cells, (
        f"only {inner_ink} of {cells} CJK characters have ink in their middle: empty boxes?")
    return cells


def source_glyphs(pdf: Path) -> list[int]:
    """Glyphs drawn per page, as pdfminer.six sees them (spaces drawn with a glyph too)."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar

    def count(item: object) -> int:
        if isinstance(item, LTChar):
            return 1
        return sum(count(child) for child in item) if hasattr(item, "__iter__") else 0

    return [count(page) for page in extract_pages(str(pdf), laparams=LAParams())]


def check_accounting(src: Path, accounting: list[dict]) -> None:
    """One entry a source page, and translated + kept + reported = the page's glyphs."""
    assert [p["page"] for p in accounting] == list(range(1, len(page_infos(src)) + 1))
    for p in accounting:
        assert p["translated"] + p["kept"] + p["reported"] == p["glyphs"], p
        assert min(p["translated"], p["kept"], p["reported"]) >= 0, p

