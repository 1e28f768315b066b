"""Abstractive summaries with the trained fixture: exact output, map-reduce, fallback, cancel."""

from __future__ import annotations

import random
import threading
from typing import Any

import pytest
from build_summarizer import CODE, MAX_INPUT_TOKENS, PREFIX, held_out, make_long_document

from offline_nlp.engine import Engine
from offline_nlp.engine.extractive import summary_sentences
from offline_nlp.engine.models import tokenizer_of
from offline_nlp.engine.summarizer import Summarizer, Summary
from offline_nlp.errors import Cancelled, LanguagePairUnavailableError, PackageNotFoundError
from offline_nlp.packages import PackageManager
from offline_nlp.paths import AppPaths
from offline_nlp.progress import Progress

# The fixture is exact on every held-out example, on every CPU ISA and thread count
# (tests/fixtures/README.md): any example will do, none is hand-picked.
EXAMPLES = held_out(300)


class CountingTranslator:
    """Wraps the loaded ctranslate2.Translator and records every translate_batch call."""

    def __init__(self, real: Any) -> None:
        self.real, self.calls = real, []  # type: ignore[var-annotated]

    def translate_batch(self, batch: list[list[str]], **kwargs: Any) -> Any:
        self.calls.append((len(batch), kwargs, batch))
        return self.real.translate_batch(batch, **kwargs)


def spy(summarizer: Summarizer) -> CountingTranslator:
    model = summarizer.engine.models.get(summarizer.find("en").package)  # type: ignore[union-attr]
    model.translator = CountingTranslator(model.translator)
    return model.translator


def test_the_package_installs_as_a_summarize_package(summary_home: AppPaths,
                                                     summarizer: Summarizer) -> None:
    package = PackageManager(summary_home).get_installed(CODE)
    assert package.info.type == "summarize" and package.info.raw["prefix"] == PREFIX
    assert tokenizer_of(package) == ("sentencepiece", package.path / "sentencepiece.model")
    [spec] = summarizer.models()
    assert (spec.languages, spec.prefix, spec.max_input_tokens) == (("en",), PREFIX, MAX_INPUT_TOKENS)
    assert not any(CODE in [p.info.code for p in r.packages]
                   for r in summarizer.engine.pairs().values())


def test_held_out_inputs_are_summarised_exactly(summarizer: Summarizer) -> None:
    summaries = summarizer.summarize_texts([text for text, _ in EXAMPLES], language="en")
    assert [s.text for s in summaries] == [target for _, target in EXAMPLES]
    assert {(s.method, s.model, s.language) for s in summaries} == {("abstractive", CODE, "en")}
    assert sum(s.chunks == 1 for s in summaries) >= 0.95 * len(EXAMPLES)  # a few exceed the window


@pytest.mark.parametrize("beam", [1, 4])
def test_exact_with_greedy_and_wide_beams(summary_engine: Engine, beam: int) -> None:
    texts, targets = zip(*EXAMPLES[:60])
    summaries = Summarizer(summary_engine, beam_size=beam).summarize_texts(texts, language="en")
    assert [s.text for s in summaries] == list(targets)


@pytest.mark.parametrize("length", ["short", "medium", "long"])
def test_every_preset_leaves_room_for_the_marked_sentence(summarizer: Summarizer,
                                                          length: str) -> None:
    texts, targets = zip(*EXAMPLES[:40])
    assert [s.text for s in summarizer.summarize_texts(texts, length=length)] == list(targets)


def test_a_small_ratio_caps_the_summary_length(summarizer: Summarizer) -> None:
    model = summarizer.engine.models.get(summarizer.find("en").package)  # type: ignore[union-attr]
    text, target = max(EXAMPLES, key=lambda e: len(model.tokenizer.encode([e[1]])[0]))
    assert len(model.tokenizer.encode([target])[0]) > 16
    summary = summarizer.summarize(text, length=0.05).text
    assert len(model.tokenizer.encode([summary])[0]) <= 16
    assert target.startswith(summary) and summary != target


def test_long_documents_are_map_reduced_to_the_first_sentence(summarizer: Summarizer) -> None:
    rng = random.Random(22)
    docs = [make_long_document(rng, paragraphs=10) for _ in range(3)]
    summaries = summarizer.summarize_texts([d for d, _ in docs], language="en")
    assert [s.text for s in summaries] == [target for _, target in docs]
    assert all(s.chunks > 1 and s.rounds == 2 for s in summaries)


