"""Word grouping of sentencepiece pieces, which decides what a formatting run follows."""

from offline_nlp.engine.alignment import _word_groups


def test_underscores_and_hyphens_stay_inside_a_word() -> None:
    pieces = ["▁The", "▁pe", "_", "rula", "▁well", "-", "known", "."]
    assert _word_groups(pieces) == [[0], [1, 2, 3], [4, 5, 6], [7]]


def test_punctuation_and_wide_characters_are_words_of_their_own() -> None:
    assert _word_groups(["▁Go", ",", "▁now", "!"]) == [[0], [1], [2], [3]]
    assert _word_groups(["▁点", "点", "。"]) == [[0], [1], [2]]
