"""The job layer: signals from pool threads, cancel, errors, latest-request-wins."""

from __future__ import annotations

import threading

import pytest
from pytestqt.qtbot import QtBot

from offline_nlp.errors import Cancelled, OfflineNLPError
from offline_nlp.gui.jobs import JobController, LatestOnly
from offline_nlp.progress import Progress

pytestmark = pytest.mark.gui


@pytest.fixture
def controller(qtbot):  # type: ignore[no-untyped-def]
    controller = JobController()
    yield controller
    controller.shutdown()


def test_job_reports_progress_and_result_on_the_gui_thread(
        qtbot: QtBot, controller: JobController) -> None:
    seen = []

    def work(on_progress, cancel):  # type: ignore[no-untyped-def]
        for i in range(3):
            on_progress(Progress(i + 1, 3, f"step {i}"))
        return 42

    results = []
    controller.submit("engine", work,
                            progress=lambda d, t, m: seen.append((d, threading.current_thread())),
                            succeeded=results.append)
    qtbot.waitUntil(lambda: results == [42])
    assert seen and all(thread is threading.main_thread() for _, thread in seen)
    qtbot.waitUntil(lambda: not controller.busy())


def test_errors_become_a_failed_signal(qtbot: QtBot, controller: JobController) -> None:
    def work(on_progress, cancel):  # type: ignore[no-untyped-def]
        raise OfflineNLPError("no such thing")

    failures = []
    controller.submit("io", work, failed=failures.append)
    qtbot.waitUntil(lambda: len(failures) == 1)
    assert str(failures[0]) == "no such thing"


def test_cancel_stops_the_work(qtbot: QtBot, controller: JobController) -> None:
    started = threading.Event()

    def work(on_progress, cancel):  # type: ignore[no-untyped-def]
        started.set()
        while not cancel.wait(0.01):
            pass
        raise Cancelled()

    job = controller.submit("engine", work)
    assert started.wait(5)
    with qtbot.waitSignal(job.signals.cancelled):
        job.cancel()


def test_latest_request_wins(qtbot: QtBot, controller: JobController) -> None:
    """One running, one waiting: B is replaced by C, A's stale result is dropped."""
    gate, ran = threading.Event(), []

    def make(name: str):  # type: ignore[no-untyped-def]
        def work(on_progress, cancel):  # type: ignore[no-untyped-def]
            ran.append(name)
            gate.wait(5)      # A ignores cancel on purpose: its result must still be dropped
            return name
        return work

    latest = LatestOnly(controller)
    results = []
    latest.succeeded.connect(lambda request, result: results.append(result))
    latest.submit(make("A"))
    qtbot.waitUntil(lambda: ran == ["A"])
    latest.submit(make("B"))
    latest.submit(make("C"))
    with qtbot.waitSignal(latest.idle, timeout=5000):
        gate.set()
    assert ran == ["A", "C"]
    assert results == ["C"]


def test_shutdown_cancels_running_jobs(qtbot: QtBot) -> None:
    controller = JobController()
    started = threading.Event()

    def work(on_progress, cancel):  # type: ignore[no-untyped-def]
        started.set()
        while not cancel.wait(0.01):
            pass
        raise Cancelled()

    controller.submit("engine", work)
    assert started.wait(5)
    controller.shutdown(timeout_ms=3000)
    assert all(pool.activeThreadCount() == 0 for pool in controller.pools.values())
