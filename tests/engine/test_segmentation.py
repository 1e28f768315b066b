"""Sentence splitting never merges two ordinary sentences, in Latin and CJK text alike."""

from __future__ import annotations

import itertools
import random

import pytest

from offline_nlp.engine.segmentation import join_sentences, split_text


def sentences(text: str, language: str | None = None) -> list[str]:
    return [p.text for p in split_text(text, language) if p.is_sentence]


@pytest.mark.parametrize("text, expected", [
    ("My answer is no. The teacher went home.", ["My answer is no.", "The teacher went home."]),
    ("We met on Sun. The shop was shut.", ["We met on Sun.", "The shop was shut."]),
    ("The sun. The moon.", ["The sun.", "The moon."]),
    ("They sat. Then they ate.", ["They sat.", "Then they ate."]),
    ("Read p. The next one too.", ["Read p.", "The next one too."]),
    ("I need a sec. Wait here.", ["I need a sec.", "Wait here."]),
    ("The ship lay at sea. Co. workers came.", ["The ship lay at sea.", "Co. workers came."]),
    ("So did I. Then we left.", ["So did I.", "Then we left."]),
    ("Apples, pears, etc. The next day was cold.",
     ["Apples, pears, etc.", "The next day was cold."]),
])
def test_ordinary_words_before_a_period_end_the_sentence(text: str, expected: list[str]) -> None:
    assert sentences(text, "en") == expected
    assert sentences(text) == expected


@pytest.mark.parametrize("text", [
    "See No. 5 on p. 12 and Fig. 3 in sec. 4 of the report.",
    "Mr. Smith and Dr. Brown met Prof. Green on Jan. 5 at 3 p.m. today.",
    "Apple Inc. said so, e.g. in its report, i.e. the annual one.",
    "He wrote pp. 10-12 of Vol. 2 in approx. three days, etc. and more.",
    "J. R. R. Tolkien wrote it.",
])
def test_non_breaking_prefixes_keep_the_sentence_whole(text: str) -> None:
    assert sentences(text, "en") == [text]


@pytest.mark.parametrize("language, text", [
    ("de", "Wir treffen uns am 3. Oktober im Haus von Hrn. Meier, z. B. um 5 Uhr."),
    ("de", "Im 19. Jahrhundert gab es u. a. viele Kriege, vgl. Abb. 4."),
    ("fr", "M. Dupont habite au no. 5, p. ex. près de la gare."),
    ("fr", "« Bonjour ! » dit-il en souriant."),
    ("es", "El Sr. García vive en EE. UU. desde hace años, p. ej. en Texas."),
])
def test_language_prefixes_keep_the_sentence_whole(language: str, text: str) -> None:
    assert sentences(text, language) == [text]


@pytest.mark.parametrize("text", [
    "Er kaufte z. B. Äpfel, d. h. Obst.",
    "We use e. g. Python, i. e. a language.",
    "Das gilt u. a. für Kinder, v. a. im Winter.",
])
def test_spaced_letter_abbreviations_stay_whole_without_a_language(text: str) -> None:
    assert sentences(text) == [text]


@pytest.mark.parametrize("language, text, expected", [
    ("de", "Das Ergebnis war 42. Das ist gut.", ["Das Ergebnis war 42.", "Das ist gut."]),
    ("de", "Er kaufte Äpfel usw. Dann ging er.", ["Er kaufte Äpfel usw.", "Dann ging er."]),
    ("fr", "Il est parti. Elle reste.", ["Il est parti.", "Elle reste."]),
    ("es", "¿Qué hora es? Son las tres.", ["¿Qué hora es?", "Son las tres."]),
])
def test_language_sentences_still_split(language: str, text: str, expected: list[str]) -> None:
    assert sentences(text, language) == expected


@pytest.mark.parametrize("text, expected", [
    ("「やめて！」と彼女は叫んだ。", ["「やめて！」と彼女は叫んだ。"]),
    ("彼は「はい。」と言った。それから帰った。", ["彼は「はい。」と言った。", "それから帰った。"]),
    ("他叫Mr. Wang。他很好。", ["他叫Mr. Wang。", "他很好。"]),
    ("今天很好．明天也好．", ["今天很好．", "明天也好．"]),
    ("감사합니다.다음에 봐요.", ["감사합니다.", "다음에 봐요."]),
    ("你好!我是小明.你呢?", ["你好!", "我是小明.", "你呢?"]),
    ("价格是３．５元。好的", ["价格是３．５元。", "好的"]),
    ("东京へ行きます。「はい」と言った。", ["东京へ行きます。", "「はい」と言った。"]),
])
def test_cjk_and_korean_sentence_ends(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("1. Buy milk.\n2. Drink it.", ["Buy milk.", "Drink it."]),
    ("2) Open the door. Go in.\n(b) Close it.", ["Open the door.", "Go in.", "Close it."]),
    ("a. First point\niv. Fourth point\n- A bullet.", ["First point", "Fourth point", "A bullet."]),
    ("* One.\n• Two\n> Quoted.\n>> > Deeper - still.\n> - Quoted item", [
        "One.", "Two", "Quoted.", "Deeper - still.", "Quoted item"]),
    ("-5 degrees.\n*emphasis* stays.\n>=3 is true.", ["-5 degrees.", "*emphasis* stays.", ">=3 is true."]),
    ("1.\n2. Two", ["Two"]),
])
def test_list_markers_are_kept_and_never_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_list_markers_come_back_unchanged_around_translations() -> None:
    layout = split_text("1. Buy milk.\n2) Drink it. Now!")
    assert join_sentences(layout, ["A.", "B.", "C!"]) == "1. A.\n2) B. C!"
    assert join_sentences(layout, ["甲。", "乙。", "丙！"]) == "1. 甲。\n2) 乙。丙！"


ALPHABET = "ab .!?。！．」「\"'\n\r\t  1Mr.No.5p.e.g.감你"


@pytest.mark.parametrize("seed", range(40))
def test_random_text_joins_back_byte_for_byte(seed: int) -> None:
    rng = random.Random(seed)
    text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 300)))
    for language in (None, "en", "de", "fr", "es", "zh", "ja", "ko"):
        pieces = split_text(text, language)
        assert "".join(p.text for p in pieces) == text
        assert all(p.text for p in pieces)
        assert all(p.text == p.text.strip() and p.text for p in pieces if p.is_sentence)
        kinds = [p.is_sentence for p in pieces]
        assert all(a or b for a, b in itertools.pairwise(kinds))  # no two separators in a row

