"""The fixture models of every kind (tests/fixtures/README.md) and how to install them."""

from __future__ import annotations

import zipfile
from pathlib import Path

from helpers import PACKAGES

NLLB_ZIP = PACKAGES / "nllb-synthetic.zip"
MARIAN_ZIP = PACKAGES / "opus-mt-en-mul-synthetic.zip"
BPE_PACKAGE = PACKAGES / "translate-en_xl-bpe-1_0.argosmodel"
M2M_ZIP = PACKAGES / "m2m100-synthetic.zip"
#: The synthetic languages' tokens, which no table of real languages has.
NLLB_LANGUAGES = {"xl": "xlx_Latn", "xz": "xzx_Hani"}
MARIAN_LANGUAGES = {"xl": ">>xlx<<", "xz": ">>xzx<<"}


def unzipped(archive: Path, into: Path) -> Path:
    """The model folder inside a zip, unpacked under ``into``."""
    with zipfile.ZipFile(archive) as handle:
        handle.extractall(into)
    return into / archive.stem
