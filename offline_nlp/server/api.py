"""The LibreTranslate 1.9 HTTP API on the shared engine (aiohttp handlers).

Routes: ``POST /translate``, ``GET /languages``, ``POST /detect``, ``POST /translate_file``
with ``GET /download_file/<token>/<name>``, ``GET /frontend/settings``. Parameters come
as JSON or as a form, errors as ``{"error": "..."}`` with LibreTranslate's status codes:
400 bad request, 403 refused (API key, Origin, Host), 413 too large, 500 failure.

This module builds the application with its middlewares and answers the text routes;
the file routes are :mod:`.uploads`', what handlers share is :mod:`.requests`'.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

from offline_nlp.engine import Translation, TranslationOptions
from offline_nlp.errors import (
    Cancelled,
    DocumentError,
    LanguagePairUnavailableError,
    OfflineNLPError,
)
from offline_nlp.server.detection import best_language, detect_sources
from offline_nlp.server.requests import (
    STATE,
    ApiError,
    Handler,
    ServerConfig,
    State,
    check_key,
    error_response,
    json_response,
    one_line,
    read_params,
    require,
    with_glossary,
)
from offline_nlp.server.security import host_allowed, origin_allowed
from offline_nlp.server.texts import Prepared, prepare
from offline_nlp.server.uploads import download_file, translate_file

# ServerConfig, ApiError and State live in .requests (shared with .uploads); the
# server's callers import them from here, as before.
__all__ = ["ApiError", "ServerConfig", "State", "build_app"]

log = logging.getLogger(__name__)

MAX_ALTERNATIVES = 10


def build_app(state: State) -> web.Application:
    """The aiohttp application; the request body limit is the larger of the two limits."""
    limit = max(state.config.upload_limit, state.config.char_limit * 4 + 65536)
    # _guard is outermost so that an error answered to an allowed origin carries CORS
    # headers (the page can read why); _errors turns everything below it into a reply
    app = web.Application(client_max_size=limit,
                          middlewares=[_guard, _errors])
    app[STATE] = state
    app.router.add_post("/translate", translate)
    app.router.add_get("/languages", languages)
    app.router.add_post("/detect", detect)
    app.router.add_post("/translate_file", translate_file)
    app.router.add_get("/download_file/{token}/{name}", download_file)
    app.router.add_get("/frontend/settings", frontend_settings)
    app.router.add_post("/suggest", suggest)
    return app


# -- middlewares ----------------------------------------------------------------------

@web.middleware
async def _errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every failure as LibreTranslate's ``{"error": ...}``; never a traceback."""
    try:
        return await handler(request)
    except ApiError as exc:
        return error_response(exc.status, str(exc))
    except web.HTTPRequestEntityTooLarge:
        limit = request.app._client_max_size  # noqa: SLF001 - the one place aiohttp keeps it
        return error_response(413, f"Request too large: the limit is {limit} bytes")
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return error_response(exc.status, exc.reason)
    except HttpProcessingError as exc:  # a mangled form or multipart body
        return error_response(400, "Invalid request: the body cannot be read "
                                   f"({one_line(getattr(exc, 'message', '') or exc)})")
    except (LanguagePairUnavailableError, DocumentError) as exc:
        return error_response(400, str(exc))
    except OfflineNLPError as exc:
        return error_response(500, f"Cannot translate text: {exc}")
    except (asyncio.CancelledError, Cancelled):
        raise asyncio.CancelledError() from None
    except Exception as exc:  # noqa: BLE001 - one line to the client, details in the log
        log.exception("request %s failed", request.path)
        return error_response(500, f"Internal error: {type(exc).__name__}: {one_line(exc)}")


