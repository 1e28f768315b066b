"""Issue 22 item 7: the window fits 800×600 and 1920×1080 at 200 % (960×540 in the app's
units), opens no bigger than the screen, and every control a user needs stays on it.

Each screen needs its own QApplication, so the window is opened in a subprocess on
Qt's offscreen platform, given that screen (tests/gui/fit_probe.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("width, height, scale", [(800, 600, 1), (1920, 1080, 2)])
def test_the_window_fits_the_screen(tmp_path: Path, width: int, height: int,
                                    scale: int) -> None:
    screen = tmp_path / "screen.json"
    screen.write_text(json.dumps({"screens": [{
        "name": "probe", "x": 0, "y": 0, "width": width, "height": height,
        "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}), encoding="utf-8")
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in ("a quarterly report with a long file name.txt", "b.txt"):
        (folder / name).write_text("Hello.\n", encoding="utf-8")
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={screen}",
           "QT_SCALE_FACTOR": str(scale), "OFFLINE_NLP_HOME": str(tmp_path / "home"),
           "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests" / "fixtures")])}
    run = subprocess.run([sys.executable, "-m", "tests.gui.fit_probe", str(folder)], env=env,
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    found = json.loads(run.stdout.strip().splitlines()[-1])
    screen_w, screen_h = found["screen"]
    assert (screen_w, screen_h) == (width // scale, height // scale)
    assert found["window"][0] <= screen_w and found["window"][1] <= screen_h
    assert found["minimum"][0] <= screen_w and found["minimum"][1] <= screen_h - 40
    assert found["hidden"] == []
