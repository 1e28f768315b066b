"""Links and office code (issue 19, item 5), on the fixture models.

Every hyperlink comes out, in every format, even where the alignment places none of its
words (words the model does not know, a link in brackets, two links side by side); and
code in Word and OpenDocument files (code paragraph styles, monospaced runs) is kept.
"""

from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path

import pytest
import synthetic

from offline_nlp.documents import translate_documents
from offline_nlp.engine import Engine

# Sentences with links (between | |) that the fixture model cannot all align: unknown
# words, links in brackets, links side by side, one-letter links, links at both ends.
LINKED = [
    "The |zorblax| is here.",
    "The |Quuxify| page and the |Frobnicate| page.",
    "See |the| |dog| now.",
    "We read |a| book.",
    "|Xyzzy|, |plugh| and |foo-bar|.",
    "The dog (|aptitude|) is happy.",
    "The book |apt-get(8)| is good.",
    "We go |home||now|.",
    "The |dog|s is good.",
    "|Debian| and |Ubuntu| are the |GNU/Linux| systems we use.",
    "Read |dpkg(1)|, |apt.conf(5)| and |sources.list(5)| today.",
    "The |teacher| went to the |river| with the |dog|.",
]
TARGETS = ["xl", "xz"]


def links(sentence: str) -> list[tuple[bool, str]]:
    """``(is_link, text)`` pieces of a sentence."""
    return [(i % 2 == 1, piece) for i, piece in enumerate(sentence.split("|")) if piece]


def total_links() -> int:
    return sum(sum(is_link for is_link, _ in links(s)) for s in LINKED)


def run(engine: Engine, src: Path, target: str) -> Path:
    out = src.with_name(f"out-{target}{src.suffix}")
    (result,) = translate_documents([(src, out)], engine, "en", target)
    assert result.status == "done", result.message
    return out


# -- the formats ----------------------------------------------------------------------

def make_html(path: Path) -> int:
    body = "".join(
        "<p>" + "".join(f'<a href="u{n}.html">{html.escape(t)}</a>' if is_link
                        else html.escape(t) for n, (is_link, t) in enumerate(links(s)))
        + "</p>\n" for s in LINKED)
    path.write_text(f"<html><body>\n{body}</body></html>\n", encoding="utf-8")
    return total_links()


def count_html(path: Path) -> int:
    return len(re.findall(r"<a\s[^>]*href", path.read_text(encoding="utf-8")))


def make_md(path: Path) -> int:
    path.write_text("\n\n".join(
        "".join(f"[{t}](https://example.org/u{n})" if is_link else t
                for n, (is_link, t) in enumerate(links(s))) for s in LINKED) + "\n",
        encoding="utf-8")
    return total_links()


def count_md(path: Path) -> int:
    return len(re.findall(r"\]\(https://example\.org/u\d+\)", path.read_text(encoding="utf-8")))


def make_docx(path: Path) -> int:
    docx = pytest.importorskip("docx")
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    for sentence in LINKED:
        paragraph = document.add_paragraph()
        for n, (is_link, text) in enumerate(links(sentence)):
            if not is_link:
                paragraph.add_run(text)
                continue
            rel = document.part.relate_to(f"https://example.org/u{n}",
                                          RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
            link = OxmlElement("w:hyperlink")
            link.set(qn("r:id"), rel)
            run = OxmlElement("w:r")
            props = OxmlElement("w:rPr")
            style = OxmlElement("w:rStyle")
            style.set(qn("w:val"), "Hyperlink")
            props.append(style)
            run.append(props)
            node = OxmlElement("w:t")
            node.text = text
            node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            run.append(node)
            link.append(run)
            paragraph._p.append(link)
    document.save(str(path))
    return total_links()


def count_docx(path: Path) -> int:
    return zipfile.ZipFile(path).read("word/document.xml").decode().count("<w:hyperlink ")


def make_pptx(path: Path) -> int:
    pptx = pytest.importorskip("pptx")
    from pptx.util import Inches

    deck = pptx.Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    frame = slide.shapes.add_textbox(Inches(0.5), Inches(0.5), Inches(9), Inches(6)).text_frame
    for index, sentence in enumerate(LINKED):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        for n, (is_link, text) in enumerate(links(sentence)):
            run = paragraph.add_run()
            run.text = text
            if is_link:
                run.hyperlink.address = f"https://example.org/u{n}"
    deck.save(str(path))
    return total_links()


def count_pptx(path: Path) -> int:
    return zipfile.ZipFile(path).read("ppt/slides/slide1.xml").decode().count("hlinkClick")


ODT_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink" office:version="1.2"')


def write_odt(path: Path, body: str, automatic: str = "", styles: str = "",
              faces: str = "") -> None:
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODT_NS}>'
               f"<office:font-face-decls>{faces}</office:font-face-decls>"
               f"<office:automatic-styles>{automatic}</office:automatic-styles>"
               f"<office:body><office:text>{body}</office:text></office:body>"
               "</office:document-content>")
    style_xml = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {ODT_NS}>'
                 f"<office:styles>{styles}</office:styles></office:document-styles>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
                '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type='
                '"application/vnd.oasis.opendocument.text"/><manifest:file-entry '
                'manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text",
                    compress_type=zipfile.ZIP_STORED)
        zf.writestr("content.xml", content)
        zf.writestr("styles.xml", style_xml)
        zf.writestr("META-INF/manifest.xml", manifest)


