"""The command line as people type it: options in any order, output into a pipe that
closes early, settings out of range, a file where a folder goes."""

from __future__ import annotations

import dataclasses

from hostile_kit import World

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
