"""``offline-nlp translate``: text, stdin, files and folders through one engine job."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from offline_nlp.cli.arguments import MAX_BEAM, bounded, read_stdin, text_argument
from offline_nlp.cli.output import ProgressBar, emit_json, info
from offline_nlp.context import AppContext
from offline_nlp.engine import PRESETS, TranslationOptions, load_glossary
from offline_nlp.errors import InputNotFoundError, OfflineNLPError, OutputExistsError
from offline_nlp.progress import atomic_write

if TYPE_CHECKING:
    from offline_nlp.langdetect import Detection

__all__ = ["register"]

AUTO = "auto"
SAMPLE_CHARS = 20_000  # --from auto reads this much of a text or document


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cmd = commands.add_parser(
        "translate", help="translate text, files or folders",
        description="Translate --text, standard input, or files and folders (documents keep "
                    "their formatting). All input goes to the model as one batched job.")
    cmd.add_argument("inputs", nargs="*", type=Path, metavar="FILE",
                     help="files or folders (folders are searched recursively)")
    cmd.add_argument("--from", dest="source", required=True, metavar="LANG",
                     help="source language code, e.g. en, or 'auto' to detect it per text "
                          "or file among the installed source languages")
    cmd.add_argument("--to", dest="target", required=True, metavar="LANG",
                     help="target language code, e.g. zh")
    cmd.add_argument("--text", help="translate this text instead of files or stdin")
    cmd.add_argument("-o", "--output", type=Path, metavar="PATH",
                     help="output file, or folder for several inputs (default: beside each "
                          "input as NAME.LANG.EXT; '-' prints a text file's translation)")
    add_decoding_options(cmd)
    cmd.add_argument("--json", action="store_true", help="print results as JSON")
    cmd.add_argument("--overwrite", action="store_true", help="replace existing output files")
    cmd.add_argument("--skip-existing", action="store_true",
                     help="skip inputs whose output exists (resume a folder job)")
    cmd.add_argument("--bilingual", action="store_true",
                     help="documents: original and translation side by side")
    cmd.set_defaults(handler=run)


def add_decoding_options(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--preset", choices=sorted(PRESETS),
                     help="speed/quality trade-off (default from settings: balanced)")
    cmd.add_argument("--beam", type=bounded(int, 1, MAX_BEAM), metavar="N",
                     help=f"beam size, 1 (greedy) to {MAX_BEAM}")
    cmd.add_argument("--alternatives", type=bounded(int, 1, MAX_BEAM), default=1, metavar="N",
                     help=f"also show up to N-1 alternative translations (N at most {MAX_BEAM})")
    cmd.add_argument("--no-cache", action="store_true",
                     help="neither read nor write the segment cache")
    cmd.add_argument("--model", metavar="CODE", default="",
                     help="the installed package that translates the pair when several can "
                          "(see 'packages list'; default: the preferred_models setting, then "
                          "a package made for that pair)")
    add_glossary_option(cmd)


def add_glossary_option(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--glossary", type=Path, metavar="FILE",
                     help="CSV or TSV of 'source term,target term' rows (optionally two more "
                          "columns: source and target language); these terms always come out "
                          "as given")


def decoding_options(args: argparse.Namespace, context: AppContext) -> TranslationOptions:
    options = context.settings.translation_options()
    if args.preset:
        options = TranslationOptions.preset(args.preset, use_cache=options.use_cache)
    if args.beam:
        options = replace(options, beam_size=args.beam)
    if getattr(args, "glossary", None) is not None:
        options = replace(options, glossary=load_glossary(args.glossary))
    return replace(options, num_alternatives=args.alternatives,
                   use_cache=options.use_cache and not args.no_cache,
                   model=getattr(args, "model", "") or options.model)


def canonical_codes(args: argparse.Namespace, context: AppContext) -> None:
    """``--from``/``--to`` as people write them (``zh-CN``, ``pt_BR``, ``EN``) as codes."""
    for name in ("source", "target"):
        code = getattr(args, name, None)
        if code and code != AUTO:
            setattr(args, name, context.engine.canonical(code))


def run(args: argparse.Namespace, context: AppContext) -> int:
    canonical_codes(args, context)
    options = decoding_options(args, context)
    args.detected = {}  # input path -> detected source language (--from auto)
    if args.text is not None or not args.inputs:
        text = text_argument(args.text) if args.text is not None else read_stdin()
        return _translate_text(args, context, options, text)
    return _translate_files(args, context, options)


def _translate_text(args: argparse.Namespace, context: AppContext,
                    options: TranslationOptions, text: str) -> int:
    detected = None
    if args.source == AUTO:
        detected = detect_source(context, text[:SAMPLE_CHARS], args.target, "the text")
        args.source = detected.language
    bar = ProgressBar("translating")
    result = context.engine.translate_texts([text], args.source, args.target, options,
                                            on_progress=bar)[0]
    bar.close()
    if result.pivot:
        info(f"note: no direct {args.source}→{args.target} package; translated through "
             f"{result.pivot}")
    if args.json:
        data = {"translation": result.text, "alternatives": list(result.alternatives),
                "pivot": result.pivot, "kept": list(result.kept),
                "suspect": list(result.suspect)}
        if detected is not None:
            data["detected"] = {"language": detected.language,
                                "confidence": round(detected.confidence, 4)}
        emit_json(data)
        return 0
    if result.kept or result.suspect:
        info(_integrity_note(len(result.kept), len(result.suspect)).lstrip(", "))
        _say_suspects(args, result.suspect)
    output = result.text + ("" if result.text.endswith("\n") else "\n")
    if args.output and str(args.output) != "-":
        if args.output.exists() and not args.overwrite:
            raise OutputExistsError(f"{args.output} already exists; pass --overwrite to "
                                    "replace it")
        with atomic_write(args.output) as handle:
            handle.write(output.encode("utf-8"))
    else:
        sys.stdout.write(output)
        for alternative in result.alternatives:
            sys.stdout.write(f"alternative: {alternative}\n")
    return 0


def _translate_files(args: argparse.Namespace, context: AppContext,
                     options: TranslationOptions) -> int:
    check_inputs_exist(args.inputs)
    args.stdout = args.output is not None and str(args.output) == "-"
    if not args.stdout:
        return _translate_found(args, context, options)
    if args.json or len(args.inputs) != 1 or not args.inputs[0].is_file():
        raise OfflineNLPError("-o - prints the translation of one file: give one file, "
                              "and no --json (which prints to stdout too)")
    with tempfile.TemporaryDirectory(prefix="offline-nlp-") as folder:
        args.output = Path(folder)  # translated there, then printed
        return _translate_found(args, context, options)


def check_inputs_exist(paths: list[Path]) -> None:
    """Refuse before any work when an input is missing; a sentence given where a file
    goes (as argos-translate takes it) gets pointed to ``--text``.

    Raises:
        InputNotFoundError: one line naming every missing input.
    """
    missing = [str(path) for path in paths if not path.exists()]
    if not missing:
        odd = [path for path in paths if not path.is_file() and not path.is_dir()]
        if odd:  # /dev/zero would never end; a FIFO would wait for a writer
            raise InputNotFoundError(f"{odd[0]} is not a regular file or folder "
                                     f"({_file_kind(odd[0])}); give a file or a folder")
        return
    if any(any(ch.isspace() for ch in raw) and os.sep not in raw for raw in missing):
        raise InputNotFoundError(f"no such file or folder: {missing[0]!r}; to translate "
                                 "text, pass it with --text")
    raise InputNotFoundError(f"no such file or folder: {', '.join(missing)}")


def _file_kind(path: Path) -> str:
    import stat

    mode = path.stat().st_mode
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a file"


def _translate_found(args: argparse.Namespace, context: AppContext,
                     options: TranslationOptions) -> int:
    from offline_nlp.documents.pipeline import (
        collect_inputs,
        distinct_outputs,
        output_path,
        translate_documents,
    )

    codes = {args.target} | {language.code for language in context.engine.languages()}
    supported, skipped = collect_inputs(args.inputs, recursive=True, skip_own_outputs=codes)
    for path, reason in skipped:
        info(f"skipped {path}: {reason}")
    jobs = distinct_outputs(
        [(src, _destination(args, src, root, len(supported), output_path))
         for src, root in supported], args.target)
    if args.source == AUTO:
        return _translate_detected(args, context, options, jobs, skipped)
    context.engine.route(args.source, args.target, options.model)  # fail before opening anything
    bar = ProgressBar("translating")
    results = translate_documents(
        jobs, context.engine, args.source, args.target, options, bilingual=args.bilingual,
        overwrite=args.overwrite, skip_existing=args.skip_existing, on_progress=bar)
    bar.close()
    return _summarise(args, results, skipped)


def detect_source(context: AppContext, text: str, target: str, label: str) -> Detection:
    """The language of ``text`` among the installed sources that reach ``target``."""
    from offline_nlp.langdetect import MIN_CONFIDENCE, LanguageDetectionError, detect_among, rank

    sources = sorted({source for source, to in context.engine.pairs() if to == target})
    if not sources:
        raise LanguageDetectionError(
            f"no installed package translates into {target}, so there is no source language "
            f"to detect; see 'offline-nlp languages'")
    found = detect_among(text, sources, min_confidence=MIN_CONFIDENCE)
    if found is None:
        ranked = rank(text)
        if ranked and ranked[0].confidence < MIN_CONFIDENCE:
            raise LanguageDetectionError(
                f"could not tell the language of {label} (at best {ranked[0].language}, "
                f"{ranked[0].confidence:.0%} likely); pass --from LANG")
        looks = (f"it looks like {ranked[0].language} ({ranked[0].confidence:.0%})" if ranked
                 else "it has no letters")
        raise LanguageDetectionError(
            f"cannot detect the source language of {label}: {looks}, and no installed "
            f"package translates that into {target} (installed sources: {', '.join(sources)}); "
            f"pass --from LANG or install a package")
    names = {language.code: language.name for language in context.engine.languages()}
    info(f"detected {names.get(found.language, found.language)} ({found.language}, "
         f"{found.confidence:.0%}) in {label}")
    return found


def _translate_detected(args: argparse.Namespace, context: AppContext,
                        options: TranslationOptions, jobs: list[tuple[Path, Path]],
                        skipped: list[tuple[Path, str]]) -> int:
    """``--from auto`` over files: detect each file's language, translate by language."""
    from offline_nlp.documents.pipeline import DocumentResult, translate_documents
    from offline_nlp.documents.registry import open_document
    from offline_nlp.errors import OfflineNLPError

    by_source: dict[str, list[tuple[Path, Path]]] = {}
    results: list[DocumentResult] = []
    for src, dst in jobs:
        try:
            texts = (segment.text for segment in open_document(src).segments()[:500])
            sample = "\n\n".join(texts)[:SAMPLE_CHARS]
            language = detect_source(context, sample, args.target, str(src)).language
        except OfflineNLPError as exc:
            results.append(DocumentResult(src, dst, "failed", exc))
            continue
        by_source.setdefault(language, []).append((src, dst))
        args.detected[str(src)] = language
    bar = ProgressBar("translating")
    for source, group in by_source.items():
        results += translate_documents(
            group, context.engine, source, args.target, options, bilingual=args.bilingual,
            overwrite=args.overwrite, skip_existing=args.skip_existing, on_progress=bar)
    bar.close()
    order = {src: index for index, (src, _dst) in enumerate(jobs)}
    return _summarise(args, sorted(results, key=lambda r: order.get(r.source, 0)), skipped)


