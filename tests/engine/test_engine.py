"""The engine on the trained fixture models, whose exact translation is known."""

from __future__ import annotations

import random
import threading
from pathlib import Path

import pytest
import synthetic
from helpers import fixture_package

from offline_nlp.engine import Engine, EngineConfig, SegmentCache, TranslationOptions
from offline_nlp.errors import Cancelled, LanguagePairUnavailableError
from offline_nlp.packages import PackageManager
from offline_nlp.paths import AppPaths


def paragraphs(seed: int, count: int = 4, language: str = "en", numbers: bool = True) -> str:
    """Several paragraphs of several sentences, blank lines and an indented line.

    ``numbers=False`` leaves out sentences with long numbers, the one thing the fixture
    models get wrong now and then (a digit doubled), for tests about something else.
    """
    rng = random.Random(seed)
    sep = "" if language == "xz" else " "

    def sentence() -> str:
        while True:
            text = synthetic.random_sentence(rng, language)
            if numbers or not any(c.isdigit() for c in text):
                return text

    paras = [sep.join(sentence() for _ in range(rng.randint(1, 4))) for _ in range(count)]
    return "\n\n".join(paras[:-1]) + "\n  " + paras[-1] + "\n"


def expected(text: str, source: str, target: str) -> str:
    """The right translation, keeping each line's indentation (synthetic drops it)."""
    lines = text.split("\n")
    out = []
    for line in lines:
        body = line.lstrip(" ")
        out.append(line[:len(line) - len(body)] + (synthetic.translate_text(body, source, target)
                                                     if body else ""))
    return "\n".join(out)


@pytest.mark.parametrize("source, target", [("en", "xl"), ("xl", "en"), ("en", "xz"), ("xz", "en")])
def test_multi_paragraph_text_is_translated_exactly(fixture_engine: Engine, source: str, target: str) -> None:
    text = paragraphs(7, language=source)
    assert fixture_engine.translate(text, source, target) == expected(text, source, target)


def test_cjk_output_has_no_spaces_between_sentences(fixture_engine: Engine) -> None:
    out = fixture_engine.translate("The water is good. Where is the house?", "en", "xz")
    assert " " not in out and out.count("。") == 1 and out.endswith("？")


def test_cjk_input_is_split_on_full_width_punctuation(fixture_engine: Engine) -> None:
    source = synthetic.translate_text("The water is good. Where is the house? Go!", "en", "xz")
    assert "。" in source and " " not in source
    assert fixture_engine.translate(source, "xz", "en") == "The water is good. Where is the house? Go!"


def test_periods_and_full_stops_are_never_swapped(fixture_engine: Engine) -> None:
    text = "The apple is 3.5 today. The year is 2025."
    out = fixture_engine.translate(text, "en", "xz")
    assert out == synthetic.translate_text(text, "en", "xz")
    assert "3.5" in out and "2025" in out and out.count("。") == 2 and "." not in out.replace("3.5", "")
    assert fixture_engine.translate(out, "xz", "en") == text


def test_underscores_in_words_survive_decoding(fixture_engine: Engine) -> None:
    text = "The river and the music of the garden."
    out = fixture_engine.translate(text, "en", "xl")
    assert out == expected(text, "en", "xl")
    assert out.count("_") == 3


def test_missing_pair_goes_through_english(fixture_engine: Engine) -> None:
    text = paragraphs(3, count=2, language="xl")
    [result] = fixture_engine.translate_texts([text], "xl", "xz")
    assert result.pivot == "en"
    assert result.text == expected(text, "xl", "xz")


def test_an_unavailable_pair_names_what_is_installed(fixture_engine: Engine) -> None:
    with pytest.raises(LanguagePairUnavailableError, match=r"en → de.*en→xl.*packages install en de"):
        fixture_engine.translate("Hello.", "en", "de")


def test_same_language_returns_the_text_unchanged(fixture_engine: Engine) -> None:
    assert fixture_engine.translate("Whatever, 1 2 3.", "en", "en") == "Whatever, 1 2 3."


def test_batching_many_files_equals_one_by_one(installed_home: AppPaths) -> None:
    engine = Engine(PackageManager(installed_home), EngineConfig(max_batch_tokens=64))
    files = [paragraphs(seed) for seed in range(6)]
    together = [t.text for t in engine.translate_texts(files, "en", "xl")]
    alone = [engine.translate(text, "en", "xl") for text in files]
    assert together == alone == [expected(t, "en", "xl") for t in files]


def test_stream_yields_every_text_in_order(fixture_engine: Engine) -> None:
    texts = [paragraphs(seed, count=1) for seed in range(5)]
    streamed = list(fixture_engine.stream(texts, "en", "xl", chunk_sentences=3))
    assert [i for i, _ in streamed] == [0, 1, 2, 3, 4]
    assert [t.text for _, t in streamed] == [expected(t, "en", "xl") for t in texts]


def test_cancel_stops_between_batches_and_finished_batches_are_kept(installed_home, tmp_path) -> None:
    cache = SegmentCache(tmp_path / "seg.sqlite3")
    engine = Engine(PackageManager(installed_home), EngineConfig(max_batch_tokens=40), cache)
    text = paragraphs(11, count=30, numbers=False)
    cancel = threading.Event()
    seen = []

    def on_progress(progress) -> None:  # type: ignore[no-untyped-def]
        seen.append(progress)
        if progress.done > 0:
            cancel.set()

    with pytest.raises(Cancelled):
        engine.translate_texts([text], "en", "xl", on_progress=on_progress, cancel=cancel)
    assert 0 < seen[-1].done < seen[-1].total
    resumed = []
    out = engine.translate_texts([text], "en", "xl", on_progress=resumed.append)
    assert resumed[0].done >= seen[-1].done, "finished batches come from the cache"
    assert out[0].text == expected(text, "en", "xl")


