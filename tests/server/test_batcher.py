"""The queue that merges requests into shared engine calls, with a recording engine."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from offline_nlp.engine import Translation, TranslationOptions
from offline_nlp.errors import Cancelled, EngineError
from offline_nlp.server import batcher as batcher_module
from offline_nlp.server.batcher import Batcher

OPTIONS = TranslationOptions()


class Recorder:
    """Upper-cases texts; the first call waits for ``gate`` so others queue behind it."""

    def __init__(self, fail: bool = False) -> None:
        self.calls: list[list[str]] = []
        self.gate = threading.Event()
        self.busy = threading.Event()
        self.fail = fail

    def __call__(self, texts: list[str], source: str, target: str, options: Any, *,
                 align: bool = False, cancel: Any = None) -> list[Translation]:
        self.calls.append(list(texts))
        self.busy.set()
        assert self.gate.wait(30)
        if cancel is not None and cancel.is_set():
            raise Cancelled()
        if self.fail:
            raise EngineError("the model broke")
        return [Translation(t.upper()) for t in texts]


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def batcher(recorder: Recorder) -> Any:
    b = Batcher(recorder)
    yield b
    recorder.gate.set()
    b.close()


def _texts(request: Any) -> list[str]:
    return [t.text for t in request.future.result(timeout=30)]


def test_waiting_requests_become_one_engine_call(batcher: Any, recorder: Recorder) -> None:
    first = batcher.submit(["a"], "en", "xl", OPTIONS)
    assert recorder.busy.wait(30)
    second = batcher.submit(["b", "c"], "en", "xl", OPTIONS)
    third = batcher.submit(["d"], "en", "xl", OPTIONS)
    other_pair = batcher.submit(["e"], "en", "xz", OPTIONS)
    recorder.gate.set()
    assert (_texts(first), _texts(second), _texts(third), _texts(other_pair)) == (
        ["A"], ["B", "C"], ["D"], ["E"])
    assert recorder.calls == [["a"], ["b", "c", "d"], ["e"]]


def test_a_request_cancelled_while_queued_never_reaches_the_engine(
        batcher: Any, recorder: Recorder) -> None:
    batcher.submit(["a"], "en", "xl", OPTIONS)
    assert recorder.busy.wait(30)
    gone = batcher.submit(["b"], "en", "xl", OPTIONS)
    kept = batcher.submit(["c"], "en", "xl", OPTIONS)
    gone.cancel()
    recorder.gate.set()
    assert _texts(kept) == ["C"]
    with pytest.raises(Cancelled):
        gone.future.result(timeout=30)
    assert ["b"] not in recorder.calls and ["c"] in recorder.calls


def test_a_cancelled_request_drops_out_of_its_later_chunks(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batcher_module, "CHUNK_CHARS", 2)
    calls: list[list[str]] = []
    waits = {"x": threading.Event(), "aa": threading.Event()}
    entered = {name: threading.Event() for name in waits}

    def translate(texts: list[str], *args: Any, **kwargs: Any) -> list[Translation]:
        calls.append(list(texts))
        for name, release in waits.items():
            if name in texts:  # hold the engine inside this chunk
                entered[name].set()
                assert release.wait(30)
        return [Translation(t.upper()) for t in texts]

    batcher = Batcher(translate)
    try:
        batcher.submit(["x"], "en", "xl", OPTIONS)
        assert entered["x"].wait(30)
        long = batcher.submit(["aa", "bb", "cc"], "en", "xl", OPTIONS)
        short = batcher.submit(["dd"], "en", "xl", OPTIONS)
        waits["x"].set()
        assert entered["aa"].wait(30)  # the merged job is in its first chunk
        long.cancel()
        waits["aa"].set()
        assert _texts(short) == ["DD"]
        assert calls == [["x"], ["aa"], ["dd"]]
        with pytest.raises(Cancelled):
            long.future.result(timeout=30)
    finally:
        for release in waits.values():
            release.set()
        batcher.close()


def test_an_engine_error_reaches_every_request_of_the_job() -> None:
    recorder = Recorder(fail=True)
    recorder.gate.set()
    batcher = Batcher(recorder)
    try:
        request = batcher.submit(["a"], "en", "xl", OPTIONS)
        with pytest.raises(EngineError, match="the model broke"):
            request.future.result(timeout=30)
        assert batcher.submit([], "en", "xl", OPTIONS).future.result(timeout=1) == []
    finally:
        batcher.close()


def test_the_documents_pipeline_can_run_through_the_queue(fixture_engine: Any,
                                                          tmp_path: Any) -> None:
    from synthetic import translate_text

    from offline_nlp.documents.pipeline import translate_document

    batcher = Batcher(fixture_engine.translate_texts)
    try:
        (tmp_path / "a.txt").write_text("We go home!\n")
        result = translate_document(tmp_path / "a.txt", tmp_path / "b.txt", batcher, "en", "xz")
        assert result.status == "done"
        assert (tmp_path / "b.txt").read_text() == translate_text("We go home!", "en", "xz") + "\n"
    finally:
        batcher.close()


def test_cancelling_a_request_wakes_the_engine_wait_without_polling(monkeypatch) -> None:
    """The engine waits on a model batch; a request's cancel must wake it, not a poll."""
    from offline_nlp.engine import batching as engine_module  # where wait_all lives

    monkeypatch.setattr(engine_module, "POLL_SECONDS", 3600.0)  # a poll would hang
    entered, gate = threading.Event(), threading.Event()

    class Batch:
        def done(self) -> bool:
            return gate.is_set()

        def result(self) -> str:
            entered.set()
            gate.wait(30)
            return "late"

    requests = [batcher_module.TranslationRequest(["a"], ("en", "xl", OPTIONS, False))
                for _ in range(2)]
    flag = batcher_module._ChunkCancel(requests)
    outcome: list[Any] = []

    def wait() -> None:
        try:
            outcome.append(engine_module.wait_all([Batch()], flag))
        except Cancelled:
            outcome.append("cancelled")

    waiter = threading.Thread(target=wait, daemon=True)
    waiter.start()
    assert entered.wait(30)
    requests[0].cancel()  # one of two owners gone: the chunk goes on
    requests[1].future.cancel()
    waiter.join(30)
    gate.set()
    assert outcome == ["cancelled"]


