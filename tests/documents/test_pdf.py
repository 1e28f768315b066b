"""PDF: text page by page into a .docx or .txt; encrypted and image-only PDFs fail clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from offline_nlp.documents.pdf import _Line, paragraphs_of
from offline_nlp.documents.registry import open_document
from offline_nlp.errors import DocumentParseError

from .conftest import fake_translate, sha, translate_file

pytest.importorskip("pypdf")


def _line(text: str, x0: float, top: float, x1: float | None = None, block: int = 0) -> _Line:
    x1 = x0 + 5 * len(text) if x1 is None else x1
    return _Line(text, x0, x1, top, top + 10, block, 0)


def test_paragraphs_are_rebuilt_from_line_geometry() -> None:
    lines = [
        _line("A Title", 72, 60, block=0),
        _line("This long line of running text wraps at the right margin of", 72, 80),
        _line("the page and goes on with a hyphen-", 72, 92),
        _line("ated word.", 72, 104),
        _line("Short line.", 72, 116),
        _line("A paragraph after a gap.", 72, 140),
        _line("• A list item wrapped with a hanging", 72, 160, block=1),
        _line("indent in a block of its own.", 84, 172, block=2),
    ]
    right = max(line.x1 for line in lines)
    for line in lines:
        line.right = right
    lines[2].x1 = lines[6].x1 = right  # these lines fill the width
    assert paragraphs_of(lines) == [
        "A Title",
        "This long line of running text wraps at the right margin of the page and goes on "
        "with a hyphenated word.",
        "Short line.",
        "A paragraph after a gap.",
        "• A list item wrapped with a hanging indent in a block of its own.",
    ]


def test_real_pdf_to_docx_keeps_page_order(shared_docs: Path, tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    src = shared_docs / "pdf" / "pdflatex-outline.pdf"
    before = sha(src)
    out = tmp_path / "o.docx"
    doc, segs = translate_file(src, out)
    d = docx.Document(str(out))
    texts = [p.text for p in d.paragraphs if p.text]
    paragraphs = [p for page in doc._pages for p in page]
    assert texts == [fake_translate(p)[0] for p in paragraphs if p]
    assert len(segs) < len(paragraphs)  # page numbers are not sent
    assert texts[0] == "CONTENTS"
    body = d.element.body.xml
    assert body.count('w:type="page"') == 3  # four pages
    assert sha(src) == before


def test_real_pdf_to_txt_and_bilingual_table(shared_docs: Path, tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    src = shared_docs / "pdf" / "crazyones.pdf"
    _doc, segs = translate_file(src, tmp_path / "o.txt")
    text = (tmp_path / "o.txt").read_text(encoding="utf-8")
    assert text.startswith("THE CRAZY ONES\n\nOCTOBER 14, 1998\n\n")
    assert all(fake_translate(s.text)[0] in text for s in segs)
    translate_file(src, tmp_path / "b.docx", bilingual=True)
    table = docx.Document(str(tmp_path / "b.docx")).tables[0]
    assert [c.text for c in table.rows[0].cells] == ["The Crazy Ones", "THE CRAZY ONES"]


def test_multilingual_pdf(shared_docs: Path, tmp_path: Path) -> None:
    _doc, segs = translate_file(shared_docs / "pdf" / "multilang.pdf", tmp_path / "m.txt")
    texts = [s.text for s in segs]
    # Arabic is stored in visual order: it comes back in reading order
    assert "Russian: Привет, мир" in texts and "Arabic: مرحبا بالعالم" in texts


def test_encrypted_and_image_only_pdf(shared_docs: Path, tmp_path: Path) -> None:
    import pypdf

    with pytest.raises(DocumentParseError, match="git.pdf: the PDF has no text layer"):
        open_document(shared_docs / "pdf" / "git.pdf")
    # its owner password is empty: it opens without asking, as the README says
    segs = open_document(shared_docs / "pdf" / "r6-user-password.pdf").segments()
    assert [s.text for s in segs] == ["pdf encryption test password: asdfzxcv"]
    writer = pypdf.PdfWriter(clone_from=str(shared_docs / "pdf" / "crazyones.pdf"))
    writer.encrypt(user_password="secret", owner_password="other", algorithm="RC4-128")
    locked = tmp_path / "locked.pdf"
    writer.write(str(locked))
    with pytest.raises(DocumentParseError, match="locked.pdf: the PDF is encrypted"):
        open_document(locked)


def test_fake_pdf(tmp_path: Path) -> None:
    bad = tmp_path / "x.pdf"
    bad.write_bytes(b"PK\x03\x04 a zip pretending")
    with pytest.raises(DocumentParseError, match="x.pdf: not a PDF"):
        open_document(bad)
    damaged = tmp_path / "d.pdf"
    damaged.write_bytes(b"%PDF-1.4\n garbage garbage")
    with pytest.raises(DocumentParseError, match="d.pdf"):
        open_document(damaged)


def test_a_paragraph_cut_by_a_page_break_is_joined_and_a_rule_separates_cells() -> None:
    from offline_nlp.documents.pdf import _across_pages, _Paragraph, _paragraphs

    end = _line("The sentence runs to the very end of the page and", 72, 700, x1=400)
    end.right = 400
    top = _line("goes on at the top of the next page.", 72, 60)
    title = _line("Next Title", 72, 80)
    pages = [[_Paragraph(end.text, end, end)], [_Paragraph(top.text, top, top)]]
    assert _across_pages(pages) == [[f"{end.text} {top.text}"], []]
    pages = [[_Paragraph(end.text, end, end)], [_Paragraph(title.text, title, title)]]
    assert _across_pages(pages) == [[end.text], [title.text]]
    cell = _line("A table cell that fills its column", 72, 100, x1=250)
    below = _line("and the cell below.", 72, 112)
    cell.right = below.right = 250
    assert [p.text for p in _paragraphs([cell, below])] == [f"{cell.text} {below.text}"]
    ruled = _paragraphs([cell, below], rules=[(111.0, 60.0, 260.0)])
    assert [p.text for p in ruled] == [cell.text, below.text]
