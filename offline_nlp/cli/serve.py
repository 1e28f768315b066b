"""``offline-nlp serve``: the LibreTranslate-compatible server for the browser extension."""

from __future__ import annotations

import argparse
import signal
import threading

from offline_nlp.cli.output import info
from offline_nlp.context import AppContext
from offline_nlp.errors import OfflineNLPError

__all__ = ["register"]


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    cmd = commands.add_parser(
        "serve", help="a local translation server for the browser extension and other apps",
        description="Serve the LibreTranslate API (/translate, /languages, /detect, "
                    "/translate_file) on this computer, for the offline-nlp browser "
                    "extension and LibreTranslate clients. Stop it with Ctrl-C.")
    cmd.add_argument("--host", default="127.0.0.1",
                     help="address to listen on (default: 127.0.0.1, this computer only)")
    cmd.add_argument("--port", type=_port, default=5000, help="port (default: 5000)")
    cmd.add_argument("--api-key", metavar="KEY", help="require this key in every request")
    cmd.add_argument("--allow-origin", action="append", default=[], metavar="ORIGIN",
                     help="also let this web origin call the server (e.g. "
                          "https://example.org); browser extensions are always allowed")
    cmd.add_argument("--char-limit", type=_positive, default=200_000, metavar="N",
                     help="characters per request (default: 200000)")
    cmd.add_argument("--upload-limit-mb", type=_positive, default=50, metavar="MB",
                     help="largest file /translate_file accepts (default: 50)")
    cmd.set_defaults(handler=run)


def _port(text: str) -> int:
    port = _integer(text)
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port: use 1 to 65535 (0: any free)")
    return port


def _positive(text: str) -> int:
    value = _integer(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{value} must be a positive number")
    return value


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def run(args: argparse.Namespace, context: AppContext) -> int:
    try:
        from offline_nlp.server import Server, ServerConfig
    except ImportError as exc:
        raise OfflineNLPError(f"the server needs aiohttp ({exc}); install it with "
                              "pip install 'offline-nlp[server]'") from None
    config = ServerConfig(host=args.host, port=args.port, api_key=args.api_key,
                          allowed_origins=tuple(args.allow_origin),
                          char_limit=args.char_limit,
                          upload_limit=args.upload_limit_mb * 1024 * 1024,
                          options=context.settings.translation_options())
    server = Server(context.engine, config).start()
    pairs = len(context.engine.pairs())
    info(f"offline-nlp is serving {pairs} language pairs at {server.url} (Ctrl-C stops it)")
    stop = threading.Event()
    # `kill` and service managers send SIGTERM: stop as cleanly as after Ctrl-C
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.stop()
    info("offline-nlp serve stopped")
    return 0
