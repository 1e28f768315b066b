"""One engine thread fed by a queue that merges concurrent requests into shared batches.

A browser tab sends a page as a few requests of many text nodes; several tabs send at
once. Each request is a list of texts for ``(source, target, options, align)``. The
engine thread waits a few milliseconds after the first request arrives, takes every
waiting request with the same key, and translates all their texts with one
:meth:`Engine.translate_texts` call (whose length-sorted batches then mix the requests'
sentences); each request gets back exactly its own translations. While the engine works,
new requests queue up and form the next merged job, so batches stay full under load.

Fair scheduling: a request is *interactive* (a page's or a window's texts, at most
:data:`INTERACTIVE_CHARS`) or *bulk* (a document, a huge request). Bulk jobs run one
turn of about :data:`BULK_TURN_SECONDS` at a time, taking turns, and every waiting
interactive request goes before the next bulk turn: a sentence typed during a
100-page upload waits for the rest of one turn, not for the document (issue 25: 13.7 s
against 80 ms idle when one key's chunks all ran first).

Cancelling: a request cancelled before its job starts is dropped. Before each chunk
the texts of cancelled requests are left out, and a chunk whose requests are all
cancelled stops between model batches (the engine's cancel flag).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, InvalidStateError
from dataclasses import dataclass, field

from offline_nlp.engine.types import Translation, TranslationOptions
from offline_nlp.errors import Cancelled
from offline_nlp.progress import CancelFlag, ProgressCallback

__all__ = ["Batcher", "TranslationRequest"]

log = logging.getLogger(__name__)

#: How long the engine thread waits for more requests after the first one of a job.
GATHER_SECONDS = 0.005
#: Characters per engine call within a merged interactive job: many full model
#: batches, yet a cancelled request stops costing work within one chunk.
CHUNK_CHARS = 60_000
#: Requests longer than this are bulk work, which yields to interactive requests.
INTERACTIVE_CHARS = 20_000
#: A bulk job's turn aims at about this long: an interactive request arriving meanwhile
#: waits for the rest of it. Its size in characters follows the speed measured on the
#: last turns, so a fast model still gets full batches and a slow one short turns.
BULK_TURN_SECONDS = 0.25
#: Bounds of a bulk turn in characters; the first turn, before any speed is known, is
#: the smallest (about 20 sentences: a batch for each replica).
MIN_BULK_CHARS = 2_000
MAX_BULK_CHARS = 60_000

_clock = time.perf_counter  # a seam for the tests

Key = tuple[str, str, TranslationOptions, bool]


@dataclass(eq=False)
class TranslationRequest:
    """Texts of one HTTP request (or one document job) and where their results go."""

    texts: list[str]
    key: Key
    bulk: bool = False
    future: Future[list[Translation]] = field(default_factory=Future)
    cancelled: CancelFlag = field(default_factory=CancelFlag)

    def cancel(self) -> None:
        """Stop translating this request's texts; its future raises :class:`Cancelled`."""
        self.cancelled.set()

    @property
    def gone(self) -> bool:
        return self.cancelled.is_set() or self.future.cancelled()


class _ChunkCancel(threading.Event):
    """The engine's cancel flag for one chunk: set once all its requests are cancelled.

    It wakes the engine's wait for a model result as each request goes (see
    :class:`~offline_nlp.progress.CancelFlag`), so neither a result nor a cancel waits
    for a poll.
    """

    def __init__(self, requests: list[TranslationRequest]) -> None:
        super().__init__()
        self._requests = requests

    def is_set(self) -> bool:
        return all(r.gone for r in self._requests)

    def add_waker(self, wake: Callable[[], None]) -> Callable[[], None]:
        """Call ``wake`` whenever one of the requests goes (the waiter checks is_set)."""
        removers = [r.cancelled.add_waker(wake) for r in self._requests]
        for request in self._requests:
            request.future.add_done_callback(lambda _future: wake())

        def remove() -> None:
            for remover in removers:
                remover()
        return remove

    def wait(self, timeout: float | None = None) -> bool:
        woken = threading.Event()
        remove = self.add_waker(woken.set)
        try:
            deadline = None if timeout is None else time.monotonic() + timeout
            while not self.is_set():
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    break
                woken.wait(left)
                woken.clear()
        finally:
            remove()
        return self.is_set()


