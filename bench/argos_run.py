"""argostranslate set up for the benchmarks, and as a warm worker for bench/translate.py
(both run with another environment's Python: .venv-parity, .venv-bench-argos).

:func:`start_argos` is the one set-up: a throwaway argostranslate home, decoding fixed at
``BENCH_FIXED_LENGTH`` tokens when the benchmark passes it, our sentence splitter in place
of argostranslate's (the fixture packages carry no stanza model; as in the parity tests),
and the given packages installed. bench/pdf.py imports it for argos-translate-files.

Run as a script, ``argos_run.py PACKAGE.argosmodel...`` then reads one JSON request a line
on stdin, ``{"text": ..., "from": "en", "to": "xx"}``, answered by ``{"seconds": ...,
"output": ...}``. The model stays loaded between requests, so runs interleave with the
other contenders like for like. Settings come from the environment the benchmark passes
(ARGOS_BEAM_SIZE, ARGOS_INTER_THREADS, ARGOS_INTRA_THREADS, ARGOS_BATCH_SIZE).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

sys.path.insert(0, str(Path(__file__).parent))


def start_argos(archives: list[Path]) -> ModuleType:
    """Install ``archives`` into a fresh argostranslate home; its ``translate`` module.

    argostranslate reads its folders when it is imported: the environment is set first.
    """
    home = tempfile.mkdtemp(prefix="argos-bench-")
    os.environ.update(ARGOS_PACKAGES_DIR=f"{home}/packages", XDG_DATA_HOME=f"{home}/data",
                      XDG_CACHE_HOME=f"{home}/cache", XDG_CONFIG_HOME=f"{home}/config")
    import fixed_length

    if os.environ.get("BENCH_FIXED_LENGTH"):
        fixed_length.install(int(os.environ["BENCH_FIXED_LENGTH"]))
    import argostranslate.package
    import argostranslate.translate

    from offline_nlp.engine.segmentation import split_text

    class OurSentencizer:
        def __init__(self, pkg: object) -> None:
            pass

        def split_sentences(self, text: str) -> list[str]:
            return [p.text for p in split_text(text) if p.is_sentence]

    argostranslate.translate.MiniSBDSentencizer = OurSentencizer
    argostranslate.translate.StanzaSentencizer = OurSentencizer
    for archive in archives:
        argostranslate.package.install_from_path(archive)
    return argostranslate.translate


def forget_last_call(translate: ModuleType) -> None:
    """argostranslate keeps the last call's paragraphs; a repeated run must translate again."""
    for installed in translate.installed_translates:
        installed.cached_translation.cache = {}


def serve(archives: list[Path]) -> None:
    translate = start_argos(archives)
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        forget_last_call(translate)
        start = time.perf_counter()
        output = translate.translate(request["text"], request["from"], request["to"])
        print(json.dumps({"seconds": time.perf_counter() - start, "output": output}), flush=True)


if __name__ == "__main__":
    serve([Path(arg) for arg in sys.argv[1:]])
