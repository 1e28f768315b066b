"""Folders are chosen without side effects; writes are atomic; the bar only draws on a tty."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from offline_nlp.cli.output import ProgressBar
from offline_nlp.paths import AppPaths
from offline_nlp.progress import Progress, atomic_write


def test_home_override_puts_everything_below_one_folder(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("OFFLINE_NLP_HOME", str(tmp_path / "home"))
    paths = AppPaths.from_env()
    assert all(p.is_relative_to(tmp_path / "home") for p in (paths.config, paths.data, paths.cache))
    assert not (tmp_path / "home").exists(), "nothing is created until ensure()"
    paths.ensure()
    assert (paths.cache / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")


def test_packages_override(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("OFFLINE_NLP_PACKAGES", str(tmp_path / "pk"))
    assert AppPaths.from_env().packages == tmp_path / "pk"
    assert AppPaths.from_env(tmp_path / "cli").packages == tmp_path / "cli"


def test_atomic_write_keeps_the_old_file_when_writing_fails(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(OSError):
        with atomic_write(target) as out:
            out.write(b"half")
            raise OSError("disk full")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_draws_on_a_terminal_only() -> None:
    quiet = io.StringIO()
    ProgressBar("x", quiet)(Progress(1, 2))
    assert quiet.getvalue() == ""
    tty = FakeTerminal()
    bar = ProgressBar("translating", tty)
    bar(Progress(2, 2, "sentences"))
    assert "translating" in tty.getvalue() and "2/2 sentences" in tty.getvalue()
