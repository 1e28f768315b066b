"""What a corpus job has finished, kept on disk so that a killed job resumes.

Every output file has a state folder ``OUTPUT_DIR/.offline-nlp-corpus/<output name>/``:

* ``manifest.json``: what the job is (the input's size and modification time, the
  languages, the models, the decoding options, the block size) and whether the output
  is complete. A rerun resumes only a job that is the same in all of these.
* ``blocks/NNNNNNNN.json``: one finished block (its translations, malformed lines and a
  checksum of its input lines), written atomically. A rerun checks every block file
  (line count, types, checksum) before it trusts it, and redoes those that fail.

When every block is there the output is written (atomically) from the block files,
the manifest says ``complete`` and the block files go.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from offline_nlp.progress import atomic_write

__all__ = ["STATE_DIR", "BlockDamaged", "BlockResult", "FileState", "block_checksum"]

STATE_DIR = ".offline-nlp-corpus"


@dataclass
class BlockResult:
    """A translated block: per line a translation or ``None`` (kept as it was).

    ``checksum`` is :func:`block_checksum` of the input lines it was made from, so a
    rerun can tell that a block file still belongs to this input, line for line.
    """

    translations: list[str | None]
    failures: list[tuple[int, str]]
    tokens: int = 0
    checksum: str = ""
    kept: int = 0
    suspect: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"translations": self.translations, "failures": self.failures,
                "tokens": self.tokens, "checksum": self.checksum, "kept": self.kept,
                "suspect": self.suspect}

    @classmethod
    def from_json(cls, data: object) -> BlockResult:
        """Raises: BlockDamaged: not what :meth:`to_json` writes."""
        if not isinstance(data, dict):
            raise BlockDamaged("not a JSON object")
        translations, failures = data.get("translations"), data.get("failures")
        if not isinstance(translations, list) or not all(
                t is None or isinstance(t, str) for t in translations):
            raise BlockDamaged("its translations are not a list of texts")
        if not isinstance(failures, list) or not all(
                isinstance(f, list) and len(f) == 2 and _is_int(f[0]) and isinstance(f[1], str)
                for f in failures):
            raise BlockDamaged("its malformed lines are not a list of (line, reason)")
        numbers = {key: data.get(key, 0) for key in ("tokens", "kept", "suspect")}
        if not all(_is_int(v) and v >= 0 for v in numbers.values()):
            raise BlockDamaged("its counts are not whole numbers")
        checksum = data.get("checksum")
        if not isinstance(checksum, str):
            raise BlockDamaged("it has no checksum of its input lines")
        return cls(list(translations), [(int(n), r) for n, r in failures], numbers["tokens"],
                   checksum, numbers["kept"], numbers["suspect"])


class BlockDamaged(ValueError):
    """A block file that cannot be used: it is redone."""


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def block_checksum(texts: list[str | None], failures: list[tuple[int, str]]) -> str:
    """A digest of one block's input as read: each line's text (or that it was kept)."""
    digest = hashlib.sha256()
    for text in texts:
        digest.update(b"\x00" if text is None else b"\x01" + text.encode("utf-8", "surrogatepass"))
        digest.update(b"\xff")
    digest.update(json.dumps(failures).encode("utf-8"))
    return digest.hexdigest()


def _write_json(path: Path, data: object) -> None:
    with atomic_write(path) as handle:
        handle.write(json.dumps(data, ensure_ascii=False).encode("utf-8"))


class FileState:
    """The state folder of one output file."""

    def __init__(self, output_dir: Path, relative: Path) -> None:
        self.folder = output_dir / STATE_DIR / relative
        self.blocks_dir = self.folder / "blocks"
        self.manifest_file = self.folder / "manifest.json"

    def manifest(self) -> dict[str, Any] | None:
        try:
            data = json.loads(self.manifest_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def start(self, job: dict[str, Any]) -> None:
        """Forget any earlier state and record ``job`` as unfinished."""
        self.clear()
        self.blocks_dir.mkdir(parents=True, exist_ok=True)
        _write_json(self.manifest_file, {**job, "complete": False})

    def clear(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def _block_file(self, index: int) -> Path:
        return self.blocks_dir / f"{index:08d}.json"

    def done_blocks(self) -> set[int]:
        if not self.blocks_dir.is_dir():
            return set()
        return {int(p.stem) for p in self.blocks_dir.glob("*.json") if p.stem.isdigit()}

    def save_block(self, index: int, result: BlockResult) -> None:
        _write_json(self._block_file(index), result.to_json())

    def load_block(self, index: int) -> BlockResult:
        """Raises: BlockDamaged: unreadable, not JSON, or not a block."""
        path = self._block_file(index)
        try:
            raw = path.read_bytes()
        except OSError as exc:  # a folder in its place, unreadable
            raise BlockDamaged(exc.strerror or str(exc)) from None
        try:
            data = json.loads(raw.decode("utf-8"))
        except (ValueError, RecursionError):
            raise BlockDamaged("empty" if not raw.strip() else "not valid JSON") from None
        return BlockResult.from_json(data)

    def check_block(self, index: int, lines: int, checksum: str) -> str | None:
        """Why the saved block ``index`` cannot be used for ``lines`` input lines with
        this ``checksum``, or ``None`` when it can."""
        try:
            result = self.load_block(index)
        except BlockDamaged as exc:
            return str(exc)
        if len(result.translations) != lines:
            return f"{len(result.translations)} lines where the input has {lines}"
        if result.checksum != checksum:
            return "made from other input lines"
        return None

    def drop_block(self, index: int) -> None:
        path = self._block_file(index)
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)

    def results(self, blocks: int) -> Iterator[BlockResult]:
        for index in range(blocks):
            yield self.load_block(index)

    def finish(self, job: dict[str, Any]) -> None:
        """The output is written: mark the job complete and drop the block files."""
        _write_json(self.manifest_file, {**job, "complete": True})
        shutil.rmtree(self.blocks_dir, ignore_errors=True)
