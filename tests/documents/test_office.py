"""docx, pptx, xlsx and OpenDocument: paragraphs in place, runs and links on the right
words, everything else untouched, outputs open with the format's library."""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from offline_nlp.documents.registry import open_document
from offline_nlp.engine.types import Translation
from offline_nlp.errors import DocumentParseError

from .conftest import FakeEngine, fake_translate, sha, translate_file

try:  # python-docx, python-pptx, openpyxl, odfpy only check outputs (test extra)
    import docx
except ImportError:  # pragma: no cover
    docx = None
needs_docx = pytest.mark.skipif(docx is None, reason="python-docx not installed (test extra)")
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_RUNLIKE = {
    "r",
    "t",
    "rPr",
    "tab",
    "br",
    "proofErr",
    "lastRenderedPageBreak",
    "hyperlink",
    "smartTag",
    "rStyle",
    "b",
    "i",
    "color",
    "sz",
    "szCs",
    "rFonts",
    "lang",
    "noProof",
    "u",
    "bCs",
    "iCs",
    "vertAlign",
    "highlight",
    "caps",
    "strike",
    "spacing",
    "kern",
    "w",
    "position",
    "webHidden",
    "s",
    "text",
    "span",
    "a",
    "line-break",
    "endParaRPr",
    "latin",
    "ea",
    "cs",
    "solidFill",
    "schemeClr",
    "srgbClr",
    "rPh",
    "phoneticPr",
    "sym",
    "ins",
    "noBreakHyphen",
}


def expected(text: str) -> str:
    return fake_translate(text)[0]


def structure(xml: bytes) -> Counter[str]:
    """Count of every element that is not run-level formatting."""
    root = etree.fromstring(xml)
    return Counter(
        etree.QName(el).localname
        for el in root.iter()
        if isinstance(el.tag, str) and etree.QName(el).localname not in _RUNLIKE
    )


def assert_same_package(src: Path, out: Path) -> None:
    zin, zout = zipfile.ZipFile(src), zipfile.ZipFile(out)
    assert zout.namelist() == zin.namelist()
    for name in zin.namelist():
        a, b = zin.read(name), zout.read(name)
        if a == b:
            continue
        assert name.endswith(".xml"), name
        assert structure(a) == structure(b), name


def all_docx_paragraphs(d) -> list:
    paras = list(d.paragraphs)
    for t in d.tables:
        for row in t.rows:
            for cell in row.cells:
                paras.extend(cell.paragraphs)
    for s in d.sections:
        for part in (
            s.header,
            s.footer,
            s.first_page_header,
            s.first_page_footer,
            s.even_page_header,
            s.even_page_footer,
        ):
            if not part.is_linked_to_previous:
                paras.extend(part.paragraphs)
    return paras


DOCX_SAMPLES = [
    "blk-paras-and-tables.docx",
    "comments-rich-para.docx",
    "having-images.docx",
    "hdr-header-footer.docx",
    "par-hyperlinks.docx",
    "par-known-paragraphs.docx",
    "run-char-style.docx",
    "tbl-having-tables.docx",
    "txt-font-props.docx",
]


@needs_docx
@pytest.mark.parametrize("name", DOCX_SAMPLES)
def test_real_docx_round_trip(shared_docs: Path, tmp_path: Path, name: str) -> None:
    src = shared_docs / "docx" / name
    before = sha(src)
    out = tmp_path / name
    translate_file(src, out)
    a, b = docx.Document(str(src)), docx.Document(str(out))
    pa, pb = all_docx_paragraphs(a), all_docx_paragraphs(b)
    assert len(pa) == len(pb)
    for x, y in zip(pa, pb, strict=True):
        assert y.text == expected(x.text)
        assert y.style.name == x.style.name
    assert_same_package(src, out)
    assert sha(src) == before


