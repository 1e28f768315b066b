"""The Documents tab's job model: the queue of files and the rules of a batch, no widgets.

One row is one :class:`QueuedFile`. :class:`DocumentQueue` keeps them in order and
decides what the view shows and starts: no source twice, each row its own output
(``report (2).xl.txt``, as the CLI names them), one answer per batch about existing
translations, which queued file may start next, and the batch's figures (files done,
time left from the sentences translated per second so far). Folder scans run
:func:`scan_folder` in the background. The view is :mod:`offline_nlp.gui.documents_tab`.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections import deque
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from offline_nlp.documents.pipeline import (
    DocumentResult,
    distinct_outputs,
    is_own_output,
    output_path,
    translate_documents,
)
from offline_nlp.documents.registry import is_supported
from offline_nlp.progress import Progress, ProgressCallback, check_cancel

if TYPE_CHECKING:
    from offline_nlp.engine import Engine, TranslationOptions

__all__ = ["FINISHED", "DocumentQueue", "QueuedFile", "ScanResult", "batch_status",
           "batch_summary", "translation_work",
           "format_eta", "integrity_note", "scan_folder", "seconds_left"]

FINISHED = ("done", "failed", "cancelled", "skipped")


@dataclass
class QueuedFile:
    """One row of the queue; ``status`` is queued, reading, translating, cancelling or one
    of FINISHED. ``progress`` is this file's own percentage; ``sentences`` its sentence
    count once read. ``from_lang``/``to_lang`` are fixed when it is queued."""

    source: Path
    root: Path
    status: str = "queued"
    output: Path | None = None
    progress: int = 0
    message: str = ""
    size: int = 1
    replace: bool | None = None      # replace an existing translation (None: not asked)
    exists: bool = False             # its output existed when it was queued
    cancel_requested: bool = False
    row: int = -1
    from_lang: str = ""
    to_lang: str = ""
    sentences: int = 0
    in_run: bool = field(default=False, repr=False)   # part of the batch under way


@dataclass(frozen=True)
class ScanResult:
    found: int
    unsupported: int
    own_outputs: int = 0


class DocumentQueue:
    """The queued files in order, with the outputs given out and the batch's answer."""

    def __init__(self) -> None:
        self.files: list[QueuedFile] = []
        self.replace_answer: bool | None = None   # this batch's answer, once asked
        self._active: set[Path] = set()        # sources queued or running (no duplicates)
        self._taken: dict[str, str] = {}       # outputs given out -> their sources
        self._first_queued = 0                 # rows before it are all past "queued"

    # -- adding ---------------------------------------------------------------------------

    def new_files(self, found: list[tuple[Path, Path, int]], source: str,
                  target: str) -> list[QueuedFile]:
        """Rows for ``(path, root, size)`` not queued or running yet, with this pair."""
        items = []
        for path, root, size in found:
            key = path.absolute()
            if key not in self._active:
                self._active.add(key)
                items.append(QueuedFile(path, root, size=max(1, size), from_lang=source,
                                        to_lang=target, in_run=True))
        return items

    def name_outputs(self, items: list[QueuedFile], out_dir: Path | None,
                     pdf_suffix: str) -> None:
        """Each row its own output, named as the CLI names them (``report (2).xl.txt``);
        a PDF's output takes ``pdf_suffix`` (``.pdf`` or ``.docx``)."""
        by_target: dict[str, list[QueuedFile]] = {}
        for item in items:
            by_target.setdefault(item.to_lang, []).append(item)
        for target, group in by_target.items():
            planned = [(item.source, _with_pdf_suffix(item.source, output_path(
                item.source, out_dir or item.source.parent, target,
                item.root if out_dir else None), pdf_suffix)) for item in group]
            for item, (_, output) in zip(group, distinct_outputs(planned, target, self._taken)):
                item.output = output

    def release_output(self, item: QueuedFile) -> None:
        if item.output is not None:
            self._taken.pop(os.path.normcase(os.path.abspath(item.output)), None)

    def note_existing(self, items: list[QueuedFile]) -> bool:
        """Rows whose translation exists take the batch's answer; True when some wait
        for it (it has not been given yet)."""
        waiting = False
        for item in items:
            item.exists = item.output is not None and item.output.exists()
            if item.exists and item.replace is None:
                item.replace = self.replace_answer
                waiting = waiting or item.replace is None
        return waiting

    def append(self, items: list[QueuedFile]) -> None:
        first = len(self.files)
        for offset, item in enumerate(items):
            item.row = first + offset
            self.files.append(item)

    def repin(self, source: str, target: str,
              has_pair: Callable[[str, str], bool]) -> list[QueuedFile]:
        """Queued rows whose pair is not installed take ``source → target``; returns them
        (their outputs are named again, and asked about again)."""
        stuck = [f for f in self.files if f.status == "queued"
                 and not has_pair(f.from_lang, f.to_lang)]
        for item in stuck:
            self.release_output(item)
            item.from_lang, item.to_lang, item.replace = source, target, None
        return stuck

    # -- states ---------------------------------------------------------------------------

    def set_status(self, item: QueuedFile, status: str, progress: int | None = None) -> None:
        item.status = status
        if status == "done":
            progress = 100
        if progress is not None:
            item.progress = progress
        if status in FINISHED:
            self._active.discard(item.source.absolute())

    def report(self, item: QueuedFile, done: int, total: int, message: str) -> None:
        """A progress report of the file translating: reading, ``done`` of ``total``
        sentences translated, or written."""
        if total and not message.startswith(("reading ", "wrote ")):
            item.sentences = total
        if message.startswith("reading "):
            self.set_status(item, "reading", 0)
        elif message.startswith("wrote "):
            self.set_status(item, "translating", 100)
        else:
            self.set_status(item, "translating", round(100 * done / total) if total else 0)

    def remove_finished(self) -> list[int]:
        """Drop the finished rows; their old row numbers, last first."""
        removed = [row for row in reversed(range(len(self.files)))
                   if self.files[row].status in FINISHED]
        for row in removed:
            self.release_output(self.files[row])
        self.files = [f for f in self.files if f.status not in FINISHED]
        self._first_queued = 0
        for row, item in enumerate(self.files):
            item.row = row
        return removed

    # -- what starts next -------------------------------------------------------------------

    def queued(self) -> Iterator[QueuedFile]:
        """The queued rows, in order, from the first one (found without going over the
        finished rows at the top each time)."""
        files = self.files
        index = self._first_queued
        while index < len(files) and files[index].status != "queued":
            index += 1
        self._first_queued = index
        return (f for f in itertools.islice(files, index, None) if f.status == "queued")

    def has_queued(self) -> bool:
        return next(self.queued(), None) is not None

    def count_queued(self) -> int:
        return sum(1 for _ in self.queued())

    @staticmethod
    def waits_for_answer(item: QueuedFile) -> bool:
        return item.status == "queued" and item.exists and item.replace is None

    def waiting_for_answer(self) -> list[QueuedFile]:
        return [f for f in self.files if self.waits_for_answer(f)]

    def answer(self, replace: bool) -> None:
        """The batch's answer about existing translations, for every row waiting on it."""
        self.replace_answer = replace
        for item in self.waiting_for_answer():
            item.replace = replace

    def next_to_start(self, has_pair: Callable[[str, str], bool]) -> QueuedFile | None:
        """The first queued row whose pair is installed and that waits for no answer."""
        return next((f for f in self.queued() if not self.waits_for_answer(f)
                     and has_pair(f.from_lang, f.to_lang)), None)

    # -- the batch ----------------------------------------------------------------------------

    def batch(self) -> list[QueuedFile]:
        return [f for f in self.files if f.in_run]

    def end_batch(self) -> list[QueuedFile]:
        """The batch's rows, no longer marked as in it; the next batch is asked again."""
        self.replace_answer = None
        run = self.batch()
        for item in run:
            item.in_run = False
        return run


