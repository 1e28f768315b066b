"""``offline-nlp corpus``: whole data sets, block by block, on worker processes or Ray."""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from offline_nlp.cli.arguments import MAX_BEAM, bounded
from offline_nlp.cli.output import ProgressBar, emit_json, info
from offline_nlp.cli.translate import _integrity_note, add_glossary_option, decoding_options
from offline_nlp.context import AppContext
from offline_nlp.engine import PRESETS
from offline_nlp.errors import OfflineNLPError

__all__ = ["register"]

SHOWN_FAILURES = 20  # on stderr; --json lists them all
MAX_WORKERS = 4096  # a bound on what a typo can ask for, far above any cluster here


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cmd = commands.add_parser(
        "corpus", help="translate large corpora (text, JSON Lines, Parquet), resumably",
        description="Translate plain-text files (one segment a line), JSON Lines (one "
                    "field) and Parquet (one column), or folders of them, into OUTPUT_DIR "
                    "with the same names and shapes. Work goes in blocks to worker processes "
                    "or a Ray cluster; run the same command again to finish a killed job.")
    cmd.add_argument("inputs", nargs="+", type=Path, metavar="INPUT",
                     help="files or folders (.txt, .jsonl, .ndjson, .parquet)")
    cmd.add_argument("--from", dest="source", required=True, metavar="LANG")
    cmd.add_argument("--to", dest="target", required=True, metavar="LANG")
    cmd.add_argument("-o", "--output", type=Path, required=True, metavar="OUTPUT_DIR")
    cmd.add_argument("--field", default="text",
                     help="JSON Lines field or Parquet column to translate (default: text)")
    cmd.add_argument("--workers", type=bounded(int, 1, MAX_WORKERS), metavar="N",
                     help="worker processes, or Ray actors (default: one per physical core, "
                          "or one per CPU of the cluster)")
    cmd.add_argument("--threads", type=bounded(int, 1, 256), metavar="N",
                     help="CTranslate2 threads per worker (default: 1, or the SMT siblings)")
    cmd.add_argument("--cluster", metavar="auto|ray://HOST:PORT",
                     help="run the blocks on Ray: 'auto' joins the cluster this machine is "
                          "part of, ray://HOST:PORT a remote one (needs offline-nlp[cluster])")
    cmd.add_argument("--shared-packages", action="store_true",
                     help="with --cluster: every node reads the packages folder at the same "
                          "path (a shared file system) instead of receiving a copy")
    cmd.add_argument("--block-lines", type=bounded(int, 1, 1_000_000), default=1000,
                     metavar="N",
                     help="lines per block, the unit of work and of resuming (default 1000)")
    cmd.add_argument("--preset", choices=sorted(PRESETS),
                     help="speed/quality trade-off (default from settings: balanced)")
    cmd.add_argument("--beam", type=bounded(int, 1, MAX_BEAM), metavar="N",
                     help=f"beam size, 1 (greedy) to {MAX_BEAM}")
    add_glossary_option(cmd)
    cmd.add_argument("--overwrite", action="store_true",
                     help="replace existing outputs, and restart jobs whose input changed")
    cmd.add_argument("--json", action="store_true", help="print a JSON summary")
    # A corpus is read once: the segment cache would only fill up with it.
    cmd.set_defaults(handler=run, no_cache=True, alternatives=1)


def run(args: argparse.Namespace, context: AppContext) -> int:
    from offline_nlp.corpus import WorkerSpec, default_workers, plan_files, run_corpus

    if args.source == "auto":
        raise OfflineNLPError("corpus needs --from LANG; 'auto' is for translate")
    route = context.engine.route(args.source, args.target)  # fail before reading anything
    files, skipped = plan_files(args.inputs, args.output, args.field)
    for path, reason in skipped:
        info(f"skipped {path}: {reason}")
    if not files:
        raise OfflineNLPError("no .txt, .jsonl, .ndjson or .parquet files among the inputs")
    workers, threads = default_workers()
    threads = args.threads or threads
    config = replace(context.settings.engine_config(), cpu_threads=threads, parallel_jobs=1)
    spec = WorkerSpec(tuple(p.path for p in route.packages), args.source, args.target,
                      decoding_options(args, context), config)
    if args.cluster:
        from offline_nlp.corpus.cluster import connect

        runner, workers, spec = connect(args.cluster, spec, shared=args.shared_packages)
        mode = f"ray ({args.cluster})"
    else:
        from offline_nlp.corpus.workers import run_local as runner

        mode = "local"
    workers = args.workers or workers
    bar = ProgressBar("translating")
    summary = run_corpus(files, spec, runner, workers, block_lines=args.block_lines,
                         overwrite=args.overwrite, mode=mode, skipped=skipped,
                         models=[f"{p.info.code}@{p.info.package_version}"
                                 for p in route.packages], on_progress=bar)
    bar.close()
    return _report(args, summary)


def _report(args: argparse.Namespace, summary: object) -> int:
    from offline_nlp.corpus import CorpusSummary

    assert isinstance(summary, CorpusSummary)
    failures = summary.failures
    for path, line, reason in failures[:SHOWN_FAILURES]:
        info(f"{path}:{line}: {reason}; kept as it was")
    if len(failures) > SHOWN_FAILURES:
        info(f"… and {len(failures) - SHOWN_FAILURES} more malformed lines (see --json)")
    counts: dict[str, int] = {}
    for item in summary.files:
        counts[item.status] = counts.get(item.status, 0) + 1
        if item.status == "failed":
            info(f"failed {item.source}: {item.error}")
        if item.redone:
            info(f"{item.output}: {item.redone}")
    if args.json:
        emit_json(summary.to_json())
    rate = summary.lines / summary.seconds if summary.seconds else 0.0
    info(f"{counts.get('done', 0)} files translated, {counts.get('earlier', 0)} done earlier, "
         f"{counts.get('failed', 0)} failed; {summary.blocks} blocks "
         f"({summary.blocks_resumed} from an earlier run), {summary.lines} lines now "
         f"({rate:.0f} lines/s), {len(failures)} malformed lines"
         + _integrity_note(summary.kept, summary.suspect))
    return 1 if failures or counts.get("failed") else 0