@needs_docx
def test_real_docx_run_styles_and_links(shared_docs: Path, tmp_path: Path) -> None:
    out = tmp_path / "o.docx"
    translate_file(shared_docs / "docx" / "run-char-style.docx", out)
    runs = [(r.text, r.style.name) for r in docx.Document(str(out)).paragraphs[0].runs]
    assert runs == [
        ("FIRST RUN HAVING NO DIRECTLY-APPLIED CHARACTER STYLE. ", "Default Paragraph Font"),
        ("NEXT RUN HAVING EMPHASIS CHARACTER STYLE. ", "Emphasis"),
        ("LAST RUN HAVING STRONG STYLE.", "Strong"),
    ]
    translate_file(shared_docs / "docx" / "par-hyperlinks.docx", out)
    links = [(h.text, h.address) for p in docx.Document(str(out)).paragraphs for h in p.hyperlinks]
    assert links == [
        ("AWESOME HYPERLINK", "http://yahoo.com/"),
        ("THE FIRST ONE", "http://google.com/"),
        ("SECOND ONE", "http://python.org/"),
        ("THIRD", "http://yahoo.com/"),
    ]


# --- a docx with every construct, written by hand ----------------------------------------

BODY = """
<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Main title</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">Plain then </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>bold</w:t></w:r><w:r><w:t xml:space="preserve"> and </w:t></w:r><w:r><w:rPr><w:i/><w:color w:val="FF0000"/></w:rPr><w:t>red italic</w:t></w:r><w:r><w:t xml:space="preserve"> words.</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">Visit </w:t></w:r><w:hyperlink xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rIdLink"><w:r><w:rPr><w:rStyle w:val="Hyperlink"/></w:rPr><w:t>our site</w:t></w:r></w:hyperlink><w:r><w:t xml:space="preserve"> today.</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">Page </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>seven</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t xml:space="preserve"> of the book</w:t></w:r><w:fldSimple w:instr="NUMPAGES"><w:r><w:t>nine</w:t></w:r></w:fldSimple></w:p>
<w:p><w:r><w:t>A note here</w:t></w:r><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteReference w:id="1"/></w:r><w:r><w:t xml:space="preserve"> and a tab</w:t></w:r><w:r><w:tab/><w:t>then text</w:t><w:br/><w:t>new line</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">Before box </w:t></w:r><w:r><w:pict xmlns:v="urn:schemas-microsoft-com:vml"><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>Text in a box</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r><w:r><w:t xml:space="preserve"> after box.</w:t></w:r></w:p>
<w:p><w:r><w:t>2024-01-01 12:30</w:t></w:r></w:p>
"""

