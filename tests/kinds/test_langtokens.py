"""The one table of NLLB-200 and M2M-100 language tokens, and what install infers from it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from offline_nlp.errors import InvalidPackageError
from offline_nlp.langtokens import M2M100, NAMES, NLLB, code_for_token
from offline_nlp.packages.ctmodels import ModelHints, describe
from offline_nlp.packages.metadata import LANGUAGE_RE


def test_the_tables_cover_nllb_200_and_m2m_100_with_program_codes() -> None:
    assert len(set(NLLB.values())) == 202 and len(set(M2M100.values())) == 100
    assert all(LANGUAGE_RE.match(code) for code in [*NLLB, *M2M100])
    assert (NLLB["zh"], NLLB["zt"], NLLB["pb"], NLLB["pt"]) == (
        "zho_Hans", "zho_Hant", "por_Latn", "por_Latn")
    assert code_for_token(NLLB, "por_Latn") == "pt" and code_for_token(NLLB, "zho_Hant") == "zt"
    assert (M2M100["nb"], M2M100["zh"]) == ("__no__", "__zh__")
    assert NAMES["zt"] == "Chinese (Traditional)" and NAMES["yue"] == "Cantonese"


def fake_model(folder: Path, vocabulary: list[str], **files: str) -> Path:
    folder.mkdir()
    (folder / "model.bin").write_bytes(b"weights")
    (folder / "config.json").write_text("{}")
    (folder / "shared_vocabulary.json").write_text(json.dumps(vocabulary))
    for name, text in files.items():
        (folder / name.replace("_", ".")).write_text(text)
    return folder


def test_a_real_nllb_vocabulary_gives_all_its_languages(tmp_path: Path) -> None:
    folder = fake_model(tmp_path / "nllb-200-distilled-600M", ["<s>", "</s>", *NLLB.values()])
    data = describe(folder, ModelHints())
    assert data["kind"] == "nllb" and len(data["sources"]) == 202
    assert data["sources"]["zt"] == "zho_Hant" and "pb" not in data["sources"]
    assert data["licence"] == "CC-BY-NC-4.0"


def test_a_converted_nllb_says_its_weights_licence_not_its_converters(tmp_path: Path) -> None:
    """Converted NLLB copies often carry the converter's MIT card: the user must still be
    told the weights are non-commercial. A 'License:' line in a card's prose names none."""
    card = "---\nlicense: mit\n---\n# NLLB-200 600M, converted to CTranslate2\n"
    folder = fake_model(tmp_path / "nllb-ct2", ["eng_Latn", "fra_Latn"], README_md=card)
    assert describe(folder, ModelHints())["licence"] == "CC-BY-NC-4.0"
    prose = "# A model\n\nLicense: see below\n"
    m2m = fake_model(tmp_path / "m2m", ["__en__", "__de__"], README_md=prose)
    assert describe(m2m, ModelHints())["licence"] == "unknown"


def test_m2m_and_opus_mt_names_and_licences_are_read(tmp_path: Path) -> None:
    m2m = describe(fake_model(tmp_path / "m2m", ["__en__", "__de__", "__zh__"]), ModelHints())
    assert m2m["kind"] == "m2m100" and m2m["sources"] == {"en": "__en__", "de": "__de__",
                                                          "zh": "__zh__"}
    assert m2m["licence"] == "unknown"
    card = "---\nlanguage: en\nlicense: cc-by-4.0\n---\n# opus-mt-en-de\n"
    opus = describe(fake_model(tmp_path / "opus-mt-en-de", ["▁a"], source_spm="", target_spm="",
                               README_md=card), ModelHints())
    assert opus["kind"] == "marian" and opus["sources"] == {"en": ""} \
        and opus["targets"] == {"de": ""}
    assert opus["licence"] == "cc-by-4.0"
    multi = describe(fake_model(tmp_path / "opus-mt-en-mul", [">>fra<<", ">>zho_Hant<<", ">>deu<<"],
                                source_spm="", target_spm=""), ModelHints())
    assert multi["targets"] == {"fr": ">>fra<<", "zt": ">>zho_Hant<<", "de": ">>deu<<"}


def test_an_opus_mt_model_with_no_pair_asks_for_one(tmp_path: Path) -> None:
    folder = fake_model(tmp_path / "my-model", ["▁a"], source_spm="", target_spm="")
    with pytest.raises(InvalidPackageError, match="--from CODE --to CODE"):
        describe(folder, ModelHints())
    data = describe(folder, ModelHints(source="en", target="de", licence="MIT"))
    assert (data["sources"], data["targets"], data["licence"]) == ({"en": ""}, {"de": ""}, "MIT")
