"""Corpus blocks on a Ray cluster: Ray Data ``map_batches`` over an actor pool.

Each actor builds one :class:`~offline_nlp.corpus.workers.BlockTranslator` and so loads
the model once; each Ray Data batch is one corpus block. The driver keeps reading the
inputs and writing every result, as in local mode, so nodes need no access to the
input or output folders. The route's packages travel from the driver through Ray's
object store and are unpacked once per node (``--shared-packages`` instead reads them at
the driver's path); workers never download anything.

Needs the ``[cluster]`` extra (``ray[data]``, ``pyarrow``) on the driver and every node.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import shutil
import tarfile
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from offline_nlp.corpus.workers import BlockTranslator, WorkerSpec
from offline_nlp.errors import EngineError, OfflineNLPError

__all__ = ["connect"]

Key = tuple[int, int]


def _ray() -> Any:
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError:
        raise OfflineNLPError("--cluster needs Ray; install it with "
                              "pip install 'offline-nlp[cluster]'") from None
    return ray


def connect(address: str, spec: WorkerSpec, *, shared: bool = False) -> tuple[Any, int, WorkerSpec]:
    """Join the cluster; return ``(runner, default workers, spec)``.

    ``address`` is ``auto`` (the cluster this machine belongs to) or ``ray://HOST:PORT``.
    A Ray session this process already started (``ray.init``) is used as it is.
    """
    ray = _ray()
    if not ray.is_initialized():
        try:
            ray.init(address=address, logging_level=logging.WARNING, log_to_driver=False)
        except Exception as exc:  # ConnectionError, ValueError... all mean "no cluster there"
            raise OfflineNLPError(
                f"cannot join a Ray cluster at {address!r} ({str(exc).splitlines()[0]}); "
                "start one with 'ray start --head' or give --cluster ray://HOST:PORT") from None
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False  # our own progress line says more
    logging.getLogger("ray.data").setLevel(logging.WARNING)  # its full logs stay in /tmp/ray
    threads = spec.config.cpu_threads or 1
    workers = max(1, int(ray.cluster_resources().get("CPU", 1)) // threads)
    payload = None if shared else _ship(ray, spec.packages)

    def runner(spec: WorkerSpec, blocks: Iterable[tuple[Key, list[str]]],
               workers: int) -> Iterator[tuple[Key, list[str], int, int, int]]:
        return _run(ray, spec, payload, blocks, workers)

    return runner, workers, spec


def _ship(ray: Any, packages: tuple[Path, ...]) -> tuple[str, Any]:
    """The route's package folders as one tar in the object store, named by its hash."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for number, folder in enumerate(packages):
            archive.add(folder, arcname=str(number))
    data = buffer.getvalue()
    return hashlib.sha256(data).hexdigest()[:32], ray.put(data)


def _unpack(ray: Any, payload: tuple[str, Any], count: int) -> tuple[Path, ...]:
    """The shipped packages, unpacked once per node (other actors reuse the folder)."""
    digest, ref = payload
    folder = Path(tempfile.gettempdir()) / "offline-nlp-ray-packages" / digest
    if not folder.is_dir():
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=folder.parent))
        with tarfile.open(fileobj=io.BytesIO(ray.get(ref))) as archive:
            archive.extractall(staging, filter="data")
        try:
            os.rename(staging, folder)  # atomic: an actor never sees half a package
        except OSError:  # another actor on this node was first
            shutil.rmtree(staging, ignore_errors=True)
    return tuple(folder / str(number) for number in range(count))


class RayBlockTranslator:
    """The Ray Data actor: one engine, one block (one row) per call."""

    def __init__(self, spec: WorkerSpec, payload: tuple[str, Any] | None) -> None:
        import ray

        if payload is not None:
            spec = spec.with_packages(_unpack(ray, payload, len(spec.packages)))
        self.translator = BlockTranslator(spec)

    def __call__(self, batch: Any) -> Any:
        import pyarrow as pa

        rows = batch.to_pylist()
        results = [self.translator(row["texts"]) for row in rows]
        return pa.table({
            "file": pa.array([row["file"] for row in rows], pa.int64()),
            "block": pa.array([row["block"] for row in rows], pa.int64()),
            "translations": pa.array([r[0] for r in results], pa.list_(pa.string())),
            "tokens": pa.array([r[1] for r in results], pa.int64()),
            "kept": pa.array([r[2] for r in results], pa.int64()),
            "suspect": pa.array([r[3] for r in results], pa.int64()),
        })


def _run(ray: Any, spec: WorkerSpec, payload: tuple[str, Any] | None,
         blocks: Iterable[tuple[Key, list[str]]], workers: int,
         ) -> Iterator[tuple[Key, list[str], int, int, int]]:
    import pyarrow as pa

    tables = [pa.table({"file": pa.array([key[0]], pa.int64()),
                        "block": pa.array([key[1]], pa.int64()),
                        "texts": pa.array([texts], pa.list_(pa.string()))})
              for key, texts in blocks]
    if not tables:
        return
    # One Ray block per corpus block: no repartition task competing with the actors
    # for CPUs, and every actor call is one block.
    dataset = ray.data.from_arrow(tables)
    translated = dataset.map_batches(
        RayBlockTranslator, batch_size=1, batch_format="pyarrow",
        fn_constructor_kwargs={"spec": spec, "payload": payload},
        compute=ray.data.ActorPoolStrategy(size=min(workers, len(tables))),
        num_cpus=spec.config.cpu_threads or 1)
    try:
        for row in translated.iter_rows():
            yield ((int(row["file"]), int(row["block"])), list(row["translations"]),
                   int(row["tokens"]), int(row["kept"]), int(row["suspect"]))
    except OfflineNLPError:
        raise
    except Exception as exc:  # a RayTaskError wraps what went wrong on the node
        first = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise EngineError(f"the Ray job failed ({first}); the blocks finished so far are "
                          "kept: run the same command again to finish the rest") from None