FOOTNOTES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:footnotes xmlns:w="{W}"><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>
<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> The footnote text.</w:t></w:r></w:p></w:footnote></w:footnotes>"""


@pytest.fixture
def rich_docx(tmp_path: Path) -> Path:
    if docx is None:
        pytest.skip("python-docx not installed (test extra)")
    base = docx.Document()
    base.sections[0].header.paragraphs[0].text = "Header words"
    base.sections[0].footer.paragraphs[0].text = "Footer words"
    buf = io.BytesIO()
    base.save(buf)
    zin = zipfile.ZipFile(buf)
    path = tmp_path / "rich.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "word/document.xml":
                data = re.sub(
                    rb"(<w:body>).*?(<w:sectPr)",
                    lambda m: m.group(1) + BODY.encode() + m.group(2),
                    data,
                    flags=re.DOTALL,
                )
                root = etree.fromstring(data)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            elif info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/word/footnotes.xml" ContentType='
                    b'"application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>',
                )
            elif info.filename == "word/_rels/document.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdFn" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>'
                    b'<Relationship Id="rIdLink" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    b'relationships/hyperlink" Target="https://example.com/" TargetMode="External"/></Relationships>',
                )
            zout.writestr(info, data)
        zout.writestr("word/footnotes.xml", FOOTNOTES)
    return path


def _paragraph_texts(xml: bytes) -> list[str]:
    root = etree.fromstring(xml)
    out = []
    for p in root.iter(f"{{{W}}}p"):
        parts = []
        for el in p.iter(
            f"{{{W}}}t", f"{{{W}}}tab", f"{{{W}}}br", f"{{{W}}}instrText", f"{{{W}}}p"
        ):
            if el is not p and el.tag == f"{{{W}}}p":
                break
            parts.append({"tab": "\t", "br": "\n"}.get(etree.QName(el).localname, el.text or ""))
        out.append("".join(parts))
    return out


def test_hand_made_docx_everything_in_place(rich_docx: Path, tmp_path: Path) -> None:
    out = tmp_path / "rich.xx.docx"
    _doc, segs = translate_file(rich_docx, out)
    texts = [s.text for s in segs]
    assert "Plain then bold and red italic words." in texts
    assert "Page  of the book" in texts  # field code and result are not sent
    assert "Text in a box" in texts and " The footnote text." in texts
    assert "Header words" in texts and "Footer words" in texts
    assert not any("2024" in t for t in texts)
    z = zipfile.ZipFile(out)
    body = z.read("word/document.xml")
    paras = _paragraph_texts(body)
    assert "PLAIN THEN BOLD AND RED ITALIC WORDS." in paras
    assert "PAGE  PAGE seven OF THE BOOKnine" in paras  # field instruction and results untouched
    assert "A NOTE HERE AND A TAB\tTHEN TEXT\nNEW LINE" in paras
    assert "2024-01-01 12:30" in paras
    root = etree.fromstring(body)
    ns = {"w": W}
    bold = root.xpath("//w:r[w:rPr/w:b]/w:t/text()", namespaces=ns)
    red = root.xpath("//w:r[w:rPr/w:color/@w:val='FF0000' and w:rPr/w:i]/w:t/text()", namespaces=ns)
    assert bold == ["BOLD"] and red == ["RED ITALIC"]
    link = root.xpath("//w:hyperlink", namespaces=ns)
    assert (
        len(link) == 1
        and link[0].get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
        == "rIdLink"
    )
    assert "".join(link[0].itertext()) == "OUR SITE"
    assert root.xpath("//w:txbxContent//w:t/text()", namespaces=ns) == ["TEXT IN A BOX"]
    assert len(root.xpath("//w:footnoteReference", namespaces=ns)) == 1
    assert b"THE FOOTNOTE TEXT." in z.read("word/footnotes.xml")
    d = docx.Document(str(out))
    assert d.sections[0].header.paragraphs[0].text == "HEADER WORDS"
    assert d.sections[0].footer.paragraphs[0].text == "FOOTER WORDS"
    assert d.paragraphs[0].style.name == "Heading 1"
    assert_same_package(rich_docx, out)


def test_docx_formatting_follows_reordered_words(rich_docx: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.docx"
    translate_file(rich_docx, out, engine=FakeEngine(reverse=True))
    root = etree.fromstring(zipfile.ZipFile(out).read("word/document.xml"))
    ns = {"w": W}
    assert root.xpath("//w:r[w:rPr/w:b]/w:t/text()", namespaces=ns) == ["BOLD"]
    assert [t.strip() for t in root.xpath("//w:r[w:rPr/w:i]/w:t/text()", namespaces=ns)] == [
        "ITALIC RED"
    ]
    p = root.xpath("//w:p[.//w:b]", namespaces=ns)[0]
    assert "".join(p.itertext()) == ". WORDS ITALIC RED AND BOLD THEN PLAIN"


def test_docx_without_alignment_uses_dominant_run(rich_docx: Path, tmp_path: Path) -> None:
    out = tmp_path / "n.docx"
    translate_file(rich_docx, out, engine=FakeEngine(align="none"))
    root = etree.fromstring(zipfile.ZipFile(out).read("word/document.xml"))
    ns = {"w": W}
    assert root.xpath("//w:r[w:rPr/w:b]", namespaces=ns) == []
    assert "PLAIN THEN BOLD AND RED ITALIC WORDS." in _paragraph_texts(etree.tostring(root))
    assert len(root.xpath("//w:footnoteReference", namespaces=ns)) == 1  # objects kept


def test_docx_bilingual(rich_docx: Path, tmp_path: Path) -> None:
    out = tmp_path / "b.docx"
    translate_file(rich_docx, out, bilingual=True)
    texts = [p.text for p in docx.Document(str(out)).paragraphs]
    i = texts.index("Main title")
    assert texts[i + 1] == "MAIN TITLE"
    j = texts.index("Plain then bold and red italic words.")
    assert texts[j + 1] == "PLAIN THEN BOLD AND RED ITALIC WORDS."


# --- pptx ---------------------------------------------------------------------------------

PPTX_SAMPLES = [
    "cht-charts.pptx",
    "ph-populated-placeholders.pptx",
    "prs-notes.pptx",
    "shp-shapes.pptx",
    "test_slides.pptx",
]


def _pptx_texts(prs) -> list[str]:
    texts = []
    for slide in prs.slides:
        shapes = list(slide.shapes)
        while shapes:
            sh = shapes.pop(0)
            if sh.shape_type == 6:  # group
                shapes.extend(sh.shapes)
            if sh.has_text_frame:
                texts.extend(p.text for p in sh.text_frame.paragraphs)
            if getattr(sh, "has_table", False) and sh.has_table:
                texts.extend(c.text for row in sh.table.rows for c in row.cells)
        if slide.has_notes_slide:
            texts.extend(p.text for p in slide.notes_slide.notes_text_frame.paragraphs)
    return texts


@pytest.mark.parametrize("name", PPTX_SAMPLES)
def test_real_pptx_round_trip(shared_docs: Path, tmp_path: Path, name: str) -> None:
    pptx = pytest.importorskip("pptx")
    src = shared_docs / "pptx" / name
    before = sha(src)
    out = tmp_path / name
    translate_file(src, out)
    a, b = _pptx_texts(pptx.Presentation(str(src))), _pptx_texts(pptx.Presentation(str(out)))
    assert b == [expected(t) for t in a]
    assert_same_package(src, out)
    assert sha(src) == before


def test_pptx_notes_and_run_formatting(tmp_path: Path) -> None:
    pptx = pytest.importorskip("pptx")
    prs = pptx.Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[1])
    slide.shapes.title.text = "Slide title"
    para = slide.placeholders[1].text_frame.paragraphs[0]
    r1 = para.add_run()
    r1.text = "Normal "
    r2 = para.add_run()
    r2.text = "bold"
    r2.font.bold = True
    r3 = para.add_run()
    r3.text = " end"
    para.add_line_break()
    r4 = para.add_run()
    r4.text = "after break"
    slide.notes_slide.notes_text_frame.text = "Speaker notes here"
    src = tmp_path / "s.pptx"
    prs.save(str(src))
    out = tmp_path / "o.pptx"
    translate_file(src, out)
    res = pptx.Presentation(str(out)).slides[0]
    assert res.shapes.title.text == "SLIDE TITLE"
    p = res.placeholders[1].text_frame.paragraphs[0]
    assert [(r.text, bool(r.font.bold)) for r in p.runs] == [
        ("NORMAL ", False),
        ("BOLD", True),
        (" END", False),
        ("AFTER BREAK", False),
    ]
    assert p.text == "NORMAL BOLD END\vAFTER BREAK"
    assert res.notes_slide.notes_text_frame.text == "SPEAKER NOTES HERE"


# --- xlsx ---------------------------------------------------------------------------------


def test_xlsx_text_cells_only(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont
    from openpyxl.comments import Comment

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws["A1"] = "Product name"
    ws["B1"] = 42
    ws["C1"] = 3.5
    ws["D1"] = "=B1*C1"
    ws["E1"] = '=CONCATENATE("hello", " world")'
    ws["A2"] = CellRichText(["Plain ", TextBlock(InlineFont(b=True), "bold"), " tail"])
    ws["A3"] = "12345"
    ws["A4"] = "Product name"
    ws["A1"].comment = Comment("A helpful comment", "Author")
    wb.create_sheet("Second")["B2"] = "Another sheet"
    src = tmp_path / "book.xlsx"
    wb.save(str(src))
    out = tmp_path / "book.xx.xlsx"
    _doc, segs = translate_file(src, out)
    assert {s.text for s in segs} == {
        "Product name",
        "Plain bold tail",
        "Another sheet",
        "A helpful comment",
    }
    res = openpyxl.load_workbook(str(out), rich_text=True)
    ws2 = res["Data"]
    assert ws2["A1"].value == "PRODUCT NAME" and ws2["A4"].value == "PRODUCT NAME"
    assert ws2["B1"].value == 42 and ws2["C1"].value == 3.5
    assert ws2["D1"].value == "=B1*C1" and ws2["E1"].value == '=CONCATENATE("hello", " world")'
    assert ws2["A3"].value == "12345"
    rich = ws2["A2"].value
    assert [(b.text, bool(b.font.b)) if isinstance(b, TextBlock) else (b, False) for b in rich] == [
        ("PLAIN ", False),
        ("BOLD", True),
        (" TAIL", False),
    ]
    assert res["Second"]["B2"].value == "ANOTHER SHEET"
    assert res.sheetnames == ["Data", "Second"]
    assert ws2["A1"].comment.text == "A HELPFUL COMMENT"


# --- OpenDocument -------------------------------------------------------------------------

ODF_SAMPLES = [
    "ClimateChange2.odt",
    "chinese_spreadsheet.ods",
    "cols.odp",
    "headerfooter.odt",
    "serious_poem.odt",
    "simpletable.odt",
    "twolevellist.odt",
]


def _odf_paragraphs(path: Path) -> list[str]:
    from odf import teletype, text
    from odf.opendocument import load

    d = load(str(path))
    return [
        teletype.extractText(p) for p in d.getElementsByType(text.P) + d.getElementsByType(text.H)
    ]


@pytest.mark.parametrize("name", ODF_SAMPLES)
def test_real_odf_round_trip(shared_docs: Path, tmp_path: Path, name: str) -> None:
    pytest.importorskip("odf")
    src = shared_docs / "odf" / name
    before = sha(src)
    out = tmp_path / name
    translate_file(src, out)
    a, b = _odf_paragraphs(src), _odf_paragraphs(out)
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        if x != y:
            assert y == expected(x)
    assert a != b
    assert_same_package(src, out)
    z = zipfile.ZipFile(out)
    assert z.infolist()[0].filename == "mimetype" and z.read("mimetype") == zipfile.ZipFile(
        src
    ).read("mimetype")
    assert sha(src) == before


def test_odt_spans_and_header_fields(shared_docs: Path, tmp_path: Path) -> None:
    out = tmp_path / "h.odt"
    translate_file(shared_docs / "odf" / "headerfooter.odt", out)
    styles = zipfile.ZipFile(out).read("styles.xml").decode()
    assert (
        "HEADER<text:tab/><text:page-number" in styles
        and "</text:page-number><text:tab/>TEST" in styles
    )
    translate_file(shared_docs / "odf" / "simpletable.odt", out)
    content = zipfile.ZipFile(out).read("content.xml").decode()
    src = zipfile.ZipFile(shared_docs / "odf" / "simpletable.odt").read("content.xml").decode()
    spans_in = re.findall(r'<text:span text:style-name="([^"]+)">([^<]*)</text:span>', src)
    spans_out = re.findall(r'<text:span text:style-name="([^"]+)">([^<]*)</text:span>', content)
    assert spans_out == [(style, expected(t)) for style, t in spans_in]


def test_ods_numbers_and_formulas_untouched(tmp_path: Path) -> None:
    content = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet><table:table table:name="Sheet1"><table:table-row>
<table:table-cell office:value-type="string"><text:p>Some words</text:p></table:table-cell>
<table:table-cell office:value-type="float" office:value="3"><text:p>3</text:p></table:table-cell>
<table:table-cell table:formula="of:=CONCAT(&quot;a&quot;;&quot;b&quot;)" office:value-type="string"><text:p>ab text</text:p></table:table-cell>
<table:table-cell office:value-type="date" office:date-value="2020-01-01"><text:p>Jan 1st</text:p></table:table-cell>
</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"""
    src = tmp_path / "s.ods"
    with zipfile.ZipFile(src, "w") as z:
        z.writestr(
            "mimetype",
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        z.writestr("content.xml", content)
    _doc, segs = translate_file(src, tmp_path / "o.ods")
    assert [s.text for s in segs] == ["Some words"]
    out = zipfile.ZipFile(tmp_path / "o.ods").read("content.xml").decode()
    assert (
        "<text:p>SOME WORDS</text:p>" in out
        and "<text:p>ab text</text:p>" in out
        and "Jan 1st" in out
    )


# --- damaged packages -----------------------------------------------------------------------


@pytest.mark.parametrize("ext", [".docx", ".pptx", ".xlsx", ".odt", ".epub"])
def test_damaged_and_wrong_packages(tmp_path: Path, ext: str) -> None:
    not_zip = tmp_path / f"text{ext}"
    not_zip.write_text("just some text, not a zip")
    with pytest.raises(DocumentParseError, match=f"text{re.escape(ext)}: not a valid"):
        open_document(not_zip)
    truncated = tmp_path / f"trunc{ext}"
    good = io.BytesIO()
    with zipfile.ZipFile(good, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>" * 2000)
        z.writestr("mimetype", "x" * 5000)
    truncated.write_bytes(good.getvalue()[: len(good.getvalue()) // 2])
    with pytest.raises(DocumentParseError, match=f"trunc{re.escape(ext)}"):
        open_document(truncated)
    other = tmp_path / f"other{ext}"
    with zipfile.ZipFile(other, "w") as z:
        z.writestr("hello.txt", "a zip of something else")
    with pytest.raises(DocumentParseError, match=f"other{re.escape(ext)}: not a"):
        open_document(other)


# --- LibreOffice ------------------------------------------------------------------------

SOFFICE = __import__("shutil").which("soffice") or __import__("shutil").which("libreoffice")


def _soffice() -> str:
    """LibreOffice's binary; CI installs it (make libreoffice), so there it must exist."""
    if SOFFICE is None:
        if os.environ.get("CI") == "true":
            pytest.fail("LibreOffice (soffice) not installed: run `make libreoffice`")
        pytest.skip("LibreOffice (soffice) not installed (make libreoffice)")
    return SOFFICE


def _pages(pdf: Path) -> int:
    import pypdf

    return len(pypdf.PdfReader(str(pdf)).pages)


class _SameText(FakeEngine):
    """Gives every text back unchanged, with word alignment: the whole rebuild runs, but
    a page count can only change if the rebuild broke the layout (upper case is wider)."""

    def translate_texts(self, texts, source, target, options=None, **kwargs):
        got = super().translate_texts(texts, source, target, options, **kwargs)
        return [
            Translation(text, tr.alignment if len(tr.text) == len(text) else ())
            for text, tr in zip(texts, got, strict=True)
        ]


def test_libreoffice_opens_every_output_with_the_sources_page_count(
    shared_docs: Path, tmp_path: Path
) -> None:
    """Every rebuilt office file (and its bilingual version) opens in LibreOffice and
    prints to as many pages as its source (bilingual slides too; bilingual text and cells
    are longer, so they only have to open). All files go through one soffice run: starting
    LibreOffice costs seconds, converting a small file a fraction of one."""
    import subprocess

    openpyxl = pytest.importorskip("openpyxl")
    soffice = _soffice()
    book = openpyxl.Workbook()
    book.active["A1"], book.active["B1"], book.active["A2"] = "Hello world", "=1+1", 3
    book.active["A3"] = "Text across several cells of the sheet."
    book.save(tmp_path / "book.xlsx")
    sources = [
        *sorted((shared_docs / "docx").glob("*.docx")),
        *sorted((shared_docs / "pptx").glob("*.pptx")),
        *sorted((shared_docs / "odf").glob("*.od?")),
        tmp_path / "book.xlsx",
    ]
    jobs = []  # (source, output, bilingual)
    for n, src in enumerate(sources):
        for bilingual in (False, True):
            out = tmp_path / "out" / f"{n}-{'bi' if bilingual else 'tr'}-{src.name}"
            out.parent.mkdir(exist_ok=True)
            translate_file(src, out, _SameText(), bilingual=bilingual)
            jobs.append((src, out, bilingual))
    originals = tmp_path / "src"
    originals.mkdir()
    copies = [originals / f"{n}-src-{src.name}" for n, src in enumerate(sources)]
    for src, copy in zip(sources, copies, strict=True):
        copy.write_bytes(src.read_bytes())
    pdf = tmp_path / "pdf"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(pdf),
            *map(str, copies),
            *(str(out) for _, out, _ in jobs),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    source_pages = {src: _pages(pdf / f"{c.stem}.pdf") for src, c in zip(sources, copies)}
    got = {}
    for src, out, bilingual in jobs:
        printed = pdf / f"{out.stem}.pdf"
        assert printed.is_file(), f"LibreOffice could not open {out.name}"
        if not bilingual or src.suffix in (".pptx", ".odp"):
            got[out.name] = (_pages(printed), source_pages[src])
    assert {name: pages for name, (pages, _) in got.items()} == {
        name: expected for name, (_, expected) in got.items()
    }
