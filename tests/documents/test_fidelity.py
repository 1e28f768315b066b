"""Second pass on document fidelity (issue 10), end to end on the fixture model en -> xl.

Each test asserts what a reader of the translated file would notice: a link pointing to
the wrong place, a field glued to a word, a footnote number lost, a text file's lines
joined, numbers doubled in a bilingual list, a PDF sentence cut in two.
"""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def xl():
    import synthetic

    return lambda text: synthetic.translate_text(text, "en", "xl")


def _translate(
    engine, tmp_path: Path, name: str, content: str | bytes, out_name: str = "", **kwargs
) -> Path:
    from offline_nlp.documents import translate_documents

    src = tmp_path / name
    if isinstance(content, str):
        src.write_text(content, encoding="utf-8")
    else:
        src.write_bytes(content)
    dst = tmp_path / "out" / (out_name or name)
    (result,) = translate_documents([(src, dst)], engine, "en", "xl", **kwargs)
    assert result.status == "done", result.message
    return dst


def test_markdown_links_keep_their_own_url_and_titles_and_alt_text_are_translated(
    fixture_engine, xl, tmp_path: Path
) -> None:
    md = (
        'We read [the book](http://a.b/ "An old book"), [the letter](http://c.d/) '
        "and [the story](http://e.f/).\n\n"
        '![A red house](house.png "The old house")\n'
    )
    out = _translate(fixture_engine, tmp_path, "a.md", md).read_text(encoding="utf-8")
    words = xl("We read the book, the letter and the story.").split()
    title = xl("An old book")
    assert out == (
        f"{words[0]} {words[1]} [{words[2]} {words[3].rstrip(',')}](http://a.b/ \"{title}\"), "
        f"[{words[4]} {words[5]}](http://c.d/) {words[6]} [{words[7]} {words[8].rstrip('.')}]"
        f"(http://e.f/).\n\n"
        f'![{xl("A red house")}](house.png "{xl("The old house")}")\n'
    )


def _footer_with_page_field(docx) -> bytes:
    """A docx whose footer reads "Day <PAGE> of the week." as LibreOffice writes it."""
    import io

    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    d = docx.Document()
    d.add_paragraph("The children play in the garden.")  # in one batch with the footer
    footer = d.sections[0].footer.paragraphs[0]
    runs = (
        '<w:r><w:t xml:space="preserve">Day </w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        "<w:r><w:t>1</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:r><w:t xml:space="preserve"> of the week.</w:t></w:r>'
    )
    for run in parse_xml(f"<w:p {nsdecls('w')}>{runs}</w:p>"):
        footer._p.append(run)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_a_field_code_or_image_between_two_spaces_keeps_both(
    fixture_engine, xl, tmp_path: Path
) -> None:
    docx = pytest.importorskip("docx")
    out = _translate(fixture_engine, tmp_path, "f.docx", _footer_with_page_field(docx))
    day, of, the, week = xl("Day of the week.").split()
    assert docx.Document(str(out)).sections[0].footer.paragraphs[0].text == (
        f"{day} 1 {of} {the} {week}"
    )
    page = '<p>We use <code>x = 1</code> every day.</p>'
    html = _translate(fixture_engine, tmp_path, "c.html", page).read_text(encoding="utf-8")
    we, use, every, day_ = xl("We use every day.").split()
    assert html == f"<p>{we} {use} <code>x = 1</code> {every} {day_}</p>"
    md = "We use `x = 1` every day, and ![a cat](cat.png) here.\n"
    text = _translate(fixture_engine, tmp_path, "c.md", md).read_text(encoding="utf-8")
    words = xl("We use every day, and here.").split()
    assert text == (
        f"{' '.join(words[:2])} `x = 1` {' '.join(words[2:5])} ![{xl('a cat')}](cat.png) "
        f"{words[5]}\n"
    )


def test_plain_text_keeps_lines_that_end_sentences_and_inner_indentation(
    fixture_engine, xl, tmp_path: Path
) -> None:
    import textwrap

    wrapped = (
        "The old man and the young woman walk to the big market in the city every "
        "morning and they buy bread and milk and green fruit there."
    )
    text = (
        "The dog is happy and the cat is happy too.\n"
        "We read a good book today in the garden.\n"
        "The children play with the red car.\n\n"
        "My old friend and my brother\n"
        "    We drink green tea.\n"
        "    The sun is hot.\n\n"
        f"{textwrap.fill(wrapped, 40)}\n"
    )
    assert textwrap.fill(wrapped, 40).count("\n") >= 2
    out = _translate(fixture_engine, tmp_path, "a.txt", text).read_text(encoding="utf-8")
    assert out == (
        f"{xl('The dog is happy and the cat is happy too.')}\n"
        f"{xl('We read a good book today in the garden.')}\n"
        f"{xl('The children play with the red car.')}\n\n"
        f"{xl('My old friend and my brother')}\n"
        f"    {xl('We drink green tea.')}\n"
        f"    {xl('The sun is hot.')}\n\n"
        f"{xl(wrapped)}\n"
    )


def test_html_footnote_reference_is_kept_with_its_link_after_its_word(
    fixture_engine, xl, tmp_path: Path
) -> None:
    page = (
        '<p>The dog is happy<a href="#fn1" id="r1"><sup>1</sup></a> and we go home.</p>\n'
        '<aside id="fn1"><p><a href="#r1">1</a> The cat is old.</p></aside>\n'
    )
    out = _translate(fixture_engine, tmp_path, "n.html", page).read_text(encoding="utf-8")
    words = xl("The dog is happy and we go home.").split()
    assert out == (
        f'<p>{" ".join(words[:4])}<a href="#fn1" id="r1"><sup>1</sup></a> '
        f'{" ".join(words[4:])}</p>\n'
        f'<aside id="fn1"><p><a href="#r1">1</a> {xl("The cat is old.")}</p></aside>\n'
    )


