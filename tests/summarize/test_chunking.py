"""Cutting long input into model-sized chunks on paragraph and sentence boundaries."""

from __future__ import annotations

import random

import pytest
from build_summarizer import MAX_INPUT_TOKENS, PREFIX, make_long_document

from offline_nlp.engine.extractive import summary_sentences
from offline_nlp.engine.summarizer import Summarizer, split_into_chunks
from offline_nlp.errors import EngineError


def words(items: list[str]) -> list[int]:
    """A stand-in tokenizer: one token per word, plus two specials (like <s> ... </s>)."""
    return [len(item.split()) + 2 for item in items]


def paragraph(first: int, sentences: int, size: int = 4) -> str:
    return " ".join(" ".join(f"w{first + i}x{j}" for j in range(size - 1)) + f" end{first + i}."
                    for i in range(sentences))


def test_whole_paragraphs_are_packed_while_they_fit() -> None:
    paras = [paragraph(0, 2), paragraph(10, 2), paragraph(20, 2)]  # 8 words each
    chunks = split_into_chunks("\n\n".join(paras), words, limit=20)  # 18 words of room
    assert chunks == [f"{paras[0]} {paras[1]}", paras[2]]


def test_a_long_paragraph_is_cut_between_sentences() -> None:
    text = paragraph(0, 10)  # ten 4-word sentences
    chunks = split_into_chunks(text, words, limit=14)
    assert all(n <= 14 for n in words(chunks))
    assert [c.split() for c in chunks] == [text.split()[i:i + 12] for i in range(0, 40, 12)]
    assert all(c.endswith(".") for c in chunks)


def test_a_sentence_longer_than_the_window_is_cut_between_words() -> None:
    sentence = " ".join(f"w{i}" for i in range(50)) + "."
    chunks = split_into_chunks(f"Short one. {sentence} Last one.", words, limit=12)
    assert all(n <= 12 for n in words(chunks))
    assert " ".join(chunks).split() == f"Short one. {sentence} Last one.".split()


def test_text_without_spaces_is_cut_between_characters() -> None:
    def chars(items: list[str]) -> list[int]:
        return [len(item) + 1 for item in items]

    text = "太阳能" * 40 + "。"
    chunks = split_into_chunks(text, chars, limit=25)
    assert all(n <= 25 for n in chars(chunks)) and "".join(chunks) == text


def test_no_text_no_chunks_and_a_prefix_that_fills_the_window_is_an_error() -> None:
    assert split_into_chunks(" \n\n ", words, limit=10) == []
    with pytest.raises(EngineError, match="prefix"):
        split_into_chunks("Some text.", lambda items: [len(i.split()) + 10 for i in items], 10)


def test_token_counts_that_do_not_add_up_are_checked() -> None:
    """A tokenizer that charges extra when sentences meet still gets chunks that fit."""
    def sticky(items: list[str]) -> list[int]:
        return [len(item.split()) + 2 * item.count(". ") + 1 for item in items]

    text = paragraph(0, 12)
    chunks = split_into_chunks(text, sticky, limit=15)
    assert all(n <= 15 for n in sticky(chunks))
    assert " ".join(chunks).split() == text.split()


def test_every_chunk_fits_the_fixture_model_window(summarizer: Summarizer) -> None:
    text, _ = make_long_document(random.Random(5), paragraphs=12)
    chunks = summarizer.chunks(text, language="en")
    assert len(chunks) > 2
    model = summarizer.engine.models.get(summarizer.find("en").package)  # type: ignore[union-attr]
    sizes = [len(t) for t in model.tokenizer.encode([PREFIX + c for c in chunks])]
    assert max(sizes) <= MAX_INPUT_TOKENS
    assert min(sizes) > MAX_INPUT_TOKENS // 3  # packed, not one sentence each
    assert [s for c in chunks for s in summary_sentences(c)] == summary_sentences(text)
