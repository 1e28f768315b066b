"""Speed where users wait (issue 15): properties, not timings; figures live in bench/."""

from __future__ import annotations

import os

import pytest
from test_engine import expected, paragraphs

from offline_nlp.engine import Engine, EngineConfig, SegmentCache
from offline_nlp.engine import types as engine_types
from offline_nlp.packages import PackageManager


def test_a_fully_cached_request_never_loads_the_model(installed_home, tmp_path) -> None:
    text = paragraphs(3, numbers=False)
    first = Engine(PackageManager(installed_home), cache=SegmentCache(tmp_path / "seg.sqlite3"))
    first.translate(text, "en", "xl")
    again = Engine(PackageManager(installed_home), cache=SegmentCache(tmp_path / "seg.sqlite3"))
    assert again.translate(text, "en", "xl") == expected(text, "en", "xl")
    assert again.loaded_models() == [], "the cache answered; loading the model was wasted"


def test_a_short_request_gives_every_replica_a_batch(installed_home, monkeypatch) -> None:
    engine = Engine(PackageManager(installed_home), EngineConfig(parallel_jobs=2))
    submitted: list[int] = []
    real_submit = engine._submit

    def spy(model, batch, options, align):  # type: ignore[no-untyped-def]
        submitted.append(len(batch))
        return real_submit(model, batch, options, align)

    monkeypatch.setattr(engine, "_submit", spy)
    text = " ".join(paragraphs(seed, count=1, numbers=False).strip() for seed in range(10))
    assert engine.translate(text, "en", "xl") == expected(text, "en", "xl")
    assert len(submitted) >= 2, f"one batch of {submitted} left the second replica idle"


def test_threads_follow_the_cores_this_process_may_use(monkeypatch) -> None:
    if not hasattr(os, "sched_getaffinity"):
        pytest.skip("no CPU affinity on this platform")
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    monkeypatch.setattr(engine_types, "_cgroup_quota", lambda: None)
    assert EngineConfig().threads() == (2, 1)
    monkeypatch.setattr(engine_types, "_cgroup_quota", lambda: 1)
    assert EngineConfig().threads() == (1, 1)
