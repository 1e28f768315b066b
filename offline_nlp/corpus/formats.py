"""The corpus formats: plain text, JSON Lines and Parquet, read in blocks and written back.

A format reads a file as consecutive blocks of ``block_lines`` lines (rows for Parquet).
Each line gives one text to translate, or ``None`` when the line is kept as it is: a
blank line, or a malformed one, which is also reported with its line number. Writing
reads the source once more, in order, and puts each translation where its text came
from, so the output has the same lines, fields and columns as the input. Both passes
stream: memory stays at one block whatever the file's size.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

from offline_nlp.errors import DocumentParseError, UnsupportedFormatError

__all__ = ["SUFFIXES", "BlockInput", "CorpusFormat", "format_for"]

TEXT_SUFFIXES = (".txt",)
JSONL_SUFFIXES = (".jsonl", ".ndjson")
PARQUET_SUFFIXES = (".parquet",)
SUFFIXES = TEXT_SUFFIXES + JSONL_SUFFIXES + PARQUET_SUFFIXES


@dataclass
class BlockInput:
    """One block as read: a text or ``None`` per line, and the lines that were malformed."""

    texts: list[str | None] = field(default_factory=list)
    failures: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)


class CorpusFormat(Protocol):
    name: str

    def count(self, path: Path) -> int:
        """Lines (or rows) in the file."""

    def blocks(self, path: Path, block_lines: int) -> Iterator[BlockInput]:
        """The file's blocks in order; line numbers in failures count from 1."""

    def write(self, path: Path, out: IO[bytes], translations: Iterator[str | None]) -> None:
        """Write the translated file: one translation (``None``: keep) per source line."""


def format_for(path: Path, field_name: str) -> CorpusFormat:
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return TextFormat()
    if suffix in JSONL_SUFFIXES:
        return JsonLinesFormat(field_name)
    if suffix in PARQUET_SUFFIXES:
        return ParquetFormat(field_name)
    raise UnsupportedFormatError(
        f"{path}: not a corpus file; expected one of: {', '.join(SUFFIXES)}")


