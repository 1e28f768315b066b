"""Shared fixtures: isolated app folders, the trained fixture models, a local index server."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent / "fixtures"))

from helpers import FIXTURE_PAIRS, fixture_package, make_archive  # noqa: E402
from httpserver import Served, serve  # noqa: E402

from offline_nlp.context import AppContext  # noqa: E402
from offline_nlp.engine import Engine, SegmentCache  # noqa: E402
from offline_nlp.packages import PackageManager  # noqa: E402
from offline_nlp.paths import AppPaths  # noqa: E402

@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the real ~/.local/share, ~/.config or argostranslate's folder."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("OFFLINE_NLP_HOME", str(home))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("OFFLINE_NLP_PACKAGES", raising=False)
    monkeypatch.delenv("OFFLINE_NLP_INDEX_URL", raising=False)
    monkeypatch.delenv("ARGOS_PACKAGES_DIR", raising=False)


@pytest.fixture
def app_paths(tmp_path: Path) -> AppPaths:
    return AppPaths.under(tmp_path / "app").ensure()


@pytest.fixture(scope="session")
def installed_home(tmp_path_factory: pytest.TempPathFactory) -> AppPaths:
    """A home folder with the four fixture packages installed (once per session)."""
    paths = AppPaths.under(tmp_path_factory.mktemp("installed")).ensure()
    manager = PackageManager(paths)
    for pair in FIXTURE_PAIRS:
        manager.install_file(fixture_package(pair))
    return paths


@pytest.fixture(scope="session")
def fixture_engine(installed_home: AppPaths) -> Engine:
    """One engine over the fixture packages, without a persistent cache."""
    return Engine(PackageManager(installed_home))


@pytest.fixture
def cached_engine(installed_home: AppPaths, tmp_path: Path) -> Engine:
    return Engine(PackageManager(installed_home), cache=SegmentCache(tmp_path / "seg.sqlite3"))


@pytest.fixture
def context(installed_home: AppPaths, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppContext]:
    monkeypatch.setenv("OFFLINE_NLP_PACKAGES", str(installed_home.packages))
    ctx = AppContext.create()
    yield ctx
    ctx.close()


@pytest.fixture
def index_server() -> Iterator[tuple[Served, str]]:
    """A local package index: ``served.files`` maps URL paths to bytes."""
    served = Served()
    with serve(served) as base:
        yield served, base


@pytest.fixture
def fake_en_xl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An installed en→xl package whose model is never loaded (detection fails first)."""
    paths = AppPaths.under(tmp_path / "home").ensure()
    PackageManager(paths).install_file(make_archive(tmp_path / "en_xl.argosmodel"))
    monkeypatch.setenv("OFFLINE_NLP_PACKAGES", str(paths.packages))
    return paths.packages
