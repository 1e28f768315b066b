"""HTML/XHTML byte-preserving rewrite and EPUB books."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from offline_nlp.documents.html import tokenize
from offline_nlp.documents.registry import open_document
from offline_nlp.errors import DocumentParseError

from .conftest import FakeEngine, sha, translate_file

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>My page</title>
<style>p { color: red; }</style><script>var x = "hello world";</script></head>
<body>
  <!-- a comment stays -->
  <h1 class="big" data-x='keep me'>Hello <b>brave</b> new world</h1>
  <p>Press <a href="save.html" title="Save the file">the button</a> to keep it.<br>
  Next line &amp; more &nbsp;text.</p>
  <pre>keep   this</pre>
  <p>Use <code>git commit</code> here <img src="x.png" alt="A cat"> now.</p>
  <ul><li>One item</li><li>Two <i>items</i></li></ul>
  <table><tr><td>Cell text</td><td>42</td></tr></table>
  <p translate="no">Brand Name</p>
  <p class="notranslate">Other Brand</p>
</body></html>
"""

EXPECTED = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>MY PAGE</title>
<style>p { color: red; }</style><script>var x = "hello world";</script></head>
<body>
  <!-- a comment stays -->
  <h1 class="big" data-x='keep me'>HELLO <b>BRAVE</b> NEW WORLD</h1>
  <p>PRESS <a href="save.html" title="SAVE THE FILE">THE BUTTON</a> TO KEEP IT.<br>NEXT LINE &amp; MORE \xa0TEXT.</p>
  <pre>keep   this</pre>
  <p>USE <code>git commit</code> HERE <img src="x.png" alt="A CAT"> NOW.</p>
  <ul><li>ONE ITEM</li><li>TWO <i>ITEMS</i></li></ul>
  <table><tr><td>CELL TEXT</td><td>42</td></tr></table>
  <p translate="no">Brand Name</p>
  <p class="notranslate">Other Brand</p>
