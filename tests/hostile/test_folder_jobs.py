"""Folder jobs run again, run twice at once, killed, or given things that are not files:
each says what happened in one line, and never translates its own outputs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hostile_kit import World, one_line_error

from offline_nlp.cli import main


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

    for name in ("a.txt", "a.de.txt", "report.pdf", "plain.md"):
        (tmp_path / name).write_text("x")
    names = {p.name for p in tmp_path.iterdir()}
    for name, own in [("a.de.txt", True), ("a.de.de.txt", True), ("a.zh-Hant.txt", True),
                      ("report.zh.docx", True), ("report.zt.txt", True), ("a (2).de.txt", True),
                      ("a.deu.txt", True), ("a.txt", False), ("plain.md", False),
                      ("b.de.txt", False), ("a.backup2024.txt", False), ("a.old.txt", False),
                      ("plain.en.txt", False)]:
        assert is_own_output(tmp_path / name) is own, name
        assert is_own_output(tmp_path / name, names=names) is own, name
    # a code an installed package uses counts too (the test models' Synthetic Latin)
    assert not is_own_output(tmp_path / "a.xl.txt", names=names | {"a.xl.txt"})
    assert is_own_output(tmp_path / "a.xl.txt", languages=["xl"], names=names)


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not Path("/dev/zero").exists(),
                    reason="needs /dev/zero and named pipes (POSIX)")
def test_a_device_or_a_pipe_as_input_is_refused(installed: World, capsys) -> None:
    world = installed
    fifo = world.root / "pipe.txt"
    os.mkfifo(fifo)
    for source in (Path("/dev/zero"), fifo):
        with world.unchanged_outside():
            code, out, err = world.cli(capsys, "translate", "--from", "en", "--to", "xl",
                                       str(source))
        message = one_line_error(code, err)
        assert str(source) in message and "not a regular file" in message
        assert out == ""


def test_two_runs_of_one_resumable_job_both_succeed(installed: World, capsys,
                                                     monkeypatch) -> None:
    """While this run translates, a second run of the same --skip-existing job finishes
    the same files: this one keeps them, says so, and succeeds."""
    from offline_nlp.engine.engine import Engine

    world = installed
    docs = world.root / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Hello world.\n")
    job = ["translate", "--from", "en", "--to", "xl", str(docs), "--skip-existing"]
    translate = Engine.translate_texts
    other: list[int] = []

    def meanwhile(self, *args, **kwargs):  # noqa: ANN001, ANN202
        if not other:
            other.append(-1)
            other[0] = main(job)  # the second run, from start to end
        return translate(self, *args, **kwargs)

    monkeypatch.setattr(Engine, "translate_texts", meanwhile)
    with world.unchanged_outside("docs"):
        code, out, err = world.cli(capsys, *job)
    assert other == [0]
    assert code == 0, err
    assert "written meanwhile by another run" in err and "Traceback" not in err
    assert sorted(p.name for p in docs.iterdir()) == ["a.txt", "a.xl.txt"]


def test_an_output_written_meanwhile_is_never_replaced(tmp_path: Path) -> None:
    from offline_nlp.progress import atomic_write

    target = tmp_path / "a.xl.txt"
    with pytest.raises(FileExistsError):
        with atomic_write(target, replace=False) as handle:
            handle.write(b"ours")
            target.write_bytes(b"theirs")
    assert target.read_bytes() == b"theirs"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xl.txt"]


@pytest.mark.skipif(os.name != "posix", reason="a PID check needs POSIX signals")
def test_a_killed_writer_leaves_nothing_at_the_next_run(installed: World, capsys) -> None:
    """kill -9 in the middle of writing an output leaves its hidden .part file; the next
    run in that folder removes it at once (no process owns it), and keeps another
    program's hidden files and the part file of a writer still running."""
    world = installed
    docs = world.root / "docs"
    docs.mkdir()
    (docs / "notes.txt").write_text("The house is old.\n")
    killed = subprocess.run(
        [sys.executable, "-c", "import os, sys\n"
         "from pathlib import Path\n"
         "from offline_nlp.progress import atomic_write\n"
         "with atomic_write(Path(sys.argv[1])) as out:\n"
         "    out.write(b'half a translation'); out.flush()\n"
         "    os.kill(os.getpid(), 9)\n", str(docs / "other.xl.txt")], check=False)
    assert killed.returncode == -9
    (left,) = docs.glob(".other.xl.txt.*.part")
    theirs = docs / ".download.part"
    theirs.write_bytes(b"another program's")
    running = docs / f".third.xl.txt.{os.getpid()}-abcd1234.part"
    running.write_bytes(b"being written right now")
    code, _, err = world.cli(capsys, "translate", "--from", "en", "--to", "xl",
                             str(docs / "notes.txt"))
    assert code == 0, err
    assert not left.exists()
    assert theirs.exists() and running.exists()
    assert (docs / "notes.xl.txt").exists()
