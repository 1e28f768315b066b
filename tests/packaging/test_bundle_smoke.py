"""The built PyInstaller bundle passes packaging/smoke_test.sh (only when one was built)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from helpers import fixture_package

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = Path(os.environ.get("OFFLINE_NLP_BUNDLE", ROOT / "dist" / "offline-nlp"))

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (BUNDLE / "offline-nlp").exists(),
                       reason=f"no bundle at {BUNDLE} (build it with packaging/build.sh)"),
    pytest.mark.skipif(not fixture_package("en_xl").exists(),
                       reason="fixture models not built (tests/fixtures/build.py)"),
]


def test_built_bundle_starts_and_translates_with_the_fixture_model() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OFFLINE_NLP_")}
    result = subprocess.run(["bash", str(ROOT / "packaging" / "smoke_test.sh"), str(BUNDLE)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
                            check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok: --version: offline-nlp " in result.stdout
    assert "ok: translate en→xl: The old house." in result.stdout
    assert "smoke test passed" in result.stdout
