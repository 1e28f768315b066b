"""Cutting a job's sentences into token batches, and waiting for CTranslate2's results."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from offline_nlp.progress import POLL_SECONDS, check_cancel, on_cancel

__all__ = ["batch_cap", "make_batches", "wait_all", "wait_for"]

# Sentences per window that are length-sorted together: big enough for full batches,
# small enough that results of early paragraphs come back early.
_WINDOW_BATCHES = 8
# The smallest batch worth giving a replica of its own (about two short sentences).
_MIN_SPLIT_TOKENS = 48
# Requests up to this many sentences are checked for batches of even size (_batch_cap).
_BALANCE_LIMIT = 512


def batch_cap(tokens: list[list[str]], max_tokens: int, replicas: int) -> int:
    """Tokens per batch so that a short request still gives every replica work.

    A request under ``max_tokens`` would otherwise be one batch on one replica while the
    others idle: 10 sentences took 0.54 s on 2 replicas where splitting them took 0.30 s
    (issue 15). Below ``_MIN_SPLIT_TOKENS`` a split costs more than it saves.
    """
    # Padded, as batches are counted: the longest sentence times the count. On the
    # unpadded sum, length-sorted batches come out one more than there are replicas.
    total = (max((len(t) for t in tokens), default=0) + 1) * len(tokens)
    share = -(-total // max(1, replicas))
    cap = max(_MIN_SPLIT_TOKENS, min(max_tokens, share))
    if len(tokens) > _BALANCE_LIMIT:
        return cap
    # Sorted batches need less padding than the estimate above, so the first batches
    # filled up to the cap left the last a remnant: 40 sentences went as 33 and 7 rows
    # (858 and 301 padded tokens), one replica doing most of the work (issue 25:
    # engine/ceiling 0.74-0.84 at 40 sentences). A short request instead gets the
    # smallest cap that still makes a whole number of rounds over the replicas.
    count = len(make_batches(tokens, cap))
    if count > 2 * replicas:
        return cap  # a long job: its batches keep every replica busy anyway
    rounds = -(-count // max(1, replicas)) * max(1, replicas)
    low, high = _MIN_SPLIT_TOKENS, cap
    while low < high:
        middle = (low + high) // 2
        if len(make_batches(tokens, middle)) <= rounds:
            high = middle
        else:
            low = middle + 1
    return high


def make_batches(tokens: list[list[str]], max_tokens: int) -> list[list[int]]:
    """Indices cut into batches of at most ``max_tokens``, sorted by length per window.

    Sorting the whole job would give the fullest batches, but windows keep results of
    the first paragraphs coming first; within a window sorting costs nothing.
    """
    window_tokens = max_tokens * _WINDOW_BATCHES
    batches: list[list[int]] = []
    window: list[int] = []
    size = 0
    for index, toks in enumerate(tokens):
        window.append(index)
        size += len(toks) + 1
        if size >= window_tokens:
            batches.extend(_cut(window, tokens, max_tokens))
            window, size = [], 0
    batches.extend(_cut(window, tokens, max_tokens))
    return batches


def _cut(window: list[int], tokens: list[list[str]], max_tokens: int) -> list[list[int]]:
    batches: list[list[int]] = []
    current: list[int] = []
    longest = 0
    for index in sorted(window, key=lambda i: len(tokens[i])):
        length = len(tokens[index]) + 1
        if current and max(longest, length) * (len(current) + 1) > max_tokens:
            batches.append(current)
            current, longest = [], 0
        current.append(index)
        longest = max(longest, length)
    if current:
        batches.append(current)
    return batches


def wait_for(future: Any, cancel: threading.Event | None) -> Any:
    """One CTranslate2 result; see :func:`wait_all`."""
    return wait_all([future], cancel)[0]


def wait_all(futures: Sequence[Any], cancel: threading.Event | None) -> list[Any]:
    """CTranslate2's results of one batch, returned as soon as they are ready.

    A Transformer-base batch can take seconds, so a cancel must not wait for it. Without
    a cancel flag this thread simply blocks on the results. With one, a helper thread
    blocks on them and wakes this one, which also wakes when the flag is set: a short
    request costs no fixed wait (issue 25 measured 52 ms against 5 ms when this
    polled every 50 ms). An abandoned batch finishes in CTranslate2's threads and is
    dropped.
    """
    check_cancel(cancel)
    if cancel is None or all(f.done() for f in futures):
        return [f.result() for f in futures]
    done = threading.Event()  # the results are in
    woken = threading.Event()  # the results are in, or the cancel flag was set
    results: list[Any] = []
    errors: list[BaseException] = []

    def collect() -> None:
        try:
            results.extend([f.result() for f in futures])
        except BaseException as exc:  # noqa: BLE001 - raised again in the waiting thread
            errors.append(exc)
        finally:
            done.set()
            woken.set()

    # A daemon thread, not a pool: an abandoned batch must never hold up the exit.
    threading.Thread(target=collect, name="offline-nlp-results", daemon=True).start()
    remove = on_cancel(cancel, woken.set)
    try:
        # The flag is set before its wakers run, and done before woken: clearing woken
        # after a wake can lose neither the cancel nor the results.
        while not done.is_set():
            check_cancel(cancel)
            woken.wait(None if remove is not None else POLL_SECONDS)
            woken.clear()
    finally:
        if remove is not None:
            remove()
    if errors:
        raise errors[0]
    return results
