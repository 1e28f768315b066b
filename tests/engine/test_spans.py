"""Spans kept verbatim (issue 19): emoji clusters, words in another script, numbers with
inner punctuation, on the word-for-word fixture models."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import synthetic

from offline_nlp.engine import Engine, TranslationOptions
from offline_nlp.engine.integrity import spans


def tr(text: str, target: str) -> str:
    return synthetic.translate_sentence(text, "en", target)


def around(before: str, span: str, after: str, target: str, spaced: bool = True) -> str:
    """The right answer: ``before`` and ``after`` translated, ``span`` between them (with
    the source's spaces; a CJK target writes numbers and CJK words without them)."""
    sep = " " if spaced else ""
    return f"{tr(before, target)}{sep}{span}{sep}{tr(after, target)}"


# -- emoji are whole grapheme clusters, with no space added between them ---------------

EMOJI = ["🇯🇵", "🇯🇵🇰🇷", "1️⃣", "#️⃣", "🏴\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F",
         "👨\u200d👩\u200d👧👍🏽", "😊😊"]


@pytest.mark.parametrize("emoji", EMOJI)
@pytest.mark.parametrize("target", ["xl", "xz"])
def test_emoji_clusters_come_back_whole(fixture_engine: Engine, emoji: str, target: str) -> None:
    out = fixture_engine.translate(f"The teacher went to {emoji} and the dog is happy.",
                                   "en", target)
    assert out == around("The teacher went to", emoji, "and the dog is happy.", target)


def test_adjacent_spans_keep_the_source_spacing(fixture_engine: Engine) -> None:
    out = fixture_engine.translate("The dog {a}{b} and 😊 👍 is happy.", "en", "xl")
    assert out == f"{tr('The dog', 'xl')} {{a}}{{b}} {tr('and', 'xl')} 😊 👍 " \
                  f"{tr('is happy.', 'xl')}"


# -- words in a script the source language is not written in ---------------------------

@pytest.mark.parametrize(("word", "target", "spaced"), [
    ("北京", "xl", True), ("北京", "xz", False), ("שלום", "xl", True),
    ("Москва", "xz", True), ("ありがとう ございます", "xl", True)])
def test_a_word_in_another_script_is_kept_and_reported(fixture_engine: Engine, word: str,
                                                      target: str, spaced: bool) -> None:
    result = fixture_engine.translate_texts([f"We live in {word} now."], "en", target)[0]
    assert result.text == around("We live in", word, "now.", target, spaced)
    assert result.kept == (word,)


def test_kept_sentences_and_words_are_both_listed(fixture_engine: Engine) -> None:
    result = fixture_engine.translate_texts(["The word 你好 is good. 你好，世界。"], "en", "xl")[0]
    assert result.kept == ("你好，世界。", "你好")


# -- numbers with inner punctuation ---------------------------------------------------

NUMBERS = ["3.14", "07.05.2024", "10:30", "2.0.1", "192.168.0.1", "+1 (555) 123-4567",
           "(555) 123-4567", "1,000"]


@pytest.mark.parametrize("number", NUMBERS)
@pytest.mark.parametrize("target", ["xl", "xz"])
def test_numbers_with_inner_punctuation_are_kept(fixture_engine: Engine, number: str,
                                                 target: str) -> None:
    out = fixture_engine.translate(f"The teacher went to {number} and the dog is happy.",
                                   "en", target)
    assert out == around("The teacher went to", number, "and the dog is happy.", target,
                         spaced=target != "xz")


def test_a_full_width_stop_after_a_kept_number_becomes_a_full_stop(fixture_engine: Engine) -> None:
    """xz→en: the pieces between the spans are translated; the "。" left alone after the
    number used to come back as it was ("…family, 257.08。")."""
    source = "常多子技深必起命直，感，257.08。"
    out = fixture_engine.translate(source, "xz", "en", TranslationOptions(use_cache=False))
    assert out == synthetic.translate_text(source, "xz", "en")
    assert out.endswith(", 257.08.")


# -- the fallback: pieces between spans -----------------------------------------------

def test_pieces_keep_emoji_clusters_and_spacing(fixture_engine: Engine,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spans, "WHOLE_SENTENCES", False)
    out = fixture_engine.translate("The dog 🇯🇵🇰🇷 is happy 😊😊.", "en", "xl")
    assert out == f"{tr('The dog', 'xl')} 🇯🇵🇰🇷 {tr('is happy', 'xl')} 😊😊."



# -- whole sentences first, pieces as the fallback --------------------------------------

class _Changed:
    """A model's result with other hypotheses, or without attention."""

    def __init__(self, future: object, change: object, keep_attention: bool) -> None:
        self.future, self.change, self.keep_attention = future, change, keep_attention

    def done(self) -> bool:
        return self.future.done()  # type: ignore[attr-defined,no-any-return]

    def result(self) -> object:
        result = self.future.result()  # type: ignore[attr-defined]
        return SimpleNamespace(
            hypotheses=[self.change(h) for h in result.hypotheses],  # type: ignore[operator]
            attention=result.attention if self.keep_attention else [])


def changed_model(monkeypatch: pytest.MonkeyPatch, engine: Engine, change: object,
                  keep_attention: bool = True) -> list[str]:
    """The en→xl model's outputs changed by ``change(pieces)``; returns what it was given."""
    model = engine.models.get(engine.route("en", "xl").packages[0])
    real, seen = model.translator, []

    class Changed:
        @staticmethod
        def translate_batch(batch, **kwargs):  # type: ignore[no-untyped-def]
            seen.extend("".join(tokens).replace("\u2581", " ").strip() for tokens in batch)
            return [_Changed(f, change, keep_attention)
                    for f in real.translate_batch(batch, **kwargs)]

    monkeypatch.setattr(model, "translator", Changed())
    return seen


SOURCE = "The teacher went to {name} and the dog is happy."
RIGHT = around("The teacher went to", "{name}", "and the dog is happy.", "xl")


def test_the_model_gets_the_sentence_whole_without_its_spans(
        fixture_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = changed_model(monkeypatch, fixture_engine, lambda pieces: pieces)
    result = fixture_engine.translate_texts([SOURCE], "en", "xl",
                                            TranslationOptions(use_cache=False))[0]
    assert result.text == RIGHT
    assert seen == ["The teacher went to and the dog is happy."]


def test_without_an_alignment_the_pieces_are_translated(fixture_engine: Engine,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    seen = changed_model(monkeypatch, fixture_engine, lambda pieces: pieces,
                         keep_attention=False)
    out = fixture_engine.translate(SOURCE, "en", "xl", TranslationOptions(use_cache=False))
    assert out == RIGHT
    assert seen[0] == "The teacher went to and the dog is happy."
    assert sorted(seen[1:]) == ["The teacher went to", "and the dog is happy."]


def full_stop(pieces: list[str]) -> list[str]:
    """A model that ends everything it translates with a full stop, as models trained
    on whole sentences do."""
    return pieces if pieces[-1:] in (["."], ["!"], ["?"]) else [*pieces, "."]


def test_a_piece_without_an_end_mark_gets_none(fixture_engine: Engine,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spans, "WHOLE_SENTENCES", False)
    changed_model(monkeypatch, fixture_engine, full_stop)
    out = fixture_engine.translate(SOURCE, "en", "xl", TranslationOptions(use_cache=False))
    assert out == RIGHT  # not "Rivido vinole ruke rotani. {name} …"


def test_a_sentence_without_an_end_mark_gets_none(fixture_engine: Engine,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    changed_model(monkeypatch, fixture_engine, full_stop)
    out = fixture_engine.translate("See https://example.org", "en", "xl",
                                   TranslationOptions(use_cache=False))
    assert out == f"{tr('See', 'xl')} https://example.org"