class Batcher:
    """Owns the engine's thread; :meth:`submit` from any thread, results in futures.

    Args:
        translate: the engine's ``translate_texts`` (only ever called on this thread).
        gather_seconds: how long to wait for more requests before starting a job.
    """

    def __init__(self, translate: Callable[..., list[Translation]],
                 gather_seconds: float = GATHER_SECONDS) -> None:
        self._translate = translate
        self._gather = gather_seconds
        self._waiting: dict[Key, list[TranslationRequest]] = {}  # interactive, by key
        self._bulk: deque[_Job] = deque()  # bulk jobs, each taking one chunk a turn
        self._lock = threading.Condition()
        self._closed = False
        self._running: list[TranslationRequest] = []
        self._bulk_rate: float | None = None  # characters a second of recent bulk turns
        self.jobs = 0  # engine calls made, for tests and the benchmark
        self._thread = threading.Thread(target=self._run, name="offline-nlp-engine",
                                        daemon=True)
        self._thread.start()

    def submit(self, texts: Sequence[str], source: str, target: str,
               options: TranslationOptions, align: bool = False, *,
               bulk: bool | None = None) -> TranslationRequest:
        """Queue ``texts``; the request's future gets one translation per text.

        ``bulk`` marks work nobody watches sentence by sentence (a document); by
        default a request is bulk when it is longer than :data:`INTERACTIVE_CHARS`.
        """
        texts = list(texts)
        if bulk is None:
            bulk = sum(len(text) for text in texts) > INTERACTIVE_CHARS
        request = TranslationRequest(texts, (source, target, options, align), bulk)
        if not request.texts:
            request.future.set_result([])
            return request
        with self._lock:
            if self._closed:
                raise RuntimeError("the translation server is shutting down")
            if bulk:
                self._bulk.append(_Job(request.key, [request]))
            else:
                self._waiting.setdefault(request.key, []).append(request)
            self._lock.notify()
        return request

    def translate_texts(self, texts: Sequence[str], source: str, target: str,
                        options: TranslationOptions | None = None, *, align: bool = False,
                        on_progress: ProgressCallback | None = None,
                        cancel: threading.Event | None = None) -> list[Translation]:
        """The engine's signature, so the documents pipeline can run through the queue
        (as bulk work: it yields to interactive requests)."""
        request = self.submit(texts, source, target, options or TranslationOptions(), align,
                              bulk=True)
        while True:
            try:
                return request.future.result(timeout=0.05)
            except TimeoutError:
                if cancel is not None and cancel.is_set():
                    request.cancel()
                    raise Cancelled() from None

    @property
    def closed(self) -> bool:
        return self._closed

    def cancel_all(self) -> None:
        """Cancel every request, waiting or running: each future raises :class:`Cancelled`
        now, and the engine stops at its next cancel check."""
        with self._lock:
            requests = [r for waiting in self._waiting.values() for r in waiting]
            requests += [r for job in self._bulk for r in job.requests]
            requests += self._running
        for request in requests:
            request.cancel()
            _resolve(request, error=Cancelled())

    def close(self, timeout: float = 5.0) -> None:
        """Cancel everything, stop the thread. A model batch cannot be interrupted, so
        the (daemon) engine thread is given ``timeout`` seconds to see the flag, no more."""
        with self._lock:
            self._closed = True
            self._lock.notify()
        self.cancel_all()
        self._thread.join(timeout=timeout)

    # -- the engine thread ------------------------------------------------------------

    def _run(self) -> None:
        while True:
            with self._lock:
                while not self._waiting and not self._bulk and not self._closed:
                    self._lock.wait()
                if self._closed and not self._waiting and not self._bulk:
                    return
                interactive = bool(self._waiting)
            if interactive:
                time.sleep(self._gather)  # let the other tabs' requests arrive
            with self._lock:
                if self._waiting:
                    key = next(iter(self._waiting))  # oldest key first: no starvation
                    job, bulk = _Job(key, self._waiting.pop(key)), False
                else:
                    job, bulk = self._bulk.popleft(), True
                self._running = job.requests
            if not bulk:
                while job.step(self, CHUNK_CHARS):  # an interactive job runs to its end
                    pass
            elif self._bulk_turn(job):
                with self._lock:
                    self._bulk.append(job)  # its next turn after the other jobs' turns
            with self._lock:
                self._running = []

    def _bulk_turn(self, job: _Job) -> bool:
        """One turn of a bulk job, sized from the speed of the last turns."""
        size = MIN_BULK_CHARS
        if self._bulk_rate is not None:
            size = int(min(MAX_BULK_CHARS, max(MIN_BULK_CHARS,
                                               self._bulk_rate * BULK_TURN_SECONDS)))
        started = _clock()
        more = job.step(self, size)
        seconds = _clock() - started
        if job.translated_chars and seconds > 0:
            rate = job.translated_chars / seconds
            self._bulk_rate = rate if self._bulk_rate is None else (self._bulk_rate + rate) / 2
        return more

    def _call(self, key: Key, live: list[tuple[TranslationRequest, str]],
              owners: list[TranslationRequest]) -> list[Translation]:
        self.jobs += 1
        source, target, options, align = key
        return self._translate([t for _, t in live], source, target, options, align=align,
                               cancel=_ChunkCancel(owners))

    def _one_by_one(self, live: list[tuple[TranslationRequest, str]], key: Key,
                    error: Exception) -> list[Translation]:
        """A merged chunk failed: translate each request's texts alone, so only the
        request that caused the failure fails, and the others get their translations."""
        source, target, options, align = key
        out: list[Translation] = []
        for request in list({id(r): r for r, _ in live}.values()):
            texts = [t for r, t in live if r is request]
            try:
                done = self._translate(texts, source, target, options, align=align,
                                       cancel=_ChunkCancel([request]))
            except Exception as exc:  # noqa: BLE001 - this request's own failure
                log.warning("a request failed alone after its batch failed (%s): %s",
                            error, exc)
                _resolve(request, error=exc)
                request.cancel()  # its later texts are left out
                done = [Translation(text="") for _ in texts]
            out.extend(done)
        # back in the chunk's order (requests' texts are contiguous there)
        return out