def test_all_chunks_of_all_texts_go_in_one_batched_call(fresh_summarizer: Summarizer) -> None:
    rng = random.Random(32)
    docs = [make_long_document(rng, paragraphs=10) for _ in range(3)]
    texts = [d for d, _ in docs] + [EXAMPLES[0][0], EXAMPLES[1][0]]
    translator = spy(fresh_summarizer)
    summaries = fresh_summarizer.summarize_texts(texts, language="en")
    chunks = sum(s.chunks for s in summaries)
    assert chunks > 6
    first, second = translator.calls  # map: every chunk; reduce: one per long document
    assert first[0] == chunks and second[0] == 3
    # The reduce pass reads each chunk's summary (its first sentence), in order.
    model = fresh_summarizer.engine.models.get(fresh_summarizer.find("en").package)
    leads = [" ".join(summary_sentences(c)[0] for c in fresh_summarizer.chunks(d, CODE))
             for d, _ in docs]
    assert second[2] == model.tokenizer.encode([PREFIX + lead for lead in leads])
    assert first[1]["asynchronous"] and first[1]["max_input_length"] == MAX_INPUT_TOKENS
    assert [s.text for s in summaries] == [t for _, t in docs] + [EXAMPLES[0][1], EXAMPLES[1][1]]


def test_no_text_gives_an_empty_summary_without_a_model_call(fresh_summarizer: Summarizer) -> None:
    translator = spy(fresh_summarizer)
    empty = fresh_summarizer.summarize(" \n\n ", language="en")
    assert empty == Summary("", "abstractive", CODE, 0, 0, "en") and translator.calls == []


def test_without_a_package_for_the_language_it_falls_back_to_extraction(
        summarizer: Summarizer, empty_summarizer: Summarizer) -> None:
    text = EXAMPLES[0][0]
    for candidate, language in ((summarizer, "de"), (empty_summarizer, "en"),
                                (empty_summarizer, None)):
        summary = candidate.summarize(text, language=language, length="long")
        assert (summary.method, summary.model) == ("extractive", None)
        assert set(summary_sentences(summary.text)) <= set(summary_sentences(text))
    chosen = summarizer.summarize(text, language="en", extractive=True)
    assert chosen.method == "extractive"


def test_a_model_is_found_by_code_or_named_in_the_error(summarizer: Summarizer) -> None:
    text, target = EXAMPLES[2]
    assert summarizer.summarize(text, model=CODE).text == target
    with pytest.raises(PackageNotFoundError, match="summarize-en"):
        summarizer.summarize(text, model="summarize-fr")
    with pytest.raises(ValueError, match="not both"):
        summarizer.summarize(text, model=CODE, extractive=True)
    with pytest.raises(ValueError, match="short, medium, long"):
        summarizer.summarize(text, length="tiny")


def test_progress_counts_chunks_over_both_passes(summarizer: Summarizer) -> None:
    doc, _ = make_long_document(random.Random(13), paragraphs=10)
    seen: list[Progress] = []
    summary = summarizer.summarize(doc, language="en", on_progress=seen.append)
    done = [p.done for p in seen]
    assert done == sorted(done) and seen[-1].done == seen[-1].total == summary.chunks + 1
    assert seen[-1].message == "chunks (pass 2)"


def test_cancel_before_and_during_the_batch(summarizer: Summarizer) -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        summarizer.summarize(EXAMPLES[0][0], language="en", cancel=cancel)
    with pytest.raises(Cancelled):
        summarizer.summarize(EXAMPLES[0][0], extractive=True, cancel=cancel)
    cancel = threading.Event()
    seen: list[Progress] = []

    def stop_after_first(progress: Progress) -> None:
        seen.append(progress)
        if progress.done:
            cancel.set()

    docs = [make_long_document(random.Random(14), paragraphs=10)[0]] * 2
    with pytest.raises(Cancelled):
        summarizer.summarize_texts(docs, language="en", on_progress=stop_after_first, cancel=cancel)
    assert seen[-1].done == 1 < seen[-1].total


def test_summarise_then_translate(summarizer: Summarizer) -> None:
    # The test is that the two steps compose: the summary translated as the engine
    # translates it on its own.
    doc, target = make_long_document(random.Random(25), paragraphs=8)
    [summary] = summarizer.summarize_and_translate([doc], "en", "xl")
    assert summary.text == summarizer.engine.translate(target, "en", "xl")
    assert (summary.original, summary.language, summary.method) == (target, "xl", "abstractive")
    with pytest.raises(LanguagePairUnavailableError):
        summarizer.summarize_and_translate([doc], "en", "xz")
