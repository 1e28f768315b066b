"""Offline language detection: short and long texts, CJK, zh/zt, paragraphs, candidates."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from offline_nlp.langdetect import (
    LanguageDetectionError,
    detect,
    detect_among,
    detect_paragraphs,
    to_argos_code,
)

LABELLED = Path(__file__).with_name("labelled.tsv")


@pytest.mark.parametrize(("text", "language"), [
    ("Where is the station?", "en"),
    ("Please make sure that all windows are closed before you leave the office.", "en"),
    ("Wo ist der Bahnhof?", "de"),
    ("Unsere Software übersetzt Dokumente vollständig offline auf Ihrem Computer.", "de"),
    ("早上好。", "zh"),
    ("委员会将于下个月底发布关于新铁路线的最终报告。", "zh"),
    ("古い家。", "ja"),
    ("駅はどこですか？", "ja"),
    ("天気予報では晴れの予定だったが、午後はほとんど雨が降り、試合は中止になった。", "ja"),
    ("배고파요.", "ko"),
    ("저희 소프트웨어는 문서를 완전히 오프라인으로 번역합니다.", "ko"),
])
def test_short_and_long_texts_are_detected(text: str, language: str) -> None:
    found = detect(text)
    assert found.language == language
    assert 0.0 < found.confidence <= 1.0


def test_simplified_and_traditional_chinese_get_argos_codes() -> None:
    assert detect("这个多少钱？").language == "zh"
    assert detect("這個多少錢？").language == "zt"
    assert detect("我們的軟體完全離線翻譯文件，所以您的檔案永遠不會離開您的電腦。").language == "zt"
    assert detect("我们的软件完全离线翻译文档，所以您的文件永远不会离开您的电脑。").language == "zh"


def test_detector_codes_are_mapped_to_argos_codes() -> None:
    assert to_argos_code("zh", "請開窗戶") == "zt"
    assert to_argos_code("zh", "请开窗户") == "zh"
    assert to_argos_code("zh", "你好") == "zh"  # nothing tells them apart: Simplified
    assert to_argos_code("no") == "nb"
    assert to_argos_code("arz") == "ar"
    assert to_argos_code("PT") == "pt"


def test_mixed_document_is_detected_per_paragraph() -> None:
    text = ("The committee will publish its final report next month.\n\n"
            "委员会将于下个月底发布关于新铁路线的最终报告。\n"
            "这是第二行。\n\n"
            "  — 42 —  \n\n"
            "委員会は来月末に新しい鉄道路線に関する最終報告書を発表する予定です。\n\n\n"
            "Der Ausschuss wird seinen Abschlussbericht Ende nächsten Monats veröffentlichen.\n")
    segments = detect_paragraphs(text)
    assert [s.language for s in segments] == ["en", "zh", "zh", "ja", "de"]
    assert text[segments[0].start:segments[0].end] == (
        "The committee will publish its final report next month.")
    assert text[segments[1].start:segments[1].end].endswith("这是第二行。")
    assert text[segments[2].start:segments[2].end] == "— 42 —"
    assert segments[2].confidence == 0.0  # no letters: takes the paragraph before
    assert text[segments[-1].start:segments[-1].end].startswith("Der Ausschuss")


def test_detect_among_prefers_installed_languages_but_not_blindly() -> None:
    assert detect_among("Bom dia, tudo bem com você?", ["en", "pb"]).language == "pb"
    assert detect_among("這個多少錢？", ["en", "zh"]).language == "zh"  # zt not installed
    assert detect_among("Where is the station?", ["en", "xl", "xz"]).language == "en"
    assert detect_among("Guten Tag, wie geht es Ihnen heute?", ["en", "fr"]) is None
    assert detect_among("Hello there", []) is None


def test_candidates_turn_close_calls_into_the_installed_language() -> None:
    # "Quanto custa?" is Portuguese, but short enough to look Italian too.
    assert detect_among("Quanto custa?", ["pt", "en"]).language == "pt"
    assert detect_among("Quanto costa?", ["it", "en"]).language == "it"


def test_text_without_letters_is_a_clear_error() -> None:
    with pytest.raises(LanguageDetectionError, match="without letters"):
        detect("12:30 — 42 %")


def test_accuracy_on_the_labelled_set() -> None:
    rows = [line.split("\t", 2) for line in LABELLED.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]
    wrong = {"short": [], "long": []}
    for language, kind, text in rows:
        if detect(text).language != language:
            wrong[kind].append(f"{language}: {text}")
    assert len(rows) == 300
    assert wrong["long"] == []  # every full sentence right, in all 15 languages
    assert len(wrong["short"]) <= 15, wrong["short"]  # ≥ 90 % of 1-5 word texts


def test_core_imports_without_the_detector_and_says_what_to_install() -> None:
    code = ("import sys; sys.modules['py3langid'] = None; sys.modules['py3langid.langid'] = None\n"
            "import offline_nlp, offline_nlp.cli, offline_nlp.langdetect as ld\n"
            "try:\n    ld.detect('Hello world')\nexcept ld.LanguageDetectionError as e:\n"
            "    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "needs the py3langid package" in out.stdout and "pip install py3langid" in out.stdout


@pytest.mark.parametrize("text", ["営業中", "駅前広場", "東京駅", "人々", "時々雨", "図書館"])
def test_kanji_only_japanese_is_japanese(text: str) -> None:
    # Characters only Japanese writes (営 駅 広 図, 々 after a kanji); the detector alone
    # calls all of these Chinese.
    assert detect(text).language == "ja"
    assert detect_among(text, ["en", "zh", "ja"]).language == "ja"  # type: ignore[union-attr]


def test_kanji_only_japanese_falls_back_to_the_chinese_installed() -> None:
    found = detect_among("駅前広場", ["en", "zh"])
    assert found is not None and found.language == "zh"


@pytest.mark.parametrize("text", ["营业中", "车站广场", "我在大阪駅等你", "日本", "委员会将于下个月底发布报告。"])
def test_chinese_stays_chinese(text: str) -> None:
    assert detect(text).language in ("zh", "zt")
    assert detect_among(text, ["en", "zh", "ja"]).language == "zh"  # type: ignore[union-attr]
