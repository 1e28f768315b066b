"""Plain text (issue 19, items 3 and 5): headings stay on their own line; quote prefixes
and list markers never reach the model and come back in front of their lines. Exact
outputs on the word-for-word fixture model."""

from __future__ import annotations

from pathlib import Path

import pytest
import synthetic

from offline_nlp.documents import translate_documents
from offline_nlp.documents.registry import open_document
from offline_nlp.engine import Engine


def xl(text: str) -> str:
    return synthetic.translate_text(text, "en", "xl")


def translated(engine: Engine, tmp_path: Path, text: str) -> str:
    src = tmp_path / "a.txt"
    src.write_text(text, encoding="utf-8")
    (result,) = translate_documents([(src, tmp_path / "out.txt")], engine, "en", "xl")
    assert result.status == "done", result.message
    return (tmp_path / "out.txt").read_text(encoding="utf-8")


# A heading of 40+ characters without end punctuation over a paragraph wrapped at the
# same width: on main the two were joined into one sentence.
# Joined on main (58 characters), or keeping the paragraph from being joined (64).
HEADINGS = ["The teacher and the student walk to the river with the dog",
            "The teacher and the student walk to the river with the dog today"]
HEADING = HEADINGS[0]
PARAGRAPH = ("We read a book and the children play with the dog in the\n"
             "garden while the father and the mother cook for the family.")


@pytest.mark.parametrize("heading", HEADINGS)
def test_a_heading_is_never_joined_to_the_paragraph_under_it(fixture_engine: Engine,
                                                             tmp_path: Path, heading: str) -> None:
    out = translated(fixture_engine, tmp_path, f"{heading}\n{PARAGRAPH}\n")
    assert out == f"{xl(heading)}\n{xl(' '.join(PARAGRAPH.split()))}\n"


def test_the_heading_and_the_paragraph_are_separate_segments(tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_text(f"{HEADING}\n{PARAGRAPH}\n", encoding="utf-8")
    assert [s.text for s in open_document(src).segments()] == [
        HEADING, " ".join(PARAGRAPH.split())]


def test_list_markers_stay_and_do_not_reach_the_model(fixture_engine: Engine,
                                                      tmp_path: Path) -> None:
    text = "We need the food\n- the book\n* the water\n  - the dog\n1. the house\n"
    src = tmp_path / "a.txt"
    src.write_text(text, encoding="utf-8")
    (segment,) = open_document(src).segments()
    assert segment.text == "We need the food\nthe book\nthe water\nthe dog\nthe house"
    out = translated(fixture_engine, tmp_path, text)
    assert out == (f"{xl('We need the food')}\n- {xl('the book')}\n* {xl('the water')}\n"
                   f"  - {xl('the dog')}\n1. {xl('the house')}\n")


def test_quote_prefixes_stay_and_quoted_paragraphs_reflow(fixture_engine: Engine,
                                                          tmp_path: Path) -> None:
    text = ("> We read a book and the children play with the dog in the\n"
            "> garden while the father and the mother cook for the family.\n"
            ">\n"
            ">> The water is good.\n"
            "> > We go home.\n"
            "\n"
            "We go home.\n")
    out = translated(fixture_engine, tmp_path, text)
    assert out == (f"> {xl(' '.join(PARAGRAPH.split()))}\n"
                   ">\n"
                   f">> {xl('The water is good.')}\n"
                   f"> > {xl('We go home.')}\n"
                   "\n"
                   f"{xl('We go home.')}\n")


@pytest.mark.parametrize("target", ["xl", "xz"])
def test_any_text_keeps_quote_prefixes_and_bullets(fixture_engine: Engine, target: str) -> None:
    # --text, the desktop app and the server go through the engine, not the .txt handler
    text = "> The dog is happy.\n>> We go home.\n- the book\n* the water\n> - the dog"
    expected = "\n".join(
        prefix + synthetic.translate_text(body, "en", target) for prefix, body in (
            ("> ", "The dog is happy."), (">> ", "We go home."), ("- ", "the book"),
            ("* ", "the water"), ("> - ", "the dog")))
    assert fixture_engine.translate(text, "en", target) == expected
