"""Terms the user fixes: a source term always becomes the given target term.

A glossary is a CSV or TSV file, one term a row, in DeepL's glossary CSV layout::

    source term,target term[,source language,target language]

Rows without languages apply to every pair; rows with them only to that pair, so one
file can serve several pairs. Lines starting with ``#`` and blank lines are skipped; a
tab in the first row means TSV. Matching is case-insensitive, on word boundaries (CJK,
Thai and other scripts written without spaces match anywhere), and the longest term
found at a place wins. A matched term is a span of the sentence with a replacement
text: the model never sees it and the target term comes out exactly as written (see
engine.integrity).

The file comes from outside: its size, rows and term lengths are bounded, and every
problem is one line naming the file and the line.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from offline_nlp.errors import OfflineNLPError

__all__ = ["MAX_BYTES", "MAX_TERMS", "Glossary", "GlossaryError", "load_glossary",
           "parse_glossary", "parse_glossary_pairs"]

#: A glossary file or parameter is at most this big (DeepL allows 10 MB; a 1 MiB list
#: already holds tens of thousands of terms).
MAX_BYTES = 1024 * 1024
#: At most this many terms.
MAX_TERMS = 20_000
#: A term (either side) is at most this many characters.
MAX_TERM_CHARS = 200


class GlossaryError(OfflineNLPError):
    """A glossary file or parameter that cannot be used, in one line."""


# Scripts written without spaces between words: a term there matches anywhere.
_UNSPACED = re.compile(
    "[\u0E00-\u0FFF\u1000-\u109F\u1780-\u17FF\u3040-\u30FF\u3400-\u4DBF\u4E00-\u9FFF"
    "\uAC00-\uD7AF\uF900-\uFAFF\uFF66-\uFF9F\U00020000-\U0002FFFF]")


def _fold(text: str) -> str:
    """Lower case, one character for one (``İ`` would become two and shift offsets)."""
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _spaced_word(char: str) -> bool:
    """A letter or digit of a script written with spaces between words."""
    return (char.isalnum() or char == "_") and not _UNSPACED.match(char)


def _key(folded: str, start: int) -> str:
    """What a term starting at ``start`` is indexed by: its first word, or its first
    character where that is not a letter of a spaced script."""
    if not _spaced_word(folded[start]):
        return folded[start]
    end = start
    while end < len(folded) and _spaced_word(folded[end]):
        end += 1
    return folded[start:end]


@dataclass(frozen=True)
class Glossary:
    """Source → target terms, each maybe limited to a pair: ``(source, target, src, tgt)``
    with ``""`` for any language. Immutable and hashable, so it can sit in options."""

    entries: tuple[tuple[str, str, str, str], ...] = ()
    name: str = field(default="glossary", compare=False)
    _index: dict[str, list[tuple[str, str]]] = field(
        default_factory=dict, compare=False, repr=False, hash=False)

    def __post_init__(self) -> None:
        index: dict[str, list[tuple[str, str]]] = {}
        for source, target, _, _ in self.entries:
            folded = _fold(source)
            index.setdefault(_key(folded, 0), []).append((folded, target))
        for candidates in index.values():
            candidates.sort(key=lambda c: -len(c[0]))  # the longest term first
        object.__setattr__(self, "_index", index)

    def __bool__(self) -> bool:
        return bool(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def for_pair(self, source: str, target: str) -> Glossary:
        """The terms that apply from ``source`` to ``target`` (codes as installed)."""
        def applies(code: str, wanted: str) -> bool:  # en-GB applies to en, and en to en-GB
            return not code or code.split("-")[0] == wanted.lower().replace("_", "-").split("-")[0]

        kept = tuple(e for e in self.entries if applies(e[2], source) and applies(e[3], target))
        return self if len(kept) == len(self.entries) else Glossary(kept, self.name)

    @cached_property
    def digest(self) -> str:
        """A short fingerprint of the terms, for cache keys (computed once)."""
        data = json.dumps(self.entries, ensure_ascii=False).encode("utf-8")
        return hashlib.sha256(data).hexdigest()[:16]

    def matches(self, text: str) -> list[tuple[int, int, str]]:
        """``(start, end, target term)`` of every term in ``text``, left to right, the
        longest at each place, not overlapping."""
        if not self._index:
            return []
        folded = _fold(text)
        found: list[tuple[int, int, str]] = []
        position = 0
        while position < len(folded):
            char = folded[position]
            inside_word = (position > 0 and _spaced_word(char)
                           and _spaced_word(folded[position - 1]))
            candidates = None if inside_word else self._index.get(_key(folded, position))
            hit = _first_match(folded, position, candidates or [])
            if hit is None:
                position += 1
                continue
            end, target = hit
            found.append((position, end, target))
            position = end
        return found

    def to_text(self) -> str:
        """The glossary as CSV, as :func:`parse_glossary` reads it."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        for source, target, src, tgt in self.entries:
            writer.writerow([source, target, src, tgt] if src or tgt else [source, target])
        return out.getvalue()


