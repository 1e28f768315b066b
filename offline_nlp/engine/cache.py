"""A persistent cache of translated sentences (SQLite), bounded in entries.

Keyed by model, decoding options and source sentence, so a repeated sentence is never
translated twice and a job interrupted half-way resumes where it stopped: every batch
is written as soon as it is finished.

The cache is only speed, never a reason to lose work. Another process (the GUI, a
second CLI run) may hold the database's write lock for a while: a busy cache is
retried with back-off, and if it stays busy the translation goes on without it and a
warning says so. Only a file SQLite itself calls damaged is replaced, and only when it
is opened, never under a running process.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

__all__ = ["CachedSentence", "SegmentCache"]

log = logging.getLogger(__name__)

# (hypotheses, alignment of the best one as (src_start, src_end, tgt_start, tgt_end) rows,
# the longest run of source words the best one never attended to, or None: unknown;
# put_many also takes entries without it)
CachedSentence = tuple[list[str], list[list[int]] | None, float | None]
T = TypeVar("T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS segments (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    used INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS segments_used ON segments(used);
"""
_BUSY_CODES = (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED (extended codes keep them in the low byte)


def _busy(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _BUSY_CODES
    return "locked" in str(exc) or "busy" in str(exc)


class SegmentCache:
    """Thread-safe sentence cache; ``path=None`` keeps it in memory only.

    Args:
        busy_timeout: seconds SQLite waits for another writer on each attempt.
        retries: attempts, with doubling pauses between them, before giving up.
    """

    def __init__(self, path: Path | None, max_entries: int = 200_000, *,
                 busy_timeout: float = 2.0, retries: int = 4) -> None:
        self.max_entries = max_entries
        self.busy_timeout = busy_timeout
        self.retries = max(1, retries)
        self.disabled = ""  # why the cache is no longer used, once it is not
        self._lock = threading.Lock()
        self._target = ":memory:"
        if path is not None:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            self._target = str(path)
        self._db = self._open()
        self._clock = self._guarded(
            lambda: self._db.execute("SELECT COALESCE(MAX(used), 0) FROM segments").fetchone()[0],
            0)

    # -- opening ------------------------------------------------------------------------

    def _connect(self, target: str) -> sqlite3.Connection:
        db = sqlite3.connect(target, timeout=self.busy_timeout, check_same_thread=False,
                             isolation_level=None)
        try:
            db.executescript(_SCHEMA)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.Error:
            db.close()
            raise
        return db

    def _open(self) -> sqlite3.Connection:
        for attempt in range(self.retries):
            try:
                return self._connect(self._target)
            except sqlite3.Error as exc:
                if not _busy(exc):
                    return self._replace_damaged(exc)
                self._pause(attempt)
        self.disabled = "busy"
        log.warning("the segment cache %s stays locked by another program; translating "
                    "without it (nothing is lost, repeated sentences are not sped up)",
                    self._target)
        return self._connect(":memory:")

    def _replace_damaged(self, exc: sqlite3.Error) -> sqlite3.Connection:
        # A damaged cache is only lost speed: start a fresh one rather than fail.
        log.warning("segment cache %s is damaged (%s); starting a new one", self._target, exc)
        for suffix in ("", "-wal", "-shm"):
            Path(self._target + suffix).unlink(missing_ok=True)
        return self._connect(self._target)

    def _pause(self, attempt: int) -> None:
        if attempt + 1 < self.retries:
            time.sleep(min(0.05 * 2**attempt, 2.0))

    # -- every use goes through here ------------------------------------------------------

    def _guarded(self, operation: Callable[[], T], fallback: T) -> T:
        """Run ``operation``; retry while busy; on persistent failure stop using the cache
        for this run (and say so) instead of failing the translation."""
        if self.disabled:
            return fallback
        for attempt in range(self.retries):
            try:
                return operation()
            except sqlite3.Error as exc:
                if self._db.in_transaction:
                    self._db.rollback()
                if _busy(exc):
                    self._pause(attempt)
                    continue
                self._give_up(f"it failed ({exc})")
                return fallback
        self._give_up("it stays locked by another program")
        return fallback

    def _give_up(self, why: str) -> None:
        self.disabled = why
        log.warning("segment cache %s is not used for the rest of this run: %s; the "
                    "translation goes on without caching", self._target, why)

    @staticmethod
    def key(model_id: str, options_key: str, sentence: str) -> str:
        # surrogatepass: text decoded with errors="surrogateescape" still gets a key
        raw = "\x1f".join((model_id, options_key, sentence)).encode("utf-8", "surrogatepass")
        return hashlib.blake2b(raw, digest_size=20).hexdigest()

    def get_many(self, keys: list[str]) -> dict[str, CachedSentence]:
        """The cached entries among ``keys``; marks them as recently used."""
        with self._lock:
            return self._guarded(lambda: self._get_many(keys), {})

    def _get_many(self, keys: list[str]) -> dict[str, CachedSentence]:
        found: dict[str, CachedSentence] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT key, value FROM segments WHERE key IN ({marks})", chunk
            ).fetchall()
            for key, value in rows:
                try:
                    data = json.loads(value)
                    gap = data.get("g")
                    gap = float(gap) if type(gap) in (int, float) and gap >= 0 else None
                    found[key] = (list(data["h"]), data.get("a"), gap)
                except (ValueError, TypeError, KeyError):
                    continue  # an unreadable entry is a miss, translated again
        if found:
            # One transaction, not one autocommit per row: 5,633 marks took 1.30 s
            # alone against 0.44 s together, a quarter of a cached rerun (issue 25).
            self._clock += 1
            self._db.execute("BEGIN")
            self._db.executemany(
                "UPDATE segments SET used=? WHERE key=?", [(self._clock, k) for k in found]
            )
            self._db.execute("COMMIT")
        return found

    def put_many(self, items: Iterable[tuple[str, CachedSentence]]) -> None:
        rows = [(key, json.dumps({"h": entry[0], "a": entry[1],
                                  "g": entry[2] if len(entry) > 2 else None},
                                 ensure_ascii=False))
                for key, entry in items]
        if rows:
            with self._lock:
                self._guarded(lambda: self._put_many(rows), None)

    def _put_many(self, rows: list[tuple[str, str]]) -> None:
        self._clock += 1
        self._db.execute("BEGIN")
        self._db.executemany(
            "INSERT OR REPLACE INTO segments(key, value, used) VALUES (?, ?, ?)",
            [(key, value, self._clock) for key, value in rows],
        )
        self._db.execute("COMMIT")
        self._evict()

    def _evict(self) -> None:
        count = self._db.execute("SELECT COUNT(*) FROM segments").fetchone()[0]
        excess = count - self.max_entries
        if excess > 0:
            self._db.execute(
                "DELETE FROM segments WHERE key IN "
                "(SELECT key FROM segments ORDER BY used LIMIT ?)", (excess,)
            )

    def __len__(self) -> int:
        with self._lock:
            return int(self._guarded(
                lambda: self._db.execute("SELECT COUNT(*) FROM segments").fetchone()[0], 0))

    def clear(self) -> None:
        with self._lock:
            self._guarded(lambda: self._db.execute("DELETE FROM segments"), None)

    def close(self) -> None:
        with self._lock:
            self._db.close()
