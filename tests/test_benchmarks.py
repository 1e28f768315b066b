"""Benchmarks must not rot: every bench/*.py runs in its --smoke mode (issue 25 item 7).

A benchmark nobody runs breaks silently (bench/serve.py imported a helper that had been
renamed). Here each one runs end to end on tiny sizes and tiny models: seconds each, no
timing asserted; only that it exits 0 and prints its table.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
#: Modules the benchmarks import, not benchmarks themselves.
HELPERS = {"common", "fixed_length", "random_model", "argos_run"}
SCRIPTS = sorted(p for p in BENCH.glob("*.py") if p.stem not in HELPERS)


def test_every_benchmark_is_listed() -> None:
    assert {p.stem for p in SCRIPTS} >= {"translate", "serve", "corpus", "packages", "latency"}


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_benchmark_runs_in_smoke_mode(script: Path, tmp_path: Path) -> None:
    env = dict(os.environ, OFFLINE_NLP_HOME=str(tmp_path / "home"), QT_QPA_PLATFORM="offscreen")
    env.pop("OFFLINE_NLP_PACKAGES", None)
    run = subprocess.run([sys.executable, str(script), "--smoke"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, f"{script.name} --smoke failed:\n{run.stderr[-3000:]}"
    assert run.stdout.strip(), f"{script.name} --smoke printed nothing"
