"""The command line: exit codes, stdout/stderr split, packages and translation."""

from __future__ import annotations

import io
import json

import pytest
import synthetic
from helpers import fixture_package, index_entry, publish

from offline_nlp.cli import main

TEXT = "The water is good. Where is the house?\n\nWe go home."


@pytest.fixture
def installed(installed_home, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("OFFLINE_NLP_PACKAGES", str(installed_home.packages))
    return installed_home


def test_translate_text_prints_the_translation(installed, capsys) -> None:
    assert main(["translate", "--from", "en", "--to", "xl", "--text", TEXT]) == 0
    out, err = capsys.readouterr()
    assert out == synthetic.translate_text(TEXT, "en", "xl") + "\n"
    assert err == ""


def test_translate_reads_stdin(installed, capsys, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(TEXT + "\n"))
    assert main(["translate", "--from", "en", "--to", "xz"]) == 0
    assert capsys.readouterr().out == synthetic.translate_text(TEXT, "en", "xz") + "\n"


def test_pivot_is_announced_on_stderr_and_json_says_so(installed, capsys) -> None:
    assert main(["translate", "--from", "xl", "--to", "xz", "--json", "--text",
                 synthetic.translate_text(TEXT, "en", "xl")]) == 0
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert data["translation"] == synthetic.translate_text(TEXT, "en", "xz")
    assert data["pivot"] == "en" and "through en" in err


def test_unknown_pair_is_one_clear_line_and_exit_1(installed, capsys) -> None:
    assert main(["translate", "--from", "en", "--to", "de", "--text", "Hi."]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("offline-nlp: error: no installed package")


def test_usage_errors_exit_2(installed, capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["translate", "--to", "xl"])
    assert exc.value.code == 2


def test_languages_lists_direct_and_pivot_routes(installed, capsys) -> None:
    assert main(["languages"]) == 0
    out = capsys.readouterr().out
    assert "en → xl  English → Synthetic Latin\n" in out
    assert "xl → xz  Synthetic Latin → Synthetic CJK  (through English)" in out


def test_packages_lifecycle_through_a_local_index(tmp_path, index_server, capsys) -> None:
    served, base = index_server
    served.files["/translate-en_xl-1.0.argosmodel"] = fixture_package("en_xl").read_bytes()
    url = publish(served, base, [index_entry("en_xl", base)])
    common = ["--packages-dir", str(tmp_path / "pk"), "--index-url", url]
    assert main([*common, "packages", "available"]) == 0
    assert "translate-en_xl 1.0 (English → Synthetic Latin)" in capsys.readouterr().out
    assert main([*common, "packages", "install", "en", "xl"]) == 0
    assert "installed translate-en_xl" in capsys.readouterr().out
    assert main([*common, "translate", "--from", "en", "--to", "xl", "--text", "Good."]) == 0
    assert capsys.readouterr().out == synthetic.translate_text("Good.", "en", "xl") + "\n"
    assert main([*common, "packages", "list", "--json"]) == 0
    assert [p["code"] for p in json.loads(capsys.readouterr().out)] == ["translate-en_xl"]
    assert main([*common, "packages", "verify"]) == 0
    assert main([*common, "packages", "update"]) == 0
    assert "up to date" in capsys.readouterr().out
    assert main([*common, "packages", "remove", "translate-en_xl"]) == 0
    assert main([*common, "translate", "--from", "en", "--to", "xl", "--text", "Good."]) == 1


def test_installing_a_local_file(tmp_path, capsys) -> None:
    assert main(["--packages-dir", str(tmp_path), "packages", "install",
                 str(fixture_package("xz_en"))]) == 0
    assert "installed translate-xz_en" in capsys.readouterr().out


def test_installing_a_broken_file_fails_cleanly(tmp_path, capsys) -> None:
    bad = tmp_path / "bad.argosmodel"
    bad.write_bytes(b"nope")
    assert main(["--packages-dir", str(tmp_path / "pk"), "packages", "install", str(bad)]) == 1
    assert "not a valid package" in capsys.readouterr().err


def test_a_folder_is_translated_keeping_its_tree(installed, tmp_path, capsys) -> None:
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text("The water is good.\n", encoding="utf-8")
    (src / "sub" / "b.md").write_text("# The house\n\nWe go `home` now.\n", encoding="utf-8")
    (src / "sub" / "c.bin").write_bytes(b"\x00\x01")
    (src / "sub" / "broken.docx").write_bytes(b"not a zip")
    before = {p: p.read_bytes() for p in src.rglob("*") if p.is_file()}
    code = main(["translate", "--from", "en", "--to", "xl", str(src), "-o", str(tmp_path / "out")])
    out, err = capsys.readouterr()
    assert code == 1, "one file failed, so the exit code says so"
    assert (tmp_path / "out" / "a.xl.txt").read_text(encoding="utf-8") == \
        synthetic.translate_text("The water is good.", "en", "xl") + "\n"
    md = (tmp_path / "out" / "sub" / "b.xl.md").read_text(encoding="utf-8")
    assert "`home`" in md and md.startswith("# " + synthetic.translate_text("The house", "en", "xl"))
    assert "skipped" in err and "c.bin" in err and "broken.docx" in err
    assert err.strip().endswith("2 translated, 1 failed, 1 skipped")
    assert {p: p.read_bytes() for p in src.rglob("*") if p.is_file()} == before
    assert main(["translate", "--from", "en", "--to", "xl", str(src / "a.txt"),
                 "-o", str(tmp_path / "out")]) == 1, "no overwrite without --overwrite"
    assert "exists" in capsys.readouterr().err


def test_one_file_to_an_explicit_output_name(installed, tmp_path, capsys) -> None:
    src = tmp_path / "notes.txt"
    src.write_text(TEXT, encoding="utf-8")
    assert main(["translate", "--from", "en", "--to", "xz", str(src), "-o",
                 str(tmp_path / "x.txt")]) == 0
    assert (tmp_path / "x.txt").read_text(encoding="utf-8") == synthetic.translate_text(TEXT, "en", "xz")
