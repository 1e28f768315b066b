"""Sentence splitting: CJK punctuation, abbreviations, decimals, whitespace kept exactly."""

import pytest

from offline_nlp.engine.segmentation import join_sentences, split_text


def sentences(text: str) -> list[str]:
    return [p.text for p in split_text(text) if p.is_sentence]


@pytest.mark.parametrize("text", [
    "Hello Mr. Smith. It costs 3.5 dollars!  Really?\n\n  Next.\r\n",
    "今天天气很好。我们去公园吧！你去吗？好的",
    "  leading and trailing  ",
    "",
    "\n\n\n",
    "Line one\nLine two\n\n\nLine three",
])
def test_pieces_join_back_to_the_input(text: str) -> None:
    assert "".join(p.text for p in split_text(text)) == text


def test_english_abbreviations_initials_and_decimals_do_not_split() -> None:
    text = "Dr. Brown met J. R. Smith at 3.30 p.m. today. The fee was 2.5 dollars, e.g. cheap."
    assert sentences(text) == [
        "Dr. Brown met J. R. Smith at 3.30 p.m. today.",
        "The fee was 2.5 dollars, e.g. cheap.",
    ]


def test_cjk_full_width_punctuation_splits_without_spaces() -> None:
    assert sentences("今天天气很好。我们去公园吧！你去吗？好的") == [
        "今天天气很好。", "我们去公园吧！", "你去吗？", "好的"]
    assert sentences("東京へ行きます。「はい」と言った。") == ["東京へ行きます。", "「はい」と言った。"]


def test_closing_quotes_stay_with_their_sentence() -> None:
    assert sentences('He said "stop." Then he left.') == ['He said "stop."', "Then he left."]


def test_line_breaks_always_end_a_sentence() -> None:
    assert sentences("no stop here\nnew line") == ["no stop here", "new line"]


def test_join_adds_a_space_between_latin_sentences_from_cjk_source() -> None:
    layout = split_text("今天。明天！")
    assert join_sentences(layout, ["Today.", "Tomorrow!"]) == "Today. Tomorrow!"


def test_join_drops_the_space_between_cjk_sentences() -> None:
    layout = split_text("Today. Tomorrow!\nNext line.")
    assert join_sentences(layout, ["今天。", "明天！", "下一行。"]) == "今天。明天！\n下一行。"


def test_join_keeps_line_breaks_and_indentation() -> None:
    text = "  One.\n\n\tTwo.  "
    layout = split_text(text)
    assert join_sentences(layout, ["Eins.", "Zwei."]) == "  Eins.\n\n\tZwei.  "
