"""A BPE Argos package (bpe.model, Moses tokenising) translates exactly as argostranslate
1.11 translates it: same tokens, same decoding, same detokenised text.

Runs for real under ``make parity`` (its own virtualenv with argostranslate). Its own
argostranslate packages folder holds only the BPE package: argostranslate would take
either of two en→xl packages.
"""

from __future__ import annotations

import os
import random
from types import ModuleType

import pytest
import synthetic
from helpers import PACKAGES
from peer import ARGOS, argostranslate_with, engine_over_argos_packages, retries_off

from offline_nlp.engine import Engine

if os.environ.get("OFFLINE_NLP_REQUIRE_PARITY"):
    import argostranslate  # noqa: F401  - under `make parity` a missing peer is a failure
else:
    pytest.importorskip("argostranslate", reason="run 'make parity' for the argostranslate peer")

BPE_PACKAGE = PACKAGES / "translate-en_xl-bpe-1_0.argosmodel"


@pytest.fixture(scope="module")
def argos_bpe(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    return argostranslate_with(tmp_path_factory.mktemp("argos-bpe"), [BPE_PACKAGE])


@pytest.fixture(scope="module")
def engine(argos_bpe: ModuleType) -> Engine:
    engine = engine_over_argos_packages()
    assert [p.kind for p in engine.packages.installed()] == ["argos-bpe"]
    return engine


@pytest.fixture
def no_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    retries_off(monkeypatch)


def test_bpe_sentences_translate_identically(argos_bpe, engine: Engine, no_retries) -> None:
    from offline_nlp.engine.protect import spans_of

    rng = random.Random(23)
    # Moses's escapes and apostrophes: what the BPE path does unlike sentencepiece's
    inputs = ["The house's door is old.", "We go home & the river is cold.",
              "Where is the \"old\" house?"]
    inputs += [synthetic.random_sentence(rng, "en") for _ in range(100)]
    inputs = [s for s in inputs if not spans_of(s)]
    assert len(inputs) >= 60
    ours = [t.text for t in engine.translate_texts(inputs, "en", "xl", ARGOS)]
    theirs = [argos_bpe.translate(s, "en", "xl") for s in inputs]
    assert ours == theirs