class _Job:
    """Merged requests of one key, translated a chunk per :meth:`step`."""

    def __init__(self, key: Key, requests: list[TranslationRequest]) -> None:
        self.key = key
        self.requests = requests
        self._texts = [(r, t) for r in requests for t in r.texts]
        self._next = 0
        self._results: dict[int, list[Translation]] = {id(r): [] for r in requests}
        self._pending = list(requests)
        self.translated_chars = 0  # by the last step

    def _take(self, chars: int) -> list[tuple[TranslationRequest, str]] | None:
        """The next texts in request order, about ``chars`` characters (at least one)."""
        if self._next >= len(self._texts):
            return None
        chunk, size = [], 0
        while self._next < len(self._texts) and (not chunk or size < chars):
            chunk.append(self._texts[self._next])
            size += len(self._texts[self._next][1])
            self._next += 1
        return chunk

    def step(self, batcher: Batcher, chars: int) -> bool:
        """Translate the next ``chars`` characters; False once every request has its answer."""
        self.translated_chars = 0
        try:
            chunk = self._take(chars)
            if chunk is None:
                for request in self._pending:
                    _resolve(request, error=Cancelled())
                return False
            live = [(r, t) for r, t in chunk if not r.gone]
            if live:
                owners = list({id(r): r for r, _ in live}.values())
                try:
                    translations = batcher._call(self.key, live, owners)
                    self.translated_chars = sum(len(t) for _, t in live)
                except Cancelled:  # every owner of this chunk is gone; later ones go on
                    translations = None
                except Exception as exc:  # noqa: BLE001 - find whose texts failed
                    if len(owners) == 1:
                        raise
                    translations = batcher._one_by_one(live, self.key, exc)
                if translations is not None:
                    for (request, _), translation in zip(live, translations, strict=True):
                        self._results[id(request)].append(translation)
            self._pending = self._finish()
        except BaseException as exc:  # noqa: BLE001 - every waiting request hears of it
            log.warning("translation failed: %s", exc)
            for request in self._pending:
                _resolve(request, error=exc)
            return False
        return bool(self._pending)

    def _finish(self) -> list[TranslationRequest]:
        """Resolve requests whose texts are all done (early: small requests need not wait)."""
        still = []
        for request in self._pending:
            if request.gone:
                _resolve(request, error=Cancelled())
            elif len(self._results[id(request)]) == len(request.texts):
                _resolve(request, self._results[id(request)])
            else:
                still.append(request)
        return still


def _resolve(request: TranslationRequest, result: list[Translation] | None = None,
             error: BaseException | None = None) -> None:
    """Set the future unless its waiter already cancelled it (a race we cannot lock)."""
    try:
        if error is not None:
            request.future.set_exception(error)
        else:
            request.future.set_result(result or [])
    except InvalidStateError:
        pass
