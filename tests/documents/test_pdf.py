"""PDF: text page by page into a .docx or .txt; encrypted and image-only PDFs fail clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from offline_nlp.documents.pdf import paragraphs_of
from offline_nlp.documents.pdf_lines import _Line
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
    from offline_nlp.documents.pdf_blocks import _across_pages, _Paragraph, _paragraphs

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


# --- PDF in, PDF out ---------------------------------------------------------------------

LISTS_AND_TABLE = Path(__file__).parents[1] / "fixtures" / "documents" / "lists-and-table.pdf"


def _poppler(tool: str) -> str:
    import shutil

    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} (poppler-utils) is not installed")
    return path


def _pdftotext(path: Path, *args: str) -> str:
    import subprocess

    return subprocess.run([_poppler("pdftotext"), *args, str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def _flat(text: str) -> str:
    return " ".join(text.split())


def _fonts_embedded(path: Path) -> list[str]:
    import subprocess

    out = subprocess.run([_poppler("pdffonts"), str(path)], capture_output=True, text=True,
                         check=True).stdout.splitlines()[2:]
    return [line.split()[-5] for line in out]  # the "emb" column


def test_pdf_to_pdf_same_pages_with_the_text_translated(tmp_path: Path) -> None:
    pikepdf = pytest.importorskip("pikepdf")
    before = sha(LISTS_AND_TABLE)
    out = tmp_path / "l.pdf"
    doc, segs = translate_file(LISTS_AND_TABLE, out)
    with pikepdf.open(LISTS_AND_TABLE) as a, pikepdf.open(out) as b:
        assert len(a.pages) == len(b.pages)
        for pa, pb in zip(a.pages, b.pages, strict=True):
            assert [float(v) for v in pa.mediabox] == [float(v) for v in pb.mediabox]
            assert pa.obj.get("/Rotate", 0) == pb.obj.get("/Rotate", 0)
    text = _flat(_pdftotext(out))
    for seg in segs:
        assert _flat(fake_translate(seg.text)[0]) in text
    assert "The old man and the young woman" not in text  # the source's glyphs are gone
    assert set(_fonts_embedded(out)) == {"yes"}
    [page] = doc.accounting
    assert page["translated"] + page["kept"] + page["reported"] == page["glyphs"] > 500
    assert page["translated"] > 0.9 * page["glyphs"]
    assert len(page["boxes"]) == len([s for s in segs if s.locator[0] >= 0])  # not the title
    for x0, y0, x1, y1 in page["boxes"]:
        assert 0 <= x0 < x1 <= 595.5 and 0 <= y0 < y1 <= 842.5
    assert sha(LISTS_AND_TABLE) == before


def _marker_boxes(path: Path) -> list[tuple[str, str, str]]:
    import re

    html = _pdftotext(path, "-bbox")
    return [
        (m.group(3), m.group(1), m.group(2))
        for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([0-9.]+)</word>', html)
        if m.group(3) in ("1.", "2.")
    ]


def test_list_markers_stay_in_place_where_their_operator_also_drew_the_item(
    tmp_path: Path,
) -> None:
    out = tmp_path / "l.pdf"
    translate_file(LISTS_AND_TABLE, out)
    assert len(_marker_boxes(LISTS_AND_TABLE)) == 2
    assert _marker_boxes(out) == _marker_boxes(LISTS_AND_TABLE)


def test_bilingual_pdf_puts_each_translated_page_after_its_original(tmp_path: Path) -> None:
    pikepdf = pytest.importorskip("pikepdf")
    src = Path(__file__).parents[2].parent / "shared" / "documents" / "pdf" / "pdflatex-outline.pdf"
    if not src.exists():
        pytest.skip("shared sample documents are not here")
    out = tmp_path / "b.pdf"
    doc, _segs = translate_file(src, out, bilingual=True)
    with pikepdf.open(out) as b:
        assert len(b.pages) == 2 * len(doc.accounting) == 8
    first, second = _pdftotext(out, "-f", "1", "-l", "1"), _pdftotext(out, "-f", "2", "-l", "2")
    assert "Contents" in first or "CONTENTS" in first
    assert first != second
    for page in doc.accounting:
        assert page["translated"] + page["kept"] + page["reported"] == page["glyphs"]


def _form_and_type3_pdf(path: Path, image_pdf: Path | None) -> None:
    """Page 1: text inside a form XObject drawn twice; page 2: a Type3 font; page 3: a
    copy of an image-only page."""
    import pikepdf

    pdf = pikepdf.new()
    helv = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica))
    form = pdf.make_stream(
        b"BT /F1 12 Tf 0 0 Td (The old man reads a good book.) Tj ET",
        Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form, BBox=[0, 0, 400, 20],
        Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=helv)))
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page, MediaBox=[0, 0, 595, 842],
        Resources=pikepdf.Dictionary(
            XObject=pikepdf.Dictionary(Fm0=form), Font=pikepdf.Dictionary(F1=helv)),
        Contents=pdf.make_stream(
            b"q 1 0 0 1 72 700 cm /Fm0 Do Q BT /F1 12 Tf 72 600 Td (Page one.) Tj ET"))
    pdf.pages.append(pikepdf.Page(page))
    t3 = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type3, FontBBox=[0, 0, 750, 750],
        FontMatrix=[0.001, 0, 0, 0.001, 0, 0],
        CharProcs=pikepdf.Dictionary(a=pdf.make_stream(b"1000 0 0 0 750 750 d1 0 0 750 750 re f")),
        Encoding=pikepdf.Dictionary(Type=pikepdf.Name.Encoding,
                                    Differences=[97, pikepdf.Name.a]),
        FirstChar=97, LastChar=97, Widths=[1000], Resources=pikepdf.Dictionary()))
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page, MediaBox=[0, 0, 595, 842],
        Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(T3=t3)),
        Contents=pdf.make_stream(b"BT /T3 12 Tf 72 700 Td (aaa) Tj ET"))
    pdf.pages.append(pikepdf.Page(page))
    if image_pdf is not None:
        with pikepdf.open(image_pdf) as img:
            pdf.pages.append(img.pages[0])
            pdf.save(path)
    else:
        pdf.save(path)


def test_form_xobject_text_type3_and_image_pages(tmp_path: Path, shared_docs: Path) -> None:
    pikepdf = pytest.importorskip("pikepdf")
    src = tmp_path / "s.pdf"
    _form_and_type3_pdf(src, shared_docs / "pdf" / "git.pdf")
    out = tmp_path / "o.pdf"
    doc, segs = translate_file(src, out)
    assert [s.text for s in segs] == ["The old man reads a good book.", "Page one."]
    text = _flat(_pdftotext(out))
    assert "THE OLD MAN READS A GOOD BOOK." in text and "PAGE ONE." in text
    assert "The old man" not in text
    one, type3, image = doc.accounting
    assert one["translated"] == one["glyphs"] == 39
    assert type3["reported"] == type3["glyphs"] == 3
    assert any("Type3" in n for n in type3["notes"])
    assert image["notes"] == ["page 3 is an image; it was kept untranslated"]
    with pikepdf.open(out) as pdf:
        assert len(pdf.pages) == 3
        with pikepdf.open(shared_docs / "pdf" / "git.pdf") as image_pdf:
            [(name, original)] = image_pdf.pages[0].obj.Resources.XObject.items()
            copy = pdf.pages[2].obj.Resources.XObject[name]
            assert copy.read_raw_bytes() == original.read_raw_bytes()


def test_pdf_opening_with_an_empty_password_is_translated(
    shared_docs: Path, tmp_path: Path
) -> None:
    out = tmp_path / "r6.pdf"
    translate_file(shared_docs / "pdf" / "r6-user-password.pdf", out)
    assert "PDF ENCRYPTION TEST PASSWORD: ASDFZXCV" in _flat(_pdftotext(out))


def test_cjk_translation_embeds_a_system_font_and_breaks_with_kinsoku(
    shared_docs: Path, tmp_path: Path
) -> None:
    from offline_nlp.documents.pdf_fonts import _find_cjk
    from offline_nlp.engine.types import Translation

    if _find_cjk("zh") is None:
        pytest.skip("no CJK font installed (fonts-noto-cjk)")
    doc = open_document(shared_docs / "pdf" / "crazyones.pdf")
    segs = doc.segments()
    cjk = "这是一个很长的句子，我们用它来测试换行。「引号」也一样。" * 3
    doc.target_language = "zh"
    out = tmp_path / "z.pdf"
    doc.write(out, [Translation(cjk) for _ in segs])
    lines = [line for line in _pdftotext(out).splitlines() if line.strip()]
    assert "".join(lines).count("这是一个很长的句子") >= 3 * (len(segs) - 2)
    assert not any(line[0] in "。，」" for line in lines)
    assert set(_fonts_embedded(out)) == {"yes"}
    import pikepdf

    with pikepdf.open(out) as pdf:
        assert str(pdf.Root.Lang) == "zh"


def test_kinsoku_tokens() -> None:
    from offline_nlp.documents.pdf_typeset import _tokens

    tokens = [t for t, _ in _tokens("今日は「良い」天気。Hello world, 世界！")]
    assert "「良" in tokens and "い」" in tokens and "気。" in tokens and "界！" in tokens
    assert "Hello" in tokens and "world," in tokens
    assert not any(t[0] in "。、」）！" for t in tokens)


def test_cli_writes_a_pdf_and_counts_its_pages_in_json(
    installed_home, monkeypatch, capsys, tmp_path: Path, shared_docs: Path
) -> None:
    import json
    import shutil

    import synthetic

    from offline_nlp.cli import main

    monkeypatch.setenv("OFFLINE_NLP_PACKAGES", str(installed_home.packages))
    lists = tmp_path / "l.pdf"
    shutil.copyfile(LISTS_AND_TABLE, lists)
    mixed = tmp_path / "m.pdf"
    _form_and_type3_pdf(mixed, shared_docs / "pdf" / "git.pdf")
    assert main(["translate", "--from", "en", "--to", "xl", str(lists), str(mixed), "--json"]) == 0
    out, err = capsys.readouterr()
    entries = {Path(e["input"]).name: e for e in json.loads(out)}
    assert entries["l.pdf"]["output"] == str(tmp_path / "l.xl.pdf")
    for entry in entries.values():
        for page in entry["pdf_pages"]:
            assert page["translated"] + page["kept"] + page["reported"] == page["glyphs"]
    assert [p["page"] for p in entries["m.pdf"]["pdf_pages"]] == [1, 2, 3]
    assert "m.pdf: page 3 is an image; it was kept untranslated" in err.splitlines()
    assert any(line.startswith("m.pdf: page 2:") and "Type3" in line for line in err.splitlines())
    # the word-for-word fixture: each block's translation, exactly, in reading order
    text = _flat(_pdftotext(tmp_path / "l.xl.pdf"))
    expected = [synthetic.translate_text(s.text, "en", "xl")
                for s in open_document(lists).segments() if s.locator[0] >= 0]
    positions = [text.find(_flat(e)) for e in expected]
    assert -1 not in positions
    assert positions == sorted(positions)


def _gray(path: Path, page: int, tmp_path: Path):
    """Page ``page`` rendered at 72 dpi as rows of grey levels (pdftoppm's PGM)."""
    import subprocess

    import numpy as np

    stem = tmp_path / f"{path.stem}-{page}"
    subprocess.run([_poppler("pdftoppm"), "-r", "72", "-gray", "-f", str(page), "-l", str(page),
                    "-singlefile", str(path), str(stem)], check=True)
    data = stem.with_suffix(".pgm").read_bytes()
    _magic, width, height, _max, pixels = data.split(maxsplit=4)
    return np.frombuffer(pixels, np.uint8).reshape(int(height), int(width)).astype(int)


def test_pixels_outside_the_translated_boxes_are_the_sources(tmp_path: Path) -> None:
    pytest.importorskip("numpy")
    out = tmp_path / "l.pdf"
    doc, _segs = translate_file(LISTS_AND_TABLE, out)
    before, after = _gray(LISTS_AND_TABLE, 1, tmp_path), _gray(out, 1, tmp_path)
    import numpy as np

    outside = np.ones(before.shape, bool)
    height = before.shape[0]
    for x0, y0, x1, y1 in doc.accounting[0]["boxes"]:  # MediaBox starts at 0 0
        outside[max(0, int(height - y1) - 2) : int(height - y0) + 3,
                max(0, int(x0) - 2) : int(x1) + 3] = False
    changed = (abs(before - after) > 40) & ~outside
    assert changed.sum() > 1000  # the translation is there
    assert ((abs(before - after) > 40) & outside).sum() == 0


def _two_columns(path: Path) -> tuple[list[str], list[str]]:
    """A page in two columns: the first paragraph runs from the foot of the left column
    to the top of the right one. Returns the paragraphs of each column, in order."""
    canvas = pytest.importorskip("reportlab.pdfgen.canvas")
    from reportlab.pdfbase.pdfmetrics import stringWidth  # the test extra has reportlab

    phrase = ("the old man and the young woman walk to the big market in the city every "
              "morning and they buy bread and milk and green fruit there with their children")
    words = phrase.split()
    left = ["The first paragraph " + " ".join(words * 6) + " end of it.",
            "A second paragraph in the right column " + " ".join(words) + "."]
    c = canvas.Canvas(str(path), pagesize=(595, 842))
    c.setFont("Helvetica", 10)
    width, pitch = 230, 13
    text = " ".join(left[0].split())
    lines: list[str] = []
    line = ""
    for word in text.split():
        if stringWidth(f"{line} {word}".strip(), "Helvetica", 10) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    # the left column holds as many lines as fit from 780 down to 620; the rest goes on
    # at the top of the right column, then the second paragraph below a gap
    y, x, col = 780, 60, 0
    line_count = len(lines)
    assert line_count > 16  # more than the left column holds
    for ln in lines:
        if col == 0 and y < 620:
            x, y, col = 320, 780, 1
        c.drawString(x, y, ln)
        y -= pitch
    c.drawString(320, y - pitch, left[1][:45])
    c.save()
    return left, [left[1][:45]]


def test_two_columns_are_read_column_by_column_and_a_paragraph_runs_on(tmp_path: Path) -> None:
    from offline_nlp.engine.types import Translation

    src = tmp_path / "cols.pdf"
    (first, _second), [right] = _two_columns(src)
    doc = open_document(src)
    texts = [s.text for s in doc.segments() if s.locator[0] >= 0]
    assert texts == [" ".join(first.split()), right]
    out = tmp_path / "o.pdf"
    doc.write(out, [Translation(fake_translate(s.text)[0]) for s in doc.segments()])
    [page] = doc.accounting
    assert len(page["boxes"]) == 3  # the first paragraph in both columns, the second
    assert page["translated"] == page["glyphs"]
    assert _flat(fake_translate(" ".join(first.split()))[0]) in _flat(_pdftotext(out))


_BOOK = "The old man reads a good book."


def _form_drawn_often_pdf(path: Path) -> None:
    """A form XObject with text drawn twice on page 1, and on page 2 once directly and
    once inside another form (nested)."""
    import pikepdf

    pdf = pikepdf.new()
    helv = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica))
    fonts = pikepdf.Dictionary(F1=helv)
    form = pdf.make_stream(
        f"BT /F1 12 Tf 0 4 Td ({_BOOK}) Tj ET".encode(),
        Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form, BBox=[0, 0, 400, 20],
        Resources=pikepdf.Dictionary(Font=fonts))
    outer = pdf.make_stream(
        b"q 1 0 0 1 0 0 cm /Inner Do Q 0 0 1 rg 0 30 100 4 re f",
        Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form, BBox=[0, 0, 400, 40],
        Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Inner=form)))
    for n, body in ((1, b"q 1 0 0 1 72 700 cm /Fm0 Do Q q 1 0 0 1 72 400 cm /Fm0 Do Q"),
                    (2, b"q 1 0 0 1 72 700 cm /Fm0 Do Q q 1 0 0 1 72 400 cm /Fm1 Do Q")):
        words = b"(Page one.)" if n == 1 else b"(Page two.)"
        page = pikepdf.Dictionary(
            Type=pikepdf.Name.Page, MediaBox=[0, 0, 595, 842],
            Resources=pikepdf.Dictionary(
                XObject=pikepdf.Dictionary(Fm0=form, Fm1=outer), Font=fonts),
            Contents=pdf.make_stream(
                body + b" 1 0 0 RG 72 560 200 2 re S BT /F1 12 Tf 72 600 Td " + words + b" Tj ET"))
        pdf.pages.append(pikepdf.Page(page))
    pdf.save(path)


