"""The extractive summariser: source sentences, in source order, as long as asked."""

from __future__ import annotations

import pytest

from offline_nlp.engine.extractive import (
    extract_sentences,
    is_cjk_text,
    length_share,
    sentence_terms,
    summarize_extractive,
    summary_sentences,
    unwrap_lines,
)

ENGLISH = """Solar panels turn sunlight into electricity for homes. The weather was cold on Monday.
Modern solar panels convert more sunlight into electricity than older panels. Many homes now
use solar electricity during the day.

My cousin bought a red bicycle. Batteries store solar electricity for homes at night. Cheap
batteries and cheap panels make solar electricity popular. The football match ended in a draw.
Solar power for homes keeps getting cheaper every year. A cat slept on the warm roof."""

CHINESE = ("太阳能电池板把阳光转化为电能。星期一的天气很冷。现代太阳能电池板比旧电池板转化更多的阳光。"
           "很多家庭白天使用太阳能电能。我的表哥买了一辆红色自行车。电池在夜里为家庭储存太阳能电能。"
           "便宜的电池和电池板让太阳能电能很受欢迎。足球比赛打成了平局。太阳能每年都变得更便宜。"
           "一只猫睡在温暖的屋顶上。")

OFF_TOPIC = {"The weather was cold on Monday.", "My cousin bought a red bicycle.",
             "The football match ended in a draw.", "A cat slept on the warm roof.",
             "星期一的天气很冷。", "我的表哥买了一辆红色自行车。", "足球比赛打成了平局。",
             "一只猫睡在温暖的屋顶上。"}


def source_sentences(text: str) -> list[str]:
    return summary_sentences(text)


SHARES = {"short": 0.15, "medium": 0.30, "long": 0.50}


def characters(sentences: list[str]) -> int:
    return sum(len(s) for s in sentences)


@pytest.mark.parametrize("text", [ENGLISH, CHINESE], ids=["english", "chinese"])
@pytest.mark.parametrize("length", ["short", "medium", "long", 0.2, 1.0])
def test_source_sentences_in_source_order_within_the_length(text: str, length: object) -> None:
    sentences = source_sentences(text)
    assert len(sentences) == 10
    picked = extract_sentences(text, length=length)  # type: ignore[arg-type]
    share = SHARES.get(length, length)  # type: ignore[call-overload]
    assert 0 < characters([p.text for p in picked]) <= share * characters(sentences)
    assert [p.index for p in picked] == sorted({p.index for p in picked})
    assert [p.text for p in picked] == [sentences[p.index] for p in picked]


# Central sentences that are long, and short ones around them: counting sentences kept
# twice the characters asked for.
LONG_CENTRAL = "\n\n".join(
    f"Solar panels on the roofs of homes in town {n} turn sunlight into cheap electricity "
    f"for the homes all day long, and batteries store the solar electricity for night. "
    f"Birds sing. Rain fell {n}. Dogs bark. Tea is hot."
    for n in ("one", "two", "three", "four", "five", "six", "seven", "eight"))


@pytest.mark.parametrize("length", ["short", "medium", "long", 0.03, 0.1])
def test_the_length_is_a_share_of_the_characters(length: object) -> None:
    share = SHARES.get(length, length)  # type: ignore[call-overload]
    total = len(LONG_CENTRAL)
    summary = summarize_extractive(LONG_CENTRAL, length=length)  # type: ignore[arg-type]
    kept = summary_sentences(summary)
    if len(kept) > 1:  # one sentence is the least a summary can be
        assert share * total / 2 <= len(summary) <= share * total + 2 * len(kept)  # + breaks


def test_a_summary_is_at_least_its_most_central_sentence() -> None:
    picked = extract_sentences(LONG_CENTRAL, length=0.001)
    assert len(picked) == 1 and picked[0].text.startswith("Solar panels on the roofs")


def test_paragraph_and_line_breaks_between_kept_sentences_are_kept() -> None:
    summary = summarize_extractive(LONG_CENTRAL, length="long")
    paragraphs = summary.split("\n\n")
    assert len(paragraphs) > 4 and all(p.startswith("Solar panels") for p in paragraphs)
    text = "Solar power is cheap.\nSolar power is clean.\nCats sleep.\nSolar power grows."
    assert summarize_extractive(text, length=0.9) == (
        "Solar power is cheap.\nSolar power is clean.\nSolar power grows.")


