"""Documents: each row has its own progress and state, errors show at once, a batch ETA,
cancelling one file redoes nothing, and big folders are read in the background (item 3-4)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from offline_nlp.errors import Cancelled
from offline_nlp.gui.mainwindow import MainWindow
from tests.gui.test_documents_tab import statuses, write

pytestmark = pytest.mark.gui


def hold(engine, text: str) -> None:  # type: ignore[no-untyped-def]
    """Calls translating ``text`` wait until ``engine.gate`` is set."""
    engine.gate = threading.Event()
    engine.gated = lambda texts: texts == [text]


def test_each_row_has_its_own_progress_and_a_damaged_file_fails_at_once(
        qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    engine, tab = window.context.engine, window.documents_tab
    hold(engine, "Slow file.")
    first = write(tmp_path / "first.txt", "Quick file.\n")
    damaged = tmp_path / "damaged.docx"
    damaged.write_bytes(b"this is not a zip archive")
    slow = write(tmp_path / "slow.txt", "Slow file.\n")
    tab.add_paths([first, damaged, slow])
    running = ("reading", "translating")
    # the error is shown while the batch still runs, not when it ends
    qtbot.waitUntil(lambda: statuses(tab)[:2] == ["done", "failed"]
                    and statuses(tab)[2] in running)
    assert "damaged.docx" in tab.table.item(1, 1).text()
    assert [item.progress for item in tab.files][0] == 100
    assert tab.files[2].progress < 100
    assert tab.table.item(0, 2).data(256) == 100              # the painted bar of row 1
    assert tab.table.item(1, 2).text() == "–"
    tab._run_started -= 30                                    # as if 30 s had passed
    tab._update_overall()
    assert "3 of 3 files" in tab.overall_label.text()
    assert "left" in tab.overall_label.text()                 # the batch's time left
    engine.gate.set()
    qtbot.waitUntil(lambda: statuses(tab) == ["done", "failed", "done"])
    qtbot.waitUntil(lambda: "2 translated, 1 failed" in tab.overall_label.text())


def test_cancelling_the_running_file_redoes_nothing(
        qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    engine, tab = window.context.engine, window.documents_tab
    hold(engine, "Second.")
    files = [write(tmp_path / f"{name}.txt", f"{name.capitalize()}.\n")
             for name in ("first", "second", "third")]
    tab.add_paths(files)
    qtbot.waitUntil(lambda: statuses(tab)[:2] == ["done", "reading"] and len(engine.calls) == 2)
    tab.cancel_file(tab.files[1])
    qtbot.waitUntil(lambda: statuses(tab) == ["done", "cancelled", "done"])
    assert engine.calls == [["First."], ["Second."], ["Third."]]   # each file sent once
    assert tab.files[0].progress == 100                            # the bar never went back
    assert not (tmp_path / "second.xl.txt").exists()


def test_a_big_folder_is_scanned_in_the_background_and_cancels_at_once(
        qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    engine, tab = window.context.engine, window.documents_tab
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(1000):
        (folder / f"doc{i:04d}.txt").write_text(f"Document {i}.\n", encoding="utf-8")
    hold(engine, "Document 0.")
    tab.add_paths([folder])
    assert tab.files == []                 # nothing read on the GUI thread
    assert tab.is_scanning()
    qtbot.waitUntil(lambda: len(tab.files) == 1000, timeout=20_000)
    qtbot.waitUntil(lambda: not tab.is_scanning())
    assert engine.calls == [["Document 0."]]
    tab.cancel_all()
    # at once, without waiting for the running file: nothing is left queued
    assert set(statuses(tab)) == {"cancelling", "cancelled"}
    qtbot.waitUntil(lambda: not tab.is_running())
    assert set(statuses(tab)) == {"cancelled"}
    assert engine.calls == [["Document 0."]]


def test_the_folder_scan_stops_when_cancelled(tmp_path: Path) -> None:
    from collections import deque

    from offline_nlp.gui.documents_tab import scan_folder

    write(tmp_path / "a.txt", "A.\n")
    cancel = threading.Event()
    cancel.set()
    found: deque[tuple[Path, Path, int]] = deque()
    with pytest.raises(Cancelled):
        scan_folder(tmp_path, found, lambda p: None, cancel)
    assert not found


def test_the_window_title_names_the_running_job(
        qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    engine, tab = window.context.engine, window.documents_tab
    hold(engine, "Held.")
    tab.add_paths([write(tmp_path / "report.txt", "Held.\n")])
    qtbot.waitUntil(lambda: "report.txt" in window.windowTitle())
    engine.gate.set()
    qtbot.waitUntil(lambda: window.windowTitle() == "Offline NLP")


def test_a_row_says_how_many_sentences_were_kept_or_need_a_check(
        qtbot: QtBot, window: MainWindow, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    engine, tab = window.context.engine, window.documents_tab
    translate = engine.translate_texts

    def flagged(texts, *args, **kwargs):  # type: ignore[no-untyped-def]
        results = translate(texts, *args, **kwargs)
        return [replace(r, kept=("中文",), suspect=("Short?",)) if "Mixed" in t else r
                for t, r in zip(texts, results)]
    monkeypatch.setattr(engine, "translate_texts", flagged)
    tab.add_paths([write(tmp_path / "mixed.txt", "Mixed text.\n"),
                   write(tmp_path / "plain.txt", "Plain text.\n")])
    qtbot.waitUntil(lambda: statuses(tab) == ["done", "done"])
    assert tab.table.item(0, 1).text() == "Done: 1 sentence kept as written, 1 may be incomplete"
    assert tab.table.item(1, 1).text() == "Done"