def test_a_form_drawn_more_than_once_is_translated_per_drawing(tmp_path: Path) -> None:
    """Each drawing of a shared form is edited on its own: one drawing whose text is kept
    leaves the others translated, and the kept one shows the source's glyphs."""
    import pikepdf

    from offline_nlp.engine.types import Translation

    from . import pdf_kit as kit

    src = tmp_path / "forms.pdf"
    _form_drawn_often_pdf(src)
    doc = open_document(src)
    segs = doc.segments()
    assert [s.text for s in segs] == [_BOOK, "Page one.", _BOOK, _BOOK, "Page two.", _BOOK]
    # the second drawing on page 1 comes back unchanged (a name, say): its glyphs stay
    trs = [Translation(s.text if i == 2 else s.text.upper()) for i, s in enumerate(segs)]
    out = tmp_path / "o.pdf"
    doc.write(out, trs)
    one, two = _pdftotext(out, "-f", "1", "-l", "1"), _pdftotext(out, "-f", "2", "-l", "2")
    assert _flat(one).count(_BOOK.upper()) == 1 and _flat(one).count(_BOOK) == 1
    assert _flat(two).count(_BOOK.upper()) == 2 and _BOOK not in _flat(two)
    assert "PAGE ONE." in one and "PAGE TWO." in two
    kit.check_accounting(src, doc.accounting)
    first, second = doc.accounting
    assert first["kept"] == len(_BOOK) and first["translated"] == len(_BOOK) + len("Page one.")
    assert second["translated"] == second["glyphs"] == 2 * len(_BOOK) + len("Page two.")
    kit.check_pixels_outside_boxes(src, out, doc.accounting, tmp_path)
    with pikepdf.open(src) as a, pikepdf.open(out) as b:
        # the source's form is still drawn, unchanged, where its text was kept
        original = a.pages[0].obj.Resources.XObject.Fm0.read_bytes()
        assert b.pages[0].obj.Resources.XObject.Fm0.read_bytes() == original


