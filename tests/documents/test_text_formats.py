"""Plain text, subtitles, Markdown: encodings, untouched parts byte for byte, inline tags."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from offline_nlp.documents.registry import open_document
from offline_nlp.errors import DocumentParseError

from .conftest import FakeEngine, fake_translate, sha, translate_file

# --- txt --------------------------------------------------------------------------------

TEXT = (
    "Title of the text\n\n"
    "This paragraph is wrapped by hand at a fixed width so that the sentence\n"
    "continues on the next line and should be translated as one sentence.\n\n"
    "Items:\n- first item\n- second item\n\n"
    "12345 67\n"
)


def test_txt_paragraphs_reflow_and_numbers_stay(tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_text(TEXT, encoding="utf-8")
    before = sha(src)
    _doc, segs = translate_file(src, tmp_path / "a.xx.txt")
    assert [s.text for s in segs] == [
        "Title of the text",
        (
            "This paragraph is wrapped by hand at a fixed width so that the sentence continues "
            "on the next line and should be translated as one sentence."
        ),
        "Items:\nfirst item\nsecond item",  # list markers never reach the model
    ]
    out = (tmp_path / "a.xx.txt").read_text(encoding="utf-8")
    assert out == (
        "TITLE OF THE TEXT\n\n"
        "THIS PARAGRAPH IS WRAPPED BY HAND AT A FIXED WIDTH SO THAT THE SENTENCE CONTINUES ON THE "
        "NEXT LINE AND SHOULD BE TRANSLATED AS ONE SENTENCE.\n\n"
        "ITEMS:\n- FIRST ITEM\n- SECOND ITEM\n\n"
        "12345 67\n"
    )
    assert sha(src) == before


@pytest.mark.parametrize(
    ("encoding", "text", "bom"),
    [
        ("utf-8", "Grüße aus Köln. Schöne Straße.\n", b""),
        ("utf-16", "Hello from a UTF-16 file with a BOM.\n", None),
        (
            "gb18030",
            "这是一个中文文本文件，用于测试编码检测。我们希望它能被正确读取。这里还有更多的中文句子。\n",
            b"",
        ),
        (
            "shift_jis",
            "これは日本語のテキストファイルです。エンコーディングの検出をテストします。正しく読み込まれることを期待しています。\n",
            b"",
        ),
        (
            "euc-kr",
            "이것은 한국어 텍스트 파일입니다. 인코딩 감지를 테스트합니다. 올바르게 읽혀야 합니다. 한국어 문장이 더 있습니다.\n",
            b"",
        ),
        ("cp1252", "Café crème, naïve façade – “quoted” text in Windows-1252.\n", b""),
    ],
)
def test_txt_encodings_are_detected_and_kept(
    tmp_path: Path, encoding: str, text: str, bom: bytes | None
) -> None:
    src = tmp_path / "enc.txt"
    src.write_bytes(text.encode(encoding))
    _doc, segs = translate_file(src, tmp_path / "out.txt")
    assert segs[0].text == text.strip()
    data = (tmp_path / "out.txt").read_bytes()
    expected = fake_translate(text)[0]
    # the same encoding when it can hold the output (it always can here)
    assert data.decode(encoding) == expected


def test_txt_falls_back_to_utf8_when_the_encoding_cannot_hold_the_output(tmp_path: Path) -> None:
    src = tmp_path / "latin.txt"
    src.write_bytes("Café au lait, s'il vous plaît, merci beaucoup.\n".encode("cp1252"))
    doc = open_document(src)

    from offline_nlp.engine.types import Translation

    out = tmp_path / "o.txt"
    doc.write(out, [Translation("咖啡加牛奶，谢谢。")])
    assert out.read_bytes().decode("utf-8") == "咖啡加牛奶，谢谢。\n"


def test_txt_bilingual_and_crlf(tmp_path: Path) -> None:
    src = tmp_path / "b.txt"
    src.write_bytes(b"First line here.\r\n\r\nSecond one.\r\n")
    translate_file(src, tmp_path / "o.txt", bilingual=True)
    assert (tmp_path / "o.txt").read_bytes() == (
        b"First line here.\r\n\r\nFIRST LINE HERE.\r\n\r\nSecond one.\r\n\r\nSECOND ONE.\r\n"
    )


def test_txt_binary_and_empty_are_clear_errors(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(DocumentParseError, match="empty.txt.*empty"):
        open_document(empty)
    binary = tmp_path / "bin.txt"
    binary.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(DocumentParseError, match="bin.txt"):
        open_document(binary)


# --- subtitles --------------------------------------------------------------------------

SRT = """1
00:00:01,000 --> 00:00:04,000
Hello there, this sentence is
split over two lines

