"""What a corpus job has finished, kept on disk so that a killed job resumes.

Every output file has a state folder ``OUTPUT_DIR/.offline-nlp-corpus/<output name>/``:

* ``manifest.json``: what the job is (the input's size and modification time, the
  languages, the models, the decoding options, the block size) and whether the output
  is complete. A rerun resumes only a job that is the same in all of these.
* ``blocks/NNNNNNNN.json``: one finished block (its translations and malformed lines),
  written atomically, so a block file either is whole or is not there.

When every block is there the output is written (atomically) from the block files,
the manifest says ``complete`` and the block files go.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from offline_nlp.progress import atomic_write

__all__ = ["STATE_DIR", "BlockResult", "FileState"]

STATE_DIR = ".offline-nlp-corpus"


@dataclass
class BlockResult:
    """A translated block: per line a translation or ``None`` (kept as it was)."""

    translations: list[str | None]
    failures: list[tuple[int, str]]
    tokens: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"translations": self.translations, "failures": self.failures,
                "tokens": self.tokens}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BlockResult:
        return cls(list(data["translations"]),
                   [(int(line), str(reason)) for line, reason in data["failures"]],
                   int(data.get("tokens", 0)))


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
        return BlockResult.from_json(json.loads(self._block_file(index).read_text("utf-8")))

    def results(self, blocks: int) -> Iterator[BlockResult]:
        for index in range(blocks):
            yield self.load_block(index)

    def finish(self, job: dict[str, Any]) -> None:
        """The output is written: mark the job complete and drop the block files."""
        _write_json(self.manifest_file, {**job, "complete": True})
        shutil.rmtree(self.blocks_dir, ignore_errors=True)