def _faces(path: Path) -> set[str]:
    """The base names pdffonts lists, without the subset tag."""
    import subprocess

    out = subprocess.run([_poppler("pdffonts"), str(path)], capture_output=True, text=True,
                         check=True).stdout.splitlines()[2:]
    return {line.split()[0].split("+", 1)[-1] for line in out}


@pytest.mark.parametrize(
    ("name", "descriptor", "style"),
    [
        ("PHGXPC+CMBX12", {"Flags": 4, "StemV": 109}, (True, False)),  # TeX's bold
        ("CMB10", {}, (True, False)),
        ("SFBX1200", {}, (True, False)),
        ("CMTI10", {}, (False, True)),
        ("CMSL10", {}, (False, True)),
        ("CMBXTI10", {}, (True, True)),
        ("VVNDXJ+CMR10", {"Flags": 4, "StemV": 69}, (False, False)),
        ("CMSY10", {}, (False, False)),
        ("Arial-BoldMT", {}, (True, False)),
        ("Roboto-Black", {}, (True, False)),
        ("SourceSans3-Semibold", {}, (True, False)),
        ("Helvetica-Oblique", {}, (False, True)),
        ("AAAAAA+F1", {"Flags": 4 | 1 << 18}, (True, False)),  # ForceBold
        ("AAAAAA+F2", {"Flags": 4 | 1 << 6}, (False, True)),  # Italic
        ("AAAAAA+F3", {"Flags": 32, "StemV": 140}, (True, False)),  # a bold stem
        ("AAAAAA+F4", {"Flags": 32, "ItalicAngle": -12}, (False, True)),
        ("AAAAAA+F5", {"Flags": 32, "FontWeight": 700}, (True, False)),
        ("Helvetica-Bold", {"FontWeight": "Bold"}, (True, False)),  # pdfminer's AFM data
        ("AAAAAA+F6", {"Flags": 32, "StemV": 80, "ItalicAngle": -0.5, "FontWeight": 400},
         (False, False)),
    ],
)
def test_the_source_fonts_weight_and_slant_are_recognised(name, descriptor, style) -> None:
    from types import SimpleNamespace

    from offline_nlp.documents.pdf_read import _style

    assert _style(name, SimpleNamespace(descriptor=descriptor))[:2] == style