def _destination(args: argparse.Namespace, src: Path, root: Path | None, count: int,
                 output_path: object) -> Path:
    out = args.output
    one_file = count == 1 and len(args.inputs) == 1 and args.inputs[0].is_file()
    if out is not None and one_file and not out.is_dir() and out.suffix:
        return out  # one file to an explicit file name
    folder = out if out is not None else src.parent
    return output_path(src, folder, args.target, root)  # type: ignore[operator,no-any-return]


def _summarise(args: argparse.Namespace, results: list,  # type: ignore[type-arg]
               skipped: list[tuple[Path, str]]) -> int:
    counts = {"done": 0, "failed": 0, "skipped": len(skipped)}
    for result in results:
        counts[result.status] = counts.get(result.status, 0) + 1
        if result.status == "failed":
            info(f"failed {result.source}: {result.error}")
        elif result.status == "skipped" and not result.reason.startswith("output exists"):
            info(f"skipped {result.source}: {result.reason}")  # not a plain resume
        elif result.status == "done" and args.stdout:
            sys.stdout.flush()
            sys.stdout.buffer.write(result.output.read_bytes())
            sys.stdout.flush()
        elif result.status == "done" and not args.json:
            print(result.output)
        for page in result.pdf_pages:  # image-only pages, Type3 fonts...: one line each
            for note in page["notes"]:
                info(f"{result.source.name}: {note}")
        if result.status == "done":
            _say_suspects(args, result.suspects, f"{result.source}: ")
    if args.json:
        detected = getattr(args, "detected", {})
        auto = getattr(args, "source", None) == AUTO
        emit_json([{"input": str(r.source), "output": str(r.output), "status": r.status,
                    "error": str(r.error) if r.error else None,
                    "kept": r.kept, "suspect": r.suspect,
                    **({"pdf_pages": list(r.pdf_pages)} if r.pdf_pages else {}),
                    **({"reason": r.reason} if r.status == "skipped" else {}),
                    **({"detected": detected.get(str(r.source))} if auto else {})}
                   for r in results]
                  + [{"input": str(path), "output": None, "status": "skipped", "error": None,
                      "kept": 0, "suspect": 0, "reason": reason} for path, reason in skipped])
    info(f"{counts['done']} translated, {counts['failed']} failed, {counts['skipped']} skipped"
         + _integrity_note(sum(r.kept for r in results), sum(r.suspect for r in results)))
    return 1 if counts["failed"] else 0


def _say_suspects(args: argparse.Namespace, sentences: object, where: str = "") -> None:
    """With -v: each sentence whose translation may be incomplete, on its own line."""
    if getattr(args, "verbose", False):
        for sentence in sentences:  # type: ignore[attr-defined]
            info(f"possibly incomplete: {where}{' '.join(str(sentence).split())[:300]}")


def _integrity_note(kept: int, suspect: int) -> str:
    """What the engine left untranslated on purpose, or may have translated incompletely."""
    notes = []
    if kept:
        notes.append(f"{kept} sentence(s) or word(s) in another script kept as they were")
    if suspect:
        notes.append(f"{suspect} sentence(s) possibly incomplete (see -v)")
    return "".join(f", {note}" for note in notes)
