"""Map-reduce over a model's input window: texts cut into chunks that fit, the chunks'
summaries joined and summarised again until they fit one window.

Nothing here knows the model: it is given how to count tokens and how to summarise a
batch of chunks (:mod:`.abstractive` gives both).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from offline_nlp.engine.extractive import join_summary, sentence_layout
from offline_nlp.errors import EngineError
from offline_nlp.progress import ProgressCallback, report

__all__ = ["MAX_ROUNDS", "Generate", "Job", "TokenCount", "map_reduce", "split_into_chunks"]

# One logger for all summaries, named as the module was before it became a package.
log = logging.getLogger(__package__)

#: Map-reduce passes before giving up on shrinking (each pass divides the length by
#: roughly window / cap, so real inputs need two or three).
MAX_ROUNDS = 8

#: Counts the tokens a model sees for each string *as one whole input* (prefix and
#: special tokens included).
TokenCount = Callable[[list[str]], list[int]]
#: Summarises each chunk in at most its cap of tokens, all chunks submitted at once;
#: calls the third argument once for every chunk done.
Generate = Callable[[list[str], list[int], Callable[[], None]], list[str]]



def _paragraphs(text: str) -> list[list[str]]:
    """Sentences grouped by paragraph (a blank line ends one); wrapped lines joined."""
    paragraphs: list[list[str]] = []
    for sentence, gap in sentence_layout(text):
        if gap in ("", "\n\n"):
            paragraphs.append([])
        paragraphs[-1].append(sentence)
    return paragraphs


def _middle_boundary(text: str) -> int | None:
    """Where to halve a too-long sentence: the space nearest the middle, else the middle."""
    if len(text) < 2:
        return None
    middle = len(text) // 2
    spaces = [m.start() for m in re.finditer(r"\s+", text) if 0 < m.start() < len(text)]
    if spaces:
        return min(spaces, key=lambda i: abs(i - middle))
    return middle


def _hard_split(sentence: str, count: TokenCount, limit: int) -> list[str]:
    """A sentence longer than the window, halved at spaces (or characters) until it fits."""
    if count([sentence])[0] <= limit:
        return [sentence]
    cut = _middle_boundary(sentence)
    if cut is None:  # one character over the window: nothing sensible to do
        return [sentence]
    left, right = sentence[:cut].rstrip(), sentence[cut:].lstrip()
    return [part for half in (left, right) if half for part in _hard_split(half, count, limit)]


def _pack(paragraphs: list[list[tuple[str, int]]], budget: int) -> list[list[str]]:
    """Greedy: whole paragraphs while they fit, a too-long paragraph sentence by sentence."""
    chunks: list[list[str]] = []
    current: list[str] = []
    used = 0
    for units in paragraphs:
        whole = sum(cost for _, cost in units)
        if whole <= budget:
            if current and used + whole > budget:
                chunks.append(current)
                current, used = [], 0
            current.extend(text for text, _ in units)
            used += whole
            continue
        for text, cost in units:
            if current and used + cost > budget:
                chunks.append(current)
                current, used = [], 0
            current.append(text)
            used += cost
    if current:
        chunks.append(current)
    return chunks


def _verified(groups: list[list[str]], count: TokenCount, limit: int) -> list[str]:
    """Joined chunks, each measured as a whole; one over the window is halved again.

    Token counts are not exactly additive (a word at the start of an input may be cut
    differently), so the estimate of :func:`_pack` is checked, never trusted.
    """
    texts = [join_summary(group) for group in groups]
    sizes = count(texts)
    out: list[str] = []
    for group, text, size in zip(groups, texts, sizes):
        if size <= limit or len(group) == 1:
            out.append(text)
        else:
            half = len(group) // 2
            out.extend(_verified([group[:half], group[half:]], count, limit))
    return out


def split_into_chunks(text: str, count: TokenCount, limit: int) -> list[str]:
    """Cut ``text`` into model inputs of at most ``limit`` tokens each.

    Paragraphs stay whole when they fit, otherwise the cut falls between sentences;
    only a single sentence longer than the window is cut between words. Inside a chunk
    sentences are joined by one space (none after a CJK full stop).

    Args:
        count: see :data:`TokenCount`; ``count([""])`` is the fixed cost of an input
            (prefix, special tokens).
        limit: the model's window, ``max_input_tokens``.

    Raises:
        EngineError: the prefix alone does not leave room for any text.
    """
    paragraphs = _paragraphs(text)
    if not paragraphs:
        return []
    overhead = count([""])[0]
    budget = limit - overhead
    if budget < 1:
        raise EngineError(f"the summary prefix alone takes {overhead} of the model's "
                          f"{limit} input tokens")
    sentences = [s for para in paragraphs for s in para]
    sizes = iter(count(sentences))
    units: list[list[tuple[str, int]]] = []
    for para in paragraphs:
        row: list[tuple[str, int]] = []
        for sentence in para:
            size = next(sizes)
            parts = [sentence] if size <= limit else _hard_split(sentence, count, limit)
            part_sizes = [size] if len(parts) == 1 else count(parts)
            row.extend((part, max(1, n - overhead)) for part, n in zip(parts, part_sizes))
        units.append(row)
    return _verified(_pack(units, budget), count, limit)


# -- the passes ------------------------------------------------------------------------


@dataclass
class Job:
    """One text on its way through the map-reduce passes."""

    text: str
    cap: int
    tokens: int
    chunks: int = 0
    rounds: int = 0
    done: bool = False


class _Progress:
    """Chunk summaries done out of those known so far (later passes add to the total)."""

    def __init__(self, on_progress: ProgressCallback | None) -> None:
        self.on_progress, self.done, self.total, self.round = on_progress, 0, 0, 0

    def start_round(self, chunks: int) -> None:
        self.round += 1
        self.total += chunks
        report(self.on_progress, self.done, self.total, self.message)

    def add(self) -> None:
        self.done += 1
        report(self.on_progress, self.done, self.total, self.message)

    @property
    def message(self) -> str:
        return "chunks" if self.round <= 1 else f"chunks (pass {self.round})"


def map_reduce(texts: list[str], count: TokenCount, window: int, cap: Callable[[int], int],
               generate: Generate, on_progress: ProgressCallback | None) -> list[Job]:
    """Each text summarised: in one pass where it fits the ``window`` (in tokens), else its
    chunks' summaries joined and summarised again, for at most :data:`MAX_ROUNDS` passes.

    Args:
        cap: the most tokens a text's summary may have, from its length in tokens.
        on_progress: chunk summaries done / total (later passes add to the total).
    """
    sizes = count(texts) if texts else []
    jobs = [Job(text, cap(size), size) for text, size in zip(texts, sizes)]
    progress = _Progress(on_progress)
    for _ in range(MAX_ROUNDS):
        active = [job for job in jobs if not job.done]
        if not active:
            break
        _round(active, count, window, generate, progress)
    for job in jobs:
        if not job.done:
            log.warning("summary still longer than the window after %d passes", MAX_ROUNDS)
    return jobs


def _round(active: list[Job], count: TokenCount, window: int, generate: Generate,
           progress: _Progress) -> None:
    """One map-reduce pass: every chunk of every active text in one batched call."""
    pieces = [split_into_chunks(job.text, count, window) for job in active]
    flat = [(job, chunk) for job, chunks in zip(active, pieces) for chunk in chunks]
    if flat:
        progress.start_round(len(flat))
    outputs = iter(generate([c for _, c in flat], [job.cap for job, _ in flat], progress.add))
    for job, chunks in zip(active, pieces):
        if not chunks:  # nothing to summarise: no pass, no model call
            job.text, job.done = "", True
            continue
        job.rounds += 1
        job.chunks = job.chunks or len(chunks)
        results = [next(outputs) for _ in chunks]
        if len(chunks) == 1:
            job.text, job.done = results[0], True
            continue
        joined = join_summary([r for r in results if r])
        tokens = count([joined])[0]
        if not joined or tokens >= job.tokens:  # nothing left, or no longer shrinking
            if joined:
                log.warning("chunk summaries stopped getting shorter; kept as they are")
            job.done = True
        job.text, job.tokens = joined, tokens
