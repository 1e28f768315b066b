"""The fixture models of every kind, installed once per session."""

from __future__ import annotations

import pytest
from helpers import fixture_package
from kindsfix import BPE_PACKAGE, MARIAN_LANGUAGES, MARIAN_ZIP, NLLB_LANGUAGES, NLLB_ZIP

from offline_nlp.engine.probe import try_package
from offline_nlp.packages import PackageManager
from offline_nlp.packages.ctmodels import ModelHints
from offline_nlp.paths import AppPaths


@pytest.fixture(scope="session")
def kinds_home(tmp_path_factory: pytest.TempPathFactory) -> AppPaths:
    """NLLB, Marian and the BPE Argos package, plus the four sentencepiece Argos ones."""
    paths = AppPaths.under(tmp_path_factory.mktemp("kinds")).ensure()
    manager = PackageManager(paths, probe=try_package)
    manager.install_file(NLLB_ZIP, hints=ModelHints(languages=NLLB_LANGUAGES))
    manager.install_file(MARIAN_ZIP, hints=ModelHints(languages=MARIAN_LANGUAGES))
    manager.install_file(BPE_PACKAGE)
    for pair in ("en_xl", "xl_en", "en_xz", "xz_en"):
        manager.install_file(fixture_package(pair))
    return paths


@pytest.fixture(scope="session")
def nllb_home(tmp_path_factory: pytest.TempPathFactory) -> AppPaths:
    """Only the NLLB model: every pair comes from it."""
    paths = AppPaths.under(tmp_path_factory.mktemp("nllb")).ensure()
    PackageManager(paths, probe=try_package).install_file(
        NLLB_ZIP, hints=ModelHints(languages=NLLB_LANGUAGES))
    return paths
