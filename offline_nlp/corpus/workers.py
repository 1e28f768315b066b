"""The translating side of a corpus job: one engine per worker, model loaded once.

:class:`WorkerSpec` is everything a worker needs (picklable, so it travels to worker
processes and Ray actors); :class:`BlockTranslator` is the engine a worker builds from
it. Each line is one text of :meth:`Engine.translate_texts`, exactly as
``offline-nlp translate`` passes its input, so the output is the same whatever the
number of workers.

On one machine the workers are processes (:func:`run_local`): several single-thread
CTranslate2 replicas in separate processes beat one multi-thread translator on a CPU.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path

from offline_nlp.engine import Engine, EngineConfig, TranslationOptions
from offline_nlp.errors import EngineError
from offline_nlp.packages import InstalledPackage

__all__ = ["BlockTranslator", "WorkerSpec", "default_workers", "run_local", "usable_cores"]


@dataclass(frozen=True)
class WorkerSpec:
    """What a worker translates with: the route's package folders and how to decode."""

    packages: tuple[Path, ...]
    source: str
    target: str
    options: TranslationOptions
    config: EngineConfig
    # Run once in each worker before its engine is built (picklable; bench/corpus.py
    # fixes the decoding length with it, as bench/translate.py does in its process).
    setup: Callable[[], object] | None = None

    def with_packages(self, packages: tuple[Path, ...]) -> WorkerSpec:
        return replace(self, packages=packages)


class _Packages:
    """The engine's package source: exactly the packages of the job's route."""

    def __init__(self, packages: list[InstalledPackage]) -> None:
        self._packages = packages

    def installed(self) -> list[InstalledPackage]:
        return self._packages


class BlockTranslator:
    """One engine over the route's packages; the model is loaded on the first block."""

    def __init__(self, spec: WorkerSpec) -> None:
        self.spec = spec
        if spec.setup is not None:
            spec.setup()
        packages = [InstalledPackage.load(path) for path in spec.packages]
        self.engine = Engine(_Packages(packages), spec.config)

    def __call__(self, texts: list[str]) -> tuple[list[str], int, int, int]:
        """Translations of ``texts``, the number of source tokens they had, and the
        sentences kept as they were and possibly incomplete (as ``translate`` counts)."""
        spec = self.spec
        results = self.engine.translate_texts(texts, spec.source, spec.target, spec.options)
        first = self.engine.route(spec.source, spec.target).packages[0]
        tokens = sum(map(len, self.engine.models.get(first).tokenizer.encode(texts)))
        return ([result.text for result in results], tokens,
                sum(len(result.kept) for result in results),
                sum(len(result.suspect) for result in results))


def usable_cores() -> tuple[int, int]:
    """``(logical, physical)`` cores this process may run on (CPU affinity respected)."""
    try:
        cpus = sorted(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        count = os.cpu_count() or 1
        return count, count
    cores = set()
    for cpu in cpus:
        topology = Path(f"/sys/devices/system/cpu/cpu{cpu}/topology")
        try:
            cores.add(((topology / "physical_package_id").read_text().strip(),
                       (topology / "core_id").read_text().strip()))
        except OSError:
            cores.add(("?", str(cpu)))
    return len(cpus), max(1, len(cores))


def default_workers() -> tuple[int, int]:
    """``(workers, threads each)`` for this machine.

    One single-thread worker per physical core: on 2 cores, 2 workers × 1 thread
    translated faster than 1 worker × 2 threads (bench/corpus.py, README). SMT siblings
    of a core go to that core's worker as a second thread.
    """
    logical, physical = usable_cores()
    return physical, max(1, logical // physical)


# -- worker processes -------------------------------------------------------------------

_translator: BlockTranslator | None = None


def _start_worker(spec: WorkerSpec) -> None:
    global _translator
    _die_with_parent()
    _translator = BlockTranslator(spec)


def _die_with_parent() -> None:
    """Linux: end this worker when the job's process dies, even by SIGKILL.

    Otherwise a killed job leaves its workers waiting for blocks forever (and holding
    the job's stdout and stderr open).
    """
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the pool's own shutdown has to do
        return
    # A job killed while this worker was still starting (importing the engine, on a
    # busy machine) died before the line above, so no signal will come: go now.
    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:
        os._exit(1)


def _translate_in_worker(texts: list[str]) -> tuple[list[str], int, int, int]:
    assert _translator is not None
    return _translator(texts)


def run_local(spec: WorkerSpec, blocks: Iterable[tuple[object, list[str]]],
              workers: int) -> Iterator[tuple[object, list[str], int, int, int]]:
    """Translate ``(key, texts)`` blocks; yield ``(key, translations, tokens, kept,
    suspect)`` as each ends.

    One worker runs in this process; more run as processes, each loading the model once,
    with at most two blocks each queued so memory stays bounded.
    """
    if workers <= 1:
        translator = BlockTranslator(spec)
        for key, texts in blocks:
            yield (key, *translator(texts))
        return
    context = multiprocessing.get_context("spawn")  # never fork a process holding OpenMP
    with ProcessPoolExecutor(workers, context, _start_worker, (spec,)) as pool:
        pending: dict[Future[tuple[list[str], int, int, int]], object] = {}
        source = iter(blocks)
        try:
            while True:
                for key, texts in source:
                    pending[pool.submit(_translate_in_worker, texts)] = key
                    if len(pending) >= 2 * workers:
                        break
                if not pending:
                    return
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    yield (pending.pop(future), *future.result())
        except BrokenProcessPool:
            raise EngineError("a worker process died; the blocks finished so far are kept: "
                              "run the same command again to finish the rest") from None
