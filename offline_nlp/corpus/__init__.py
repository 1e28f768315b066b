"""Corpus jobs: whole data sets translated block by block, resumable, on worker processes
on one machine or on Ray actors on a cluster, with the same output as ``translate``."""

from offline_nlp.corpus.job import CorpusFile, CorpusSummary, plan_files, run_corpus
from offline_nlp.corpus.workers import BlockTranslator, WorkerSpec, default_workers, run_local

__all__ = [
    "BlockTranslator",
    "CorpusFile",
    "CorpusSummary",
    "WorkerSpec",
    "default_workers",
    "plan_files",
    "run_corpus",
    "run_local",
]
