"""The bundle's runtime hook: a ``portable`` marker keeps all data beside the executable."""

from __future__ import annotations

import configparser
import runpy
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HOOK = ROOT / "packaging" / "rthook_portable.py"


def _run_hook(monkeypatch: pytest.MonkeyPatch, executable: Path) -> None:
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(executable))
    runpy.run_path(str(HOOK))


def test_marker_puts_data_next_to_the_executable(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("OFFLINE_NLP_HOME")
    (tmp_path / "portable").touch()
    _run_hook(monkeypatch, tmp_path / "offline-nlp")
    from offline_nlp.paths import AppPaths

    assert AppPaths.from_env().packages == tmp_path / "data" / "data" / "packages"


def test_without_marker_the_user_folders_stay(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("OFFLINE_NLP_HOME")
    _run_hook(monkeypatch, tmp_path / "offline-nlp")
    import os

    assert "OFFLINE_NLP_HOME" not in os.environ


def test_explicit_home_wins_over_the_marker(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("OFFLINE_NLP_HOME", str(tmp_path / "mine"))
    (tmp_path / "portable").touch()
    _run_hook(monkeypatch, tmp_path / "offline-nlp")
    import os

    assert os.environ["OFFLINE_NLP_HOME"] == str(tmp_path / "mine")


def test_desktop_entry_launches_an_installed_command() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(ROOT / "resources" / "offline-nlp.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    commands = {**project.get("scripts", {}), **project.get("gui-scripts", {})}
    assert desktop["Exec"].split()[0] in commands
    assert desktop["Terminal"] == "false" and desktop["Type"] == "Application"
