"""Nothing the user wrote is lost (issue 9): long sentences, protected spans, text in
another script, and the coverage guard, on the word-for-word fixture models."""

from __future__ import annotations

import json
import logging
import random
import shutil
from pathlib import Path

import pytest
import synthetic
from helpers import broken_model, hypothesis_only

from offline_nlp.engine import Engine, TranslationOptions
from offline_nlp.packages import PackageManager
from offline_nlp.paths import AppPaths


def long_sentence(seed: int, words: int, comma_every: int = 0) -> str:
    """``The`` and ``words`` dictionary words, no number, one final full stop."""
    rng = random.Random(seed)
    chosen = [rng.choice(synthetic.ENGLISH_WORDS) for _ in range(words)]
    if comma_every:
        for index in range(comma_every - 1, words - 1, comma_every):
            chosen[index] += ","
    return "The " + " ".join(chosen) + "."


@pytest.fixture(scope="module")
def limited_engine(installed_home: AppPaths, tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """The fixture packages, their metadata saying what they were trained on: 24 tokens."""
    home = AppPaths.under(tmp_path_factory.mktemp("limited")).ensure()
    shutil.rmtree(home.packages)
    shutil.copytree(installed_home.packages, home.packages)
    for metadata in home.packages.glob("*/metadata.json"):
        data = json.loads(metadata.read_text(encoding="utf-8"))
        data["max_source_tokens"] = 24
        metadata.write_text(json.dumps(data), encoding="utf-8")
    return Engine(PackageManager(home))


# -- 2. long sentences are cut to fit, never truncated ---------------------------------

@pytest.mark.parametrize("target", ["xl", "xz"])
def test_an_80_word_sentence_without_punctuation_comes_back_complete(
        limited_engine: Engine, target: str) -> None:
    text = long_sentence(0, 80)
    result = limited_engine.translate_texts([text], "en", target)[0]
    assert result.text == synthetic.translate_text(text, "en", target)
    assert result.suspect == ()


def test_the_limit_can_be_set_in_the_options_and_the_cut_is_logged(
        fixture_engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    text = long_sentence(2, 80)
    with caplog.at_level(logging.INFO, logger="offline_nlp.engine"):
        out = fixture_engine.translate_texts(
            [text], "en", "xl", TranslationOptions(max_sentence_tokens=20))[0].text
    assert out == synthetic.translate_text(text, "en", "xl")
    assert "translated in 5 pieces" in caplog.text


def test_a_long_sentence_is_cut_after_its_commas(fixture_engine: Engine,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    text = long_sentence(0, 60, comma_every=8)
    seen = broken_model(monkeypatch, fixture_engine, ("en", "xz"), hypothesis_only(lambda s, h: h))
    options = TranslationOptions(max_sentence_tokens=30, use_cache=False)
    out = fixture_engine.translate_texts([text], "en", "xz", options)[0].text
    assert out == synthetic.translate_text(text, "en", "xz")  # no spaces between pieces
    pieces = ["".join(tokens).replace("\u2581", " ").strip() for tokens in seen]
    assert len(pieces) > 1 and all(p.endswith((",", ".")) for p in pieces)  # at commas
    assert all(len(tokens) <= 30 for tokens in seen)


def test_pieces_of_a_cjk_sentence_are_joined_with_spaces_in_english(
        fixture_engine: Engine) -> None:
    english = long_sentence(0, 60, comma_every=8)
    source = synthetic.translate_text(english, "en", "xz")
    out = fixture_engine.translate_texts(
        [source], "xz", "en", TranslationOptions(max_sentence_tokens=30))[0].text
    # one space apart, and no capital in mid-sentence where a piece begins
    assert out == synthetic.translate_text(source, "xz", "en")


def test_an_output_that_runs_into_the_decoding_limit_is_cut_and_retried(
        fixture_engine: Engine, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    def loop_on_long_input(source: list[str], hypothesis: list[str]) -> list[str]:
        return ["\u2581ka"] * (2 * len(source) + 16) if len(source) > 12 else hypothesis

    broken_model(monkeypatch, fixture_engine, ("en", "xl"), hypothesis_only(loop_on_long_input))
    text = long_sentence(3, 30)
    with caplog.at_level(logging.INFO, logger="offline_nlp.engine"):
        result = fixture_engine.translate_texts([text], "en", "xl",
                                                TranslationOptions(use_cache=False))[0]
    assert result.text == synthetic.translate_text(text, "en", "xl")
    assert result.suspect == ()
    assert "ran into the decoding limit" in caplog.text  # what -v shows


# -- 5. the coverage guard ---------------------------------------------------------------

def test_an_output_that_repeats_itself_is_replaced_by_one_that_does_not(
        fixture_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    def loop_of_the_right_length(source: list[str], hypothesis: list[str]) -> list[str]:
        return (hypothesis[:4] * len(hypothesis))[:len(hypothesis)] if len(source) > 12 \
            else hypothesis

    broken_model(monkeypatch, fixture_engine, ("en", "xl"),
                 hypothesis_only(loop_of_the_right_length))
    text = long_sentence(5, 30)
    result = fixture_engine.translate_texts([text], "en", "xl",
                                            TranslationOptions(use_cache=False))[0]
    assert result.text == synthetic.translate_text(text, "en", "xl")
    assert result.suspect == ()


@pytest.mark.parametrize("seed", [0, 1])
def test_a_truncated_output_is_translated_again_in_pieces(fixture_engine: Engine,
                                                          seed: int) -> None:
    # 82 tokens: under the default limit, so sent whole; the model, trained on sentences
    # of up to 18 words, stops half-way or loops, and the guard catches it.
    text = long_sentence(seed, 80)
    result = fixture_engine.translate_texts([text], "en", "xl")[0]
    assert result.text == synthetic.translate_text(text, "en", "xl")


def test_what_stays_incomplete_is_reported(fixture_engine: Engine,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    def drop_the_end(source: list[str], hypothesis: list[str]) -> list[str]:
        return hypothesis[:max(1, len(hypothesis) // 4)]  # whatever it is given

    broken_model(monkeypatch, fixture_engine, ("en", "xl"), hypothesis_only(drop_the_end))
    text = "Go. " + long_sentence(4, 20)
    result = fixture_engine.translate_texts([text], "en", "xl",
                                            TranslationOptions(use_cache=False))[0]
    assert result.suspect == (long_sentence(4, 20),)  # not "Go.": too short to judge
    # what the model gave is shown, not dropped
    assert result.text.startswith(synthetic.translate_sentence("Go", "en", "xl") + " Rivido")


def test_a_model_that_fails_on_ordinary_sentences_is_reported_not_retried(
        fixture_engine: Engine, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    def drop_the_end(source: list[str], hypothesis: list[str]) -> list[str]:
        return hypothesis[:max(1, len(hypothesis) // 6)]

    seen = broken_model(monkeypatch, fixture_engine, ("en", "xl"), hypothesis_only(drop_the_end))
    rng = random.Random(8)
    sentences = [synthetic.random_sentence(rng, "en", 8, 15) for _ in range(10)]
    with caplog.at_level(logging.WARNING, logger="offline_nlp.engine"):
        result = fixture_engine.translate_texts([" ".join(sentences)], "en", "xl",
                                                TranslationOptions(use_cache=False))[0]
    assert len(result.suspect) == 10  # every one reported
    assert len(seen) == 10  # and none translated five times more
    assert "the model may not suit this text" in caplog.text


# -- 3. protected spans ------------------------------------------------------------------

SPANS = ["https://example.org/a?b=1", "a@b.org", "😊", "👍🏽", "{name}", "%s", "%(count)d",
         "{{var}}", "`make test`", "/usr/local/bin", "~/notes.txt", "C:\\Users\\me\\file.txt",
         "docs/readme.md", "@alice", "#python", "www.example.org"]


@pytest.mark.parametrize("span", SPANS)
@pytest.mark.parametrize("target", ["xl", "xz"])
def test_protected_spans_come_back_verbatim_where_they_were(fixture_engine: Engine,
                                                            span: str, target: str) -> None:
    before, after = "The teacher went to", "and the dog is happy."
    out = fixture_engine.translate(f"{before} {span} {after}", "en", target)
    left = synthetic.translate_sentence(before, "en", target)
    right = synthetic.translate_sentence(after, "en", target)
    assert out == f"{left} {span} {right}"


def test_a_span_at_the_end_keeps_the_full_stop(fixture_engine: Engine) -> None:
    out = fixture_engine.translate("Write to a@b.org. Good {name}, the book is good.", "en", "xl")
    assert out == (synthetic.translate_sentence("Write to", "en", "xl") + " a@b.org. "
                   + synthetic.translate_sentence("Good", "en", "xl") + " {name}"
                   + synthetic.translate_sentence(", the book is good.", "en", "xl"))


def test_full_width_digits_reach_the_model_as_digits(fixture_engine: Engine) -> None:
    # the fixture vocabulary has no full-width characters: ２０２５ would be one <unk>
    assert fixture_engine.translate("The year is ２０２５.", "en", "xl") == \
        synthetic.translate_text("The year is 2025.", "en", "xl")


# -- 4. text not in the source language's script ------------------------------------------

def test_a_chinese_paragraph_in_an_english_text_is_kept(fixture_engine: Engine) -> None:
    text = "The water is good.\n\n你好，世界。今天很好。\n\nWe go home."
    result = fixture_engine.translate_texts([text], "en", "xl")[0]
    assert result.text == "\n\n".join([
        synthetic.translate_text("The water is good.", "en", "xl"), "你好，世界。今天很好。",
        synthetic.translate_text("We go home.", "en", "xl")])
    assert result.kept == ("你好，世界。", "今天很好。")


def test_a_japanese_or_korean_sentence_inside_english_is_kept(fixture_engine: Engine) -> None:
    text = "The water is good. やめて！ 감사합니다."
    result = fixture_engine.translate_texts([text], "en", "xz")[0]
    # No space after the CJK output before the kept Japanese; Korean, written with
    # spaces, keeps the source's.
    assert result.text == synthetic.translate_text("The water is good.", "en", "xz") + \
        "やめて！ 감사합니다."
    assert result.kept == ("やめて！", "감사합니다.")


def test_a_kept_chinese_sentence_keeps_the_space_before_the_next_english_one(
        fixture_engine: Engine) -> None:
    result = fixture_engine.translate_texts(["We go home. 你好，世界。 The water is good."],
                                            "en", "xl")[0]
    assert result.text == " ".join([synthetic.translate_text("We go home.", "en", "xl"),
                                    "你好，世界。",
                                    synthetic.translate_text("The water is good.", "en", "xl")])


def test_latin_text_inside_a_cjk_source_is_kept(fixture_engine: Engine) -> None:
    source = synthetic.translate_text("The water is good.", "en", "xz")
    result = fixture_engine.translate_texts([f"{source}\nSee you soon, Mr Wang."], "xz", "en")[0]
    assert result.text == "The water is good.\nSee you soon, Mr Wang."
    assert result.kept == ("See you soon, Mr Wang.",)


def test_a_line_mixing_english_and_chinese_is_still_translated(fixture_engine: Engine) -> None:
    result = fixture_engine.translate_texts(["The word 你好 is good."], "en", "xl")[0]
    assert result.text.startswith(synthetic.translate_sentence("The word", "en", "xl"))


def test_kept_paragraphs_survive_in_a_document(fixture_engine: Engine, tmp_path: Path) -> None:
    from offline_nlp.documents.pipeline import translate_document

    src = tmp_path / "notes.txt"
    src.write_text("The water is good.\n\n你好，世界。\n", encoding="utf-8")
    result = translate_document(src, tmp_path / "notes.xl.txt", fixture_engine, "en", "xl")
    assert result.status == "done" and result.kept == 1
    assert (tmp_path / "notes.xl.txt").read_text(encoding="utf-8") == \
        synthetic.translate_text("The water is good.", "en", "xl") + "\n\n你好，世界。\n"


# -- what the command line says ----------------------------------------------------------

@pytest.fixture
def installed(installed_home: AppPaths, monkeypatch: pytest.MonkeyPatch) -> AppPaths:
    monkeypatch.setenv("OFFLINE_NLP_PACKAGES", str(installed_home.packages))
    return installed_home


def test_json_says_which_sentences_were_kept(installed: AppPaths,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    from offline_nlp.cli import main

    assert main(["translate", "--from", "en", "--to", "xl", "--json", "--no-cache", "--text",
                 "The water is good. 你好，世界。"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["kept"] == ["你好，世界。"] and data["suspect"] == []
    assert data["translation"] == synthetic.translate_text("The water is good.", "en", "xl") + \
        " 你好，世界。"


def test_the_summary_line_counts_kept_and_suspect_sentences(
        installed: AppPaths, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from offline_nlp.cli import main
    from offline_nlp.engine import engine as engine_module

    def incomplete(self, sentences, first):  # type: ignore[no-untyped-def]
        outcomes = real_run(self, sentences, first)
        for outcome in outcomes.values():
            outcome.suspect = not outcome.kept
        return outcomes

    real_run = engine_module.Guard.run
    monkeypatch.setattr(engine_module.Guard, "run", incomplete)
    src = tmp_path / "a.txt"
    src.write_text("The water is good.\n\n你好，世界。\n", encoding="utf-8")
    assert main(["translate", "--from", "en", "--to", "xl", "--no-cache", str(src)]) == 0
    err = capsys.readouterr().err
    assert ("1 translated, 0 failed, 0 skipped, 1 sentence(s) or word(s) in another script "
            "kept as they were, 1 sentence(s) possibly incomplete (see -v)") in err
    assert main(["translate", "--from", "en", "--to", "xl", "--no-cache", "--json",
                 "--overwrite", str(src)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data[0]["kept"] == 1 and data[0]["suspect"] == 1


def test_formatting_can_follow_words_around_a_span_and_the_span_itself(
        fixture_engine: Engine) -> None:
    source = "The teacher went to https://example.org/a and the dog is happy."
    result = fixture_engine.translate_texts([source], "en", "xz", align=True)[0]
    mapped = {source[s.source_start:s.source_end]: result.text[s.target_start:s.target_end]
              for s in result.alignment}
    assert mapped["https://example.org/a"] == "https://example.org/a"
    assert mapped["dog"] == synthetic.translate_sentence("dog", "en", "xz")


def test_a_name_at_the_start_of_a_piece_keeps_its_capital() -> None:
    from offline_nlp.engine.integrity.joining import continued

    common = {"stand", "we"}.__contains__
    assert continued("站", "Xyz,", "Stand here", lambda w: common(w.lower())) == "stand here"
    assert continued("北京", "Xyz,", "Beijing is big", lambda w: common(w.lower())) == \
        "Beijing is big"
    assert continued("we go", "Xyz.", "We go", lambda w: True) == "We go"  # a new sentence
    assert continued("and go", "Xyz,", "And go", lambda w: False) == "and go"  # cased source