def _lines(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        yield from handle  # split after b"\n", which is kept


def _count_lines(path: Path) -> int:
    count, last = 0, b"\n"
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (last != b"\n")  # a last line without a line break


def _split_ending(raw: bytes) -> tuple[bytes, bytes]:
    for ending in (b"\r\n", b"\n"):
        if raw.endswith(ending):
            return raw[:-len(ending)], ending
    return raw, b""


def _line_blocks(path: Path, block_lines: int,
                 parse: Callable[[bytes], str | None]) -> Iterator[BlockInput]:
    block = BlockInput()
    for number, raw in enumerate(_lines(path), 1):
        try:
            block.texts.append(parse(_split_ending(raw)[0]))
        except ValueError as exc:
            block.texts.append(None)
            block.failures.append((number, str(exc)))
        if len(block.texts) == block_lines:
            yield block
            block = BlockInput()
    if block.texts:
        yield block


def _write_lines(path: Path, out: IO[bytes], translations: Iterator[str | None],
                 render: Callable[[bytes, str], bytes]) -> None:
    """Each source line again, rendered with its translation; kept lines byte for byte."""
    for raw in _lines(path):
        translation = next(translations)
        if translation is None:
            out.write(raw)
            continue
        body, ending = _split_ending(raw)
        out.write(render(body, translation) + ending)


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 text (byte {exc.start})") from None


class TextFormat:
    """One segment a line; blank lines, line endings and a byte-order mark are kept."""

    name = "text"
    BOM = "\ufeff"

    def count(self, path: Path) -> int:
        return _count_lines(path)

    def blocks(self, path: Path, block_lines: int) -> Iterator[BlockInput]:
        return _line_blocks(path, block_lines, self._text)

    def _text(self, body: bytes) -> str | None:
        text = _decode(body).removeprefix(self.BOM)
        return text if text.strip() else None

    def write(self, path: Path, out: IO[bytes], translations: Iterator[str | None]) -> None:
        _write_lines(path, out, translations, self._render)

    def _render(self, body: bytes, translation: str) -> bytes:
        bom = self.BOM.encode() if body.startswith(self.BOM.encode()) else b""
        return bom + translation.encode("utf-8")


class JsonLinesFormat:
    """One JSON object a line: its ``field`` is translated, every other key kept."""

    name = "jsonl"

    def __init__(self, field_name: str) -> None:
        self.field = field_name

    def count(self, path: Path) -> int:
        return _count_lines(path)

    def blocks(self, path: Path, block_lines: int) -> Iterator[BlockInput]:
        return _line_blocks(path, block_lines, self._text)

    def _record(self, body: bytes) -> dict[str, object] | None:
        text = _decode(body)
        if not text.strip():
            return None  # a blank line stays blank
        try:
            record = json.loads(text)
        except ValueError as exc:
            raise ValueError(f"not valid JSON ({exc})") from None
        if not isinstance(record, dict):
            raise ValueError("not a JSON object")
        if not isinstance(record.get(self.field), str):
            found = "missing" if self.field not in record else "not a string"
            raise ValueError(f"field {self.field!r} is {found}")
        return record

    def _text(self, body: bytes) -> str | None:
        record = self._record(body)
        return None if record is None else record[self.field]  # type: ignore[return-value]

    def write(self, path: Path, out: IO[bytes], translations: Iterator[str | None]) -> None:
        _write_lines(path, out, translations, self._render)

    def _render(self, body: bytes, translation: str) -> bytes:
        record = self._record(body)
        record[self.field] = translation  # type: ignore[index]
        return json.dumps(record, ensure_ascii=False).encode("utf-8")


def _pyarrow() -> object:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise UnsupportedFormatError(
            "reading Parquet needs pyarrow; install it with "
            "pip install 'offline-nlp[cluster]'") from None
    return pq


class ParquetFormat:
    """A Parquet table: one string column translated, the other columns and the schema kept."""

    name = "parquet"

    def __init__(self, field_name: str) -> None:
        self.field = field_name

    def _open(self, path: Path) -> object:
        pq = _pyarrow()
        try:
            table = pq.ParquetFile(path)  # type: ignore[attr-defined]
        except Exception as exc:  # pyarrow raises its own ArrowInvalid, OSError...
            raise DocumentParseError(f"{path}: not a readable Parquet file ({exc})") from None
        schema = table.schema_arrow
        if self.field not in schema.names:
            raise DocumentParseError(f"{path}: no column {self.field!r} (columns: "
                                     f"{', '.join(schema.names)}); choose one with --field")
        import pyarrow as pa

        kind = schema.field(self.field).type
        if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
            raise DocumentParseError(f"{path}: column {self.field!r} holds {kind}, not text")
        return table

    def count(self, path: Path) -> int:
        return int(self._open(path).metadata.num_rows)  # type: ignore[attr-defined]

    def blocks(self, path: Path, block_lines: int) -> Iterator[BlockInput]:
        values: list[str | None] = []
        for batch in self._open(path).iter_batches(columns=[self.field]):  # type: ignore[attr-defined]
            values += batch.column(0).to_pylist()
            while len(values) >= block_lines:  # Parquet batches need not align with blocks
                yield BlockInput([self._keep_blank(v) for v in values[:block_lines]])
                del values[:block_lines]
        if values:
            yield BlockInput([self._keep_blank(v) for v in values])

    @staticmethod
    def _keep_blank(value: str | None) -> str | None:
        return value if value is not None and value.strip() else None

    def write(self, path: Path, out: IO[bytes], translations: Iterator[str | None]) -> None:
        import pyarrow as pa

        source = self._open(path)
        schema = source.schema_arrow  # type: ignore[attr-defined]
        column = schema.get_field_index(self.field)
        with _pyarrow().ParquetWriter(out, schema) as writer:  # type: ignore[attr-defined]
            for batch in source.iter_batches():  # type: ignore[attr-defined]
                old = batch.column(column).to_pylist()
                new = [_pick(next(translations), value) for value in old]
                arrays = list(batch.columns)
                arrays[column] = pa.array(new, type=schema.field(column).type)
                writer.write_batch(pa.RecordBatch.from_arrays(arrays, schema=schema))


def _pick(translation: str | None, original: str | None) -> str | None:
    return original if translation is None else translation


def chain_blocks(blocks: Iterable[list[str | None]]) -> Iterator[str | None]:
    for block in blocks:
        yield from block
