"""argostranslate as the parity tests run it: in its own folders, with our sentence
splitter (its own ones download a model at first use), and our engine over the very
packages it installed."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

import pytest

from offline_nlp.engine import Engine, TranslationOptions
from offline_nlp.engine.segmentation import split_text

# argostranslate's decoding: beam 4 (ARGOS_BEAM_SIZE), length_penalty 0.2, and none of our
# CJK repetition guards (they are ours to add, and tested elsewhere).
ARGOS = TranslationOptions(beam_size=4, length_penalty=0.2, repetition_penalty=1.0,
                           no_repeat_ngram_size=0)


class OurSentencizer:
    """Stands in for MiniSBD/stanza/spaCy, which would download models."""

    def __init__(self, pkg: object) -> None:
        pass

    def split_sentences(self, text: str) -> list[str]:
        return [p.text for p in split_text(text) if p.is_sentence]


def argostranslate_with(folder: Path, archives: Iterable[Path]) -> ModuleType:
    """``argostranslate.translate``, freshly imported over ``folder``, with ``archives``
    installed (each parity module its own folder: argostranslate takes any package of a
    pair, and the BPE test's en→xl must not meet the sentencepiece one)."""
    os.environ["ARGOS_PACKAGES_DIR"] = str(folder / "packages")
    for name in ("DATA", "CACHE", "CONFIG"):
        os.environ[f"XDG_{name}_HOME"] = str(folder / name.lower())
    for name in [m for m in sys.modules if m.startswith("argostranslate")]:
        del sys.modules[name]
    import argostranslate.package
    import argostranslate.translate

    argostranslate.translate.MiniSBDSentencizer = OurSentencizer
    argostranslate.translate.StanzaSentencizer = OurSentencizer
    for archive in archives:
        argostranslate.package.install_from_path(archive)
    return argostranslate.translate


def engine_over_argos_packages() -> Engine:
    """Our engine over the packages argostranslate unpacked (the same files)."""
    from offline_nlp.packages import InstalledPackage

    packages = [InstalledPackage.load(p)
                for p in Path(os.environ["ARGOS_PACKAGES_DIR"]).iterdir()]

    class Source:
        def installed(self) -> list[InstalledPackage]:
            return packages

    return Engine(Source())


def retries_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """The coverage guard's retries off: where the model garbles a sentence (argostranslate
    too: '59可75，' for words it dropped) ours translates it again, on purpose; what that
    gives is tests/engine/test_guard.py's to check, not parity's."""
    from offline_nlp.engine import integrity

    monkeypatch.setattr(integrity.Guard, "_retry", lambda self, suspects, results: None)
