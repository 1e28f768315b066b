"""``offline-nlp corpus`` on one machine: exact output in order, resuming, broken records."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from corpus.common import expected, expected_records, expected_text, make_lines, write_inputs
from corpus.kill import run_killed, workers_exit_at_block
from offline_nlp.cli import main


@pytest.fixture
def installed(installed_home, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("OFFLINE_NLP_PACKAGES", str(installed_home.packages))
    return installed_home


def corpus(*args: object) -> int:
    return main(["corpus", "--from", "en", "--to", "xz", *map(str, args)])


def test_folder_is_translated_exactly_in_order_at_any_worker_count(installed, tmp_path,
                                                                   capsys) -> None:
    text, records = write_inputs(tmp_path / "in")
    before = text.read_bytes(), records.read_bytes()
    for workers in (1, 2):
        out = tmp_path / f"out{workers}"
        assert corpus(tmp_path / "in", "-o", out, "--workers", workers, "--block-lines", 4) == 0
        assert (out / "lines.txt").read_bytes() == expected_text(text)
        translated = [json.loads(line) for line in
                      (out / "sub" / "records.jsonl").read_text("utf-8").splitlines()]
        assert translated == expected_records(records)
    assert (text.read_bytes(), records.read_bytes()) == before  # sources untouched
    err = capsys.readouterr().err
    assert "2 files translated" in err and "16 blocks" in err


def test_output_equals_translate_on_the_same_lines(installed, tmp_path, capsys,
                                                   monkeypatch) -> None:
    source = tmp_path / "lines.txt"
    source.write_text("\n".join(make_lines(12, seed=5)) + "\n", "utf-8")
    assert corpus(source, "-o", tmp_path / "out", "--block-lines", 5) == 0
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", open(source, encoding="utf-8"))  # noqa: SIM115
    assert main(["translate", "--from", "en", "--to", "xz"]) == 0
    assert (tmp_path / "out" / "lines.txt").read_text("utf-8") == capsys.readouterr().out


def test_a_killed_job_resumes_without_redoing_finished_blocks(installed, tmp_path,
                                                              capsys) -> None:
    text, records = write_inputs(tmp_path / "in")
    out = tmp_path / "out"
    args = ["corpus", "--from", "en", "--to", "xz", str(tmp_path / "in"), "-o", str(out),
            "--block-lines", "4", "--workers", "2"]
    killed = run_killed(args, after_blocks=3)
    assert killed.returncode == 75, killed.stderr
    assert not (out / "lines.txt").exists()  # nothing half-written
    assert main([*args, "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["blocks"] == 16 and summary["blocks_resumed"] == 3
    assert summary["lines"] == 60 - 3 * 4
    assert (out / "lines.txt").read_bytes() == expected_text(text)
    assert [json.loads(line) for line in (out / "sub" / "records.jsonl").read_text(
        "utf-8").splitlines()] == expected_records(records)
    assert main(args) == 0  # run once more: nothing left to do
    assert "0 files translated, 2 done earlier" in capsys.readouterr().err
    (out / "lines.txt").unlink()  # an output deleted after the job is made again
    assert main(args) == 0
    assert "1 files translated, 1 done earlier" in capsys.readouterr().err
    assert (out / "lines.txt").read_bytes() == expected_text(text)


def test_a_killed_worker_stops_the_job_in_one_line_and_a_rerun_finishes(
        installed, tmp_path, capsys, monkeypatch) -> None:
    text, _records = write_inputs(tmp_path / "in")
    args = (text, "-o", tmp_path / "out", "--block-lines", 4, "--workers", 2)
    with workers_exit_at_block(2):
        assert corpus(*args) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "a worker process died" in err and "Traceback" not in err
    assert not (tmp_path / "out" / "lines.txt").exists()
    assert corpus(*args) == 0
    assert (tmp_path / "out" / "lines.txt").read_bytes() == expected_text(text)


def test_broken_records_are_reported_kept_and_the_rest_translated(installed, tmp_path,
                                                                  capsys) -> None:
    source = tmp_path / "records.jsonl"
    lines = ['{"text": "We go home.", "id": 1}', '{"text": "We go', "", '{"id": 3}',
             '["The water is good."]', '{"text": "Where is the house?"}']
    source.write_text("\n".join(lines) + "\n", "utf-8")
    assert corpus(source, "-o", tmp_path / "out", "--json") == 1
    captured = capsys.readouterr()
    summary = json.loads(captured.out)
    assert [(f["line"], f["error"].split(" (")[0]) for f in summary["failures"]] == [
        (2, "not valid JSON"), (4, "field 'text' is missing"), (5, "not a JSON object")]
    assert f"{source}:2: not valid JSON" in captured.err
    out = (tmp_path / "out" / "records.jsonl").read_text("utf-8").splitlines()
    assert out == [json.dumps({"text": expected("We go home."), "id": 1}, ensure_ascii=False),
                   *lines[1:5],
                   json.dumps({"text": expected("Where is the house?")}, ensure_ascii=False)]


def test_an_existing_output_is_kept_unless_overwrite(installed, tmp_path, capsys) -> None:
    source = tmp_path / "in" / "lines.txt"
    source.parent.mkdir()
    source.write_text("We go home.\n", "utf-8")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "lines.txt").write_text("mine\n", "utf-8")
    assert corpus(source, "-o", tmp_path / "out") == 1
    assert "exists; pass --overwrite" in capsys.readouterr().err
    assert (tmp_path / "out" / "lines.txt").read_text("utf-8") == "mine\n"
    assert corpus(source, "-o", tmp_path / "out", "--overwrite") == 0
    assert (tmp_path / "out" / "lines.txt").read_text("utf-8") == expected("We go home.") + "\n"


def test_parquet_column_translated_other_columns_kept(installed, tmp_path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    lines = make_lines(9, seed=3)
    table = pa.table({"id": list(range(9)), "text": [*lines[:8], None]})
    pq.write_table(table, tmp_path / "t.parquet", row_group_size=4)
    assert corpus(tmp_path / "t.parquet", "-o", tmp_path / "out", "--block-lines", 3) == 0
    result = pq.read_table(tmp_path / "out" / "t.parquet")
    assert result.schema == table.schema
    assert result.column("id").to_pylist() == list(range(9))
    assert result.column("text").to_pylist() == [*map(expected, lines[:8]), None]


def test_parquet_without_pyarrow_is_one_clear_line(installed, tmp_path, capsys,
                                                   monkeypatch) -> None:
    (tmp_path / "t.parquet").write_bytes(b"PAR1")
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    assert corpus(tmp_path / "t.parquet", "-o", tmp_path / "out") == 1
    err = capsys.readouterr().err
    assert "needs pyarrow" in err and "offline-nlp[cluster]" in err and "Traceback" not in err
