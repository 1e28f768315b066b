"""``offline-nlp summarize``: text, files, JSON, fallback, and summarise-and-translate."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from build_summarizer import CODE, held_out, make_long_document

from offline_nlp.cli import main

EXAMPLES = held_out(10)  # the fixture is exact on every held-out example


def test_text_is_summarised_to_stdout(packages_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text, target = EXAMPLES[0]
    assert main(["summarize", "--from", "en", "--text", text]) == 0
    assert capsys.readouterr() == (target + "\n", "")
    assert main(["summarize", "--model", CODE, "--length", "short", "--text", text]) == 0
    assert capsys.readouterr().out == target + "\n"


def test_stdin_and_json(packages_env: Path, capsys: pytest.CaptureFixture[str],
                        monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    text, target = EXAMPLES[1]
    monkeypatch.setattr("sys.stdin", io.StringIO(text + "\n"))
    assert main(["summarize", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data == {"input": "stdin", "summary": target, "method": "abstractive", "model": CODE,
                    "chunks": 1, "rounds": 1, "language": "en", "untranslated": None}


def test_files_to_a_folder(packages_env: Path, tmp_path: Path,
                           capsys: pytest.CaptureFixture[str]) -> None:
    doc, target = make_long_document(random.Random(24), paragraphs=8)
    (tmp_path / "long.txt").write_text(doc + "\n", encoding="utf-8")
    (tmp_path / "short.md").write_text(f"{EXAMPLES[2][0]}\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["summarize", "--from", "en", str(tmp_path / "long.txt"),
                 str(tmp_path / "short.md"), "-o", str(out)]) == 0
    assert (out / "long.summary.txt").read_text(encoding="utf-8") == target + "\n"
    assert (out / "short.summary.txt").read_text(encoding="utf-8") == EXAMPLES[2][1] + "\n"
    assert capsys.readouterr().out.splitlines() == [str(out / "long.summary.txt"),
                                                    str(out / "short.summary.txt")]


def test_several_files_to_stdout_get_headers(packages_env: Path, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    for index in range(2):
        (tmp_path / f"{index}.txt").write_text(EXAMPLES[index][0], encoding="utf-8")
    files = [str(tmp_path / f"{index}.txt") for index in range(2)]
    assert main(["summarize", "--from", "en", *files]) == 0
    assert capsys.readouterr().out == "".join(
        f"==> {name} <==\n{EXAMPLES[i][1]}\n" for i, name in enumerate(files))


def test_no_model_for_the_language_falls_back_with_a_note(
        packages_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "Solar panels are cheap. Solar panels make power. The cat sleeps. Power is cheap."
    assert main(["summarize", "--from", "de", "--length", "short", "--text", text]) == 0
    out, err = capsys.readouterr()
    assert out.strip() in [s + "." for s in text.rstrip(".").split(". ")] and "extractive" in err
    assert main(["summarize", "--extractive", "--ratio", "0.7", "--text", text]) == 0
    out, err = capsys.readouterr()
    assert out == "Solar panels are cheap. Solar panels make power.\n" and err == ""


def test_bad_arguments_exit_2_and_unknown_models_exit_1(
        packages_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["summarize", "--ratio", "1.5", "--text", "x."])
    assert exc.value.code == 2
    assert main(["summarize", "--translate-first", "--text", "x."]) == 2
    capsys.readouterr()
    assert main(["summarize", "--model", "nope", "--text", "x."]) == 1
    assert "summarize-en" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["summarize", "--model", CODE, "--extractive", "--text", "x."])


def test_unsupported_files_are_an_error(packages_env: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "data.bin").write_bytes(b"\0\1")
    assert main(["summarize", "--from", "en", str(tmp_path / "data.bin")]) == 1
    assert "unsupported" in capsys.readouterr().err


def test_summarise_and_translate_a_document(packages_env: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    from offline_nlp.context import AppContext

    doc, target = make_long_document(random.Random(22), paragraphs=8)
    context = AppContext.create()
    translated = context.engine.translate(target, "en", "xl")
    context.close()
    (tmp_path / "report.txt").write_text(doc, encoding="utf-8")
    assert main(["summarize", "--from", "en", "--to", "xl", str(tmp_path / "report.txt")]) == 0
    assert capsys.readouterr().out == translated + "\n"
    assert main(["summarize", "--model", CODE, "--to", "xl", "--json", "--text", doc]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["summary"], data["untranslated"], data["language"]) == (translated, target, "xl")


def test_translate_first_then_summarise_extractively(packages_env: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    import synthetic

    text = "The water is good. The water is cold. We go home."
    assert main(["summarize", "--from", "en", "--to", "xl", "--translate-first",
                 "--length", "short", "--text", text]) == 0
    out, err = capsys.readouterr()
    translated = [synthetic.translate_text(s, "en", "xl") for s in
                  ("The water is good.", "The water is cold.", "We go home.")]
    assert out.strip() in translated and "extractive" in err


def test_an_existing_summary_is_not_overwritten_without_asking(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "notes.txt"
    source.write_text("The sun is warm. The river is cold. We swim in the river.\n",
                      encoding="utf-8")
    out = tmp_path / "summary.txt"
    out.write_text("keep me\n", encoding="utf-8")
    assert main(["summarize", "--extractive", str(source), "-o", str(out)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "keep me\n"
    assert main(["summarize", "--extractive", str(source), "-o", str(out), "--overwrite"]) == 0
    assert out.read_text(encoding="utf-8") != "keep me\n"


def test_summarise_and_translate_detects_the_input_language(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], installed_home,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The issue's own example, `summarize --to LANG FILE`, needs no --from."""
    import synthetic

    monkeypatch.setenv("OFFLINE_NLP_PACKAGES", str(installed_home.packages))
    source = tmp_path / "report.txt"
    source.write_text("The water is good. We go home now.\n", encoding="utf-8")
    assert main(["summarize", "--extractive", "--ratio", "1", "--to", "xl",
                 str(source)]) == 0
    out, err = capsys.readouterr()
    assert "detected English (en" in err
    assert out == synthetic.translate_text("The water is good. We go home now.", "en", "xl") + "\n"
