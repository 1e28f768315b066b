"""Time argostranslate on the benchmark package (run with the .venv-parity Python).

Usage: argos_run.py PACKAGE_ZIP INPUT_TXT BEAM LENGTH  → prints JSON {seconds, output}.
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
package, input_file, beam, length = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
home = tempfile.mkdtemp(prefix="argos-bench-")
os.environ.update(ARGOS_PACKAGES_DIR=f"{home}/packages", XDG_DATA_HOME=f"{home}/data",
                  XDG_CACHE_HOME=f"{home}/cache", XDG_CONFIG_HOME=f"{home}/config",
                  ARGOS_BEAM_SIZE=beam)

import fixed_length  # noqa: E402

fixed_length.install(length)

import argostranslate.package  # noqa: E402
import argostranslate.translate  # noqa: E402

from offline_nlp.engine.segmentation import split_text  # noqa: E402


class OurSentencizer:
    def __init__(self, pkg: object) -> None:
        pass

    def split_sentences(self, text: str) -> list[str]:
        return [p.text for p in split_text(text) if p.is_sentence]


argostranslate.translate.MiniSBDSentencizer = OurSentencizer
argostranslate.package.install_from_path(Path(package))
text = Path(input_file).read_text(encoding="utf-8")
argostranslate.translate.translate("Warm up.", "en", "xx")
start = time.perf_counter()
output = argostranslate.translate.translate(text, "en", "xx")
print(json.dumps({"seconds": time.perf_counter() - start, "output": output}))