def test_bold_and_italic_sources_are_set_in_noto_sans_bold_and_italic(
    tmp_path: Path, shared_docs: Path
) -> None:
    """pdflatex's CMBX12 headings come out in Noto Sans Bold; reportlab's Helvetica-Bold
    and Helvetica-Oblique in Noto Sans Bold and Italic."""
    pytest.importorskip("reportlab")
    from reportlab.pdfgen import canvas

    out = tmp_path / "tex.pdf"
    translate_file(shared_docs / "pdf" / "pdflatex-outline.pdf", out)
    assert {"NotoSans-Bold", "NotoSans-Regular"} <= _faces(out)
    src = tmp_path / "styles.pdf"
    c = canvas.Canvas(str(src))
    for y, font, line in ((700, "Helvetica-Bold", "A heading in bold type."),
                          (600, "Helvetica", "The old man reads a good book."),
                          (500, "Helvetica-Oblique", "A quotation set in italics.")):
        c.setFont(font, 14)
        c.drawString(72, y, line)
    c.save()
    out = tmp_path / "styles.o.pdf"
    translate_file(src, out)
    assert {"NotoSans-Bold", "NotoSans-Regular", "NotoSans-Italic"} <= _faces(out)
    assert "A HEADING IN BOLD TYPE." in _flat(_pdftotext(out))