@web.middleware
async def _guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Host check, then Origin check and CORS (see :mod:`.security`)."""
    state = request.app[STATE]
    if not host_allowed(request.headers.get("Host"), state.port):
        return error_response(403, "Host header not allowed: use http://127.0.0.1:"
                                   f"{state.port} or http://localhost:{state.port}")
    origin = request.headers.get("Origin")
    if origin is None:
        return await handler(request)
    if not origin_allowed(origin, state.config.allowed_origins):
        return error_response(403, f"Origin {origin} is not allowed to use offline-nlp; add "
                                   "it with 'offline-nlp serve --allow-origin ORIGIN'")
    if request.method == "OPTIONS":
        response: web.StreamResponse = web.Response(status=204)
    else:
        response = await handler(request)
    response.headers["Access-Control-Allow-Origin"] = origin
    response.headers["Access-Control-Allow-Methods"] = "GET, POST"
    response.headers["Access-Control-Allow-Headers"] = "Content-Type, Authorization"
    response.headers["Access-Control-Max-Age"] = "600"
    response.headers["Vary"] = "Origin"
    return response


# -- parameters -----------------------------------------------------------------------

def _texts(q: Any, limit: int) -> list[str]:
    texts = q if isinstance(q, list) else [q]
    if not all(isinstance(t, str) for t in texts):
        raise ApiError(400, "Invalid request: q must be a string or an array of strings")
    chars = sum(len(t) for t in texts)
    if chars > limit:
        raise ApiError(413, f"Invalid request: request ({chars}) exceeds text limit ({limit})")
    for text in texts:  # checked before the texts join other requests' batches
        _check_encodable(text)
    return texts


def _check_encodable(text: str) -> None:
    """A lone surrogate (JSON.stringify of a string cut inside an emoji) is refused here:
    in a shared batch it would fail every other request's texts too."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ApiError(400, "Invalid request: q contains a lone surrogate "
                            f"(\\u{ord(text[exc.start]):04x} at {exc.start}); a string was cut "
                            "inside a character") from None


def _alternatives(params: dict[str, Any]) -> int:
    raw = params.get("alternatives", 0) or 0
    try:
        count = int(raw)
    except (TypeError, ValueError, OverflowError):  # 1e309 is infinite
        raise ApiError(400, f"Invalid request: alternatives must be a number, not {raw!r}") from None
    if not 0 <= count <= MAX_ALTERNATIVES:
        raise ApiError(400, f"Invalid request: alternatives must be 0 to {MAX_ALTERNATIVES}")
    return count


# -- /translate -----------------------------------------------------------------------

async def translate(request: web.Request) -> web.Response:
    state = request.app[STATE]
    params = await read_params(request)
    check_key(state, params)
    q = require(params, "q")
    source = str(require(params, "source"))
    target = str(require(params, "target"))
    texts = _texts(q, state.config.char_limit)
    text_format = params.get("format") or "text"
    if text_format not in ("text", "html"):
        raise ApiError(400, f"{text_format} format is not supported")
    count = _alternatives(params)
    codes = {language.code for language in state.engine.languages()}
    for code in {source, target} - {"auto"}:
        if code not in codes:
            raise ApiError(400, f"{code} is not supported")
    detected = None
    if source == "auto":  # off the event loop: a page of texts takes a moment
        detected = await asyncio.to_thread(detect_sources, state, texts, target)
    sources = [d["language"] for d in detected] if detected else [source] * len(texts)
    options = replace(with_glossary(state.config.options, params),
                      num_alternatives=count + 1)
    results = await _translate_all(state, texts, sources, target, options, text_format == "html")
    body = _translate_body(isinstance(q, list), results, detected, count)
    return json_response(body)


def _translate_body(batch: bool, results: list[tuple[str, list[str]]],
                    detected: list[dict[str, Any]] | None, count: int) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if batch:
        body["translatedText"] = [text for text, _ in results]
        if count:
            body["alternatives"] = [alts[:count] for _, alts in results]
        if detected is not None:
            body["detectedLanguage"] = detected
    else:
        body["translatedText"] = results[0][0]
        if count:
            body["alternatives"] = results[0][1][:count]
        if detected is not None:
            body["detectedLanguage"] = detected[0]
    return body


async def _translate_all(state: State, texts: list[str], sources: list[str], target: str,
                         options: TranslationOptions, html: bool) -> list[tuple[str, list[str]]]:
    """Every text of the request; one queue request per source language.

    HTML is parsed and rebuilt on a worker thread: 320 nodes took 39 ms to parse and
    66 ms to rebuild, time in which the event loop answered nobody (issue 25).
    """
    if html:
        prepared = await asyncio.to_thread(lambda: [prepare(text, True) for text in texts])
    else:
        prepared = [prepare(text, False) for text in texts]
    groups: dict[str, list[int]] = {}
    for index, source in enumerate(sources):
        groups.setdefault(source, []).append(index)
    for source in groups:
        if source != target:
            state.engine.route(source, target)  # 400 at once, before any queueing
    jobs = [_translate_group(state, [prepared[i] for i in members], source, target, options,
                             html) for source, members in groups.items()]
    outputs = await asyncio.gather(*jobs)
    results: list[tuple[str, list[str]]] = [("", [])] * len(texts)
    for members, output in zip(groups.values(), outputs, strict=True):
        for index, result in zip(members, output, strict=True):
            results[index] = result
    return results


