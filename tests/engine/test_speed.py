"""Speed where users wait (issue 15): properties, not timings; figures live in bench/."""

from __future__ import annotations

import os
import threading

import pytest
from test_engine import expected, paragraphs

from offline_nlp.engine import Engine, EngineConfig, SegmentCache, TranslationOptions
from offline_nlp.engine.engine import wait_all
from offline_nlp.engine import types as engine_types
from offline_nlp.errors import Cancelled
from offline_nlp.packages import PackageManager
from offline_nlp.progress import CancelFlag


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

    def spy(model, batch, options, align, *rest):  # type: ignore[no-untyped-def]
        submitted.append(len(batch))
        return real_submit(model, batch, options, align, *rest)

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


class _Lazy:
    """A CTranslate2 result that is only ever ready once somebody blocks on it.

    A waiter that polls ``done()`` never sees it finish; one that blocks gets it at once.
    """

    def __init__(self, future) -> None:  # type: ignore[no-untyped-def]
        self._future, self.asked = future, False

    def done(self) -> bool:
        return self.asked

    def result(self):  # type: ignore[no-untyped-def]
        self.asked = True
        return self._future.result()


class _NoPolling(CancelFlag):
    def wait(self, timeout: float | None = None) -> bool:
        raise AssertionError(f"the engine polled the cancel flag every {timeout} s")


def test_a_cancellable_call_is_woken_by_its_result(fixture_engine, monkeypatch) -> None:
    """Issue 25: a cancel flag cost every short request a 50 ms poll (5 ms → 52 ms)."""
    real_submit = fixture_engine._submit
    monkeypatch.setattr(fixture_engine, "_submit", lambda *args: [
        _Lazy(f) for f in real_submit(*args)])
    text = "The old house is by the river."
    result = fixture_engine.translate_texts([text], "en", "xl",
                                            TranslationOptions(use_cache=False),
                                            cancel=_NoPolling())
    assert result[0].text == expected(text, "en", "xl")


class _Never:
    """A batch that runs until the test ends it."""

    def __init__(self) -> None:
        self.entered, self.gate = threading.Event(), threading.Event()

    def done(self) -> bool:
        return self.gate.is_set()

    def result(self) -> str:
        self.entered.set()
        self.gate.wait(30)
        return "late"


@pytest.mark.parametrize("flag", [CancelFlag, threading.Event])
def test_a_cancel_wakes_a_wait_for_a_long_batch(flag) -> None:
    """Set during a batch, a cancel flag ends the wait (a plain Event is polled)."""
    batch, cancel, outcome = _Never(), flag(), []

    def wait() -> None:
        try:
            outcome.append(wait_all([batch], cancel))
        except Cancelled:
            outcome.append("cancelled")

    waiter = threading.Thread(target=wait)
    waiter.start()
    assert batch.entered.wait(30)
    cancel.set()
    waiter.join(30)
    batch.gate.set()
    assert outcome == ["cancelled"]


def test_a_failed_batch_fails_the_cancellable_wait() -> None:
    class Broken:
        def done(self) -> bool:
            return False

        def result(self) -> None:
            raise RuntimeError("the model broke")

    with pytest.raises(RuntimeError, match="the model broke"):
        wait_all([Broken()], CancelFlag())


def test_cache_hits_are_marked_in_one_transaction(tmp_path) -> None:
    """Issue 25: one autocommit per hit made marking 5,633 hits a quarter of a rerun."""
    cache = SegmentCache(tmp_path / "seg.sqlite3")
    keys = [SegmentCache.key("m", "o", f"sentence {i}") for i in range(50)]
    cache.put_many((key, ([f"hit {i}"], None)) for i, key in enumerate(keys))
    commits: list[str] = []
    cache._db.set_trace_callback(
        lambda sql: commits.append(sql) if sql.strip().upper() == "COMMIT" else None)
    autocommits = cache._db.total_changes
    found = cache.get_many(keys)
    assert len(found) == 50
    assert cache._db.total_changes - autocommits == 50  # every hit marked as used
    assert len(commits) == 1, "each hit was marked in a transaction of its own"


def test_a_short_request_is_split_evenly_over_the_replicas() -> None:
    """Issue 25: 40 sentences went as batches of 33 and 7 rows, one replica doing most."""
    from offline_nlp.engine.engine import _batch_cap, _make_batches

    lengths = [12 + (i * 7) % 20 for i in range(34)] + [45, 52, 60, 66, 70, 75]
    tokens = [["▁w"] * length for length in lengths]
    batches = _make_batches(tokens, _batch_cap(tokens, 1024, 2))
    padded = [(max(lengths[i] for i in b) + 1) * len(b) for b in batches]
    assert len(batches) == 2
    assert max(padded) <= 1.25 * min(padded), f"padded tokens per batch {padded}"