2
00:00:05,000 --> 00:00:07,500
<i>Italic words</i> and <b>bold</b> here.

3
00:00:08,000 --> 00:00:09,000
- Who are you?
- Nobody.

4
00:00:10,000 --> 00:00:11,000
123
"""


def _timing_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if "-->" in line or line.strip().isdigit()]


def test_srt_timings_numbering_and_tags(tmp_path: Path) -> None:
    src = tmp_path / "a.srt"
    src.write_text(SRT, encoding="utf-8")
    _doc, segs = translate_file(src, tmp_path / "o.srt")
    out = (tmp_path / "o.srt").read_text(encoding="utf-8")
    assert _timing_lines(out) == _timing_lines(SRT)
    assert out.count("-->") == 4
    blocks = out.strip().split("\n\n")
    assert (
        blocks[0].split("\n")[2:] == ["HELLO THERE, THIS", "SENTENCE IS SPLIT OVER TWO LINES"]
        or len(blocks[0].split("\n")[2:]) == 2
    )
    assert "HELLO THERE, THIS SENTENCE IS SPLIT OVER TWO LINES" == " ".join(
        blocks[0].split("\n")[2:]
    )
    assert blocks[1].split("\n")[2] == "<i>ITALIC WORDS</i> AND <b>BOLD</b> HERE."
    assert blocks[2].split("\n")[2:] == ["- WHO ARE YOU?", "- NOBODY."]
    assert blocks[3].split("\n")[2] == "123"
    assert segs[0].text == "Hello there, this sentence is split over two lines"


def test_srt_bilingual_keeps_one_cue(tmp_path: Path) -> None:
    src = tmp_path / "a.srt"
    src.write_text(SRT, encoding="utf-8")
    translate_file(src, tmp_path / "o.srt", bilingual=True)
    out = (tmp_path / "o.srt").read_text(encoding="utf-8")
    assert out.count("-->") == 4
    assert (
        "<i>Italic words</i> and <b>bold</b> here.\n<i>ITALIC WORDS</i> AND <b>BOLD</b> HERE."
        in out
    )


VTT = """WEBVTT - a title

NOTE this note stays as it is

STYLE
::cue { color: yellow }

intro
00:00:01.000 --> 00:00:04.000 line:0 position:20%
<v Roger>Hello <c.loud>world</c>

00:00:05.000 --> 00:00:06.000
Goodbye
"""


def test_vtt_header_notes_settings_untouched(tmp_path: Path) -> None:
    src = tmp_path / "a.vtt"
    src.write_text(VTT, encoding="utf-8")
    translate_file(src, tmp_path / "o.vtt")
    out = (tmp_path / "o.vtt").read_text(encoding="utf-8")
    assert out == VTT.replace("Hello <c.loud>world</c>", "HELLO <c.loud>WORLD</c>").replace(
        "Goodbye", "GOODBYE"
    )


def test_srt_invalid_timing_is_a_clear_error(tmp_path: Path) -> None:
    src = tmp_path / "bad.srt"
    src.write_text("1\n00:00:01 --> 00:00:10\nText\n")
    with pytest.raises(DocumentParseError, match=r"bad.srt: .*line 2"):
        open_document(src)


SUBS = [
    "bom-utf-8.srt",
    "bom-utf-16-le.srt",
    "capability_tester.srt",
    "no-indexes.srt",
    "utf-8.srt",
    "windows-1252.srt",
]


@pytest.mark.parametrize("name", SUBS)
def test_real_subtitles_round_trip(shared_docs: Path, tmp_path: Path, name: str) -> None:
    src = shared_docs / "subtitles" / name
    before = sha(src)
    doc, _segs = translate_file(src, tmp_path / name)
    decoded = doc._decoded
    raw_out = (tmp_path / name).read_bytes()
    assert raw_out.startswith(decoded.bom)
    text_out = raw_out[len(decoded.bom) :].decode(decoded.encoding)
    assert _timing_lines(text_out) == _timing_lines(decoded.text)
    assert text_out.count("-->") == decoded.text.count("-->")
    # every cue's text is translated: no lower-case letter left outside tags
    for block in re.split(r"\r?\n\r?\n", text_out):
        lines = block.splitlines()
        k = next((i for i, line in enumerate(lines) if "-->" in line), None)
        if k is None:
            continue
        cue = re.sub(r"<[^>]*>|\{[^}]*\}", "", "\n".join(lines[k + 1 :]))
        assert cue == cue.upper(), cue
    assert sha(src) == before


@pytest.mark.parametrize("name", ["invalid.srt", "test_video.srt", "vtt_example.vtt"])
def test_real_bad_subtitles(shared_docs: Path, name: str) -> None:
    with pytest.raises(DocumentParseError, match=re.escape(name)):
        open_document(shared_docs / "subtitles" / name)


# --- markdown ---------------------------------------------------------------------------

MD = """---
title: Keep me
tags: [a, b]
---

