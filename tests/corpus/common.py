"""Inputs and expected outputs shared by the corpus tests (local and Ray)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import synthetic

# Sentences the fixture models translate exactly (no long numbers), combined into lines.
SENTENCES = ("The water is good.", "Where is the house?", "We go home.",
             "The old house is by the river.", "We go home!", "the man")


def make_lines(count: int, seed: int = 0) -> list[str]:
    """Lines of one or two sentences, every seventh blank (blank lines are kept)."""
    rng = random.Random(seed)
    return ["" if i % 7 == 3 else " ".join(rng.sample(SENTENCES, rng.randint(1, 2)))
            for i in range(count)]


def expected(line: str, target: str = "xz") -> str:
    return synthetic.translate_text(line, "en", target) if line.strip() else line


def write_inputs(folder: Path, count: int = 30) -> tuple[Path, Path]:
    """``folder/lines.txt`` (CRLF on one line) and ``folder/sub/records.jsonl``."""
    folder.mkdir(parents=True, exist_ok=True)
    text = folder / "lines.txt"
    lines = make_lines(count)
    text.write_bytes(("\n".join(lines[:5]) + "\r\n" + "\n".join(lines[5:]) + "\n").encode())
    records = folder / "sub" / "records.jsonl"
    records.parent.mkdir()
    records.write_text("".join(json.dumps({"id": i, "text": line, "keep": [i]}) + "\n"
                               for i, line in enumerate(make_lines(count, seed=1))), "utf-8")
    return text, records


def expected_text(source: Path) -> bytes:
    out = []
    for raw in source.read_bytes().splitlines(keepends=True):
        body = raw.rstrip(b"\r\n")
        out.append(expected(body.decode()).encode() + raw[len(body):])
    return b"".join(out)


def expected_records(source: Path) -> list[dict[str, object]]:
    records = [json.loads(line) for line in source.read_text("utf-8").splitlines()]
    return [{**r, "text": expected(r["text"])} for r in records]