def _first_match(folded: str, start: int, candidates: list[tuple[str, str]]
                 ) -> tuple[int, str] | None:
    for term, target in candidates:
        end = _match_at(folded, start, term)
        if end is not None:
            return end, target
    return None


def _match_at(folded: str, start: int, term: str) -> int | None:
    """Where ``term`` ends if it starts at ``start``: a space in the term stands for any
    run of whitespace; the term must not end inside a word of a spaced script."""
    i = start
    for char in term:
        if char == " ":
            if i >= len(folded) or not folded[i].isspace():
                return None
            while i < len(folded) and folded[i].isspace():
                i += 1
        elif i < len(folded) and folded[i] == char:
            i += 1
        else:
            return None
    if i < len(folded) and _spaced_word(folded[i]) and _spaced_word(term[-1]):
        return None
    return i


def load_glossary(path: Path) -> Glossary:
    """A glossary file (CSV or TSV, UTF-8).

    Raises:
        GlossaryError: unreadable, too big, or a bad line (named).
    """
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise GlossaryError(f"cannot read glossary {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise GlossaryError(f"glossary {path} is larger than {MAX_BYTES // 1024} KiB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise GlossaryError(f"{path}, line {line}: not UTF-8 text") from None
    return parse_glossary(text, str(path))


def parse_glossary(text: str, name: str = "glossary") -> Glossary:
    """A glossary from CSV or TSV text; ``name`` is what errors call it.

    Raises:
        GlossaryError: too big, or a bad line (named).
    """
    if len(text) > MAX_BYTES:
        raise GlossaryError(f"{name} is larger than {MAX_BYTES // 1024} KiB")
    text = text.lstrip("\ufeff")
    first = next((line for line in text.splitlines() if line.strip()
                  and not line.lstrip().startswith("#")), "")
    delimiter = "\t" if "\t" in first else ","
    rows = []
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        for row in reader:
            rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise GlossaryError(f"{name}, line {reader.line_num}: {exc}") from None
    return _build([(line, row) for line, row in rows
                   if any(c.strip() for c in row) and not row[0].lstrip().startswith("#")],
                  name)


def parse_glossary_pairs(value: object, name: str = "glossary") -> Glossary:
    """A glossary from a JSON value: a list of ``[source, target]`` (or 4-item) lists,
    or CSV/TSV text. For the server and the extension.

    Raises:
        GlossaryError: not such a value, too big, or a bad entry (named).
    """
    if isinstance(value, str):
        return parse_glossary(value, name)
    if not isinstance(value, list):
        raise GlossaryError(f"{name} must be CSV/TSV text or a list of [source, target] pairs")
    if len(value) > MAX_TERMS:
        raise GlossaryError(f"{name} has more than {MAX_TERMS} terms")
    rows = []
    for number, item in enumerate(value, 1):
        if not isinstance(item, list) or not all(isinstance(c, str) for c in item):
            raise GlossaryError(f"{name}, entry {number}: not a list of texts")
        rows.append((number, item))
    return _build(rows, name, "entry")


def _build(rows: list[tuple[int, list[str]]], name: str, unit: str = "line") -> Glossary:
    if len(rows) > MAX_TERMS:
        raise GlossaryError(f"{name} has more than {MAX_TERMS} terms")
    entries: list[tuple[str, str, str, str]] = []
    seen: dict[tuple[str, str, str], tuple[int, str]] = {}
    for number, row in rows:
        where = f"{name}, {unit} {number}"
        if len(row) not in (2, 4):
            raise GlossaryError(f"{where}: expected 2 columns (source term, target term) or "
                                f"4 (and the two language codes), found {len(row)}")
        source, target = (_term(c, where) for c in row[:2])
        if not source or not target:
            raise GlossaryError(f"{where}: a term is empty")
        pair = ("", "") if len(row) == 2 else tuple(_code(c, where) for c in row[2:])
        key = (_fold(source), *pair)
        if key in seen and seen[key][1] != target:
            raise GlossaryError(f"{where}: {source!r} is already given as "
                                f"{seen[key][1]!r} on {unit} {seen[key][0]}")
        if key not in seen:
            seen[key] = (number, target)
            entries.append((source, target, pair[0], pair[1]))
    return Glossary(tuple(entries), name)


def _term(cell: str, where: str) -> str:
    term = " ".join(unicodedata.normalize("NFC", cell).split())
    if len(term) > MAX_TERM_CHARS:
        raise GlossaryError(f"{where}: a term is longer than {MAX_TERM_CHARS} characters")
    return term


_CODE = re.compile(r"[a-z]{2,3}(?:[-_][a-z0-9]{2,8})*")


def _code(cell: str, where: str) -> str:
    code = cell.strip().lower().replace("_", "-")
    if not _CODE.fullmatch(code):
        raise GlossaryError(f"{where}: {cell.strip()!r} is not a language code")
    return code
