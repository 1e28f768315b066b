"""A BPE Argos package (bpe.model, Moses tokenising) translates exactly as argostranslate
1.11 translates it: same tokens, same decoding, same detokenised text.

Runs for real under ``make parity`` (its own virtualenv with argostranslate). Its own
argostranslate packages folder holds only the BPE package: argostranslate would take
either of two en→xl packages.
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

import pytest
import synthetic
from helpers import PACKAGES

from offline_nlp.engine import Engine, TranslationOptions
from offline_nlp.engine.segmentation import split_text

if os.environ.get("OFFLINE_NLP_REQUIRE_PARITY"):
    import argostranslate  # noqa: F401  - under `make parity` a missing peer is a failure
else:
    pytest.importorskip("argostranslate", reason="run 'make parity' for the argostranslate peer")

BPE_PACKAGE = PACKAGES / "translate-en_xl-bpe-1_0.argosmodel"
# argostranslate's decoding (see test_argos_parity.py)
ARGOS = TranslationOptions(beam_size=4, length_penalty=0.2, repetition_penalty=1.0,
                           no_repeat_ngram_size=0)


class OurSentencizer:
    """Stands in for MiniSBD/stanza/spaCy, which would download models."""

    def __init__(self, pkg: object) -> None:
        pass

    def split_sentences(self, text: str) -> list[str]:
        return [p.text for p in split_text(text) if p.is_sentence]


@pytest.fixture(scope="module")
def argos_bpe(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("argos-bpe")
    os.environ["ARGOS_PACKAGES_DIR"] = str(folder / "packages")
    for name in ("DATA", "CACHE", "CONFIG"):
        os.environ[f"XDG_{name}_HOME"] = str(folder / name.lower())
    for name in [m for m in sys.modules if m.startswith("argostranslate")]:
        del sys.modules[name]
    import argostranslate.package
    import argostranslate.translate

    argostranslate.translate.MiniSBDSentencizer = OurSentencizer
    argostranslate.translate.StanzaSentencizer = OurSentencizer
    argostranslate.package.install_from_path(BPE_PACKAGE)
    return argostranslate.translate


@pytest.fixture(scope="module")
def engine(argos_bpe) -> Engine:  # type: ignore[no-untyped-def]
    from offline_nlp.packages import InstalledPackage

    packages = [InstalledPackage.load(p)
                for p in Path(os.environ["ARGOS_PACKAGES_DIR"]).iterdir()]
    assert [p.kind for p in packages] == ["argos-bpe"]

    class Source:
        def installed(self) -> list[InstalledPackage]:
            return packages

    return Engine(Source())


@pytest.fixture
def no_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """The coverage guard's retries off (see test_argos_parity.py)."""
    from offline_nlp.engine import integrity

    monkeypatch.setattr(integrity.Guard, "_retry", lambda self, suspects, results: None)


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