def test_a_chinese_summary_keeps_its_lines() -> None:
    text = CHINESE.replace("。很多家庭", "。\n很多家庭").replace("。便宜的", "。\n\n便宜的")
    summary = summarize_extractive(text, length="long", language="zh")
    assert "\n" in summary and " " not in summary
    assert summary.replace("\n", "") == summarize_extractive(CHINESE, length="long", language="zh")


def test_hard_wrapped_lines_are_joined_but_headings_and_paragraphs_kept() -> None:
    assert unwrap_lines("Many homes now\nuse solar.\n\nNext one.") == "Many homes now use solar.\n\nNext one."
    assert unwrap_lines("Title\nSolar panels.\n- item\n- item") == "Title\nSolar panels.\n- item\n- item"
    assert unwrap_lines("太阳能电池板把阳光\n转化为电能。") == "太阳能电池板把阳光转化为电能。"
    assert summary_sentences(ENGLISH)[3] == "Many homes now use solar electricity during the day."


@pytest.mark.parametrize("text", [ENGLISH, CHINESE], ids=["english", "chinese"])
def test_central_sentences_win_over_off_topic_ones(text: str) -> None:
    for length in ("short", "medium"):
        assert not {p.text for p in extract_sentences(text, length=length)} & OFF_TOPIC


def test_english_summary_is_source_sentences_between_the_source_breaks() -> None:
    summary = summarize_extractive(ENGLISH, length="medium")
    picked = [p.text for p in extract_sentences(ENGLISH, length="medium")]
    assert summary.replace("\n\n", " ").replace("\n", " ") == " ".join(picked)


def test_chinese_summary_has_no_spaces_between_sentences() -> None:
    summary = summarize_extractive(CHINESE, length="long", language="zh")
    assert " " not in summary and summary.endswith("。")
    assert summary == "".join(p.text for p in extract_sentences(CHINESE, length="long"))


def test_chinese_is_compared_by_character_bigrams() -> None:
    assert sentence_terms("太阳能电池。", bigrams=True) == {"太阳", "阳能", "能电", "电池"}
    assert sentence_terms("用Python写代码", bigrams=True) == {"用", "python", "写代", "代码"}
    assert is_cjk_text(CHINESE) and not is_cjk_text(ENGLISH)


def test_english_terms_skip_stop_words_and_fold_plurals() -> None:
    assert sentence_terms("The cats and a cat sat on the mats.", bigrams=False) == {"cat", "sat", "mat"}


def test_japanese_and_korean_work_without_a_language_code() -> None:
    japanese = "猫は小さな動物です。猫はよく寝ます。今日は雨です。猫は魚が好きです。"
    korean = "고양이는 작은 동물입니다. 고양이는 잠을 많이 잡니다. 오늘은 비가 옵니다. 고양이는 생선을 좋아합니다."
    for text in (japanese, korean):
        sentences = source_sentences(text)
        picked = extract_sentences(text, length=0.6)
        assert len(picked) == 2 and all(p.text in sentences for p in picked)
        assert "오늘은 비가 옵니다." not in [p.text for p in picked]


def test_repeated_sentences_are_kept_once() -> None:
    text = "Solar power is cheap. Solar power is cheap. Solar power is cheap. Cats sleep."
    texts = [p.text for p in extract_sentences(text, length=0.5)]
    assert texts == ["Solar power is cheap.", "Cats sleep."]


def test_empty_and_blank_text_give_an_empty_summary() -> None:
    assert summarize_extractive("") == "" and summarize_extractive(" \n\n ") == ""
    assert extract_sentences("Only one.", length="short")[0].text == "Only one."


@pytest.mark.parametrize("bad", ["tiny", 0, 0.0, -0.5, 1.5, True])
def test_bad_lengths_name_the_choices(bad: object) -> None:
    with pytest.raises(ValueError, match="short, medium, long|ratio"):
        length_share(bad)  # type: ignore[arg-type]


def test_a_long_text_is_summarised_to_its_share() -> None:
    import random

    rng = random.Random(3)
    words = [f"w{i}" for i in range(400)] + ["the", "of", "and"] * 20
    sentences = [" ".join(rng.choice(words) for _ in range(rng.randint(5, 20))) + "."
                 for _ in range(2000)]
    text = "\n\n".join(" ".join(sentences[i:i + 5]) for i in range(0, 2000, 5))
    picked = extract_sentences(text, length="short")  # (its time: bench/, not a test)
    assert 0.14 * len(text) < characters([p.text for p in picked]) <= 0.15 * len(text)