def translation_work(item: QueuedFile, engine: Engine, options: TranslationOptions,
                     bilingual: bool) -> Callable[[ProgressCallback, threading.Event],
                                                  DocumentResult]:
    """One file's job, as the job pool runs it: it closes over copies, never over the
    row (which the GUI thread changes meanwhile)."""
    assert item.output is not None
    job = [(item.source, item.output)]
    source, target = item.from_lang, item.to_lang
    replace = bool(item.replace)

    def work(on_progress: ProgressCallback, cancel: threading.Event) -> DocumentResult:
        return translate_documents(job, engine, source, target, options, bilingual=bilingual,
                                   overwrite=replace, skip_existing=not replace,
                                   on_progress=on_progress, cancel=cancel)[0]
    return work


def _with_pdf_suffix(source: Path, output: Path, pdf_suffix: str) -> Path:
    if source.suffix.lower() == ".pdf":
        return output.with_suffix(pdf_suffix)
    return output


def scan_folder(folder: Path, found: deque[tuple[Path, Path, int]],
                on_progress: ProgressCallback, cancel: threading.Event,
                languages: Collection[str] = ()) -> ScanResult:
    """Walk ``folder`` (hidden entries skipped, as ``collect_inputs`` does) and append its
    supported files as ``(path, folder, size)`` to ``found`` while going, so the GUI
    can list them before the walk ends. Translations this tool wrote (``memo.xl.txt``
    beside ``memo.txt``) are not documents to translate again; ``languages`` (the
    installed codes) count as LANG in ``NAME.LANG.EXT`` besides the usual language codes.
    Stops at the next entry once ``cancel`` is set."""
    count = unsupported = own = 0
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        names = set(files)
        for name in sorted(files):
            check_cancel(cancel)
            path = Path(root) / name
            if name.startswith("."):
                continue
            if not is_supported(path):
                unsupported += 1
                continue
            if is_own_output(path, languages, names=names):
                own += 1
                continue
            found.append((path, folder, file_size(path)))
            count += 1
            if count % 50 == 0:
                on_progress(Progress(count, 0, f"{count} files found"))
    on_progress(Progress(count, 0, f"{count} files found"))
    return ScanResult(count, unsupported, own)


