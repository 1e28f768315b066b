"""Each kind's fixture model gives exactly the expected translations through the engine
(sentences from tests/fixtures/kinds_examples.py, exact on every CPU path), on a route of
its own: NLLB and M2M-100 translate between the synthetic languages directly, with no
pivot through English."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import PACKAGES

from offline_nlp.engine import Engine
from offline_nlp.engine.probe import try_package
from offline_nlp.packages import PackageManager
from offline_nlp.packages.ctmodels import ModelHints
from offline_nlp.paths import AppPaths

kinds_examples = pytest.importorskip(
    "kinds_examples", reason="tests/fixtures/kinds_examples.py is written with the fixtures")

CASES = [(name, pair) for name, by_pair in kinds_examples.EXAMPLES.items() for pair in by_pair
         if by_pair[pair]]
KIND_OF = {"nllb": "nllb", "marian": "marian", "bpe": "argos-bpe", "m2m100": "m2m100"}


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Engine]:
    """One engine per fixture model, each over that model alone."""
    engines = {}
    for name, file in kinds_examples.PACKAGES.items():
        paths = AppPaths.under(tmp_path_factory.mktemp(name)).ensure()
        manager = PackageManager(paths, probe=try_package)
        tokens = kinds_examples.LANGUAGE_TOKENS.get(name, {})
        manager.install_file(Path(PACKAGES / file), hints=ModelHints(
            languages={c: t for c, t in tokens.items() if c != "en"}))
        engines[name] = Engine(manager)
    return engines


@pytest.mark.parametrize(("name", "pair"), CASES, ids=[f"{n}-{s}_{t}" for n, (s, t) in CASES])
def test_kind_translates_exactly(engines: dict[str, Engine], name: str,
                                 pair: tuple[str, str]) -> None:
    engine = engines[name]
    source, target = pair
    route = engine.route(source, target)
    assert route.pivot is None and len(route.hops) == 1
    assert route.hops[0].package.kind == KIND_OF[name]
    rows = kinds_examples.EXAMPLES[name][pair]
    results = engine.translate_texts([src for src, _ in rows], source, target)
    assert [r.text for r in results] == [expected for _, expected in rows]
    assert all(r.pivot is None and not r.suspect for r in results)
