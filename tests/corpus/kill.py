"""Corpus jobs that die part-way, for the tests of resuming (they used to be environment
variables read by offline_nlp/corpus; the product no longer carries test hooks).

``python kill.py N ARGS...`` runs ``offline-nlp ARGS...`` and exits, as abruptly as a
kill (status 75), right after the job saved its Nth block. :func:`workers_exit_at_block`
makes each worker process of a local job exit the same way on its Nth block, through
the worker set-up that :class:`WorkerSpec` already carries.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

from offline_nlp.corpus import workers
from offline_nlp.corpus.state import FileState

KILLED = 75   # the exit status of a job or worker that these hooks stop


def run_killed(args: list[str], after_blocks: int, **env: str) -> subprocess.CompletedProcess[str]:
    """``offline-nlp ARGS`` in a child process that dies after saving ``after_blocks``."""
    return subprocess.run([sys.executable, str(Path(__file__)), str(after_blocks), *args],
                          env={**os.environ, **env}, capture_output=True, text=True,
                          check=False)


def _exit_after_saving(count: int) -> None:
    save = FileState.save_block
    saved = 0

    def save_then_maybe_die(self: FileState, *args: object) -> None:
        nonlocal saved
        save(self, *args)  # type: ignore[arg-type]
        saved += 1
        if saved == count:
            os._exit(KILLED)

    FileState.save_block = save_then_maybe_die  # type: ignore[method-assign]


def _exit_at_block(count: int) -> None:
    """A worker's set-up: this process exits on its ``count``th block, before translating."""
    translate = workers.BlockTranslator.__call__
    seen = 0

    def translate_or_die(self: workers.BlockTranslator,
                         texts: list[str]) -> tuple[list[str], int, int, int]:
        nonlocal seen
        seen += 1
        if seen == count:
            os._exit(KILLED)
        return translate(self, texts)

    workers.BlockTranslator.__call__ = translate_or_die  # type: ignore[method-assign]


@contextmanager
def workers_exit_at_block(count: int) -> Iterator[None]:
    """While inside, each worker process of a local corpus job exits on its ``count``th
    block, as if killed (the job itself goes on and must say so)."""
    run_local = workers.run_local

    def dying(spec: workers.WorkerSpec, blocks, worker_count: int):  # type: ignore[no-untyped-def]
        setup = functools.partial(_exit_at_block, count)
        return run_local(dataclasses.replace(spec, setup=setup), blocks, worker_count)

    with mock.patch.object(workers, "run_local", dying):
        yield


if __name__ == "__main__":
    from offline_nlp.cli import main

    _exit_after_saving(int(sys.argv[1]))
    sys.exit(main(sys.argv[2:]))
