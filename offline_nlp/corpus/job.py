"""A corpus job: plan the files, translate the blocks not yet done, write each output.

The driver (this module) reads the inputs and writes every result; workers only
translate lists of texts. So the same driver runs worker processes on one machine and
Ray actors on a cluster (:data:`Runner`), and a killed job resumes from the block files
it left (:mod:`offline_nlp.corpus.state`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from offline_nlp.corpus.formats import SUFFIXES, BlockInput, CorpusFormat, chain_blocks, format_for
from offline_nlp.corpus.state import BlockDamaged, BlockResult, FileState, block_checksum
from offline_nlp.corpus.workers import WorkerSpec
from offline_nlp.engine.types import TranslationOptions
from offline_nlp.errors import OfflineNLPError
from offline_nlp.progress import ProgressCallback, atomic_write, cannot_write, report

__all__ = ["CorpusFile", "CorpusSummary", "Runner", "plan_files", "run_corpus"]

Key = tuple[int, int]  # (file number, block number)
# Translates (key, texts) blocks with `workers` workers; yields (key, translations, tokens).
Runner = Callable[[WorkerSpec, Iterable[tuple[Key, list[str]]], int],
                  Iterator[tuple[Key, list[str], int]]]


@dataclass
class CorpusFile:
    """One input file and where it goes. ``status``: pending, done, earlier or failed."""

    source: Path
    output: Path
    format: CorpusFormat
    state: FileState
    identity: dict[str, Any] = field(default_factory=dict)
    status: str = "pending"
    error: str = ""
    lines: int = 0
    blocks: int = 0
    pending: set[int] = field(default_factory=set)
    failures: list[tuple[int, str]] = field(default_factory=list)
    kept: int = 0  # sentences in another script, kept as they were
    suspect: int = 0  # sentences whose translation may be incomplete
    redone: str = ""  # saved blocks that did not validate, and why


@dataclass
class CorpusSummary:
    files: list[CorpusFile]
    skipped: list[tuple[Path, str]]
    workers: int
    mode: str
    blocks: int = 0
    blocks_resumed: int = 0
    lines: int = 0
    tokens: int = 0
    seconds: float = 0.0

    @property
    def failures(self) -> list[tuple[Path, int, str]]:
        return [(f.source, line, reason) for f in self.files for line, reason in f.failures]

    @property
    def kept(self) -> int:
        return sum(f.kept for f in self.files)

    @property
    def suspect(self) -> int:
        return sum(f.suspect for f in self.files)

    def to_json(self) -> dict[str, Any]:
        rate = self.seconds or float("inf")
        return {
            "mode": self.mode, "workers": self.workers,
            "files": [{"input": str(f.source), "output": str(f.output), "status": f.status,
                       "lines": f.lines, "blocks": f.blocks, "failures": len(f.failures),
                       "kept": f.kept, "suspect": f.suspect,
                       **({"redone": f.redone} if f.redone else {}),
                       **({"error": f.error} if f.error else {})} for f in self.files],
            "skipped": [{"input": str(p), "reason": r} for p, r in self.skipped],
            "blocks": self.blocks, "blocks_resumed": self.blocks_resumed,
            "lines": self.lines, "failed_lines": len(self.failures),
            "kept": self.kept, "suspect": self.suspect,
            "failures": [{"file": str(p), "line": n, "error": r} for p, n, r in self.failures],
            "seconds": round(self.seconds, 3), "lines_per_second": round(self.lines / rate, 1),
            "tokens_per_second": round(self.tokens / rate, 1),
        }


def plan_files(inputs: list[Path], output_dir: Path, field_name: str,
               ) -> tuple[list[CorpusFile], list[tuple[Path, str]]]:
    """The corpus files under ``inputs`` and their outputs (same relative names)."""
    from offline_nlp.documents.pipeline import collect_inputs

    output_dir = output_dir.absolute()
    found, skipped = collect_inputs(inputs, accept=lambda p: p.suffix.lower() in SUFFIXES)
    files: list[CorpusFile] = []
    seen: dict[Path, Path] = {}
    for source, root in found:
        if output_dir in source.absolute().parents:
            continue  # an earlier output of this job inside an input folder
        relative = source.relative_to(root)
        output = output_dir / relative
        item = CorpusFile(source, output, format_for(source, field_name),
                          FileState(output_dir, relative))
        if output.resolve() == source.resolve():
            item.status, item.error = "failed", "the output would replace the input"
        elif output in seen:
            item.status, item.error = "failed", f"{seen[output]} writes {output} already"
        seen.setdefault(output, source)
        files.append(item)
    return files, skipped


def _identity(item: CorpusFile, job: dict[str, Any]) -> dict[str, Any]:
    stat = item.source.stat()
    return {"input": str(item.source.resolve()), "size": stat.st_size,
            "mtime_ns": stat.st_mtime_ns, "format": item.format.name, **job}


def _prepare(item: CorpusFile, job: dict[str, Any], block_lines: int, overwrite: bool) -> None:
    """Decide what is left to do for ``item``: nothing, the missing blocks, or all."""
    item.identity = _identity(item, job)
    manifest = item.state.manifest() or {}
    same = all(manifest.get(key) == value for key, value in item.identity.items())
    if same and manifest.get("complete") and item.output.exists():
        item.status, item.lines = "earlier", int(manifest.get("lines", 0))
        item.blocks = int(manifest.get("blocks", 0))
        item.failures = [(int(n), str(r)) for n, r in manifest.get("failures", [])]
        item.kept, item.suspect = int(manifest.get("kept", 0)), int(manifest.get("suspect", 0))
        return
    if item.output.exists() and not overwrite:
        raise OfflineNLPError(f"{item.output} exists; pass --overwrite to replace it")
    if manifest and not same and item.state.done_blocks() and not overwrite:
        raise OfflineNLPError(
            f"an unfinished job for {item.output} used another input, model or settings; "
            f"pass --overwrite to start it again")
    item.lines = item.format.count(item.source)
    item.blocks = -(-item.lines // block_lines)
    if not same or manifest.get("complete"):  # new, changed, or its output was deleted
        item.state.start(item.identity)
    done = item.state.done_blocks() & set(range(item.blocks))
    if done:
        done -= _damaged_blocks(item, done, block_lines)
    item.pending = set(range(item.blocks)) - done


def _damaged_blocks(item: CorpusFile, done: set[int], block_lines: int) -> set[int]:
    """The saved blocks that do not validate against the input (line count, types,
    checksum of its lines): they are removed, to be translated again, and
    ``item.redone`` says so. Reads the input once."""
    bad: dict[int, str] = {}
    for index, block in enumerate(item.format.blocks(item.source, block_lines)):
        if index in done:
            why = item.state.check_block(index, len(block.texts),
                                         block_checksum(block.texts, block.failures))
            if why is not None:
                bad[index] = why
    for index in bad:
        item.state.drop_block(index)
    if bad:
        first = min(bad)
        item.redone = (f"{len(bad)} saved block(s) did not validate and were translated "
                       f"again (block {first}: {bad[first]})")
    return set(bad)


def _read_pending(files: list[CorpusFile], block_lines: int,
                  inputs: dict[Key, BlockInput]) -> Iterator[tuple[Key, list[str]]]:
    """The texts of every block still to do, in order; keeps each block's layout in ``inputs``."""
    for number, item in enumerate(files):
        if not item.pending:
            continue
        try:
            for index, block in enumerate(item.format.blocks(item.source, block_lines)):
                if index in item.pending:
                    inputs[(number, index)] = block
                    yield (number, index), [t for t in block.texts if t is not None]
        except (OSError, OfflineNLPError) as exc:
            item.status, item.error, item.pending = "failed", str(exc), set()