def make_odt(path: Path) -> int:
    body = "".join(
        "<text:p>" + "".join(
            f'<text:a xlink:type="simple" xlink:href="https://example.org/u{n}">'
            f"{html.escape(t)}</text:a>" if is_link else html.escape(t)
            for n, (is_link, t) in enumerate(links(s))) + "</text:p>" for s in LINKED)
    write_odt(path, body)
    return total_links()


def count_odt(path: Path) -> int:
    return zipfile.ZipFile(path).read("content.xml").decode().count("<text:a ")


def make_epub(path: Path) -> int:
    epub = pytest.importorskip("ebooklib.epub")
    book = epub.EpubBook()
    book.set_identifier("links")
    book.set_title("Links")
    book.set_language("en")
    chapter = epub.EpubHtml(title="One", file_name="one.xhtml", lang="en")
    chapter.content = "<html><body>" + "".join(
        "<p>" + "".join(f'<a href="https://example.org/u{n}">{html.escape(t)}</a>' if is_link
                        else html.escape(t) for n, (is_link, t) in enumerate(links(s)))
        + "</p>" for s in LINKED) + "</body></html>"
    book.add_item(chapter)
    book.spine = [chapter]
    epub.write_epub(str(path), book)
    return total_links()


def count_epub(path: Path) -> int:
    with zipfile.ZipFile(path) as zf:
        text = zf.read("EPUB/one.xhtml").decode()
    return len(re.findall(r"<a\s[^>]*href=\"https://example", text))


FORMATS = {
    ".html": (make_html, count_html),
    ".md": (make_md, count_md),
    ".docx": (make_docx, count_docx),
    ".pptx": (make_pptx, count_pptx),
    ".odt": (make_odt, count_odt),
    ".epub": (make_epub, count_epub),
}


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("suffix", list(FORMATS))
def test_as_many_links_come_out_as_went_in(fixture_engine: Engine, tmp_path: Path,
                                           suffix: str, target: str) -> None:
    make, count = FORMATS[suffix]
    src = tmp_path / f"links{suffix}"
    made = make(src)
    assert count(src) == made == 23
    assert count(run(fixture_engine, src, target)) == made


def count_any_epub(path: Path) -> int:
    with zipfile.ZipFile(path) as zf:
        return sum(len(re.findall(r"<a\s[^>]*href", zf.read(name).decode()))
                   for name in zf.namelist() if name.endswith(("html", ".htm")))


@pytest.mark.parametrize(("name", "count"), [("docx/par-hyperlinks.docx", count_docx),
                                             ("epub/test01.epub", count_any_epub)])
@pytest.mark.parametrize("target", TARGETS)
def test_a_real_document_keeps_its_links(fixture_engine: Engine, shared_docs: Path,
                                         tmp_path: Path, name: str, count: object,
                                         target: str) -> None:
    src = shared_docs / name
    copy = tmp_path / src.name
    copy.write_bytes(src.read_bytes())
    assert count(copy) > 0  # type: ignore[operator]
    assert count(run(fixture_engine, copy, target)) == count(copy)  # type: ignore[operator]


