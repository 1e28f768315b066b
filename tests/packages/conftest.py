"""Small hand-made package archives for installer tests (no model is loaded)."""

from __future__ import annotations

from pathlib import Path

from helpers import make_archive

import pytest


@pytest.fixture
def archive_factory(tmp_path: Path):  # type: ignore[no-untyped-def]
    def factory(name: str = "pkg.argosmodel", **kwargs: object) -> Path:
        return make_archive(tmp_path / name, **kwargs)  # type: ignore[arg-type]
    return factory
