"""The PDF test kit itself: each maker's PDF is what its program really printed, and each
checker fails on the fault it is there to catch (so the PDF → PDF tests can fail)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from . import pdf_kit as kit

pytest.importorskip("reportlab")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pdf-kit")


@pytest.mark.parametrize(
    ("maker", "pages", "producer"),
    [("writer", 1, "LibreOffice"), ("impress", 3, "LibreOffice"), ("chromium", 1, "Skia"),
     ("reportlab", 4, "ReportLab"), ("type3", 1, None)],
)
def test_each_maker_prints_real_pages(folder: Path, maker: str, pages: int,
                                      producer: str | None) -> None:
    import pypdf

    pdf = kit.MAKERS[maker](_dir(folder, maker))
    reader = pypdf.PdfReader(str(pdf))
    assert len(reader.pages) == pages
    if producer:
        assert producer in str(reader.metadata.get("/Producer", ""))
    text = " ".join(kit.text(pdf))
    if maker == "type3":
        assert kit.TYPE3_TEXT in text
        assert [f.type for f in kit.fonts(pdf)] == ["Type 3"]
        return
    assert "The dog is happy." in text and "The river" in text
    assert kit.fonts(pdf) and all(f.embedded for f in kit.fonts(pdf) if f.name != "Helvetica")
    assert kit.image_list(pdf), "the page's picture is an image"
    assert len(kit.source_glyphs(pdf)) == pages


def test_writer_page_has_the_parts_of_a_real_document(folder: Path) -> None:
    import pypdf

    pdf = kit.writer_pdf(_dir(folder, "w2"))
    page = pypdf.PdfReader(str(pdf)).pages[0]
    annots = [a.get_object() for a in page["/Annots"]]
    assert [a["/A"]["/URI"] for a in annots if "/A" in a] == ["https://example.org/book"]
    assert any("/Dest" in a for a in annots), "the footnote's citation links to the note"
    lines = kit.text(pdf, layout=True)[0]
    # two columns side by side, a footnote, a numbered list
    assert re.search(r"The river is cold in the morning\. The children\s{3,}The sun is warm", lines)
    assert re.search(r"\n\s*1\s*The water is cold in the morning\.", lines)
    assert "1. Open the window." in lines


def _dir(root: Path, name: str) -> Path:
    path = root / name
    path.mkdir(exist_ok=True)
    return path


def test_reportlab_has_a_scanned_page_and_a_type3_page(folder: Path) -> None:
    pdf = kit.reportlab_pdf(_dir(folder, "r2"))
    glyphs = kit.source_glyphs(pdf)
    assert glyphs[kit.SCAN_PAGE - 1] == 0 and glyphs[0] > 100
    assert glyphs[kit.TYPE3_PAGE - 1] == len(kit.TYPE3_TEXT)
    assert [row[0] for row in kit.image_list(pdf)] == [str(kit.SCAN_PAGE), "3"]
    assert kit.text(pdf)[kit.TYPE3_PAGE - 1].strip() == kit.TYPE3_TEXT
    assert "Type 3" in {f.type for f in kit.fonts(pdf)}


def _overlay(src: Path, dst: Path, rect: tuple[float, float, float, float]) -> None:
    """``src`` with one small black rectangle drawn over page 1 (user space)."""
    import pypdf
    from reportlab.pdfgen import canvas

    reader = pypdf.PdfReader(str(src))
    box = reader.pages[0].mediabox
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(float(box.width), float(box.height)))
    c.rect(rect[0], rect[1], rect[2] - rect[0], rect[3] - rect[1], fill=1)
    c.save()
    writer = pypdf.PdfWriter(clone_from=reader)
    writer.pages[0].merge_page(pypdf.PdfReader(buf).pages[0])
    with open(dst, "wb") as f:
        writer.write(f)


def test_pixel_check_sees_a_change_outside_the_boxes_only(folder: Path) -> None:
    work = _dir(folder, "px")
    src = kit.writer_pdf(work)
    changed = work / "changed.pdf"
    _overlay(src, changed, (300, 300, 340, 320))
    nothing = [{"page": 1, "glyphs": 0, "translated": 0, "kept": 0, "reported": 0,
                "notes": [], "boxes": []}]
    kit.check_pixels_outside_boxes(src, src, nothing, _dir(work, "same"))
    with pytest.raises(AssertionError, match="outside the translated boxes"):
        kit.check_pixels_outside_boxes(src, changed, nothing, _dir(work, "bad"))
    covered = [{**nothing[0], "boxes": [[290, 290, 350, 330]]}]
    kit.check_pixels_outside_boxes(src, changed, covered, _dir(work, "ok"))


def test_word_check_needs_translated_words_inside_their_boxes(folder: Path) -> None:
    work = _dir(folder, "words")
    src = kit.writer_pdf(work)
    gardens = [w for w in kit.words(src) if w.text == "garden"]  # "My garden" and others
    top = kit.page_infos(src)[0].crop[3]
    user = [[x0 - 1, top - y1 - 1, x1 + 1, top - y0 + 1] for x0, y0, x1, y1 in
            (w.box for w in gardens)]
    page = {"page": 1, "glyphs": 0, "translated": 0, "kept": 0, "reported": 0, "notes": []}
    seen = kit.check_words_in_boxes(src, src, [{**page, "boxes": user}],
                                    lambda w: w == "garden")
    assert seen == len(gardens) >= 2
    with pytest.raises(AssertionError, match="outside every box"):
        kit.check_words_in_boxes(src, src, [{**page, "boxes": []}], lambda w: w == "garden")


def test_reading_order_check_fails_on_a_swapped_order(folder: Path) -> None:
    src = kit.writer_pdf(_dir(folder, "order"))
    kit.check_reading_order(src, ["My garden", "The river", "Close the door."])
    with pytest.raises(AssertionError, match="is not in the output's text"):
        kit.check_reading_order(src, ["The river", "My garden"])


def test_tofu_is_caught_and_real_ideographs_pass(folder: Path) -> None:
    """Hollow or empty boxes where the text layer says CJK fail; the same text printed by
    LibreOffice with a CJK font passes."""
    work = _dir(folder, "cjk")
    sample = "我的花园很小。孩子们在河边。"
    for hollow, why in ((True, "in their middle"), (False, "renders no ink")):
        tofu = kit.tofu_pdf(work, sample, hollow)
        assert kit.text(tofu)[0].strip() == sample
        with pytest.raises(AssertionError, match=why):
            kit.check_cjk_ink(tofu, _dir(work, f"t{hollow}"))
    if not kit.cjk_font():
        pytest.skip("no CJK font installed (apt: fonts-noto-cjk)")
    src = work / "cjk.fodt"
    src.write_text(kit.writer_fodt(text=sample), encoding="utf-8")
    (good,) = kit.soffice_convert([src], work)
    assert kit.check_cjk_ink(good, _dir(work, "g")) >= len(sample)


def test_accounting_check_wants_the_counts_to_add_up(folder: Path) -> None:
    src = kit.type3_pdf(_dir(folder, "acc"))
    glyphs = len(kit.TYPE3_TEXT)
    assert kit.source_glyphs(src) == [glyphs]
    page = {"page": 1, "glyphs": glyphs, "translated": 0, "kept": 0, "reported": glyphs, "notes": [],
            "boxes": []}
    kit.check_accounting(src, [page])
    with pytest.raises(AssertionError):
        kit.check_accounting(src, [{**page, "reported": glyphs - 1}])
    with pytest.raises(AssertionError):
        kit.check_accounting(src, [page, {**page, "page": 2}])


def test_shared_pdfs_are_there(shared_docs: Path) -> None:
    for name in ("pdflatex-outline.pdf", "multilang.pdf", "jpeg.pdf", "r6-user-password.pdf"):
        assert (shared_docs / "pdf" / name).is_file()
    assert kit.page_infos(shared_docs / "pdf" / "r6-user-password.pdf")