</body></html>
"""


def _tags(text: str) -> list[str]:
    return re.findall(r"<(?!/?(?:b|i|a)\b)[^>]*>", text)


def test_html_markup_untouched_text_translated(tmp_path: Path) -> None:
    src = tmp_path / "p.html"
    src.write_text(PAGE, encoding="utf-8")
    before = sha(src)
    translate_file(src, tmp_path / "o.html")
    out = (tmp_path / "o.html").read_text(encoding="utf-8")
    assert out == EXPECTED
    assert sha(src) == before


def test_html_inline_tags_follow_reordered_words(tmp_path: Path) -> None:
    src = tmp_path / "p.html"
    src.write_text('<p>A <b>red</b> car <a href="u">here</a>.</p>', encoding="utf-8")
    translate_file(src, tmp_path / "o.html", engine=FakeEngine(reverse=True))
    assert (tmp_path / "o.html").read_text() == '<p>. <a href="u">HERE</a> CAR <b>RED</b> A</p>'


def test_html_without_alignment_keeps_all_tags_and_text(tmp_path: Path) -> None:
    src = tmp_path / "p.html"
    src.write_text('<p>Some <b>bold</b> and <img src="i.png"> image.</p>', encoding="utf-8")
    translate_file(src, tmp_path / "o.html", engine=FakeEngine(align="none"))
    out = (tmp_path / "o.html").read_text()
    # dominant run gets all the text; the image is kept exactly once
    assert out.count('<img src="i.png">') == 1
    assert " ".join(re.sub(r"<[^>]*>", "", out).split()) == "SOME BOLD AND IMAGE."


def test_html_bilingual(tmp_path: Path) -> None:
    src = tmp_path / "p.html"
    src.write_text("<body><p>Hello <b>you</b>.</p><td>Cell</td></body>", encoding="utf-8")
    translate_file(src, tmp_path / "o.html", bilingual=True)
    assert (tmp_path / "o.html").read_text() == (
        "<body><p>Hello <b>you</b>.</p>\n<p>HELLO <b>YOU</b>.</p><td>Cell<br>CELL</td></body>"
    )


def test_html_legacy_encoding_is_kept(tmp_path: Path) -> None:
    src = tmp_path / "l.htm"
    src.write_bytes('<meta charset="iso-8859-1"><p>Café crème</p>'.encode("latin-1"))
    _doc, segs = translate_file(src, tmp_path / "o.htm")
    assert segs[0].text == "Café crème"
    assert (
        tmp_path / "o.htm"
    ).read_bytes() == '<meta charset="iso-8859-1"><p>CAFÉ CRÈME</p>'.encode("latin-1")


@pytest.mark.parametrize(
    "source",
    [
        PAGE,
        "<p>unclosed <b>bold <i>mixed</b> end",
        "text only",
        "<p a='1' b=2 c>x</p><br/><img/>",
        "<<>>&&;",
    ],
)
def test_tokenizer_is_lossless(source: str) -> None:
    assert "".join(t.raw for t in tokenize(source)) == source


def test_broken_html_still_round_trips(tmp_path: Path) -> None:
    src = tmp_path / "b.html"
    src.write_text("<p>unclosed <b>bold <i>mixed</b> end<div>next</span> block", encoding="utf-8")
    translate_file(src, tmp_path / "o.html")
    out = (tmp_path / "o.html").read_text()
    assert out != src.read_text() and out.lower() == src.read_text().lower()


# --- EPUB -------------------------------------------------------------------------------


def test_real_epub_opens_with_ebooklib(shared_docs: Path, tmp_path: Path) -> None:
    ebooklib = pytest.importorskip("ebooklib")
    from ebooklib import epub

    src = shared_docs / "epub" / "test01.epub"
    before = sha(src)
    out = tmp_path / "book.xx.epub"
    _doc, _segs = translate_file(src, out)
    book = epub.read_epub(str(out))
    assert book.get_metadata("DC", "title")[0][0] == "SAMPLE BOOK"
    texts = {
        it.get_name(): it.get_content().decode()
        for it in book.get_items_of_type(ebooklib.ITEM_DOCUMENT)
    }
    assert "<h1>INTRODUCTION</h1>" in texts["intro.xhtml"]
    assert (
        "HELOU, THIS IS MY BOOK! THERE ARE MANY BOOKS, BUT THIS ONE IS MINE."
        in texts["about.xhtml"]
    )
    assert '<a href="intro.xhtml">INTRODUCTION</a>' in texts["nav.xhtml"]

    def labels(item) -> list[str]:
        return [x.title for x in item] if isinstance(item, (list, tuple)) else [item.title]

    toc = [
        t
        for entry in book.toc
        for t in (
            labels(entry[0]) + [x.title for x in entry[1]]
            if isinstance(entry, tuple)
            else labels(entry)
        )
    ]
    assert toc == ["INTRODUCTION", "LANGUAGES", "INTRODUCTION", "ABOUT THIS BOOK"]
    zin, zout = zipfile.ZipFile(src), zipfile.ZipFile(out)
    assert zout.namelist() == zin.namelist()
    assert (
        zout.infolist()[0].filename == "mimetype"
        and zout.infolist()[0].compress_type == zipfile.ZIP_STORED
    )
    ncx = zout.read("EPUB/toc.ncx").decode()
    assert "<text>ABOUT THIS BOOK</text>" in ncx and 'content="sample123456"' in ncx
    opf_in, opf_out = zin.read("EPUB/content.opf").decode(), zout.read("EPUB/content.opf").decode()
    assert opf_out == opf_in.replace(
        "<dc:title>Sample book</dc:title>", "<dc:title>SAMPLE BOOK</dc:title>"
    )
    for name in ("EPUB/style/default.css", "EPUB/style/nav.css", "META-INF/container.xml"):
        assert zout.read(name) == zin.read(name)
    assert sha(src) == before


def test_epub_that_is_not_a_zip(tmp_path: Path) -> None:
    bad = tmp_path / "book.epub"
    bad.write_text("<html>not a book</html>")
    with pytest.raises(DocumentParseError, match="book.epub.*not a valid EPUB"):
        open_document(bad)
