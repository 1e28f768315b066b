"""``offline-nlp translate --from auto``: detect among installed sources, say so, fail clearly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from offline_nlp.cli import main

TEXT = "The water is good. Where is the house?"


@pytest.fixture
def installed(installed_home, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("OFFLINE_NLP_PACKAGES", str(installed_home.packages))
    return installed_home


def test_auto_detects_english_and_translates(installed, capsys) -> None:  # type: ignore[no-untyped-def]
    import synthetic

    assert main(["translate", "--from", "auto", "--to", "xl", "--text", TEXT]) == 0
    out, err = capsys.readouterr()
    assert out == synthetic.translate_text(TEXT, "en", "xl") + "\n"
    assert err.startswith("detected English (en, ")


def test_auto_json_includes_the_detected_language(installed, capsys) -> None:  # type: ignore[no-untyped-def]
    import synthetic

    assert main(["translate", "--from", "auto", "--to", "xz", "--json", "--text", TEXT]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["translation"] == synthetic.translate_text(TEXT, "en", "xz")
    assert data["detected"]["language"] == "en" and 0.5 < data["detected"]["confidence"] <= 1


def test_auto_detects_each_file(installed, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    import synthetic

    (tmp_path / "a.txt").write_text(TEXT + "\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Guten Morgen, wie geht es dir heute?\n", encoding="utf-8")
    code = main(["translate", "--from", "auto", "--to", "xl", "--json", str(tmp_path / "a.txt"),
                 str(tmp_path / "b.txt"), "-o", str(tmp_path / "out")])
    out, err = capsys.readouterr()
    rows = {Path(r["input"]).name: r for r in json.loads(out)}
    assert code == 1  # one file could not be detected among the installed sources
    assert rows["a.txt"]["status"] == "done" and rows["a.txt"]["detected"] == "en"
    assert rows["b.txt"]["status"] == "failed" and "looks like de" in rows["b.txt"]["error"]
    assert (tmp_path / "out" / "a.xl.txt").read_text(encoding="utf-8") == (
        synthetic.translate_text(TEXT, "en", "xl") + "\n")
    assert "1 translated, 1 failed" in err


def test_language_without_an_installed_pair_is_one_clear_error(fake_en_xl, capsys) -> None:  # type: ignore[no-untyped-def]
    text = "Guten Morgen, wie geht es Ihnen heute?"
    assert main(["translate", "--from", "auto", "--to", "xl", "--text", text]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("offline-nlp: error: cannot detect the source language of the text: "
                          "it looks like de")
    assert "installed sources: en" in err and "--from LANG" in err


def test_target_without_any_package_is_one_clear_error(fake_en_xl, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["translate", "--from", "auto", "--to", "ja", "--text", "Good morning."]) == 1
    err = capsys.readouterr().err
    assert err == ("offline-nlp: error: no installed package translates into ja, so there is "
                   "no source language to detect; see 'offline-nlp languages'\n")


def test_text_without_letters_cannot_be_detected(fake_en_xl, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["translate", "--from", "auto", "--to", "xl", "--text", "12:30"]) == 1
    assert "it has no letters" in capsys.readouterr().err