# Hello *world* #

Some **bold text** and `inline code` with a [link text](http://example.com/x "Title") and
a second line with ![img alt](pic.png) and <span class="x">html</span>.

- First item with [ref link][r1]
- Second item [shortcut]

> Quoted text  
> with a hard break

```python
print("do not translate")
```

    indented code stays

| Name | Value |
|------|------:|
| Apple | 42 |
| Pear \\| fruit | 7 |

[r1]: http://example.com/r1
[shortcut]: http://example.com/s

3 * 4 = 12 and snake_case_word.
"""

MD_EXPECTED = """---
title: Keep me
tags: [a, b]
---

# HELLO *WORLD* #

SOME **BOLD TEXT** AND `inline code` WITH A [LINK TEXT](http://example.com/x "TITLE") AND A SECOND LINE WITH ![IMG ALT](pic.png) AND <span class="x">HTML</span>.

- FIRST ITEM WITH [REF LINK][r1]
- SECOND ITEM [shortcut]

> QUOTED TEXT  
> WITH A HARD BREAK

```python
print("do not translate")
```

    indented code stays

| NAME | VALUE |
|------|------:|
| APPLE | 42 |
| PEAR \\| FRUIT | 7 |

[r1]: http://example.com/r1
[shortcut]: http://example.com/s

3 \\* 4 = 12 AND SNAKE_CASE_WORD.
"""


def test_markdown_code_links_front_matter_untouched(tmp_path: Path) -> None:
    src = tmp_path / "a.md"
    src.write_text(MD, encoding="utf-8")
    translate_file(src, tmp_path / "o.md")
    assert (tmp_path / "o.md").read_text(encoding="utf-8") == MD_EXPECTED


def test_markdown_output_renders_like_the_source(tmp_path: Path) -> None:
    from markdown_it import MarkdownIt

    src = tmp_path / "a.md"
    src.write_text(MD, encoding="utf-8")
    translate_file(src, tmp_path / "o.md")
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    types_in = [t.type for t in md.parse(MD)]
    types_out = [t.type for t in md.parse((tmp_path / "o.md").read_text(encoding="utf-8"))]
    assert types_in == types_out
    html = md.render((tmp_path / "o.md").read_text(encoding="utf-8"))
    assert (
        "<strong>BOLD TEXT</strong>" in html
        and '<a href="http://example.com/x" title="TITLE">LINK TEXT</a>' in html
    )


def test_markdown_bilingual(tmp_path: Path) -> None:
    src = tmp_path / "a.md"
    src.write_text("# Title\n\nOne paragraph.\n", encoding="utf-8")
    translate_file(src, tmp_path / "o.md", bilingual=True)
    assert (
        tmp_path / "o.md"
    ).read_text() == "# Title\n\n# TITLE\n\nOne paragraph.\n\nONE PARAGRAPH.\n"


def test_markdown_reordering_engine_keeps_emphasis_on_words(tmp_path: Path) -> None:
    src = tmp_path / "a.md"
    src.write_text("A **red** car.\n", encoding="utf-8")
    translate_file(src, tmp_path / "o.md", engine=FakeEngine(reverse=True))
    assert (tmp_path / "o.md").read_text() == ". CAR **RED** A\n"