def test_bilingual_html_nested_list_is_balanced_without_duplicate_ids(
    fixture_engine, xl, tmp_path: Path
) -> None:
    page = (
        '<ul>\n<li id="a">The early day\n<ul>\n<li id="b">The cold night</li>\n</ul>\n</li>\n'
        "<li>The late day</li>\n</ul>\n"
    )
    out = _translate(fixture_engine, tmp_path, "l.html", page, bilingual=True)
    assert out.read_text(encoding="utf-8") == (
        f'<ul>\n<li id="a">The early day<br>{xl("The early day")}\n<ul>\n'
        f'<li>The cold night</li>\n<li id="b">{xl("The cold night")}</li>\n</ul>\n</li>\n'
        f"<li>The late day</li>\n<li>{xl('The late day')}</li>\n</ul>\n"
    )


def _numbering(paragraph) -> str | None:
    """The numId a docx paragraph's direct formatting gives it (None: from its style)."""
    from docx.oxml.ns import qn

    ppr = paragraph._p.pPr
    num = ppr.find(qn("w:numPr")) if ppr is not None else None
    return num.find(qn("w:numId")).get(qn("w:val")) if num is not None else None


def test_bilingual_numbered_list_numbers_once_and_every_office_format_is_bilingual(
    fixture_engine, xl, tmp_path: Path
) -> None:
    import io

    docx = pytest.importorskip("docx")
    openpyxl = pytest.importorskip("openpyxl")
    pptx = pytest.importorskip("pptx")
    d = docx.Document()
    d.add_paragraph("The early day", style="List Number")
    d.add_paragraph("The cold night", style="List Number")
    buf = io.BytesIO()
    d.save(buf)
    out = docx.Document(str(_translate(fixture_engine, tmp_path, "l.docx", buf.getvalue(),
                                       bilingual=True)))
    rows = [(p.text, p.style.name, _numbering(p)) for p in out.paragraphs]
    # the original copy is told "no list" (numId 0); the translation keeps its number
    assert rows == [
        ("The early day", "List Number", "0"),
        (xl("The early day"), "List Number", None),
        ("The cold night", "List Number", "0"),
        (xl("The cold night"), "List Number", None),
    ]

    wb = openpyxl.Workbook()
    wb.active["A1"] = "The cold night"
    wb.active["A2"] = 42
    buf = io.BytesIO()
    wb.save(buf)
    book = openpyxl.load_workbook(_translate(fixture_engine, tmp_path, "b.xlsx", buf.getvalue(),
                                             bilingual=True))
    assert [book.active["A1"].value, book.active["A2"].value] == [
        f"The cold night\n{xl('The cold night')}",
        42,
    ]

    deck = pptx.Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    slide.shapes.title.text = "The early day"
    buf = io.BytesIO()
    deck.save(buf)
    shown = pptx.Presentation(str(_translate(fixture_engine, tmp_path, "s.pptx", buf.getvalue(),
                                             bilingual=True)))
    title = shown.slides[0].shapes.title.text_frame
    assert [p.text for p in title.paragraphs] == ["The early day", xl("The early day")]


@pytest.mark.parametrize("name", ["odf/chinese_spreadsheet.ods", "odf/cols.odp"])
def test_bilingual_slides_and_sheets_of_opendocument(shared_docs: Path, tmp_path: Path, name):
    import zipfile

    from lxml import etree

    from .conftest import translate_file

    out = tmp_path / Path(name).name
    translate_file(shared_docs / name, out, bilingual=True)
    text_ns = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    root = etree.fromstring(zipfile.ZipFile(out).read("content.xml"))
    paragraphs = ["".join(p.itertext()) for p in root.iter(f"{{{text_ns}}}p")]
    pairs = [(a, b) for a, b in zip(paragraphs, paragraphs[1:]) if b == a.upper() != a]
    assert pairs and len(pairs) * 2 == len([p for p in paragraphs if p.strip()])


#: LibreOffice 7.4's PDF export of a python-docx file: a heading, a paragraph, a bulleted
#: and a numbered list whose first items wrap with a hanging indent, a 2x2 table whose
#: cells wrap, a last paragraph.
LISTS_AND_TABLE = Path(__file__).parents[1] / "fixtures" / "documents" / "lists-and-table.pdf"


def test_pdf_list_items_and_table_cells_are_whole_sentences(
    fixture_engine, xl, tmp_path: Path
) -> None:
    docx = pytest.importorskip("docx")
    sentences = [
        "The old house",
        "The old man and the young woman walk to the big market in the city every morning "
        "and they buy bread and milk and green fruit there with their children.",
        "The dog is happy and the cat is happy too and they play in the garden every day.",
        "We read a good book today.",
        "My friend and my brother drink green tea in the kitchen every evening after work.",
        "The sun is hot.",
        "The red car is fast and the blue bus is slow on the long road.",
        "The children play.",
        "We eat bread.",
        "The teacher and the student read the story in the quiet room of the school.",
        "The river is cold in the morning and the bird sing in the tree by the water.",
    ]
    markers = ["", "", "• ", "• ", "1. ", "2. ", "", "", "", "", ""]
    out = _translate(fixture_engine, tmp_path, "l.pdf", LISTS_AND_TABLE.read_bytes(), "l.docx")
    paragraphs = [p.text for p in docx.Document(str(out)).paragraphs]
    assert paragraphs == [m + xl(s) for m, s in zip(markers, sentences, strict=True)]
