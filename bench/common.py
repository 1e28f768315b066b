"""What the benchmarks share: generated text, the random-weight models, engine helpers.

Benchmarks import this module and the leaf helpers (random_model, fixed_length,
argos_run), which import no benchmark: no two bench modules import each other
(bench/corpus.py, bench/translate.py and bench/random_model.py used to, in a circle). ``--smoke`` runs of the
benchmarks (tests/test_benchmarks.py) use :func:`model_package` with ``smoke=True``: a
one-layer model built in a second, where the real one takes minutes.
"""

from __future__ import annotations

import logging
import random
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from offline_nlp.engine import Engine, EngineConfig

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"

_WORDS = """the of and to in is was for on that with as by at from it this be are an or
which have has had not but all were when we there can more one their if will about into
time people year way day man thing woman life child world school state family student group
country problem hand part place case week company system program question work government
number night point home water room mother area money story fact month lot right study book
eye job word business issue side kind head house service friend father power hour game line
end member law car city community name president team minute idea kid body information back
parent face others level office door health person art war history party result change
morning reason research girl guy moment air teacher force education good new first last long
great little own other old right big high different small large next early young important
few public bad same able""".split()


def make_sentence(rng: random.Random) -> str:
    length = max(3, min(60, int(rng.lognormvariate(2.8, 0.45))))
    words = [rng.choice(_WORDS) for _ in range(length)]
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words)), str(rng.randrange(1, 3000)))
    if length > 8 and rng.random() < 0.5:
        words[rng.randrange(2, length - 2)] += ","
    return " ".join(words).capitalize() + rng.choice(".....?!")


def make_corpus(sentences: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    return [make_sentence(rng) for _ in range(sentences)]


def make_document(sentences: int, seed: int = 0) -> str:
    """Paragraphs of 1-6 sentences separated by blank lines, like real documents."""
    rng = random.Random(seed)
    corpus = make_corpus(sentences, seed)
    paragraphs, i = [], 0
    while i < len(corpus):
        n = rng.randint(1, 6)
        paragraphs.append(" ".join(corpus[i:i + n]))
        i += n
    return "\n\n".join(paragraphs)


def model_package(smoke: bool = False) -> Path:
    """The Transformer-base sized en→xx package with random int8 weights (built once
    into bench/out), or with ``smoke`` a one-layer one that only proves the code runs."""
    from random_model import build_package

    folder = OUT / ("tiny-en_xx" if smoke else "transformer-base-en_xx")
    if not (folder / "model" / "model.bin").exists():
        if not smoke:
            print("building a Transformer-base model with random weights (once)...",
                  file=sys.stderr)
        shutil.rmtree(folder, ignore_errors=True)
        if smoke:
            build_package(folder, make_corpus(2000, seed=99), vocab_size=2000, layers=1,
                          d_model=64, heads=2, ffn=128)
        else:
            build_package(folder, make_corpus(20000, seed=99))
    return folder


def retries_off() -> dict[str, int]:
    """Count, but do not make, the coverage guard's retries.

    A random model forced to 30 tokens writes looping garbage, which the guard rightly
    translates again (up to five times): that would measure the random model, not the
    engine. The guard's checks still run and are timed; what its retries cost on real
    output is ``bench/integrity.py``'s to measure.
    """
    from offline_nlp.engine import integrity

    skipped = {"units": 0}
    # ... and says so for every request: once is enough here.
    logging.getLogger(integrity.__name__).setLevel(logging.ERROR)

    def count(self: integrity.Guard, suspects: set[str], results: object) -> None:
        skipped["units"] += len(suspects)

    integrity.Guard._retry = count  # type: ignore[assignment,method-assign]
    return skipped


def single_package_engine(package: Path, config: EngineConfig) -> Engine:
    """An engine over one package folder, without installing it anywhere."""
    from offline_nlp.engine import Engine
    from offline_nlp.packages import InstalledPackage

    installed = InstalledPackage.load(package)

    class Source:
        def installed(self) -> list[InstalledPackage]:
            return [installed]

    return Engine(Source(), config)


if __name__ == "__main__":
    # ``python bench/common.py DIR``: a Transformer-base package with random weights in DIR.
    from random_model import build_package

    build_package(Path(sys.argv[1]), make_corpus(3000, seed=1))
