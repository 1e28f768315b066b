"""The command line as people type it: options in any order, output into a pipe that
closes early, settings out of range, a file where a folder goes."""

from __future__ import annotations

import dataclasses
import json

from hostile_kit import World, one_line_error

from offline_nlp.cli import main


def _run(capsys, *args: str) -> tuple[int, str, str]:  # noqa: ANN001
    capsys.readouterr()
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse refuses an option: exit 2
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_verbose_after_the_command_says_which_sentences(installed: World, capsys,
                                                        monkeypatch) -> None:
    """The summary says "(see -v)": -v after the command is accepted, and names them."""
    from offline_nlp.engine.engine import Engine

    translate = Engine.translate_texts

    def doubtful(self, *args, **kwargs):  # noqa: ANN001, ANN202
        return [dataclasses.replace(t, suspect=("Hello world.",))
                for t in translate(self, *args, **kwargs)]

    monkeypatch.setattr(Engine, "translate_texts", doubtful)
    notes = installed.root / "notes.txt"
    notes.write_text("Hello world.\n")
    code, out, err = _run(capsys, "translate", "--from", "en", "--to", "xl", str(notes))
    assert code == 0, err
    assert "possibly incomplete (see -v)" in err and "possibly incomplete: " not in err
    notes.with_name("notes.xl.txt").unlink()
    for args in (["translate", "--from", "en", "--to", "xl", str(notes), "-v"],
                 ["translate", "--from", "en", "--to", "xl", "--text", "Hello world.", "-v"],
                 ["-v", "translate", "--from", "en", "--to", "xl", "--text", "Hello world."]):
        code, out, err = _run(capsys, *args)
        assert code == 0, (args, err)
        assert "possibly incomplete: " in err and "Hello world." in err, args
    code, out, err = _run(capsys, "packages", "list", "-v")
    assert code == 0, err


def test_settings_out_of_range_are_one_line_naming_file_and_key(world: World,
                                                                 capsys) -> None:
    """cpu_threads 100000 crashed CTranslate2 (SIGSEGV); parallel_jobs 1000000 hung."""
    config = world.home / "config"
    config.mkdir(parents=True)
    settings = config / "settings.json"
    for key, value in (("cpu_threads", 100_000), ("parallel_jobs", 1_000_000),
                       ("max_loaded_models", 10**9), ("cpu_threads", -1)):
        settings.write_text(json.dumps({key: value}))
        with world.unchanged_outside():
            code, out, err = _run(capsys, "translate", "--from", "en", "--to", "xl",
                                  "--text", "Hello.")
        message = one_line_error(code, err)
        assert str(settings) in message and key in message and str(value) in message
    settings.write_text(json.dumps({"cpu_threads": 200, "parallel_jobs": 60}))
    message = one_line_error(*_run(capsys, "languages")[::2])
    assert "cpu_threads × parallel_jobs" in message


def test_packages_dir_that_is_a_file_is_one_line(world: World, capsys) -> None:
    a_file = world.root / "bystander" / "notes.txt"
    with world.unchanged_outside():
        code, out, err = _run(capsys, "--packages-dir", str(a_file), "packages", "list")
    message = one_line_error(code, err)
    assert str(a_file) in message and "folder" in message
    assert a_file.read_text() == "keep me\n"