# -- code in office files ------------------------------------------------------------------

def xl(text: str) -> str:
    return synthetic.translate_text(text, "en", "xl")


def test_docx_code_paragraphs_and_monospaced_runs_are_kept(fixture_engine: Engine,
                                                           tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    from docx.enum.style import WD_STYLE_TYPE

    document = docx.Document()
    code = document.styles.add_style("Code", WD_STYLE_TYPE.PARAGRAPH)
    listing = document.styles.add_style("My Listing", WD_STYLE_TYPE.PARAGRAPH)
    listing.font.name = "Consolas"  # code by its font, whatever its name
    document.styles.add_style("Source Text", WD_STYLE_TYPE.CHARACTER)
    document.add_paragraph("The dog is happy.")
    document.add_paragraph("for the in water: go home", style=code)
    document.add_paragraph("if the dog is good: read a book", style=listing)
    mixed = document.add_paragraph("We read ")
    mixed.add_run("the book").font.name = "Courier New"
    mixed.add_run(" and the ")
    mixed.add_run("dog").font.name = "DejaVu Sans Mono"
    mixed.add_run(" now.")
    styled = document.add_paragraph("We go ")
    styled.add_run("home", style="Source Text")
    styled.add_run(" today.")
    src = tmp_path / "code.docx"
    document.save(str(src))

    out = docx.Document(str(run(fixture_engine, src, "xl")))
    texts = [p.text for p in out.paragraphs]
    assert texts[0] == xl("The dog is happy.")
    assert texts[1:3] == ["for the in water: go home", "if the dog is good: read a book"]
    runs = [(r.text, r.font.name) for r in out.paragraphs[3].runs]
    assert ("the book", "Courier New") in runs and ("dog", "DejaVu Sans Mono") in runs
    assert xl("We read").split()[-1] in texts[3]
    assert "home" in texts[4] and xl("We go").split()[-1] in texts[4]


def test_odt_code_paragraphs_and_monospaced_spans_are_kept(fixture_engine: Engine,
                                                           tmp_path: Path) -> None:
    styles = ('<style:style style:name="Preformatted_20_Text" style:display-name='
              '"Preformatted Text" style:family="paragraph"/>'
              '<style:style style:name="Source_20_Text" style:display-name="Source Text" '
              'style:family="text"/>')
    faces = ('<style:font-face style:name="Liberation Mono1" '
             'svg:font-family="&apos;Liberation Mono&apos;"/>')
    automatic = ('<style:style style:name="P1" style:family="paragraph" '
                 'style:parent-style-name="Preformatted_20_Text"/>'
                 '<style:style style:name="T1" style:family="text"><style:text-properties '
                 'style:font-name="Liberation Mono1"/></style:style>')
    body = ('<text:p>The dog is happy.</text:p>'
            '<text:p text:style-name="P1">for the in water: go home</text:p>'
            '<text:p>We read <text:span text:style-name="T1">the book</text:span> and the '
            '<text:span text:style-name="Source_20_Text">dog</text:span> now.</text:p>')
    src = tmp_path / "code.odt"
    write_odt(src, body, automatic, styles, faces)
    content = zipfile.ZipFile(run(fixture_engine, src, "xl")).read("content.xml").decode()
    assert f"<text:p>{xl('The dog is happy.')}</text:p>" in content
    assert '<text:p text:style-name="P1">for the in water: go home</text:p>' in content
    assert '<text:span text:style-name="T1">the book</text:span>' in content
    assert '<text:span text:style-name="Source_20_Text">dog</text:span>' in content
    assert xl("We read").split()[-1] in content


def test_a_document_all_in_courier_is_still_translated(fixture_engine: Engine,
                                                       tmp_path: Path) -> None:
    # a screenplay: normal text is monospaced, so a font marks no code
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.styles["Normal"].font.name = "Courier New"
    document.add_paragraph("The dog is happy.")
    document.add_paragraph("We go ").add_run("home").font.name = "Courier New"
    src = tmp_path / "script.docx"
    document.save(str(src))
    out = docx.Document(str(run(fixture_engine, src, "xl")))
    assert [p.text for p in out.paragraphs] == [xl("The dog is happy."), xl("We go home")]