def _merge(block: BlockInput, translations: list[str], tokens: int, kept: int = 0,
           suspect: int = 0) -> BlockResult:
    it = iter(translations)
    return BlockResult([None if text is None else next(it) for text in block.texts],
                       block.failures, tokens, block_checksum(block.texts, block.failures),
                       kept, suspect)


def _changed(item: CorpusFile) -> str:
    """Why ``item``'s input is no longer the one its blocks were read from, or ``""``."""
    try:
        now = _identity(item, {})
    except OSError as exc:
        return f"its input {item.source} is gone ({exc.strerror or exc})"
    if (now["size"], now["mtime_ns"]) != (item.identity["size"], item.identity["mtime_ns"]):
        return (f"its input {item.source} changed while it was translated ({now['size']} "
                f"bytes now, {item.identity['size']} before); run the same command again "
                "to translate it anew")
    return ""


def _finish(item: CorpusFile) -> None:
    """Every block is done: write the output from the block files, atomically."""
    changed = _changed(item)
    if changed:
        item.status, item.error = "failed", changed
        return
    try:
        item.output.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cannot_write(item.output.parent, exc) from None
    failures: list[tuple[int, str]] = []
    counts = [0, 0]

    def translations() -> Iterator[list[str | None]]:
        for result in item.state.results(item.blocks):
            failures.extend(result.failures)
            counts[0] += result.kept
            counts[1] += result.suspect
            yield result.translations

    try:
        with atomic_write(item.output) as out:
            item.format.write(item.source, out, chain_blocks(translations()))
    except BlockDamaged as exc:  # changed on disk since it was checked
        item.status, item.error = "failed", (f"a saved block of {item.output} is damaged "
                                             f"({exc}); run the same command again")
        return
    item.failures, (item.kept, item.suspect) = failures, counts
    try:
        item.state.finish({**item.identity, "lines": item.lines, "blocks": item.blocks,
                           "failures": failures, "kept": item.kept, "suspect": item.suspect})
    except OSError as exc:
        raise cannot_write(item.state.manifest_file, exc) from None
    item.status = "done"


