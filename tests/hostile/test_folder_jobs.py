"""Folder jobs run again, run twice at once, killed, or given things that are not files:
each says what happened in one line, and never translates its own outputs."""

from __future__ import annotations

from pathlib import Path

from hostile_kit import World


def _docs(world: World) -> Path:
    docs = world.root / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Hello world.\n")
    (docs / "report.pdf").write_bytes(b"%PDF-1.4 not really\n")
    return docs


def test_a_rerun_never_translates_its_own_outputs(installed: World, capsys) -> None:
    world = installed
    docs = _docs(world)
    (docs / "report.pdf").unlink()
    with world.unchanged_outside("docs"):
        code, out, err = world.cli(capsys, "translate", "--from", "en", "--to", "xl", str(docs))
    assert code == 0, err
    assert sorted(p.name for p in docs.iterdir()) == ["a.txt", "a.xl.txt"]
    first = (docs / "a.xl.txt").read_bytes()
    for extra in (["--skip-existing"], ["-o", str(docs), "--skip-existing"]):
        with world.unchanged_outside("docs"):
            code, out, err = world.cli(capsys, "translate", "--from", "en", "--to", "xl",
                                       str(docs), *extra)
        assert code == 0, err
        assert sorted(p.name for p in docs.iterdir()) == ["a.txt", "a.xl.txt"], extra
        assert "a.xl.txt" in err and "made by this tool" in err
        assert (docs / "a.xl.txt").read_bytes() == first
    # a translation into another language is an output too; a file named by the user is not
    (docs / "a.de.txt").write_text("Hallo Welt.\n")
    code, out, err = world.cli(capsys, "translate", "--from", "en", "--to", "xl", str(docs),
                               "--skip-existing")
    assert code == 0 and not (docs / "a.de.xl.txt").exists(), err


def test_is_own_output_names_what_this_tool_writes(tmp_path: Path) -> None:
    from offline_nlp.documents.outputs import is_own_output

    for name in ("a.txt", "a.xl.txt", "report.pdf", "plain.md"):
        (tmp_path / name).write_text("x")
    names = {p.name for p in tmp_path.iterdir()}
    for name, own in [("a.xl.txt", True), ("a.xl.xl.txt", True), ("a.zh-Hant.txt", True),
                      ("report.zh.docx", True), ("report.zh.txt", True), ("a (2).xl.txt", True),
                      ("a.txt", False), ("plain.md", False), ("b.xl.txt", False),
                      ("a.backup2024.txt", False), ("plain.en.txt", False)]:
        assert is_own_output(tmp_path / name) is own, name
        assert is_own_output(tmp_path / name, names=names) is own, name
    assert not is_own_output(tmp_path / "a.xl.txt", languages=["zh"])
