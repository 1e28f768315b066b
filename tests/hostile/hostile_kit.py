"""Hostile packages and indexes, and the checks every hostile case shares:
one line on stderr, exit code 1, and nothing changed outside the folders that may change."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import fixture_package

from offline_nlp.cli import main


def snapshot(root: Path) -> dict[str, str]:
    """Every file and folder under ``root`` with a digest of its content."""
    tree = {}
    for item in sorted(root.rglob("*")):
        key = item.relative_to(root).as_posix()
        if item.is_symlink():
            tree[key] = "link"
        elif item.is_dir():
            tree[key] = "dir"
        elif not item.is_file():  # a pipe or a device: reading it would block
            tree[key] = "special"
        else:
            tree[key] = hashlib.sha256(item.read_bytes()).hexdigest()
    return tree


def changed(before: dict[str, str], after: dict[str, str], allowed: tuple[str, ...]) -> list[str]:
    keys = set(before) | set(after)
    return sorted(k for k in keys if before.get(k) != after.get(k)
                  and not any(k == a or k.startswith(a + "/") for a in allowed))


@dataclass
class World:
    """A temporary world: ``home`` is OFFLINE_NLP_HOME, ``root`` holds everything else
    (the hostile files themselves, a bystander folder) and is compared before/after."""

    root: Path
    home: Path

    @property
    def packages(self) -> Path:
        return self.home / "data" / "packages"

    @property
    def downloads(self) -> Path:
        return self.home / "cache" / "downloads"

    @contextmanager
    def unchanged_outside(self, *allowed: str) -> Iterator[None]:
        """Fails unless only the packages folder, the cache, the config and ``allowed``
        (folders relative to ``root``) changed."""
        before = snapshot(self.root)
        yield
        after = snapshot(self.root)
        outside = changed(before, after,
                          ("home/data/packages", "home/cache", "home/config", *allowed))
        outside = [k for k in outside if k not in ("home", "home/data")]  # made on first use
        assert outside == [], f"changed outside the intended folders: {outside}"

    def cli(self, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err


def one_line_error(code: int, err: str) -> str:
    """The message of a failed run; fails unless it is exactly one line and exit 1."""
    assert code == 1, err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert len(lines[0]) < 600, lines[0][:200]
    return lines[0]


BASE_METADATA = {"package_version": "1.0", "argos_version": "1.9.0", "from_code": "en",
                 "from_name": "English", "to_code": "xl", "to_name": "Synthetic Latin",
                 "code": "translate-en_xl", "type": "translate"}


def build_package(path: Path, metadata: dict[str, object] | None = None, *,
                  files: dict[str, bytes] | None = None, top: str = "pkg",
                  real_model: bool = False) -> Path:
    """An .argosmodel with ``metadata`` over the defaults (``None`` values drop a key).

    ``real_model`` copies the trained en→xl fixture model, so the package works."""
    meta = {**BASE_METADATA, **(metadata or {})}
    meta = {k: v for k, v in meta.items() if v is not None}
    content: dict[str, bytes] = {"model/model.bin": b"garbage weights",
                                 "model/config.json": b"{}", "sentencepiece.model": b"sp"}
    if real_model:
        with zipfile.ZipFile(fixture_package("en_xl")) as fixture:
            for name in fixture.namelist():
                inner = name.split("/", 1)[1] if "/" in name else name
                if inner and not name.endswith("/") and inner != "metadata.json":
                    content[inner] = fixture.read(name)
    content.update(files or {})
    content["metadata.json"] = json.dumps(meta).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in content.items():
            archive.writestr(f"{top}/{name}" if top else name, data)
    return path


def index_of(base: str, entries: list[dict[str, object]]) -> bytes:
    return json.dumps(entries).encode()


def entry(base: str, path: str, **fields: object) -> dict[str, object]:
    out: dict[str, object] = {**BASE_METADATA, "links": [f"{base}{path}"]}
    out.update(fields)
    return {k: v for k, v in out.items() if v is not None}
