"""Installing CTranslate2 model folders, zips of them and URLs: kind, languages and
licence read from their files, shown before install and in 'packages list'; hostile
ones refused in one line."""

from __future__ import annotations

import json
import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from kindsfix import M2M_ZIP, MARIAN_ZIP, NLLB_ZIP, unzipped
from httpserver import Served, serve

from offline_nlp.cli import main
from offline_nlp.context import AppContext

LANGUAGE_ARGS = ["--language", "xl=xlx_Latn", "--language", "xz=xzx_Hani"]


def installed_codes(capsys: pytest.CaptureFixture[str]) -> dict[str, dict[str, object]]:
    capsys.readouterr()
    assert main(["packages", "list", "--json"]) == 0
    return {p["code"]: p for p in json.loads(capsys.readouterr().out)}


def test_nllb_zip_installs_with_its_licence_shown_first_and_listed(capsys) -> None:
    assert main(["packages", "install", str(NLLB_ZIP), *LANGUAGE_ARGS]) == 0
    out = capsys.readouterr().out
    first, installed = out.splitlines()[:2]
    assert first == "nllb-synthetic: nllb, 3 languages: en, xl, xz; licence: CC-BY-NC-4.0"
    assert installed.startswith("installed nllb-synthetic")
    assert main(["packages", "list"]) == 0
    assert "[nllb; licence: CC-BY-NC-4.0; about 1 MB in memory]" in capsys.readouterr().out
    listed = installed_codes(capsys)["nllb-synthetic"]
    assert listed["kind"] == "nllb" and listed["licence"] == "CC-BY-NC-4.0"
    assert listed["pairs"] == ["en-xl", "en-xz", "xl-en", "xl-xz", "xz-en", "xz-xl"]
    assert main(["languages", "--json"]) == 0
    routes = json.loads(capsys.readouterr().out)
    assert {"from": "xl", "to": "xz", "via": None} in routes and len(routes) == 6


def test_tokens_no_table_knows_are_one_line_asking_for_language(capsys) -> None:
    assert main(["packages", "install", str(NLLB_ZIP)]) == 1
    out, err = capsys.readouterr()
    assert err.count("\n") == 1 and "xlx_Latn, xzx_Hani" in err and "--language" in err
    assert installed_codes(capsys) == {}


def test_model_folder_installs_and_is_left_as_it_was(tmp_path: Path, capsys) -> None:
    folder = unzipped(NLLB_ZIP, tmp_path)
    before = sorted(p.name for p in folder.iterdir())
    assert main(["packages", "install", str(folder), *LANGUAGE_ARGS,
                 "--licence", "test-only"]) == 0
    assert sorted(p.name for p in folder.iterdir()) == before
    listed = installed_codes(capsys)["nllb-synthetic"]
    assert listed["licence"] == "test-only"
    model = Path(str(listed["path"])) / "model"
    assert (model / "model.bin").read_bytes() == (folder / "model.bin").read_bytes()