def _renamed_noto(family: str, keep: str | None = None) -> bytes:
    """The bundled Noto Sans under another name, whole or (``keep``) a subset."""
    from importlib import resources
    from io import BytesIO

    from fontTools import subset
    from fontTools.ttLib import TTFont

    noto = resources.files("offline_nlp.documents") / "fonts" / "NotoSans-Regular.ttf"
    font = TTFont(str(noto))
    options = subset.Options()
    options.layout_features = []
    options.name_IDs = ["*"]
    sub = subset.Subsetter(options)
    sub.populate(unicodes=[ord(c) for c in keep] if keep else range(32, 127))
    sub.subset(font)
    for record in font["name"].names:
        if record.nameID in (1, 4, 16):
            record.string = family
        elif record.nameID == 6:
            record.string = f"{family}-Regular"
    buf = BytesIO()
    font.save(buf)
    return buf.getvalue()


def _own_fonts_pdf(path: Path) -> None:
    """Two TrueType fonts embedded: a whole one (every ASCII glyph) and a subset with the
    glyphs of its own words only."""
    from io import BytesIO

    import pikepdf
    from fontTools.ttLib import TTFont

    pdf = pikepdf.new()
    fonts = {}
    for tag, family, keep in (("F1", "WholeFace", None), ("F2", "SubsetFace", "Pageon. ")):
        data = _renamed_noto(family, keep)
        ttf = TTFont(BytesIO(data))
        cmap, hmtx, upm = ttf.getBestCmap(), ttf["hmtx"], ttf["head"].unitsPerEm
        widths = [round(hmtx[cmap[c]][0] * 1000 / upm) if c in cmap else 0 for c in range(32, 127)]
        descriptor = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.FontDescriptor, FontName=pikepdf.Name(f"/{family}-Regular"),
            Flags=32, FontBBox=[-600, -300, 1400, 1100], ItalicAngle=0, Ascent=1069,
            Descent=-293, CapHeight=714, StemV=80,
            FontFile2=pdf.make_stream(data, Length1=len(data))))
        fonts[f"/{tag}"] = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.TrueType,
            BaseFont=pikepdf.Name(f"/{family}-Regular"), FirstChar=32, LastChar=126,
            Widths=widths, Encoding=pikepdf.Name.WinAnsiEncoding, FontDescriptor=descriptor))
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page, MediaBox=[0, 0, 595, 842],
        Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(fonts)),
        Contents=pdf.make_stream(
            f"BT /F1 12 Tf 72 700 Td ({_BOOK}) Tj ET BT /F2 12 Tf 72 600 Td (Page one.) Tj ET"
            .encode()))
    pdf.pages.append(pikepdf.Page(page))
    pdf.save(path)


def test_the_documents_own_font_is_reused_when_it_has_every_character(
    tmp_path: Path,
) -> None:
    """A whole embedded TrueType font sets its block's translation; a subset lacking
    some of the translation's letters gives way to Noto Sans."""
    from . import pdf_kit as kit

    src = tmp_path / "own.pdf"
    _own_fonts_pdf(src)
    out = tmp_path / "o.pdf"
    doc, segs = translate_file(src, out)
    assert [s.text for s in segs] == [_BOOK, "Page one."]
    text = _flat(_pdftotext(out))
    assert _BOOK.upper() in text and "PAGE ONE." in text
    added = {f.name.split("+", 1)[-1] for f in kit.fonts(out) if f.type.startswith("CID")}
    assert added == {"WholeFace-Regular", "NotoSans-Regular"}
    kit.check_accounting(src, doc.accounting)
    kit.check_pixels_outside_boxes(src, out, doc.accounting, tmp_path)
    kit.check_fonts_embedded(src, out)