async def _translate_group(state: State, items: list[Prepared], source: str, target: str,
                           options: TranslationOptions,
                           html: bool) -> list[tuple[str, list[str]]]:
    flat = [text for item in items for text in item.texts]
    needs = [align for item in items for align in item.align]
    # Alignment only for the texts whose inline tags must follow their words: the
    # others go as a request of their own, which skips it.
    parts = [[i for i, need in enumerate(needs) if need == align] for align in (False, True)]
    calls = [engine_call(state, [flat[i] for i in part], source, target, options, align)
             for align, part in zip((False, True), parts, strict=True) if part]
    done: list[Translation] = [Translation("")] * len(flat)
    for part, output in zip([p for p in parts if p], await asyncio.gather(*calls), strict=True):
        for index, translation in zip(part, output, strict=True):
            done[index] = translation

    def rebuild() -> list[tuple[str, list[str]]]:
        results, start = [], 0
        for item in items:
            part = done[start:start + len(item.texts)]
            start += len(item.texts)
            results.append((item.rebuild(part), item.alternatives(part)))
        return results

    return await asyncio.to_thread(rebuild) if html else rebuild()


async def engine_call(state: State, texts: list[str], source: str, target: str,
                      options: TranslationOptions, align: bool) -> list[Translation]:
    """Queue ``texts``; a cancelled HTTP request cancels them in the engine thread."""
    queued = state.batcher.submit(texts, source, target, options, align)
    try:
        return await asyncio.wrap_future(queued.future)
    except asyncio.CancelledError:
        queued.cancel()
        raise
    except Cancelled:
        if state.batcher.closed:  # the server is stopping: say so rather than hang up
            raise ApiError(503, "offline-nlp is stopping; send the request again once it "
                                "runs") from None
        raise


# -- /languages, /detect, /frontend/settings ------------------------------------------

async def languages(request: web.Request) -> web.Response:
    engine = request.app[STATE].engine
    targets: dict[str, set[str]] = {}
    for source, target in engine.pairs():
        targets.setdefault(source, set()).add(target)
    return json_response([{"code": lang.code, "name": lang.name,
                           "targets": sorted(targets.get(lang.code, ()))}
                          for lang in engine.languages()])


async def detect(request: web.Request) -> web.Response:
    from offline_nlp.langdetect import rank, to_argos_code

    state = request.app[STATE]
    params = await read_params(request)
    check_key(state, params)
    q = require(params, "q")
    text = "\n".join(_texts(q, state.config.char_limit))
    codes = [language.code for language in state.engine.languages()]
    best = best_language(text, codes)
    found = [best]
    for detection in rank(text):
        code = to_argos_code(detection.language, text)
        if code in codes and code not in {f["language"] for f in found}:
            found.append({"confidence": round(detection.confidence * 100, 1), "language": code})
    return json_response(found)


async def suggest(request: web.Request) -> web.Response:
    """LibreTranslate answers 403 when suggestions are off; they always are here."""
    raise ApiError(403, "Suggestions are disabled on this server.")


async def frontend_settings(request: web.Request) -> web.Response:
    from offline_nlp.documents.registry import supported_extensions

    state = request.app[STATE]
    languages = state.engine.languages()
    target = next((lang for lang in languages if lang.code != "en"), None) or (
        languages[0] if languages else None)
    return json_response({
        "apiKeys": bool(state.config.api_key),
        "charLimit": state.config.char_limit,
        "filesTranslation": True,
        "frontendTimeout": 500,
        "keyRequired": bool(state.config.api_key),
        "suggestions": False,
        "supportedFilesFormat": supported_extensions(),
        "language": {
            "source": {"code": "auto", "name": "Auto Detect"},
            "target": {"code": target.code, "name": target.name} if target else None,
        },
    })


