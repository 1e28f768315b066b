"""``offline-nlp translate``: text, stdin, files and folders through one engine job."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from offline_nlp.cli.output import ProgressBar, emit_json, info
from offline_nlp.context import AppContext
from offline_nlp.engine import PRESETS, TranslationOptions

__all__ = ["register"]


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cmd = commands.add_parser(
        "translate", help="translate text, files or folders",
        description="Translate --text, standard input, or files and folders (documents keep "
                    "their formatting). All input goes to the model as one batched job.")
    cmd.add_argument("inputs", nargs="*", type=Path, metavar="FILE",
                     help="files or folders (folders are searched recursively)")
    cmd.add_argument("--from", dest="source", required=True, metavar="LANG",
                     help="source language code, e.g. en")
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
    cmd.add_argument("--beam", type=int, metavar="N", help="beam size (1 = greedy)")
    cmd.add_argument("--alternatives", type=int, default=1, metavar="N",
                     help="also show up to N-1 alternative translations")
    cmd.add_argument("--no-cache", action="store_true",
                     help="neither read nor write the segment cache")


def decoding_options(args: argparse.Namespace, context: AppContext) -> TranslationOptions:
    options = context.settings.translation_options()
    if args.preset:
        options = TranslationOptions.preset(args.preset, use_cache=options.use_cache)
    if args.beam:
        options = replace(options, beam_size=args.beam)
    return replace(options, num_alternatives=max(1, args.alternatives),
                   use_cache=options.use_cache and not args.no_cache)


def run(args: argparse.Namespace, context: AppContext) -> int:
    options = decoding_options(args, context)
    if args.text is not None or not args.inputs:
        text = args.text if args.text is not None else sys.stdin.read()
        return _translate_text(args, context, options, text)
    return _translate_files(args, context, options)


def _translate_text(args: argparse.Namespace, context: AppContext,
                    options: TranslationOptions, text: str) -> int:
    bar = ProgressBar("translating")
    result = context.engine.translate_texts([text], args.source, args.target, options,
                                            on_progress=bar)[0]
    bar.close()
    if result.pivot:
        info(f"note: no direct {args.source}→{args.target} package; translated through "
             f"{result.pivot}")
    if args.json:
        emit_json({"translation": result.text, "alternatives": list(result.alternatives),
                   "pivot": result.pivot})
        return 0
    output = result.text + ("" if result.text.endswith("\n") else "\n")
    if args.output and str(args.output) != "-":
        args.output.write_text(output, encoding="utf-8")
    else:
        sys.stdout.write(output)
        for alternative in result.alternatives:
            sys.stdout.write(f"alternative: {alternative}\n")
    return 0


def _translate_files(args: argparse.Namespace, context: AppContext,
                     options: TranslationOptions) -> int:
    from offline_nlp.documents.pipeline import collect_inputs, output_path, translate_documents

    supported, skipped = collect_inputs(args.inputs, recursive=True)
    for path, reason in skipped:
        info(f"skipped {path}: {reason}")
    jobs = [(src, _destination(args, src, root, len(supported), output_path))
            for src, root in supported]
    context.engine.route(args.source, args.target)  # fail before opening anything
    bar = ProgressBar("translating")
    results = translate_documents(
        jobs, context.engine, args.source, args.target, options, bilingual=args.bilingual,
        overwrite=args.overwrite, skip_existing=args.skip_existing, on_progress=bar)
    bar.close()
    return _summarise(args, results, len(skipped))


def _destination(args: argparse.Namespace, src: Path, root: Path | None, count: int,
                 output_path: object) -> Path:
    out = args.output
    if out is not None and count == 1 and root is None and not out.is_dir() and out.suffix:
        return out  # one file to an explicit file name
    folder = out if out is not None else src.parent
    return output_path(src, folder, args.target, root)  # type: ignore[operator,no-any-return]


def _summarise(args: argparse.Namespace, results: list, skipped_inputs: int) -> int:  # type: ignore[type-arg]
    counts = {"done": 0, "failed": 0, "skipped": skipped_inputs}
    for result in results:
        counts[result.status] = counts.get(result.status, 0) + 1
        if result.status == "failed":
            info(f"failed {result.source}: {result.error}")
        elif result.status == "done" and not args.json:
            print(result.output)
    if args.json:
        emit_json([{"input": str(r.source), "output": str(r.output), "status": r.status,
                    "error": str(r.error) if r.error else None} for r in results])
    info(f"{counts['done']} translated, {counts['failed']} failed, {counts['skipped']} skipped")
    return 1 if counts["failed"] else 0