def _options_identity(options: TranslationOptions) -> dict[str, object]:
    """The options as the job's identity: a glossary by its fingerprint (a job run again
    with other terms starts again), and no glossary key at all without one."""
    identity = asdict(replace(options, glossary=None))
    del identity["glossary"]
    if options.glossary:
        identity["glossary"] = options.glossary.digest
    return identity


def run_corpus(files: list[CorpusFile], spec: WorkerSpec, runner: Runner, workers: int, *,
               block_lines: int = 1000, overwrite: bool = False, mode: str = "local",
               skipped: list[tuple[Path, str]] | None = None, models: list[str] | None = None,
               on_progress: ProgressCallback | None = None) -> CorpusSummary:
    """Translate every pending block of ``files`` with ``runner`` and write the outputs."""
    summary = CorpusSummary(files, list(skipped or []), workers, mode)
    job = {"from": spec.source, "to": spec.target, "models": models or [],
           "options": _options_identity(spec.options), "block_lines": block_lines}
    for item in files:
        if item.status == "pending":
            try:
                _prepare(item, job, block_lines, overwrite)
            except (OSError, OfflineNLPError) as exc:
                item.status, item.error = "failed", str(exc)
    active = [f for f in files if f.status == "pending"]
    summary.blocks = sum(f.blocks for f in active)
    summary.blocks_resumed = summary.blocks - sum(len(f.pending) for f in active)
    total = sum(min(block_lines, f.lines - b * block_lines) for f in active for b in f.pending)
    for item in active:
        if not item.pending:
            _finish(item)  # all blocks were done by an earlier run
    inputs: dict[Key, BlockInput] = {}
    started = time.monotonic()
    for key, translations, tokens, *notes in runner(
            spec, _read_pending(files, block_lines, inputs), workers):
        item, block = files[key[0]], inputs.pop(key)
        try:
            item.state.save_block(key[1], _merge(block, translations, tokens, *notes))
        except OSError as exc:  # a full disk: the blocks saved so far are kept
            raise cannot_write(item.state.blocks_dir, exc) from None
        summary.lines += len(block.texts)
        summary.tokens += tokens
        summary.seconds = time.monotonic() - started
        report(on_progress, summary.lines, total,
               f"{summary.lines / summary.seconds:.0f} lines/s, "
               f"{summary.tokens / summary.seconds:.0f} tokens/s")
        item.pending.discard(key[1])
        if not item.pending and item.status == "pending":
            _finish(item)
    summary.seconds = time.monotonic() - started
    for item in active:
        if item.status == "pending":  # its input ran out of lines before its last block
            item.status = "failed"
            item.error = _changed(item) or (
                f"its input {item.source} has fewer lines than when the job started; run "
                "the same command again")
    return summary
