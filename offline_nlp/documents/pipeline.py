"""Translate whole documents: all units of many files go to the engine as batched calls
(groups of files, so batching spans documents), then each output is written atomically.

* A file that cannot be opened or written becomes a ``failed`` :class:`DocumentResult`;
  the others go on. Nothing is written for a failed file, and the source is never touched.
* Outputs are written to a temporary file beside the target and renamed
  (:func:`~offline_nlp.progress.atomic_write`). An existing output is an
  :class:`~offline_nlp.errors.OutputExistsError` unless ``overwrite``; ``skip_existing``
  skips it instead (to resume an interrupted folder job).
* ``cancel`` raises :class:`~offline_nlp.errors.Cancelled` between engine batches or between
  written files: files already written (whole groups) stay, none is half-written.
* Progress: sentences done out of all sentences of the job (counted before translating);
  file-level messages ("reading x", "wrote y") carry the latest counts.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from offline_nlp.documents.base import Document
from offline_nlp.documents.outputs import is_own_output, source_of
from offline_nlp.documents.registry import is_supported, open_document
from offline_nlp.engine.segmentation import split_text
from offline_nlp.engine.types import Translation, TranslationOptions
from offline_nlp.errors import Cancelled, DocumentParseError, OutputExistsError
from offline_nlp.progress import Progress, atomic_write, cannot_write, check_cancel

__all__ = [
    "DocumentResult",
    "TextTranslator",
    "collect_inputs",
    "distinct_outputs",
    "is_own_output",
    "output_path",
    "translate_document",
    "translate_documents",
]

Status = Literal["done", "failed", "skipped"]


class TextTranslator(Protocol):
    """What the pipeline needs from the engine."""

    def translate_texts(
        self,
        texts: Sequence[str],
        source: str,
        target: str,
        options: TranslationOptions | None = None,
        *,
        align: bool = False,
        on_progress: Callable[[Progress], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> list[Translation]: ...


@dataclass(frozen=True)
class DocumentResult:
    """What happened to one job.

    Attributes:
        source, output: the paths of the job (``output`` is written only when ``done``).
        status: ``done``, ``failed`` or ``skipped``.
        error: the exception for ``failed`` (its ``str`` is a one-line message).
        segments: how many units the document had.
        reason: why it was skipped.
        kept: sentences and words left as they were (another script than the source
            language's).
        suspect: sentences whose translation may be incomplete (see Translation.suspect).
        pdf_pages: a PDF written as a PDF: the glyph accounting of each page
            (see :class:`~offline_nlp.documents.pdf.PdfDocument`).
        suspects: those sentences (the first few hundred characters of each).
    """

    source: Path
    output: Path
    status: Status
    error: BaseException | None = None
    segments: int = 0
    reason: str = ""
    kept: int = 0
    suspect: int = 0
    pdf_pages: tuple = ()
    suspects: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        """One line for a summary."""
        if self.status == "failed" and self.error is not None:
            return f"{type(self.error).__name__}: {self.error}"
        if self.status == "skipped":
            return self.reason
        return f"{self.segments} segments"


def output_path(
    src: str | Path, out_dir: str | Path, target_code: str, input_root: str | Path | None = None
) -> Path:
    """``out_dir/<folders below input_root>/<stem>.<target_code><suffix>``.

    A PDF gives a PDF (``report.pdf`` -> ``report.zh.pdf``); name a ``.docx`` or ``.txt``
    output yourself for the text-only routes.
    """
    src = Path(src)
    suffix = src.suffix
    relative = Path()
    if input_root is not None:
        try:
            relative = src.parent.resolve().relative_to(Path(input_root).resolve())
        except ValueError:
            relative = Path()
    return Path(out_dir) / relative / f"{src.stem}.{target_code}{suffix}"


def distinct_outputs(jobs: Iterable[tuple[Path, Path]], target: str,
                     taken: dict[str, str] | None = None) -> list[tuple[Path, Path]]:
    """Give each input its own output: ``s1/n.txt`` and ``s2/n.txt`` into one folder, or
    ``r.pdf`` beside ``r.docx``, would otherwise write ``n.xl.txt`` twice, the second
    over the first; the second becomes ``n (2).xl.txt``.

    ``taken`` maps outputs already given out to their sources and is updated, so a queue
    filled in chunks (the desktop app) names like one call; the same source asked again
    gets its own earlier name back.
    """
    taken = {} if taken is None else taken
    out = []
    for src, dst in jobs:
        tail = f".{target}{dst.suffix}"
        stem = dst.name[:-len(tail)] if dst.name.endswith(tail) else dst.stem
        tail = dst.name[len(stem):]
        owner = os.path.normcase(os.path.abspath(src))
        candidate, number = dst, 1
        while taken.get(key := os.path.normcase(os.path.abspath(candidate)), owner) != owner:
            number += 1
            candidate = dst.with_name(f"{stem} ({number}){tail}")
        taken[key] = owner
        out.append((src, candidate))
    return out


def collect_inputs(
    paths: Iterable[str | Path], recursive: bool = True,
    accept: Callable[[Path], bool] = is_supported,
    skip_own_outputs: bool | Collection[str] = False,
) -> tuple[list[tuple[Path, Path]], list[tuple[Path, str]]]:
    """Files to translate as ``(path, root)`` and files skipped as ``(path, reason)``.

    ``accept`` says which files are wanted (by default: documents this package reads).
    ``skip_own_outputs``: a folder's files that are translations this tool wrote
    (``a.xl.txt`` beside ``a.txt``, see :func:`~offline_nlp.documents.outputs.is_own_output`)
    are skipped, so a rerun never translates its own outputs; named files are kept. A
    collection of language codes adds them to the codes an output name may carry.

    A folder contributes its supported files (recursively by default; hidden files and
    folders are ignored) with itself as root, so outputs can keep the folder tree; a file
    is its own item with its parent as root.
    """
    supported: list[tuple[Path, Path]] = []
    skipped: list[tuple[Path, str]] = []
    seen: set[Path] = set()
    codes = None if isinstance(skip_own_outputs, bool) else set(skip_own_outputs)

    def add(path: Path, root: Path) -> None:
        key = path.resolve()
        if key in seen:
            return
        seen.add(key)
        if accept(path):
            supported.append((path, root))
        else:
            skipped.append((path, f"unsupported file type {path.suffix or '(no extension)'}"))

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = path.rglob("*") if recursive else path.iterdir()
            for f in sorted(found):
                rel = f.relative_to(path)
                if any(part.startswith(".") for part in rel.parts) or not f.is_file():
                    continue
                made_from = source_of(f, codes) if skip_own_outputs else None
                if made_from is not None and f.resolve() not in seen:
                    seen.add(f.resolve())
                    skipped.append((f, f"a translation of {made_from.name} made by this tool"))
                    continue
                add(f, path)
        elif path.is_file():
            add(path, path.parent)
        elif path.exists():
            skipped.append((path, "not a regular file (a device, pipe or socket)"))
        else:
            skipped.append((path, "no such file or folder"))
    return supported, skipped


# Sentences translated per engine call. Batching across files needs only a few full
# batches in flight; past that, bigger groups only delay the first finished file, hold
# more documents in memory, and lose more work to a cancel.
GROUP_SENTENCES = 2000


@dataclass
class _Job:
    index: int
    source: Path
    output: Path
    sentences: int
    document: Document | None = None  # kept from the scan for the first group only


def translate_documents(
    jobs: Sequence[tuple[str | Path, str | Path]],
    engine: TextTranslator,
    source: str,
    target: str,
    options: TranslationOptions | None = None,
    *,
    bilingual: bool = False,
    overwrite: bool = False,
    skip_existing: bool = False,
    on_progress: Callable[[Progress], None] | None = None,
    cancel: threading.Event | None = None,
) -> list[DocumentResult]:
    """Translate ``(src, dst)`` jobs; one result per job, in order (see the module docstring).

    Documents are translated in groups of about :data:`GROUP_SENTENCES` sentences, each
    group one batched engine call across its files, and each group's files are written
    before the next starts: a cancel keeps every file already finished.

    Raises:
        Cancelled: ``cancel`` was set; outputs written before stay.
        EngineError: the engine could not translate (no model for the pair...).
    """
    results: list[DocumentResult | None] = [None] * len(jobs)
    progress = _JobProgress(on_progress)
    todo = _scan(jobs, results, overwrite, skip_existing, progress, cancel)
    progress.total = sum(job.sentences for job in todo)
    for group in _groups(todo):
        _translate_group(group, results, engine, source, target, options, bilingual,
                         overwrite, progress, cancel, skip_existing)
    return [r for r in results if r is not None]


class _JobProgress:
    """Sentences done over the whole job, across groups, plus file messages."""

    def __init__(self, on_progress: Callable[[Progress], None] | None) -> None:
        self.on_progress = on_progress
        self.done = self.total = 0

    def say(self, message: str, done: int | None = None) -> None:
        if self.on_progress is not None:
            self.on_progress(Progress(self.done if done is None else done, self.total, message))

    def relay(self, group_sentences: int, offset: int = 0) -> Callable[[Progress], None]:
        def relay(p: Progress) -> None:
            self.say("translating", self.done + offset + round(p.fraction * group_sentences))
        return relay


def _sentence_count(doc: Document) -> int:
    return sum(max(1, sum(p.is_sentence for p in split_text(seg.text))) for seg in doc.segments())


def _scan(jobs: Sequence[tuple[str | Path, str | Path]], results: list[DocumentResult | None],
          overwrite: bool, skip_existing: bool, progress: _JobProgress,
          cancel: threading.Event | None) -> list[_Job]:
    """Check every job and count its sentences.

    The documents of the first group stay open for translating, so that one document
    is read once, not twice (issue 25); later ones are read again when their group
    comes, so a folder of thousands of files is never all in memory.
    """
    todo = []
    kept = 0
    for i, (src_raw, dst_raw) in enumerate(jobs):
        check_cancel(cancel)
        src, dst = Path(src_raw), Path(dst_raw)
        refusal = _refusal(src, dst, overwrite, skip_existing)
        if refusal is not None:
            results[i] = refusal
            continue
        progress.say(f"reading {src.name} ({i + 1}/{len(jobs)})")
        try:
            document = open_document(src)
            job = _Job(i, src, dst, _sentence_count(document))
        except Exception as exc:  # noqa: BLE001 - one bad file never stops the others
            results[i] = DocumentResult(src, dst, "failed", _as_document_error(src, exc))
            continue
        if kept < GROUP_SENTENCES:
            job.document = document
            kept += job.sentences
        todo.append(job)
    return todo


def _refusal(src: Path, dst: Path, overwrite: bool, skip_existing: bool) -> DocumentResult | None:
    if dst.exists() and not overwrite:
        if skip_existing:
            return DocumentResult(src, dst, "skipped", reason="output exists (already translated)")
        return DocumentResult(src, dst, "failed", _exists(dst))
    if _same_file(src, dst):
        return DocumentResult(src, dst, "failed", OutputExistsError(
            f"{dst} is the source file itself; choose another output"))
    return None


def _exists(dst: Path) -> OutputExistsError:
    # The GUI asks before it overwrites; only the command line gets here.
    return OutputExistsError(f"{dst} already exists; pass --overwrite to replace it, or "
                             "--skip-existing to keep it")


def _groups(todo: list[_Job]) -> Iterable[list[_Job]]:
    group: list[_Job] = []
    size = 0
    for job in todo:
        group.append(job)
        size += job.sentences
        if size >= GROUP_SENTENCES:
            yield group
            group, size = [], 0
    if group:
        yield group


def _translate_group(group: list[_Job], results: list[DocumentResult | None],
                     engine: TextTranslator, source: str, target: str,
                     options: TranslationOptions | None, bilingual: bool, overwrite: bool,
                     progress: _JobProgress, cancel: threading.Event | None,
                     skip_existing: bool = False) -> None:
    opened: list[tuple[_Job, Document]] = []
    for job in group:
        try:
            document, job.document = job.document or open_document(job.source), None
            opened.append((job, document))
        except Exception as exc:  # noqa: BLE001 - changed on disk since the scan
            results[job.index] = DocumentResult(job.source, job.output, "failed",
                                                _as_document_error(job.source, exc))
    # every unit of the group's documents in one engine call; identical texts sent once
    unique: dict[str, int] = {}
    aligned: set[str] = set()
    per_doc: list[list[int]] = []
    for _, doc in opened:
        ids = []
        for seg in doc.segments():
            if seg.needs_alignment:
                aligned.add(seg.text)
            ids.append(unique.setdefault(seg.text, len(unique)))
        per_doc.append(ids)
    group_sentences = sum(job.sentences for job, _ in opened)
    translations: list[Translation] = []
    if unique:
        translations = _translate_unique(list(unique), aligned, engine, source, target,
                                         options, progress, group_sentences, cancel)
    progress.done += group_sentences
    for (job, doc), ids in zip(opened, per_doc, strict=True):
        check_cancel(cancel)
        if hasattr(doc, "target_language"):
            doc.target_language = target  # PDF: its /Lang, and the fonts to choose
        results[job.index] = _write(job, doc, [translations[j] for j in ids], bilingual,
                                    overwrite, skip_existing)
        progress.say(f"wrote {job.output.name}")


def _translate_unique(texts: list[str], aligned: set[str], engine: TextTranslator,
                      source: str, target: str, options: TranslationOptions | None,
                      progress: _JobProgress, group_sentences: int,
                      cancel: threading.Event | None) -> list[Translation]:
    """``texts`` translated; word alignment only for those in ``aligned``.

    Alignment is for carrying formatting (bold words, links) across; a plain paragraph
    does not need it, and computing it for every sentence cost most of the CLI's time
    on small models (685 of 2,502 segments of a 100-page docx need it: issue 25).
    """
    translations: list[Translation | None] = [None] * len(texts)
    parts = [[i for i, t in enumerate(texts) if (t in aligned) == align] for align in (False, True)]
    done = 0
    for align, part in zip((False, True), parts, strict=True):
        if not part:
            continue
        check_cancel(cancel)
        share = group_sentences * len(part) // len(texts)
        relay = progress.relay(share, offset=round(group_sentences * done / len(texts)))
        out = engine.translate_texts([texts[i] for i in part], source, target, options,
                                     align=align, on_progress=relay, cancel=cancel)
        if len(out) != len(part):
            raise RuntimeError(f"engine returned {len(out)} translations for {len(part)} texts")
        for index, translation in zip(part, out, strict=True):
            translations[index] = translation
        done += len(part)
    return [t for t in translations if t is not None]


def _write(job: _Job, doc: Document, translations: list[Translation], bilingual: bool,
           overwrite: bool, skip_existing: bool = False) -> DocumentResult:
    src, dst = job.source, job.output
    if dst.exists() and not overwrite:  # appeared while we were translating
        return _appeared(src, dst, skip_existing)
    try:
        dst.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # the error is the output's, not the source's
        return DocumentResult(src, dst, "failed", cannot_write(dst.parent, exc))
    try:
        if hasattr(doc, "target_suffix"):
            doc.target_suffix = dst.suffix.lower()  # PDF: .pdf, .docx or .txt
        with atomic_write(dst, replace=overwrite) as fh:
            doc.write(fh, translations, bilingual=bilingual)
    except Cancelled:
        raise
    except FileExistsError:  # written by another run between the check and the rename
        return _appeared(src, dst, skip_existing)
    except Exception as exc:  # noqa: BLE001
        return DocumentResult(src, dst, "failed", _as_document_error(src, exc), len(translations))
    return DocumentResult(src, dst, "done", segments=len(translations),
                          kept=sum(len(t.kept) for t in translations),
                          suspect=sum(len(t.suspect) for t in translations),
                          pdf_pages=tuple(getattr(doc, "accounting", None) or ()),
                          suspects=tuple(s[:300] for t in translations for s in t.suspect))


def _appeared(src: Path, dst: Path, skip_existing: bool) -> DocumentResult:
    """The output did not exist when the job started, and does now: another run of the
    same job (or another program) wrote it. It is kept."""
    if skip_existing:  # two runs of one resumable job: the other one did this file
        return DocumentResult(src, dst, "skipped",
                              reason="output written meanwhile by another run; kept it")
    return DocumentResult(src, dst, "failed", OutputExistsError(
        f"{dst} was written by another program while this one translated it; kept it "
        "(pass --overwrite to replace it)"))


def translate_document(
    src: str | Path,
    dst: str | Path,
    engine: TextTranslator,
    source: str,
    target: str,
    options: TranslationOptions | None = None,
    **kwargs: object,
) -> DocumentResult:
    """One file: :func:`translate_documents` with a single job."""
    return translate_documents([(src, dst)], engine, source, target, options, **kwargs)[0]  # type: ignore[arg-type]


def _same_file(a: Path, b: Path) -> bool:
    try:
        return b.exists() and os.path.samefile(a, b) or a.resolve() == b.resolve()
    except OSError:
        return False


def _as_document_error(src: Path, exc: Exception) -> Exception:
    from offline_nlp.errors import OfflineNLPError

    if isinstance(exc, OfflineNLPError):
        return exc
    if isinstance(exc, OSError):
        return DocumentParseError(f"{src.name}: {exc.strerror or exc}")
    return DocumentParseError(f"{src.name}: {type(exc).__name__}: {exc}")