def file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def format_eta(seconds: float) -> str:
    if seconds < 60:
        return f"about {max(1, round(seconds))} s left"
    if seconds < 3600:
        return f"about {round(seconds / 60)} min left"
    return f"about {seconds / 3600:.1f} h left"


def batch_summary(run: list[QueuedFile]) -> str:
    """"3 translated, 1 failed, 417 cancelled": every row of the batch is counted."""
    counts = {status: sum(f.status == status for f in run)
              for status in ("done", "failed", "skipped", "cancelled")}
    text = f"{counts['done']} translated"
    for status, word in (("failed", "failed"), ("skipped", "skipped"),
                         ("cancelled", "cancelled")):
        if counts[status]:
            text += f", {counts[status]} {word}"
    return text


def seconds_left(run: list[QueuedFile], elapsed: float) -> float | None:
    """The batch's time left at its measured pace: seconds per sentence so far, times the
    sentences left. A file not read yet counts as many sentences as the files read so far
    had on average. None until a sentence was translated."""
    done = 0.0
    known: list[int] = []
    for f in run:
        if f.sentences:
            known.append(f.sentences)
            share = 1.0 if f.status in FINISHED else f.progress / 100
            done += f.sentences * share
    if done <= 0 or elapsed <= 0:
        return None
    mean = sum(known) / len(known)
    left = 0.0
    for f in run:
        if f.status in FINISHED:
            continue
        total = f.sentences or mean
        left += total * (1 - (f.progress / 100 if f.sentences else 0))
    return elapsed / done * left


def batch_status(run: list[QueuedFile], current: QueuedFile | None, scanned: int | None,
                 elapsed: float) -> tuple[int, str]:
    """The batch's percentage of files done (the running one counted by its share) and
    its line: what runs now and the time left, or once it is over, how it ended.
    ``scanned`` is the files found so far while a folder scan runs, else None. The time
    left comes from the sentences per second measured so far (file sizes say little: a
    1 MB .docx may hold ten sentences)."""
    finished = sum(f.status in FINISHED for f in run)
    running = current.progress / 100 if current is not None and current.in_run else 0.0
    percent = min(100, round(100 * (finished + running) / len(run)))
    if current is None and scanned is None:
        return percent, batch_summary(run)
    text = f"Translating {min(finished + 1, len(run))} of {len(run)} files"
    if scanned is not None:
        text += f" · scanning, {scanned} found"
    left = seconds_left(run, elapsed)
    if left is not None and elapsed > 0.5:
        text += " · " + format_eta(left)
    return percent, text


def integrity_note(result: DocumentResult) -> str:
    """What the integrity checks found, when they found something (issue 9)."""
    kept, suspect = getattr(result, "kept", 0), getattr(result, "suspect", 0)
    parts = [f"{kept} sentence{'s' if kept != 1 else ''} kept as written" if kept else "",
             f"{suspect} may be incomplete" if suspect else ""]
    pages = getattr(result, "pdf_pages", ())
    if pages:  # a PDF written as a PDF: its glyphs counted, and what was kept as it is
        done = sum(p["translated"] for p in pages)
        parts.append(f"{len(pages)} pages: {done} of {sum(p['glyphs'] for p in pages)} "
                     "glyphs translated")
        parts.extend(note for p in pages for note in p["notes"])
    return ", ".join(p for p in parts if p)
