"""Big folder jobs are translated in groups: a cancel keeps the files already finished."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from offline_nlp.documents import pipeline
from offline_nlp.errors import Cancelled

from .conftest import FakeEngine


def make_files(folder: Path, count: int) -> list[tuple[Path, Path]]:
    jobs = []
    for i in range(count):
        src = folder / f"f{i}.txt"
        src.write_text(f"File number {i} is here. It has two sentences.\n", encoding="utf-8")
        jobs.append((src, folder / "out" / f"f{i}.xx.txt"))
    return jobs


def test_files_are_batched_in_groups_with_one_progress_total(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(pipeline, "GROUP_SENTENCES", 4)
    engine = FakeEngine()
    seen = []
    results = pipeline.translate_documents(make_files(tmp_path, 5), engine, "en", "xx",
                                           on_progress=seen.append)
    assert [r.status for r in results] == ["done"] * 5
    assert len(engine.calls) == 3, "2 + 2 + 1 files of two sentences each"
    assert {p.total for p in seen if p.total} == {10}
    assert seen[-1].done == 10
    assert [p.done for p in seen] == sorted(p.done for p in seen), "progress never goes back"


def test_cancel_keeps_the_groups_already_written(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(pipeline, "GROUP_SENTENCES", 4)
    engine = FakeEngine()
    cancel = threading.Event()
    jobs = make_files(tmp_path, 6)

    def on_progress(progress) -> None:  # type: ignore[no-untyped-def]
        if progress.message.startswith("wrote f1"):
            cancel.set()

    with pytest.raises(Cancelled):
        pipeline.translate_documents(jobs, engine, "en", "xx", on_progress=on_progress,
                                     cancel=cancel)
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == ["f0.xx.txt", "f1.xx.txt"]
    resumed = pipeline.translate_documents(jobs, engine, "en", "xx", skip_existing=True)
    assert [r.status for r in resumed] == ["skipped"] * 2 + ["done"] * 4
