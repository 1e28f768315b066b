"""Markdown inline markup found by markdown-it-py's inline parser, cut from the source's bytes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from offline_nlp.documents.markdown_inline import inline_tokens
from offline_nlp.documents.markup import CLOSE, OBJECT, OPEN

from .conftest import translate_file

REFERENCES = {"REF": {"href": "https://r.example", "title": ""}}

TRICKY = [
    "See [the <https://a.example> page](https://b.example \"Its title\") now.",
    "An ![image *with* emphasis](pic.png 'A title') and [nested [brackets] text](u).",
    "Code `a](b)` and ``two `ticks` here`` and an unclosed `tick.",
    "Refs: [full][ref], [ref][], [ref] and [not a ref] and <b>bold</b> and <br> here.",
    "***Both*** and **Note:**text and *a **b* c** and snake_case_words.",
    "A hard break  \nand a backslash one\\\nand a soft\nbreak, &amp; &copy; \\* escapes.",
    "![a [nested] alt\n<b>_**][ref]** and _<https://x.example>~~[&amp;` \\<a>)<https://y.example>)][ref]",
]


@pytest.mark.parametrize("text", TRICKY)
def test_tokens_are_the_source_bytes(text: str) -> None:
    """Every byte of a paragraph stays in its tokens (only a hard break's spaces become
    two), so whatever is not translated is written back as it was."""
    tokens = inline_tokens(text, REFERENCES)
    assert "".join(t.raw for t in tokens) == re.sub(r" {2,}\n", "  \n", text)


def test_links_images_and_code_are_what_commonmark_says() -> None:
    tokens = inline_tokens(TRICKY[0] + " " + TRICKY[1] + " " + TRICKY[2], REFERENCES)
    objects = [t.raw for t in tokens if t.kind == OBJECT]
    assert objects == [
        "<https://a.example>",
        "![image *with* emphasis](pic.png 'A title')",
        "`a](b)`",
        "``two `ticks` here``",
    ]
    image = next(t for t in tokens if t.raw.startswith("!["))
    assert [image.raw[a:b] for a, b in image.texts] == ["image *with* emphasis", "A title"]
    closes = [t.raw for t in tokens if t.kind == CLOSE]
    assert closes == ['](https://b.example "Its title")', "](u)"]
    link = next(t for t in tokens if t.raw.startswith('](https://b'))
    assert [link.raw[a:b] for a, b in link.texts] == ["Its title"]


def test_reference_links_whose_text_is_their_label_stay_whole() -> None:
    tokens = inline_tokens(TRICKY[3], REFERENCES)
    assert [t.raw for t in tokens if t.kind == OBJECT] == ["[ref][]", "[ref]"]
    assert [t.raw for t in tokens if t.kind in (OPEN, CLOSE)] == ["[", "][ref]", "<b>", "</b>"]


def test_translated_markdown_keeps_links_images_and_code(tmp_path: Path) -> None:
    src = tmp_path / "a.md"
    src.write_text("\n".join(TRICKY[:3]) + "\n", encoding="utf-8")
    translate_file(src, tmp_path / "o.md")
    assert (tmp_path / "o.md").read_text(encoding="utf-8") == (
        'SEE [THE <https://a.example> PAGE](https://b.example "ITS TITLE") NOW. AN '
        "![IMAGE \\*WITH\\* EMPHASIS](pic.png 'A TITLE') AND "
        "[NESTED \\[BRACKETS\\] TEXT](u). CODE `a](b)` AND ``two `ticks` here`` AND AN "
        "UNCLOSED \\`TICK.\n"
    )


@pytest.mark.parametrize("text", ["**Note:** *one* two", "*Warning:* **do** _not_ __touch__ it",
                                  "A [link: ](u) **b: ** c"])
def test_emphasis_still_renders_after_translation(tmp_path: Path, text: str) -> None:
    """A space the translation puts at a run's edge goes outside its markers:
    ``**NOTE: ***ONE*`` renders no bold at all (a closing ``**`` after a space is not
    right-flanking); ``**NOTE:** *ONE*`` renders as the source did."""
    from markdown_it import MarkdownIt

    src = tmp_path / "a.md"
    src.write_text(text + "\n", encoding="utf-8")
    translate_file(src, tmp_path / "o.md")

    def tags(markdown: str) -> list[str]:
        return re.findall(r"</?\w+", MarkdownIt().render(markdown))

    assert tags((tmp_path / "o.md").read_text(encoding="utf-8")) == tags(text)