def test_repeated_sentences_are_translated_once(cached_engine: Engine) -> None:
    progress = []
    text = "The water is good. The water is good.\nThe water is good."
    assert cached_engine.translate_texts([text], "en", "xl", on_progress=progress.append)[0].text \
        == expected(text, "en", "xl")
    assert progress[-1].total == 1
    again = []
    cached_engine.translate_texts([text], "en", "xl", on_progress=again.append)
    assert again[0].done == again[0].total == 1, "second time it is a cache hit"


def test_no_cache_option_bypasses_the_cache(cached_engine: Engine) -> None:
    cached_engine.translate_texts(["The water is good."], "en", "xl",
                                  TranslationOptions(use_cache=False))
    assert len(cached_engine.cache) == 0


def test_cache_keeps_only_the_most_recent_entries(installed_home, tmp_path) -> None:
    cache = SegmentCache(tmp_path / "seg.sqlite3", max_entries=5)
    engine = Engine(PackageManager(installed_home), cache=cache)
    rng = random.Random(5)
    sentences = [synthetic.random_sentence(rng, "en") for _ in range(12)]
    for sentence in sentences:
        engine.translate(sentence, "en", "xl")
    assert len(cache) == 5
    hits = []
    engine.translate_texts([sentences[-1]], "en", "xl", on_progress=hits.append)
    assert hits[0].done == 1
    misses = []
    engine.translate_texts([sentences[0]], "en", "xl", on_progress=misses.append)
    assert misses[0].done == 0


def test_loaded_models_are_bounded(installed_home: AppPaths) -> None:
    engine = Engine(PackageManager(installed_home), EngineConfig(max_loaded_models=1))
    engine.translate("Good.", "en", "xl")
    engine.translate("Good.", "en", "xz")
    assert engine.loaded_models() == ["translate-en_xz"]


def test_alternatives_are_distinct_from_the_best(fixture_engine: Engine) -> None:
    [result] = fixture_engine.translate_texts(["The water is good."], "en", "xl",
                                              TranslationOptions(num_alternatives=3))
    assert result.text == synthetic.translate_text("The water is good.", "en", "xl")
    assert 1 <= len(result.alternatives) <= 2
    assert result.text not in result.alternatives


def test_alignment_points_each_word_at_its_source_word(fixture_engine: Engine) -> None:
    text = "The old house is by the river. We go home."
    [result] = fixture_engine.translate_texts([text], "en", "xl", align=True)
    pairs = {(text[s.source_start:s.source_end].strip(".").lower(),
              result.text[s.target_start:s.target_end].strip(".").lower()) for s in result.alignment}
    expected = {(w.lower(), synthetic.translate_sentence(w, "en", "xl").lower())
                for w in text.replace(".", "").split()}
    assert expected <= pairs


def test_alignment_survives_a_pivot(fixture_engine: Engine) -> None:
    source = synthetic.translate_text("The old house.", "en", "xl")
    [result] = fixture_engine.translate_texts([source], "xl", "xz", align=True)
    words = source.rstrip(".").split()
    mapped = {source[s.source_start:s.source_end]: result.text[s.target_start:s.target_end]
              for s in result.alignment}
    assert mapped[words[1]] == synthetic.translate_sentence("old", "en", "xz")


def test_decoding_length_follows_the_input(fixture_engine: Engine, monkeypatch) -> None:
    model = fixture_engine.models.get(fixture_engine.route("en", "xl").packages[0])
    seen = {}
    real = model.translator.translate_batch

    def spy(batch, **kwargs):  # type: ignore[no-untyped-def]
        seen.setdefault("max_decoding_length", kwargs["max_decoding_length"])  # the first call
        return real(batch, **kwargs)

    monkeypatch.setattr(model, "translator", type("T", (), {"translate_batch": staticmethod(spy)})())
    long_sentence = " ".join(["water"] * 300) + "."
    # sent whole (a limit above its length), so the first call's bound shows the rule
    options = TranslationOptions(use_cache=False, max_sentence_tokens=400)
    fixture_engine.translate_texts([long_sentence], "en", "xl", options)
    assert seen["max_decoding_length"] > 300 * 2 - 1 and seen["max_decoding_length"] <= 1024


def test_concurrent_requests_from_two_threads(fixture_engine: Engine) -> None:
    texts = [paragraphs(21), paragraphs(22)]
    results: dict[int, str] = {}

    def work(i: int) -> None:
        results[i] = fixture_engine.translate(texts[i], "en", "xz")

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {i: expected(t, "en", "xz") for i, t in enumerate(texts)}


def test_removing_a_package_unloads_its_model(tmp_path: Path) -> None:
    manager = PackageManager(AppPaths.under(tmp_path))
    manager.install_file(fixture_package("en_xl"))
    engine = Engine(manager)
    engine.translate("Good.", "en", "xl")
    manager.remove("translate-en_xl")
    assert engine.loaded_models() == []
    with pytest.raises(LanguagePairUnavailableError):
        engine.translate("Good.", "en", "xl")
