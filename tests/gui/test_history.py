"""History, issue 22 item 8: kept in SQLite, written off the GUI thread, bounded, and an
earlier history.json is carried over."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from offline_nlp.gui import history as history_module
from offline_nlp.gui.history import History, HistoryEntry


def entry(text: str, source: str = "en", target: str = "xl") -> HistoryEntry:
    return HistoryEntry(text, text.upper(), source, target)


def test_adding_writes_on_another_thread_and_survives_a_restart(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    writers: list[str] = []
    original = History._write

    def spy(self, *args):  # type: ignore[no-untyped-def]
        writers.append(threading.current_thread().name)
        return original(self, *args)
    monkeypatch.setattr(History, "_write", spy)
    path = tmp_path / "history.sqlite3"
    history = History(path)
    history.add(entry("apples are red"))
    history.add(entry("bananas are yellow"))
    assert [e.source_text for e in history.entries] == ["bananas are yellow", "apples are red"]
    history.flush()
    assert writers and threading.main_thread().name not in writers
    history.close()
    again = History(path)
    assert [e.source_text for e in again.entries] == ["bananas are yellow", "apples are red"]
    again.clear()
    again.close()
    assert History(path).entries == []


def test_the_history_is_bounded_in_entries_and_characters(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    history = History(path, limit=5)
    for i in range(12):
        history.add(entry(f"text number {i}", target=f"t{i}"))
    history.add(entry("x" * (history_module.MAX_CHARS + 500)))
    history.close()
    again = History(path, limit=5)
    assert len(again.entries) == 5
    assert len(again.entries[0].source_text) == history_module.MAX_CHARS
    assert again.entries[1].source_text == "text number 11"


def test_typing_one_text_keeps_one_entry_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite3"
    history = History(path)
    for text in ("the", "the cat", "the cat sat"):
        history.add(entry(text))
    history.close()
    assert [e.source_text for e in History(path).entries] == ["the cat sat"]


def test_an_earlier_json_history_is_carried_over(tmp_path: Path) -> None:
    old = [{"source_text": "new one", "target_text": "NEW ONE", "source": "en",
            "target": "xl", "when": "2026-01-02 10:00"},
           {"source_text": "old one", "target_text": "OLD ONE", "source": "en",
            "target": "xl", "when": "2026-01-01 10:00"}]
    (tmp_path / "history.json").write_text(json.dumps(old), encoding="utf-8")
    history = History(tmp_path / "history.sqlite3")
    assert [e.source_text for e in history.entries] == ["new one", "old one"]
    history.close()
