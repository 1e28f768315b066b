"""Language codes as people write them (issue 9, item 6), and detection that says when
it cannot tell."""

from __future__ import annotations

from pathlib import Path

import pytest
import synthetic

from offline_nlp.cli import main
from offline_nlp.engine import Engine
from offline_nlp.engine.langcodes import normalize_code
from offline_nlp.langdetect import detect_among, detect_paragraphs
from offline_nlp.paths import AppPaths

TEXT = "The water is good. Where is the house?"


@pytest.mark.parametrize("written, code", [
    ("zh-Hans", "zh"), ("zh-CN", "zh"), ("zh_SG", "zh"), ("ZH", "zh"), ("zh-Hans-CN", "zh"),
    ("zh_TW", "zt"), ("zh-Hant", "zt"), ("zh-HK", "zt"), ("zh-Hant-TW", "zt"),
    ("pt-BR", "pb"), ("pt_br", "pb"), ("pt-PT", "pt"), ("EN", "en"), ("en-US", "en"),
    ("en_GB", "en"), (" de-CH ", "de"), ("eng", "en"), ("deu", "de"), ("iw", "he"),
])
def test_codes_as_people_write_them(written: str, code: str) -> None:
    assert normalize_code(written) == code


def test_installed_spellings_win() -> None:
    assert normalize_code("pt-BR", {"pt", "en"}) == "pt"  # only European Portuguese installed
    assert normalize_code("no", {"no", "en"}) == "no"
    assert normalize_code("no", {"nb", "en"}) == "nb"


def test_the_engine_takes_any_spelling(fixture_engine: Engine) -> None:
    assert fixture_engine.translate(TEXT, "EN", "XZ") == synthetic.translate_text(TEXT, "en", "xz")
    assert fixture_engine.translate(TEXT, "en-US", "xl") == synthetic.translate_text(TEXT, "en", "xl")
    assert fixture_engine.route("En_GB", "xz").packages[0].info.pair == ("en", "xz")
    assert fixture_engine.translate(TEXT, "en-GB", "EN") == TEXT  # the same language


@pytest.fixture
def installed(installed_home: AppPaths, monkeypatch: pytest.MonkeyPatch) -> AppPaths:
    monkeypatch.setenv("OFFLINE_NLP_PACKAGES", str(installed_home.packages))
    return installed_home


def test_the_command_line_takes_any_spelling(installed: AppPaths, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["translate", "--from", "EN", "--to", "Xz", "--text", TEXT]) == 0
    assert capsys.readouterr().out == synthetic.translate_text(TEXT, "en", "xz") + "\n"
    src = tmp_path / "notes.txt"
    src.write_text(TEXT + "\n", encoding="utf-8")
    assert main(["translate", "--from", "en_US", "--to", "XL", str(src)]) == 0
    assert (tmp_path / "notes.xl.txt").is_file()  # named by the package's code


@pytest.mark.parametrize("text", ["OK", "asdf jkl", "Mr. Smith"])
def test_detection_says_when_it_cannot_tell(fake_en_xl: Path, text: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["translate", "--from", "auto", "--to", "xl", "--text", text]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert err.startswith("offline-nlp: error: could not tell the language of the text")
    assert err.rstrip().endswith("pass --from LANG")


def test_kanji_only_japanese_with_japanese_installed() -> None:
    assert detect_among("東京都庁", ["ja", "en"]).language == "ja"  # type: ignore[union-attr]
    assert detect_among("東京都庁と大阪", ["ja", "zh", "en"]).language == "ja"  # type: ignore[union-attr]


def test_a_kanji_only_heading_beside_japanese_paragraphs_is_japanese() -> None:
    text = "東京都庁\n\n東京都に住んでいます。会議は明日です。"
    assert [s.language for s in detect_paragraphs(text)] == ["ja", "ja"]
