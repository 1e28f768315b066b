"""Recent translations, kept as a small JSON file in the data folder (no Qt here)."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from offline_nlp.progress import atomic_write

__all__ = ["History", "HistoryEntry"]

log = logging.getLogger(__name__)


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


class History:
    """Newest first, at most ``limit`` entries; typing one text adds one entry, not one
    per keystroke (an entry extending or shortening the newest one replaces it)."""

    def __init__(self, path: Path, limit: int = 200) -> None:
        self.path = Path(path)
        self.limit = limit
        self.entries: list[HistoryEntry] = self._load()

    def _load(self) -> list[HistoryEntry]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return [HistoryEntry(**item) for item in data][: self.limit]
        except FileNotFoundError:
            return []
        except (OSError, ValueError, TypeError) as exc:
            log.warning("ignoring unreadable history %s: %s", self.path, exc)
            return []

    def add(self, entry: HistoryEntry) -> None:
        if not entry.source_text.strip():
            return
        if not entry.when:
            entry = HistoryEntry(entry.source_text, entry.target_text, entry.source,
                                 entry.target, time.strftime("%Y-%m-%d %H:%M"))
        if self.entries and self._same_typing(self.entries[0], entry):
            self.entries.pop(0)
        key = (entry.source_text, entry.source, entry.target)
        self.entries = [e for e in self.entries if (e.source_text, e.source, e.target) != key]
        self.entries.insert(0, entry)
        del self.entries[self.limit:]
        self.save()

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
        self.save()

    def save(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with atomic_write(self.path) as out:
                out.write(json.dumps([asdict(e) for e in self.entries], ensure_ascii=False,
                                     indent=1).encode("utf-8"))
        except OSError as exc:  # history is a convenience; never fail a translation for it
            log.warning("cannot save history %s: %s", self.path, exc)
