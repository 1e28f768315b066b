"""Fixtures for summarisation: the trained marked-sentence model, installed once per session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from build_summarizer import PACKAGE
from helpers import fixture_package

from offline_nlp.engine import Engine
from offline_nlp.engine.summarizer import Summarizer
from offline_nlp.packages import PackageManager
from offline_nlp.paths import AppPaths


@pytest.fixture(scope="session")
def summary_home(tmp_path_factory: pytest.TempPathFactory) -> AppPaths:
    """The summarize package, plus en→xl when it exists, installed through the manager."""
    paths = AppPaths.under(tmp_path_factory.mktemp("summary-home")).ensure()
    manager = PackageManager(paths)
    manager.install_file(PACKAGE)
    manager.install_file(fixture_package("en_xl"))
    return paths


@pytest.fixture(scope="session")
def summary_engine(summary_home: AppPaths) -> Engine:
    return Engine(PackageManager(summary_home))


@pytest.fixture(scope="session")
def summarizer(summary_engine: Engine) -> Summarizer:
    return Summarizer(summary_engine)


@pytest.fixture
def fresh_summarizer(summary_home: AppPaths) -> Iterator[Summarizer]:
    """Its own engine and model cache, for tests that tamper with the loaded model."""
    engine = Engine(PackageManager(summary_home))
    yield Summarizer(engine)
    engine.unload()


@pytest.fixture
def empty_summarizer(app_paths: AppPaths) -> Summarizer:
    """No package installed at all."""
    return Summarizer(Engine(PackageManager(app_paths)))


@pytest.fixture
def packages_env(summary_home: AppPaths, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the CLI at the summary home's packages."""
    monkeypatch.setenv("OFFLINE_NLP_PACKAGES", str(summary_home.packages))
    return summary_home.packages
