"""argostranslate as a warm worker for bench/translate.py (run with the .venv-parity Python).

Usage: argos_run.py PACKAGE.argosmodel...  then one JSON request a line on stdin,
``{"text": ..., "from": "en", "to": "xx"}``, answered by ``{"seconds": ..., "output": ...}``.
The model stays loaded between requests, so runs interleave with the other contenders
like for like. Settings come from the environment the benchmark passes
(ARGOS_BEAM_SIZE, ARGOS_INTER_THREADS, ARGOS_INTRA_THREADS, ARGOS_BATCH_SIZE).
argostranslate's sentence splitter is replaced by ours, as in the parity tests.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
home = tempfile.mkdtemp(prefix="argos-bench-")
os.environ.update(ARGOS_PACKAGES_DIR=f"{home}/packages", XDG_DATA_HOME=f"{home}/data",
                  XDG_CACHE_HOME=f"{home}/cache", XDG_CONFIG_HOME=f"{home}/config")

import fixed_length  # noqa: E402

if os.environ.get("BENCH_FIXED_LENGTH"):
    fixed_length.install(int(os.environ["BENCH_FIXED_LENGTH"]))

import argostranslate.package  # noqa: E402
import argostranslate.translate  # noqa: E402

from offline_nlp.engine.segmentation import split_text  # noqa: E402


class OurSentencizer:
    def __init__(self, pkg: object) -> None:
        pass

    def split_sentences(self, text: str) -> list[str]:
        return [p.text for p in split_text(text) if p.is_sentence]


argostranslate.translate.MiniSBDSentencizer = OurSentencizer
argostranslate.translate.StanzaSentencizer = OurSentencizer
for archive in sys.argv[1:]:
    argostranslate.package.install_from_path(Path(archive))
print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    request = json.loads(line)
    # argostranslate keeps the last call's paragraphs; a repeated run must translate again.
    for installed in argostranslate.translate.installed_translates:
        installed.cached_translation.cache = {}
    start = time.perf_counter()
    output = argostranslate.translate.translate(request["text"], request["from"], request["to"])
    print(json.dumps({"seconds": time.perf_counter() - start, "output": output}), flush=True)
