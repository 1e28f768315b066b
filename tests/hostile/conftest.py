"""Fixtures of the hostile suite: an isolated world and a misbehaving server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile_kit import World
from hostileserver import Hostile, serve

from offline_nlp.paths import AppPaths


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    root = tmp_path / "world"
    home = root / "home"
    (root / "bystander").mkdir(parents=True)
    (root / "bystander" / "notes.txt").write_text("keep me\n")
    monkeypatch.setenv("OFFLINE_NLP_HOME", str(home))
    yield World(root, home)


@pytest.fixture
def installed(world: World, installed_home: AppPaths, monkeypatch: pytest.MonkeyPatch) -> World:
    """The world, with the fixture packages (en→xl among them) installed."""
    monkeypatch.setenv("OFFLINE_NLP_PACKAGES", str(installed_home.packages))
    return world


@pytest.fixture
def hostile_server() -> Iterator[tuple[Hostile, str]]:
    state = Hostile()
    with serve(state) as base:
        yield state, base
