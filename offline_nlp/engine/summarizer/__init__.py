"""Summaries on the shared engine: seq2seq ``summarize`` packages, or extraction without one.

An abstractive model (BART, T5, Pegasus, mBART converted with CTranslate2) is installed as
a package of ``"type": "summarize"`` and runs as a ``ctranslate2.Translator`` from the
engine's model cache, with the engine's threads. Its ``metadata.json`` adds::

    "languages": ["en"],            # codes it summarises (default: [from_code])
    "tokenizer": "sentencepiece",   # or "huggingface" (a tokenizer.json)
    "prefix": "summarize: ",        # put before every input (T5); default none
    "max_input_tokens": 1024,       # the model's input window, prefix and specials included
    "max_output_tokens": 256,       # the longest summary it should write
    "target_prefix": "<s>",         # optional: forced first output token (BART, mBART)
    "generation": {"beam_size": 4, "length_penalty": 2.0, "no_repeat_ngram_size": 3}

Input longer than the window is cut on paragraph and sentence boundaries into chunks
that fit; the chunks of *all* texts are summarised in one batched call, the summaries of
a text's chunks are joined and summarised again (map-reduce) until they fit one window.
Without a package for the language the extractive summariser (TextRank) is used, and
the result says so in :attr:`Summary.method`.

:mod:`.routing` picks the package or falls back to extraction, :mod:`.abstractive` runs
the package's model, :mod:`.mapreduce` cuts long inputs and summarises again.
"""

from __future__ import annotations

from offline_nlp.engine.summarizer.abstractive import (
    ABSTRACTIVE_LENGTHS,
    SUMMARIZE,
    SummaryModel,
)
from offline_nlp.engine.summarizer.mapreduce import TokenCount, split_into_chunks
from offline_nlp.engine.summarizer.routing import Summarizer, Summary

__all__ = [
    "ABSTRACTIVE_LENGTHS",
    "SUMMARIZE",
    "Summarizer",
    "Summary",
    "SummaryModel",
    "TokenCount",
    "split_into_chunks",
]