def test_another_model_of_the_same_name_never_silently_replaces_one(tmp_path: Path,
                                                                     capsys) -> None:
    """A model's code is its folder's name: a second folder of that name is refused in
    one line, and the installed model stays; --force replaces it."""
    assert main(["packages", "install", str(NLLB_ZIP), *LANGUAGE_ARGS]) == 0
    installed = Path(str(installed_codes(capsys)["nllb-synthetic"]["path"])) / "model"
    weights = installed.joinpath("model.bin").read_bytes()
    other = unzipped(NLLB_ZIP, tmp_path)
    (other / "model.bin").write_bytes(weights + b"\0")  # other weights, same name
    capsys.readouterr()
    assert main(["packages", "install", str(other), *LANGUAGE_ARGS]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "already installed" in err and "--force" in err
    assert installed.joinpath("model.bin").read_bytes() == weights
    assert main(["packages", "install", str(other), *LANGUAGE_ARGS, "--force"]) == 0
    assert installed.joinpath("model.bin").read_bytes() == weights + b"\0"


def test_marian_zip_reads_its_source_from_the_folder_name(capsys) -> None:
    assert main(["packages", "install", str(MARIAN_ZIP), "--language", "xl=>>xlx<<",
                 "--language", "xz=>>xzx<<"]) == 0
    listed = installed_codes(capsys)["opus-mt-en-mul-synthetic"]
    assert listed["kind"] == "marian" and listed["pairs"] == ["en-xl", "en-xz"]
    assert listed["licence"] is None or listed["licence"] == "unknown"


def test_model_zip_installs_from_a_url(capsys) -> None:
    served = Served(files={"/models/nllb-synthetic.zip": NLLB_ZIP.read_bytes()})
    with serve(served) as base:
        assert main(["packages", "install", f"{base}/models/nllb-synthetic.zip",
                     *LANGUAGE_ARGS]) == 0
    listed = installed_codes(capsys)["nllb-synthetic"]
    assert listed["kind"] == "nllb"
    context = AppContext.create()
    try:
        entry = context.packages._manifest()["nllb-synthetic"]
        assert entry["source"] == f"{base}/models/nllb-synthetic.zip"
    finally:
        context.close()


def test_a_zip_writing_outside_its_folder_is_refused_in_one_line(tmp_path: Path, capsys) -> None:
    hostile = tmp_path / "evil.zip"
    with zipfile.ZipFile(NLLB_ZIP) as source, zipfile.ZipFile(hostile, "w") as out:
        for info in source.infolist():
            out.writestr(info, source.read(info))
        out.writestr("nllb-synthetic/../../escaped.txt", b"x")
    assert main(["packages", "install", str(hostile), *LANGUAGE_ARGS]) == 1
    out, err = capsys.readouterr()
    assert err.count("\n") == 1 and "outside its folder" in err
    assert not (tmp_path / "escaped.txt").exists() and installed_codes(capsys) == {}


def test_a_folder_with_a_link_is_refused_in_one_line(tmp_path: Path, capsys) -> None:
    folder = unzipped(NLLB_ZIP, tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("not the model's")
    os.symlink(secret, folder / "README.md")
    assert main(["packages", "install", str(folder), *LANGUAGE_ARGS]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "symbolic link" in err
    assert installed_codes(capsys) == {}


def test_a_model_that_does_not_load_is_not_installed(tmp_path: Path, capsys) -> None:
    folder = unzipped(NLLB_ZIP, tmp_path)
    (folder / "model.bin").write_bytes(b"not a model")
    assert main(["packages", "install", str(folder), *LANGUAGE_ARGS]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "does not work" in err
    assert installed_codes(capsys) == {}


def test_nllb_and_bpe_packages_are_installed_tried_and_translate(kinds_home, monkeypatch) -> None:
    monkeypatch.setenv("OFFLINE_NLP_PACKAGES", str(kinds_home.packages))
    context = AppContext.create(use_cache=False)
    try:
        kinds = {p.info.code: p.kind for p in context.packages.installed()}
        assert kinds["translate-en_xl-bpe"] == "argos-bpe"
        assert kinds["nllb-synthetic"] == "nllb" and kinds["opus-mt-en-mul-synthetic"] == "marian"
        for model in ("translate-en_xl-bpe", "nllb-synthetic", "opus-mt-en-mul-synthetic"):
            text = context.engine.translate_texts(["The house."], "en", "xl",
                                                  _options(model))[0].text
            assert text.strip()
    finally:
        context.close()


def _options(model: str):  # type: ignore[no-untyped-def]
    from offline_nlp.engine import TranslationOptions
    return TranslationOptions(model=model, use_cache=False)


def test_removing_a_model_package_removes_its_pairs(tmp_path: Path, capsys) -> None:
    assert main(["packages", "install", str(NLLB_ZIP), *LANGUAGE_ARGS]) == 0
    assert main(["packages", "remove", "nllb-synthetic"]) == 0
    capsys.readouterr()
    assert main(["languages", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_doctor_states_each_models_memory_licence_and_the_loaded_bound(capsys) -> None:
    assert main(["packages", "install", str(NLLB_ZIP), *LANGUAGE_ARGS]) == 0
    capsys.readouterr()
    assert main(["doctor", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    (package,) = report["packages"]
    assert package["kind"] == "nllb" and package["licence"] == "CC-BY-NC-4.0"
    weights = Path(package["path"]) / "model" / "model.bin"
    assert package["memory_bytes"] == weights.stat().st_size
    assert report["max_loaded_models"] == 4
    assert main(["doctor"]) == 0
    text = capsys.readouterr().out
    assert re.search(r"about [0-9.]+ MB in memory \(nllb\)  licence: CC-BY-NC-4\.0", text)
    assert "at most 4 models are kept loaded at once" in text


def test_an_installed_model_verifies_and_a_changed_weight_is_reported(capsys) -> None:
    assert main(["packages", "install", str(NLLB_ZIP), *LANGUAGE_ARGS]) == 0
    capsys.readouterr()
    assert main(["packages", "verify"]) == 0
    assert capsys.readouterr().out == "nllb-synthetic: ok\n"
    path = Path(str(installed_codes(capsys)["nllb-synthetic"]["path"]))
    with (path / "model" / "model.bin").open("ab") as weights:
        weights.write(b"\0")
    assert main(["packages", "verify"]) == 1
    assert capsys.readouterr().out == "nllb-synthetic: model/model.bin was modified\n"


def test_m2m100_zip_installs_and_serves_both_directions(capsys) -> None:
    assert main(["packages", "install", str(M2M_ZIP), "--language", "xl=__xl__"]) == 0
    listed = installed_codes(capsys)["m2m100-synthetic"]
    assert listed["kind"] == "m2m100" and listed["pairs"] == ["en-xl", "xl-en"]
    assert listed["licence"] == "unknown"
    assert main(["translate", "--from", "xl", "--to", "en", "--text", "Duba."]) == 0
    out, err = capsys.readouterr()
    assert out.strip() and "through" not in err
