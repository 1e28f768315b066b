"""A corpus job's saved state and its inputs under faults: damaged block files, a full
disk, an input cut short while it is read. Each ends in one line, and a rerun makes the
exact output."""

from __future__ import annotations

import dataclasses
import errno
import json
import os
import shutil
from pathlib import Path

import pytest
from corpus.common import expected_text, make_lines
from corpus.kill import run_killed
from hostile_kit import World, one_line_error

from offline_nlp.cli import main


def _corpus(world: World, capsys, *args: str) -> tuple[int, str, str]:  # noqa: ANN001
    return world.cli(capsys, "corpus", "--from", "en", "--to", "xz", *args)


@pytest.fixture
def killed_job(installed: World) -> tuple[World, Path, Path, list[str]]:
    """A job of 5 blocks killed after saving 3 of them: its input, output folder, args."""
    world = installed
    source = world.root / "in" / "lines.txt"
    source.parent.mkdir()
    source.write_text("\n".join(make_lines(20, seed=3)) + "\n", "utf-8")
    out = world.root / "out"
    args = [str(source), "-o", str(out), "--block-lines", "4", "--workers", "1"]
    killed = run_killed(["corpus", "--from", "en", "--to", "xz", *args], after_blocks=3)
    assert killed.returncode == 75, killed.stderr
    return world, source, out, args


def _block(out: Path, index: int) -> Path:
    return out / ".offline-nlp-corpus" / "lines.txt" / "blocks" / f"{index:08d}.json"


def test_damaged_block_files_are_redone_and_said_so(killed_job, capsys) -> None:
    world, source, out, args = killed_job
    saved = world.root / "saved-state"
    shutil.copytree(out, saved)
    valid = json.loads(_block(out, 1).read_text("utf-8"))
    two_more = {**valid, "translations": valid["translations"] + ["x", "y"]}
    damages = {
        "garbage": lambda p: p.write_bytes(b"\x00\xffnot json at all"),
        "empty": lambda p: p.write_bytes(b""),
        "truncated": lambda p: p.write_bytes(p.read_bytes()[:20]),
        "wrong types": lambda p: p.write_text(json.dumps({**valid, "translations": 5})),
        "a folder": lambda p: (p.unlink(), p.mkdir(), (p / "x").write_text("x")),
        "two extra lines": lambda p: p.write_text(json.dumps(two_more)),
        "another block": lambda p: p.write_text(json.dumps(valid)),  # block 1 as block 0
    }
    before = source.read_bytes()
    for how, damage in damages.items():
        shutil.rmtree(out)
        shutil.copytree(saved, out)
        damage(_block(out, 0 if how != "two extra lines" else 2))
        with world.unchanged_outside("out"):
            code, _, err = _corpus(world, capsys, *args)
        assert code == 0, (how, err)
        assert "Traceback" not in err
        notes = [line for line in err.splitlines() if "did not validate" in line]
        assert len(notes) == 1, (how, err)
        assert "(2 from an earlier run)" in err, (how, err)
        assert (out / "lines.txt").read_bytes() == expected_text(source), how
        assert source.read_bytes() == before


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc (Linux)")
def test_a_full_disk_is_one_line_and_the_job_resumes(installed: World, capsys,
                                                     monkeypatch) -> None:
    """No space left when a block is saved: the one-line OutputWriteError, no output,
    no temporary file; with space again, the same command finishes."""
    world = installed
    source = world.root / "lines.txt"
    source.write_text("\n".join(make_lines(12, seed=4)) + "\n", "utf-8")
    out = world.root / "out"
    args = [str(source), "-o", str(out), "--block-lines", "4", "--workers", "1"]
    real_fdopen = os.fdopen

    def full_for_blocks(fd, *a, **k):  # noqa: ANN001, ANN002, ANN003, ANN202
        if "/blocks/" in os.readlink(f"/proc/self/fd/{fd}"):
            handle = real_fdopen(fd, *a, **k)
            handle.write = _no_space  # type: ignore[method-assign]
            return handle
        return real_fdopen(fd, *a, **k)

    monkeypatch.setattr(os, "fdopen", full_for_blocks)
    with world.unchanged_outside("out"):
        code, _, err = _corpus(world, capsys, *args)
    message = one_line_error(code, err.split("\n0 files translated")[0] + "\n")
    assert "cannot write" in message and "No space left on device" in message
    assert not (out / "lines.txt").exists()
    assert not [p for p in out.rglob("*") if p.name.endswith(".part")]
    monkeypatch.setattr(os, "fdopen", real_fdopen)
    code, _, err = _corpus(world, capsys, *args)
    assert code == 0, err
    assert (out / "lines.txt").read_bytes() == expected_text(source)


def _no_space(data: bytes) -> int:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_an_input_cut_short_while_read_is_named(installed: World, capsys,
                                               monkeypatch) -> None:
    from offline_nlp.corpus import workers

    world = installed
    source = world.root / "lines.txt"
    source.write_text("\n".join(make_lines(20, seed=6)) + "\n", "utf-8")
    out = world.root / "out"
    real = workers.run_local

    def cut_after_first(spec, blocks, count):  # noqa: ANN001, ANN202
        for number, result in enumerate(real(spec, blocks, count)):
            if number == 0:
                with source.open("r+b") as handle:  # another program truncates it
                    handle.truncate(10)
            yield result

    monkeypatch.setattr(workers, "run_local", cut_after_first)
    with world.unchanged_outside("out", "lines.txt"):  # cut by the test itself
        code, _, err = _corpus(world, capsys, str(source), "-o", str(out), "--block-lines",
                               "4", "--workers", "1")
    assert code == 1, err
    assert "Traceback" not in err
    (failed,) = [line for line in err.splitlines() if line.startswith("failed")]
    assert str(source) in failed and "changed" in failed
    assert not (out / "lines.txt").exists()


def test_corpus_counts_kept_and_suspect_sentences(installed: World, capsys,
                                                  monkeypatch) -> None:
    from offline_nlp.engine.engine import Engine

    translate = Engine.translate_texts

    def doubtful(self, texts, *args, **kwargs):  # noqa: ANN001, ANN202
        return [dataclasses.replace(t, suspect=(text,)) if "river" in text else t
                for t, text in zip(translate(self, texts, *args, **kwargs), texts, strict=True)]

    monkeypatch.setattr(Engine, "translate_texts", doubtful)
    world = installed
    source = world.root / "lines.txt"
    source.write_text("The water is good.\n这是一个中文句子。\n"
                      "The old house is by the river.\n", "utf-8")
    code, out, err = _corpus(world, capsys, str(source), "-o", str(world.root / "out"),
                             "--workers", "1", "--json")
    assert code == 0, err
    summary = json.loads(out)
    assert (summary["kept"], summary["suspect"]) == (1, 1)
    assert (summary["files"][0]["kept"], summary["files"][0]["suspect"]) == (1, 1)
    assert "1 sentence(s) or word(s) in another script kept" in err
    assert "1 sentence(s) possibly incomplete" in err
