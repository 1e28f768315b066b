"""The segment cache under another program's lock: the translation is never lost, the
file is never deleted, and the user is told the cache was not used."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest
import synthetic

from offline_nlp.engine import Engine, SegmentCache
from offline_nlp.packages import PackageManager
from offline_nlp.paths import AppPaths

TEXT = "The house is old. We go home."


def seeded_cache(path: Path, journal: str) -> None:
    """A cache file another program already uses, with one entry of its own."""
    SegmentCache(path).close()
    db = sqlite3.connect(path, isolation_level=None)
    db.execute(f"PRAGMA journal_mode={journal}")
    db.execute("INSERT INTO segments VALUES ('theirs', '{\"h\": [\"kept\"]}', 1)")
    db.close()


@pytest.mark.parametrize("journal", ["DELETE", "WAL"])
def test_a_locked_cache_never_loses_the_translation_or_the_file(
        installed_home: AppPaths, tmp_path: Path, caplog, journal: str) -> None:
    path = tmp_path / "segments.sqlite3"
    seeded_cache(path, journal)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another process writing, for longer than we wait
    try:
        with caplog.at_level(logging.WARNING):
            cache = SegmentCache(path, busy_timeout=0.02, retries=3)
            engine = Engine(PackageManager(installed_home), cache=cache)
            result = engine.translate(TEXT, "en", "xl")
        assert result == synthetic.translate_text(TEXT, "en", "xl")
        assert path.exists()
        assert any("without" in r.getMessage() and "cach" in r.getMessage()
                   for r in caplog.records), caplog.text
    finally:
        holder.rollback()
        holder.close()
    check = sqlite3.connect(path)
    assert check.execute("SELECT value FROM segments WHERE key='theirs'").fetchone() is not None
    check.close()


def test_a_truly_damaged_cache_is_replaced(installed_home: AppPaths, tmp_path: Path, caplog) -> None:
    path = tmp_path / "segments.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with caplog.at_level(logging.WARNING):
        cache = SegmentCache(path, busy_timeout=0.02, retries=2)
    assert "damaged" in caplog.text
    engine = Engine(PackageManager(installed_home), cache=cache)
    assert engine.translate(TEXT, "en", "xl") == synthetic.translate_text(TEXT, "en", "xl")
    assert len(cache) > 0


def test_text_that_is_not_valid_unicode_still_gets_a_cache_key() -> None:
    """stdin decoded with surrogateescape ('Caf\\udce9') must not crash the cache."""
    cache = SegmentCache(None)
    key = cache.key("m", "o", "Caf\udce9")
    cache.put_many([(key, (["x"], None, 0.0))])
    assert cache.get_many([key]) == {key: (["x"], None, 0.0)}
