"""The ``offline-nlp`` command: ``main(argv) -> exit code``.

Errors are caught only here, at the edge: an :class:`OfflineNLPError` becomes one line
on stderr and exit code 1; a usage error is exit code 2; Ctrl-C is 130.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from offline_nlp._version import __version__
from offline_nlp.cli import corpus as corpus_cmd
from offline_nlp.cli import doctor as doctor_cmd
from offline_nlp.cli import packages as packages_cmd
from offline_nlp.cli import serve as serve_cmd
from offline_nlp.cli import summarize as summarize_cmd
from offline_nlp.cli import translate as translate_cmd
from offline_nlp.cli.arguments import Parser
from offline_nlp.context import AppContext
from offline_nlp.errors import OfflineNLPError

__all__ = ["main"]

EPILOG = """examples:
  offline-nlp packages install en zh          install English→Chinese from the index
  offline-nlp translate --from en --to zh --text "Good morning."
  offline-nlp translate --from en --to de report.docx book.epub -o out/
  offline-nlp translate --from en --to ja docs/ -o docs-ja/     a whole folder
  offline-nlp translate --from auto --to en notes.txt          detect the language
  echo "Hello." | offline-nlp translate --from en --to fr
  offline-nlp corpus --from en --to zh data/ -o data-zh/         millions of lines, resumable
  offline-nlp summarize --to zh report.docx                    summarise, then translate
  offline-nlp gui                                               the desktop app
  offline-nlp serve                          the server for the browser extension
  offline-nlp doctor                                            versions, folders, GPU
"""

Handler = Callable[[argparse.Namespace, AppContext], int]


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="offline-nlp", description="Translate and summarise text and documents offline.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"offline-nlp {__version__}")
    parser.add_argument("--packages-dir", type=Path, metavar="DIR",
                        help="folder of installed packages (default: the user data folder, "
                             "or $OFFLINE_NLP_PACKAGES)")
    parser.add_argument("--index-url", metavar="URL", help="package index to use")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    translate_cmd.register(commands)
    summarize_cmd.register(commands)
    corpus_cmd.register(commands)
    packages_cmd.register(commands)
    doctor_cmd.register(commands)
    serve_cmd.register(commands)
    _register_gui(commands)
    _verbose_anywhere(parser)
    return parser


def _verbose_anywhere(parser: argparse.ArgumentParser) -> None:
    """``-v`` after the command too (``offline-nlp translate ... -v``), as the summary
    line's "(see -v)" suggests; SUPPRESS keeps a ``-v`` given before the command."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in set(action.choices.values()):
                if not any("-v" in a.option_strings for a in sub._actions):
                    sub.add_argument("-v", "--verbose", action="store_true",
                                     default=argparse.SUPPRESS, help="log what happens")
                _verbose_anywhere(sub)


def _register_gui(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    gui = commands.add_parser("gui", help="start the desktop app")
    gui.set_defaults(handler=_run_gui, needs_context=False)


def _run_gui(args: argparse.Namespace, context: AppContext | None) -> int:
    if _no_display():  # Qt would abort the process (exit 134) with a page of advice
        raise OfflineNLPError("no display found (DISPLAY and WAYLAND_DISPLAY are not set): "
                              "the desktop app needs one; the offline-nlp commands work "
                              "without (see offline-nlp --help)")
    try:
        from offline_nlp.gui.app import main as gui_main  # Qt only when asked for
    except ImportError as exc:
        raise OfflineNLPError(f"the desktop app needs PySide6 ({exc}); install it with "
                              "pip install 'offline-nlp[gui]'") from None

    return gui_main([])


def _no_display() -> bool:
    """On Linux and the BSDs: no X11 or Wayland display, and no Qt platform chosen."""
    if sys.platform == "darwin" or sys.platform.startswith("win"):
        return False
    return not any(os.environ.get(name) for name in
                   ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def _pipe_closed() -> int:
    """The reader of stdout went away (``| head -5``): it has what it wanted. Stop
    quietly, as other command-line tools do; the exit flush must not complain either."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout replaced (tests) or closed
        pass
    return 141  # 128 + SIGPIPE, as a shell reports a tool that a closed pipe ended


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    context = None
    try:
        if args.packages_dir is not None and args.packages_dir.exists() \
                and not args.packages_dir.is_dir():
            raise OfflineNLPError(f"--packages-dir {args.packages_dir} is a file; give a "
                                  "folder (it is created if missing)")
        if getattr(args, "needs_context", True):
            context = AppContext.create(packages_dir=args.packages_dir, index_url=args.index_url,
                                        use_cache=not getattr(args, "no_cache", False))
        return int(args.handler(args, context))
    except OfflineNLPError as exc:
        print(f"offline-nlp: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("offline-nlp: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return _pipe_closed()
    finally:
        if context is not None:
            context.close()
