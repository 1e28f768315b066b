"""Recent translations, kept in a small SQLite database in the data folder (no Qt here).

Adding an entry changes the list in memory at once and leaves the disk write to a
writer thread: the GUI thread never waits for the disk. Each add writes one row and
deletes what it replaces, not the whole history (rewriting a JSON file of 11 MB took
150-330 ms per add). The history is bounded: ``limit`` entries of at most
:data:`MAX_CHARS` characters each. A ``history.json`` from earlier versions is read
once into the database.
"""

from __future__ import annotations

import json
import logging
import queue
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["MAX_CHARS", "History", "HistoryEntry"]

log = logging.getLogger(__name__)

#: Longer texts are kept in the history cut to this many characters.
MAX_CHARS = 100_000

_SCHEMA = """CREATE TABLE IF NOT EXISTS history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source_text TEXT NOT NULL, target_text TEXT NOT NULL,
    source TEXT NOT NULL, target TEXT NOT NULL, at TEXT NOT NULL)"""


@dataclass(frozen=True)
class HistoryEntry:
    source_text: str
    target_text: str
    source: str
    target: str
    when: str = ""

    def matches(self, query: str) -> bool:
        query = query.casefold()
        return query in self.source_text.casefold() or query in self.target_text.casefold()

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.source_text, self.source, self.target)


class History:
    """Newest first, at most ``limit`` entries; typing one text adds one entry, not one
    per keystroke (an entry extending or shortening the newest one replaces it).

    ``path`` is the database (``history.sqlite3``); a ``history.json`` beside it is
    imported when the database does not exist yet.
    """

    def __init__(self, path: Path, limit: int = 200) -> None:
        self.path = Path(path)
        self.limit = limit
        self._writes: queue.Queue[tuple[str, object] | None] = queue.Queue()
        self.entries: list[HistoryEntry] = self._load()
        self._writer = threading.Thread(target=self._write_loop, name="history-writer",
                                        daemon=True)
        self._writer.start()

    # -- reading (once, at start) -------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=5)
        db.execute(_SCHEMA)
        return db

    def _load(self) -> list[HistoryEntry]:
        fresh = not self.path.exists()
        try:
            db = self._connect()
        except (OSError, sqlite3.Error) as exc:
            log.warning("history unavailable (%s): %s", self.path, exc)
            return []
        try:
            if fresh:
                self._import_json(db)
            rows = db.execute("SELECT source_text, target_text, source, target, at FROM "
                              "history ORDER BY id DESC LIMIT ?", (self.limit,)).fetchall()
            return [HistoryEntry(*row) for row in rows]
        except sqlite3.Error as exc:
            log.warning("ignoring unreadable history %s: %s", self.path, exc)
            return []
        finally:
            db.close()

    def _import_json(self, db: sqlite3.Connection) -> None:
        old = self.path.with_name("history.json")
        try:
            data = json.loads(old.read_text(encoding="utf-8"))
            entries = [HistoryEntry(**item) for item in data][: self.limit]
        except FileNotFoundError:
            return
        except (OSError, ValueError, TypeError) as exc:
            log.warning("ignoring unreadable history %s: %s", old, exc)
            return
        with db:
            db.executemany("INSERT INTO history (source_text, target_text, source, target, at) "
                           "VALUES (?, ?, ?, ?, ?)",
                           [_row(e) for e in reversed(entries)])

    # -- changing (in memory now, on disk by the writer) ------------------------------------

    def add(self, entry: HistoryEntry) -> None:
        if not entry.source_text.strip():
            return
        entry = HistoryEntry(entry.source_text[:MAX_CHARS], entry.target_text[:MAX_CHARS],
                             entry.source, entry.target,
                             entry.when or time.strftime("%Y-%m-%d %H:%M"))
        removed = [entry.key]
        if self.entries and self._same_typing(self.entries[0], entry):
            removed.append(self.entries.pop(0).key)
        self.entries = [e for e in self.entries if e.key != entry.key]
        self.entries.insert(0, entry)
        del self.entries[self.limit:]
        self._writes.put(("add", (entry, removed)))

    @staticmethod
    def _same_typing(old: HistoryEntry, new: HistoryEntry) -> bool:
        if (old.source, old.target) != (new.source, new.target):
            return False
        a, b = old.source_text.strip(), new.source_text.strip()
        return a.startswith(b) or b.startswith(a)

    def search(self, query: str) -> list[HistoryEntry]:
        query = query.strip()
        return [e for e in self.entries if not query or e.matches(query)]

    def clear(self) -> None:
        self.entries = []
        self._writes.put(("clear", None))

    def flush(self) -> None:
        """Wait until everything added so far is on disk (tests; quitting)."""
        self._writes.join()

    def close(self) -> None:
        if self._writer.is_alive():
            self._writes.put(None)
            self._writer.join(timeout=10)

    # -- the writer thread ----------------------------------------------------------------

    def _write_loop(self) -> None:
        db: sqlite3.Connection | None = None
        while True:
            job = self._writes.get()
            try:
                if job is None:
                    return
                if db is None:
                    db = self._connect()
                self._write(db, *job)
            except (OSError, sqlite3.Error) as exc:
                # history is a convenience; never fail a translation for it
                log.warning("cannot save history %s: %s", self.path, exc)
            finally:
                self._writes.task_done()
                if job is None and db is not None:
                    db.close()

    def _write(self, db: sqlite3.Connection, kind: str, payload: object) -> None:
        with db:
            if kind == "clear":
                db.execute("DELETE FROM history")
                return
            entry, removed = payload  # type: ignore[misc]
            db.executemany("DELETE FROM history WHERE source_text = ? AND source = ? AND "
                           "target = ?", removed)
            db.execute("INSERT INTO history (source_text, target_text, source, target, at) "
                       "VALUES (?, ?, ?, ?, ?)", _row(entry))
            db.execute("DELETE FROM history WHERE id NOT IN (SELECT id FROM history "
                       "ORDER BY id DESC LIMIT ?)", (self.limit,))


def _row(entry: HistoryEntry) -> tuple[str, str, str, str, str]:
    return (entry.source_text, entry.target_text, entry.source, entry.target, entry.when)
