"""``offline-nlp corpus --cluster`` on a local Ray cluster (2 CPUs) started by the test.

One test on purpose: starting Ray takes seconds. It checks what the Ray path must get
right beyond local mode: exact output in order from actors, and finishing a job that a
killed local run left half done (the same block files, whichever runner wrote them).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from corpus.common import expected, expected_records, expected_text, make_lines, write_inputs
from corpus.kill import run_killed

ray = pytest.importorskip("ray", reason="needs offline-nlp[cluster]")
pq = pytest.importorskip("pyarrow.parquet")


@pytest.fixture
def local_ray(installed_home, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("OFFLINE_NLP_PACKAGES", str(installed_home.packages))
    monkeypatch.setenv("RAY_AUTH_MODE", "disabled")  # a throwaway cluster, no token file
    # "local": a new cluster even where one started by `ray start` runs on this machine.
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray.get_runtime_context().gcs_address
    ray.shutdown()


def test_ray_actors_finish_a_killed_job_with_exact_output(local_ray, tmp_path) -> None:
    text, records = write_inputs(tmp_path / "in")
    import pyarrow as pa

    lines = make_lines(7, seed=4)
    pq.write_table(pa.table({"text": lines, "n": list(range(7))}), tmp_path / "in" / "t.parquet")
    out = tmp_path / "out"
    args = ["corpus", "--from", "en", "--to", "xz", str(tmp_path / "in"), "-o", str(out),
            "--block-lines", "4"]
    killed = run_killed([*args, "--workers", "1"], after_blocks=3)
    assert killed.returncode == 75, killed.stderr
    # A second process joining the running cluster, as `--cluster auto` does on a node.
    joined = subprocess.run([sys.executable, "-m", "offline_nlp", *args, "--cluster", "auto",
                             "--workers", "2", "--json"], env={**os.environ,
                            "RAY_ADDRESS": local_ray}, capture_output=True, text=True)
    assert joined.returncode == 0, joined.stderr
    summary = json.loads(joined.stdout)
    assert summary["mode"] == "ray (auto)" and summary["workers"] == 2
    assert summary["blocks"] == 18 and summary["blocks_resumed"] == 3
    assert (out / "lines.txt").read_bytes() == expected_text(text)
    assert [json.loads(line) for line in (out / "sub" / "records.jsonl").read_text(
        "utf-8").splitlines()] == expected_records(records)
    assert pq.read_table(out / "t.parquet").to_pydict() == {
        "text": [expected(line) for line in lines], "n": list(range(7))}