def _fair(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Chunks of one text; anything over 2 characters is bulk work."""
    monkeypatch.setattr(batcher_module, "CHUNK_CHARS", 1)
    monkeypatch.setattr(batcher_module, "MIN_BULK_CHARS", 1, raising=False)
    monkeypatch.setattr(batcher_module, "MAX_BULK_CHARS", 1, raising=False)
    monkeypatch.setattr(batcher_module, "INTERACTIVE_CHARS", 2, raising=False)


def test_a_page_request_goes_before_the_rest_of_a_document(monkeypatch, batcher: Any,
                                                           recorder: Recorder) -> None:
    """Issue 25: one sentence waited 13.7 s for a 100-page upload's chunks."""
    _fair(monkeypatch)
    document = batcher.submit(["aaa", "bbb", "ccc"], "en", "xl", OPTIONS)
    assert recorder.busy.wait(30)
    page = batcher.submit(["x"], "en", "xl", OPTIONS)
    recorder.gate.set()
    assert _texts(page) == ["X"]
    assert _texts(document) == ["AAA", "BBB", "CCC"]
    assert recorder.calls == [["aaa"], ["x"], ["bbb"], ["ccc"]]


def test_two_documents_take_turns(monkeypatch, batcher: Any, recorder: Recorder) -> None:
    _fair(monkeypatch)
    first = batcher.submit(["aaa", "aab"], "en", "xl", OPTIONS)
    assert recorder.busy.wait(30)
    second = batcher.submit(["bba", "bbb"], "en", "xz", OPTIONS)
    recorder.gate.set()
    assert _texts(first) == ["AAA", "AAB"] and _texts(second) == ["BBA", "BBB"]
    assert recorder.calls == [["aaa"], ["bba"], ["aab"], ["bbb"]]


def test_the_documents_pipeline_is_bulk_work(monkeypatch, batcher: Any,
                                             recorder: Recorder) -> None:
    _fair(monkeypatch)
    monkeypatch.setattr(batcher_module, "CHUNK_CHARS", 100)
    recorder.gate.set()
    batcher.translate_texts(["a", "b"], "en", "xl", OPTIONS)  # short, yet a document's
    assert recorder.calls == [["a"], ["b"]], "bulk work goes in bulk-sized chunks"


def test_bulk_turns_follow_the_measured_speed(monkeypatch, batcher: Any,
                                              recorder: Recorder) -> None:
    """A turn aims at BULK_TURN_SECONDS: short on a slow model, full on a fast one."""
    ticks = iter(range(1000))
    monkeypatch.setattr(batcher_module, "_clock", lambda: float(next(ticks)))  # 1 s a turn
    monkeypatch.setattr(batcher_module, "BULK_TURN_SECONDS", 2.0)
    monkeypatch.setattr(batcher_module, "MIN_BULK_CHARS", 10)
    monkeypatch.setattr(batcher_module, "MAX_BULK_CHARS", 40)
    recorder.gate.set()
    texts = [f"text {i:05d}" for i in range(12)]  # 10 characters each
    batcher.translate_texts(texts, "en", "xl", OPTIONS)
    # 10 characters first (nothing measured yet), then 2 s at the mean of the measured
    # rate and the earlier estimate (10, then 15, 22.5 characters a second), at most 40.
    assert [len(call) for call in recorder.calls] == [1, 2, 3, 4, 2]
