"""``offline-nlp serve`` as a user runs it: serves until stopped, then cleans up."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

from synthetic import translate_text


def test_serve_answers_then_stops_cleanly_on_sigterm(installed_home: Any, tmp_path: Path) -> None:
    env = {**os.environ, "OFFLINE_NLP_PACKAGES": str(installed_home.packages),
           "TMPDIR": str(tmp_path)}
    process = subprocess.Popen([sys.executable, "-m", "offline_nlp", "serve", "--port", "0"],
                               env=env, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stderr is not None
        first = process.stderr.readline()
        url = re.search(r"at (http://127\.0\.0\.1:\d+) ", first).group(1)  # type: ignore[union-attr]
        assert "offline-nlp is serving 6 language pairs at" in first  # 4 direct, 2 via en
        request = urllib.request.Request(
            f"{url}/translate", json.dumps({"q": "We go home!", "source": "en",
                                            "target": "xz"}).encode(),
            {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            assert json.load(response) == {"translatedText": translate_text("We go home!",
                                                                            "en", "xz")}
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith("offline-nlp-serve-")]
        process.send_signal(signal.SIGTERM)
        assert process.wait(60) == 0
        assert process.stderr.read() == "offline-nlp serve stopped\n"
        assert not [p for p in tmp_path.iterdir() if p.name.startswith("offline-nlp-serve-")]
    finally:
        process.kill()
        process.wait()
