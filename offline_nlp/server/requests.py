"""What every handler of the server shares: its configuration and state, errors as
LibreTranslate's replies, and reading a request's parameters (query, JSON or form).

The handlers are :mod:`.api`'s (text: /translate, /languages, /detect) and
:mod:`.uploads`' (files: /translate_file, /download_file).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any

from aiohttp import web

from offline_nlp.engine import Engine, TranslationOptions
from offline_nlp.engine.glossary import GlossaryError, parse_glossary_pairs
from offline_nlp.server.batcher import Batcher
from offline_nlp.server.files import FileStore
from offline_nlp.server.security import key_matches

__all__ = ["STATE", "ApiError", "Handler", "ServerConfig", "State", "check_key",
           "error_response", "json_response", "multi_values", "one_line", "read_params",
           "require", "with_glossary"]


@dataclass(frozen=True)
class ServerConfig:
    """How the server listens and what it allows.

    Attributes:
        host, port: where to listen; 127.0.0.1 keeps it on this computer. Port 0 picks
            a free one (tests).
        api_key: when set, /translate, /detect and /translate_file need it.
        allowed_origins: web origins (``https://example.org``) allowed besides extensions.
        char_limit: characters per /translate request (413 beyond).
        upload_limit: bytes per uploaded file (413 beyond).
        options: decoding options (the user's preset).
    """

    host: str = "127.0.0.1"
    port: int = 5000
    api_key: str | None = None
    allowed_origins: tuple[str, ...] = ()
    char_limit: int = 200_000
    upload_limit: int = 50 * 1024 * 1024
    options: TranslationOptions = field(default_factory=TranslationOptions)
    #: seconds a connection may take to send a request's headers (and may stay idle
    #: between requests): a client that sends half its headers is dropped, not kept
    header_timeout: float = 15.0


class ApiError(Exception):
    """An error answered as ``{"error": message}`` with ``status``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class State:
    """What the handlers share: the engine (read-only calls), the queue, the uploads."""

    engine: Engine
    batcher: Batcher
    config: ServerConfig
    files: FileStore
    port: int = 0  # the port actually bound (config.port may be 0)


STATE = web.AppKey("state", State)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


_dumps = functools.partial(json.dumps, ensure_ascii=False)


def json_response(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=_dumps)


def error_response(status: int, message: str) -> web.Response:
    return json_response({"error": message}, status)


def one_line(text: object) -> str:
    return " ".join(str(text).split())


async def read_params(request: web.Request) -> dict[str, Any]:
    """The query string, then the JSON body or form fields over it, as LibreTranslate
    reads them (``request.values``; deep-translator sends everything in the query)."""
    params = multi_values(request.query)
    if request.content_type == "application/json":
        try:
            data = json.loads(await request.read())
        except (ValueError, RecursionError):  # bad JSON, bad UTF-8, nesting 100k deep
            raise ApiError(400, "Invalid JSON format") from None
        if not isinstance(data, dict):
            raise ApiError(400, "Invalid JSON format")
        return {**params, **data}
    try:
        form = await request.post()
    except (ValueError, AssertionError, RecursionError) as exc:  # a mangled form/multipart
        raise ApiError(400, "Invalid request: the body cannot be read "
                            f"({one_line(exc) or type(exc).__name__})") from None
    params.update(multi_values(form))
    if isinstance(params.get("q"), str):
        params["q"] = params["q"].replace("\r\n", "\n")
    return params


def multi_values(values: Any) -> dict[str, Any]:
    """Form or query values; a repeated q= is an array, as LibreTranslate's form clients
    send it."""
    out: dict[str, Any] = {}
    for key in values:
        found = values.getall(key)
        if not all(isinstance(v, str) for v in found):
            raise ApiError(400, f"Invalid request: {key} must be text, not a file")
        out[key] = found if key == "q" and len(found) > 1 else found[0]
    return out


def require(params: dict[str, Any], name: str) -> Any:
    value = params.get(name)
    if value is None or value == "" or value == []:
        raise ApiError(400, f"Invalid request: missing {name} parameter")
    return value


def check_key(state: State, params: dict[str, Any]) -> None:
    if not key_matches(params.get("api_key"), state.config.api_key):
        raise ApiError(403, "Invalid API key")


def with_glossary(options: TranslationOptions, params: dict[str, Any]) -> TranslationOptions:
    """The request's ``glossary`` (CSV/TSV text, or a list of ``[source, target]`` pairs,
    as JSON or as JSON text in a form field) in the options; 400 when it is bad."""
    value = params.get("glossary")
    if value is None or value == "":
        return options
    try:
        if isinstance(value, str) and value.lstrip().startswith("["):
            try:
                value = json.loads(value)
            except ValueError:
                raise GlossaryError("glossary is not valid JSON") from None
        return replace(options, glossary=parse_glossary_pairs(value))
    except GlossaryError as exc:
        raise ApiError(400, f"Invalid request: {exc}") from None
