"""``offline-nlp summarize``: summaries of text, stdin and documents, optionally translated."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from offline_nlp.cli.arguments import bounded, read_stdin, text_argument
from offline_nlp.cli.output import ProgressBar, emit_json, info
from offline_nlp.cli.translate import (
    AUTO,
    SAMPLE_CHARS,
    canonical_codes,
    check_inputs_exist,
    detect_source,
)
from offline_nlp.context import AppContext
from offline_nlp.errors import DocumentParseError, OutputExistsError, UnsupportedFormatError
from offline_nlp.progress import atomic_write, cannot_write

if TYPE_CHECKING:  # imported when the command runs: `translate` never needs it
    from offline_nlp.engine.summarizer import Summarizer, Summary

__all__ = ["document_text", "register"]

EXAMPLES = """examples:
  offline-nlp summarize --from en report.txt             with the installed English model
  offline-nlp summarize --to zh report.docx              summarise, then translate into Chinese
  offline-nlp summarize --extractive --length short --text "..."   no model needed
  offline-nlp summarize --model summarize-en --ratio 0.2 a.md b.pdf -o summaries/
"""

_PLAIN = (".txt", ".md", ".markdown", ".text")


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cmd = commands.add_parser(
        "summarize", help="summarise text or documents (and translate the summary)",
        description="Summarise --text, standard input or documents with an installed "
                    "summarize package, or extractively (sentences of the source) when none "
                    "is installed for the language. Long input is cut into chunks that fit "
                    "the model and summarised in passes.",
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    cmd.add_argument("inputs", nargs="*", type=Path, metavar="FILE",
                     help="documents to summarise, each on its own")
    how = cmd.add_mutually_exclusive_group()
    how.add_argument("--model", metavar="CODE",
                     help="summarize package to use (default: the one installed for --from)")
    how.add_argument("--extractive", action="store_true",
                     help="keep the most central sentences of the source; needs no model")
    size = cmd.add_mutually_exclusive_group()
    size.add_argument("--length", choices=("short", "medium", "long"), default="medium",
                      help="summary length (default: medium)")
    size.add_argument("--ratio", type=bounded(float, 0, 1, above=True), metavar="R",
                      help="summary length as a share of the input's characters "
                           "(0 < R <= 1; at least one sentence)")
    cmd.add_argument("--from", dest="source", metavar="LANG",
                     help="language of the input, or 'auto' (default: the --model "
                          "package's; with --to, detected)")
    cmd.add_argument("--to", dest="target", metavar="LANG",
                     help="translate the summary into LANG")
    cmd.add_argument("--translate-first", action="store_true",
                     help="with --to: translate the input, then summarise in LANG")
    cmd.add_argument("--text", help="summarise this text instead of files or stdin")
    cmd.add_argument("-o", "--output", type=Path, metavar="PATH",
                     help="output file, or folder for several inputs (default: stdout)")
    cmd.add_argument("--overwrite", action="store_true",
                     help="replace output files that already exist")
    cmd.add_argument("--json", action="store_true", help="print results as JSON")
    cmd.add_argument("--no-cache", action="store_true",
                     help="neither read nor write the segment cache (translation)")
    cmd.set_defaults(handler=run)


def document_text(path: Path) -> str:
    """The text of a document: its segments (paragraphs, cells, cues) separated by blank lines.

    Plain text and Markdown are read directly when the documents module or its
    optional libraries are missing.

    Raises:
        UnsupportedFormatError: an unknown format, or its library is not installed.
        DocumentParseError: the file cannot be read.
    """
    try:
        from offline_nlp.documents import open_document
    except ImportError:  # a minimal install without the documents module
        return _read_plain(path, None)
    try:
        document = open_document(path)
    except UnsupportedFormatError as exc:
        return _read_plain(path, exc)
    return "\n\n".join(s.text.strip() for s in document.segments() if s.text.strip())


def _read_plain(path: Path, reason: UnsupportedFormatError | None) -> str:
    if path.suffix.lower() not in _PLAIN:
        raise reason or UnsupportedFormatError(
            f"{path.name}: only .txt and .md can be summarised without the documents module")
    try:
        return path.read_text(encoding="utf-8-sig", errors="replace")
    except OSError as exc:
        raise DocumentParseError(f"{path.name}: cannot read the file ({exc.strerror})") from None


def sample_of(inputs: list[tuple[str, str]]) -> str:
    return "\n\n".join(text for _, text in inputs)[:SAMPLE_CHARS]


def _inputs(args: argparse.Namespace) -> list[tuple[str, str]]:
    if args.text is not None:
        return [("text", text_argument(args.text))]
    if not args.inputs:
        return [("stdin", read_stdin())]
    check_inputs_exist(args.inputs)
    for path in args.inputs:
        if path.is_dir():
            raise UnsupportedFormatError(f"{path} is a folder; give the documents in it")
    return [(str(path), document_text(path)) for path in args.inputs]


def run(args: argparse.Namespace, context: AppContext) -> int:
    if args.translate_first and not args.target:
        info("offline-nlp: error: --translate-first needs --to")
        return 2
    from offline_nlp.engine.summarizer import Summarizer

    canonical_codes(args, context)
    summarizer = Summarizer(context.engine)
    source = args.source
    if source is None and args.model:
        spec = summarizer.find(model=args.model)
        source = spec.package.info.from_code if spec else None
    if args.target and source not in (None, AUTO):
        context.engine.route(source, args.target)  # fail before reading anything
    inputs = _inputs(args)
    if args.target and source in (None, AUTO):  # the input's language decides the route
        source = detect_source(context, sample_of(inputs), args.target, "the input").language
    elif source == AUTO:
        from offline_nlp.langdetect import detect

        found = detect(sample_of(inputs))
        info(f"detected {found.language} ({found.confidence:.0%}) in the input")
        source = found.language
    _refuse_overwrite(args, inputs)  # before the slow part
    results = _summarize(args, context, summarizer, source, [text for _, text in inputs])
    if any(r.method == "extractive" for r in results) and not args.extractive:
        language = args.target if args.translate_first else source
        info(f"note: no summarize package for {language or 'this language'} is installed; "
             "used the extractive summariser (pass --extractive to choose it)")
    return _emit(args, inputs, results)


def _summarize(args: argparse.Namespace, context: AppContext, summarizer: Summarizer,
               source: str | None, texts: list[str]) -> list[Summary]:
    length: str | float = args.ratio if args.ratio is not None else args.length
    bar = ProgressBar("summarising")
    common = {"model": args.model, "extractive": args.extractive, "length": length,
              "on_progress": bar}
    try:
        if args.target and source is not None and args.target != source:
            options = context.settings.translation_options()
            options = replace(options, use_cache=options.use_cache and not args.no_cache)
            return summarizer.summarize_and_translate(
                texts, source, args.target, translate_first=args.translate_first,
                options=options, **common)
        return summarizer.summarize_texts(texts, language=source, **common)
    finally:
        bar.close()


def _as_json(name: str, summary: Summary) -> dict[str, object]:
    return {"input": name, "summary": summary.text, "method": summary.method,
            "model": summary.model, "chunks": summary.chunks, "rounds": summary.rounds,
            "language": summary.language, "untranslated": summary.original}


def _emit(args: argparse.Namespace, inputs: list[tuple[str, str]],
          results: list[Summary]) -> int:
    single = len(inputs) == 1
    if args.json:
        data = [_as_json(name, r) for (name, _), r in zip(inputs, results)]
        emit_json(data[0] if single and not args.inputs else data)
        return 0
    if args.output is not None and str(args.output) != "-":
        for target, result in zip(_targets(args, inputs), results):
            _write(target, result.text)
        return 0
    for (name, _), result in zip(inputs, results):
        if not single:
            sys.stdout.write(f"==> {name} <==\n")
        sys.stdout.write(result.text + "\n")
    return 0


def _targets(args: argparse.Namespace, inputs: list[tuple[str, str]]) -> list[Path]:
    return [_destination(args, Path(name), len(inputs) == 1) for name, _ in inputs]


def _refuse_overwrite(args: argparse.Namespace, inputs: list[tuple[str, str]]) -> None:
    if args.output is None or str(args.output) == "-" or args.json or args.overwrite:
        return
    existing = [str(t) for t in _targets(args, inputs) if t.is_file()]
    if existing:
        raise OutputExistsError(f"{', '.join(existing)} already exists; "
                                "pass --overwrite to replace it")


def _destination(args: argparse.Namespace, source: Path, single: bool) -> Path:
    out: Path = args.output
    if single and not out.is_dir():
        return out
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cannot_write(out, exc) from None
    suffix = f".summary.{args.target}.txt" if args.target else ".summary.txt"
    return out / (source.stem + suffix)


def _write(path: Path, text: str) -> None:
    with atomic_write(path) as handle:
        handle.write((text + "\n").encode("utf-8"))
    print(path)
