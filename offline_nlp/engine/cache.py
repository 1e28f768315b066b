"""A persistent cache of translated sentences (SQLite), bounded in entries.

Keyed by model, decoding options and source sentence, so a repeated sentence is never
translated twice and a job interrupted half-way resumes where it stopped: every batch
is written as soon as it is finished.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path

__all__ = ["CachedSentence", "SegmentCache"]

log = logging.getLogger(__name__)

# (hypotheses, alignment of the best one as (src_start, src_end, tgt_start, tgt_end) rows)
CachedSentence = tuple[list[str], list[list[int]] | None]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS segments (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    used INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS segments_used ON segments(used);
"""


class SegmentCache:
    """Thread-safe sentence cache; ``path=None`` keeps it in memory only."""

    def __init__(self, path: Path | None, max_entries: int = 200_000) -> None:
        self.max_entries = max_entries
        self._lock = threading.Lock()
        target = ":memory:"
        if path is not None:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            target = str(path)
        self._db = self._connect(target)
        self._clock = self._db.execute("SELECT COALESCE(MAX(used), 0) FROM segments").fetchone()[0]

    @staticmethod
    def _connect(target: str) -> sqlite3.Connection:
        db = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
        try:
            db.executescript(_SCHEMA)
        except sqlite3.DatabaseError:
            # A damaged cache is only lost speed: start a fresh one rather than fail.
            log.warning("segment cache %s is damaged; starting a new one", target)
            db.close()
            Path(target).unlink(missing_ok=True)
            db = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
            db.executescript(_SCHEMA)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    @staticmethod
    def key(model_id: str, options_key: str, sentence: str) -> str:
        raw = "\x1f".join((model_id, options_key, sentence)).encode("utf-8")
        return hashlib.blake2b(raw, digest_size=20).hexdigest()

    def get_many(self, keys: list[str]) -> dict[str, CachedSentence]:
        """The cached entries among ``keys``; marks them as recently used."""
        found: dict[str, CachedSentence] = {}
        with self._lock:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT key, value FROM segments WHERE key IN ({marks})", chunk
                ).fetchall()
                for key, value in rows:
                    data = json.loads(value)
                    found[key] = (data["h"], data.get("a"))
            if found:
                self._clock += 1
                self._db.executemany(
                    "UPDATE segments SET used=? WHERE key=?", [(self._clock, k) for k in found]
                )
        return found

    def put_many(self, items: Iterable[tuple[str, CachedSentence]]) -> None:
        rows = [(key, json.dumps({"h": hyps, "a": align}, ensure_ascii=False))
                for key, (hyps, align) in items]
        if not rows:
            return
        with self._lock:
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
            return int(self._db.execute("SELECT COUNT(*) FROM segments").fetchone()[0])

    def clear(self) -> None:
        with self._lock:
            self._db.execute("DELETE FROM segments")

    def close(self) -> None:
        with self._lock:
            self._db.close()
