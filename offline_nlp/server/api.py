"""The LibreTranslate 1.9 HTTP API on the shared engine (aiohttp handlers).

Routes: ``POST /translate``, ``GET /languages``, ``POST /detect``, ``POST /translate_file``
with ``GET /download_file/<token>/<name>``, ``GET /frontend/settings``. Parameters come
as JSON or as a form, errors as ``{"error": "..."}`` with LibreTranslate's status codes:
400 bad request, 403 refused (API key, Origin, Host), 413 too large, 500 failure.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiohttp import BodyPartReader, web
from aiohttp.http_exceptions import HttpProcessingError

from offline_nlp.engine import Engine, Translation, TranslationOptions
from offline_nlp.engine.glossary import GlossaryError, parse_glossary_pairs
from offline_nlp.errors import (
    Cancelled,
    DocumentError,
    LanguagePairUnavailableError,
    OfflineNLPError,
)
from offline_nlp.progress import CancelFlag
from offline_nlp.server.batcher import Batcher
from offline_nlp.server.files import FileStore, clean_name
from offline_nlp.server.security import host_allowed, key_matches, origin_allowed
from offline_nlp.server.texts import Prepared, prepare

__all__ = ["ApiError", "ServerConfig", "State", "build_app"]

log = logging.getLogger(__name__)

MAX_ALTERNATIVES = 10
#: Texts shorter than this are detected together with the rest of the request
#: (as LibreTranslate does): one word says too little about its language.
SHORT_TEXT = 40


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

_dumps = functools.partial(json.dumps, ensure_ascii=False)


def _json(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=_dumps)


def _error(status: int, message: str) -> web.Response:
    return _json({"error": message}, status)


@web.middleware
async def _errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every failure as LibreTranslate's ``{"error": ...}``; never a traceback."""
    try:
        return await handler(request)
    except ApiError as exc:
        return _error(exc.status, str(exc))
    except web.HTTPRequestEntityTooLarge:
        limit = request.app._client_max_size  # noqa: SLF001 - the one place aiohttp keeps it
        return _error(413, f"Request too large: the limit is {limit} bytes")
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return _error(exc.status, exc.reason)
    except HttpProcessingError as exc:  # a mangled form or multipart body
        return _error(400, "Invalid request: the body cannot be read "
                           f"({_one_line(getattr(exc, 'message', '') or exc)})")
    except (LanguagePairUnavailableError, DocumentError) as exc:
        return _error(400, str(exc))
    except OfflineNLPError as exc:
        return _error(500, f"Cannot translate text: {exc}")
    except (asyncio.CancelledError, Cancelled):
        raise asyncio.CancelledError() from None
    except Exception as exc:  # noqa: BLE001 - one line to the client, details in the log
        log.exception("request %s failed", request.path)
        return _error(500, f"Internal error: {type(exc).__name__}: {_one_line(exc)}")


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


@web.middleware
async def _guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Host check, then Origin check and CORS (see :mod:`.security`)."""
    state = request.app[STATE]
    if not host_allowed(request.headers.get("Host"), state.port):
        return _error(403, "Host header not allowed: use http://127.0.0.1:"
                           f"{state.port} or http://localhost:{state.port}")
    origin = request.headers.get("Origin")
    if origin is None:
        return await handler(request)
    if not origin_allowed(origin, state.config.allowed_origins):
        return _error(403, f"Origin {origin} is not allowed to use offline-nlp; add it with "
                           "'offline-nlp serve --allow-origin ORIGIN'")
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

async def _params(request: web.Request) -> dict[str, Any]:
    """The query string, then the JSON body or form fields over it, as LibreTranslate
    reads them (``request.values``; deep-translator sends everything in the query)."""
    params = _multi(request.query)
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
                            f"({_one_line(exc) or type(exc).__name__})") from None
    params.update(_multi(form))
    if isinstance(params.get("q"), str):
        params["q"] = params["q"].replace("\r\n", "\n")
    return params


def _multi(values: Any) -> dict[str, Any]:
    """Form or query values; a repeated q= is an array, as LibreTranslate's form clients
    send it."""
    out: dict[str, Any] = {}
    for key in values:
        found = values.getall(key)
        if not all(isinstance(v, str) for v in found):
            raise ApiError(400, f"Invalid request: {key} must be text, not a file")
        out[key] = found if key == "q" and len(found) > 1 else found[0]
    return out


def _require(params: dict[str, Any], name: str) -> Any:
    value = params.get(name)
    if value is None or value == "" or value == []:
        raise ApiError(400, f"Invalid request: missing {name} parameter")
    return value


def _check_key(state: State, params: dict[str, Any]) -> None:
    if not key_matches(params.get("api_key"), state.config.api_key):
        raise ApiError(403, "Invalid API key")


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


def _with_glossary(options: TranslationOptions, params: dict[str, Any]) -> TranslationOptions:
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
    params = await _params(request)
    _check_key(state, params)
    q = _require(params, "q")
    source = str(_require(params, "source"))
    target = str(_require(params, "target"))
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
        detected = await asyncio.to_thread(_detect_sources, state, texts, target)
    sources = [d["language"] for d in detected] if detected else [source] * len(texts)
    options = replace(_with_glossary(state.config.options, params),
                      num_alternatives=count + 1)
    results = await _translate_all(state, texts, sources, target, options, text_format == "html")
    body = _translate_body(isinstance(q, list), results, detected, count)
    return _json(body)


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


def _detect_sources(state: State, texts: list[str], target: str) -> list[dict[str, Any]]:
    """``{"confidence": 0-100, "language": code}`` per text, among sources reaching target."""
    candidates = sorted({s for s, t in state.engine.pairs() if t == target} | {target})
    overall = _best(" ".join(texts), candidates)
    return [_best(text, candidates) if len(text) > SHORT_TEXT else overall for text in texts]


def _detect_document(state: State, path: Path, target: str) -> dict[str, Any]:
    """The language of a document's first segments, among sources reaching ``target``."""
    from offline_nlp.documents.registry import open_document

    texts = (segment.text for segment in open_document(path).segments()[:500])
    sample = "\n\n".join(texts)[:_DETECT_CHARS]
    candidates = sorted({s for s, t in state.engine.pairs() if t == target} | {target})
    return _best(sample, candidates)


#: how much of a document ``source=auto`` reads (as the CLI's --from auto)
_DETECT_CHARS = 20_000


def _best(text: str, candidates: list[str]) -> dict[str, Any]:
    from offline_nlp.langdetect import detect_among

    found = detect_among(text, candidates)
    if found is None:
        raise ApiError(400, "Cannot detect the source language among the installed ones "
                            f"({', '.join(candidates)}); pass source")
    return {"confidence": round(found.confidence * 100, 1), "language": found.language}


# -- /languages, /detect, /frontend/settings ------------------------------------------

async def languages(request: web.Request) -> web.Response:
    engine = request.app[STATE].engine
    targets: dict[str, set[str]] = {}
    for source, target in engine.pairs():
        targets.setdefault(source, set()).add(target)
    return _json([{"code": lang.code, "name": lang.name,
                               "targets": sorted(targets.get(lang.code, ()))}
                              for lang in engine.languages()])


async def detect(request: web.Request) -> web.Response:
    from offline_nlp.langdetect import rank, to_argos_code

    state = request.app[STATE]
    params = await _params(request)
    _check_key(state, params)
    q = _require(params, "q")
    text = "\n".join(_texts(q, state.config.char_limit))
    codes = [language.code for language in state.engine.languages()]
    best = _best(text, codes)
    found = [best]
    for detection in rank(text):
        code = to_argos_code(detection.language, text)
        if code in codes and code not in {f["language"] for f in found}:
            found.append({"confidence": round(detection.confidence * 100, 1), "language": code})
    return _json(found)


async def suggest(request: web.Request) -> web.Response:
    """LibreTranslate answers 403 when suggestions are off; they always are here."""
    raise ApiError(403, "Suggestions are disabled on this server.")


async def frontend_settings(request: web.Request) -> web.Response:
    from offline_nlp.documents.registry import supported_extensions

    state = request.app[STATE]
    languages = state.engine.languages()
    target = next((lang for lang in languages if lang.code != "en"), None) or (
        languages[0] if languages else None)
    return _json({
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


# -- files ----------------------------------------------------------------------------

async def translate_file(request: web.Request) -> web.Response:
    state = request.app[STATE]
    if (request.content_length or 0) > state.config.upload_limit + 65536:
        raise ApiError(413, f"Request too large: files up to {state.config.upload_limit} bytes")
    if not request.content_type.startswith("multipart/"):
        raise ApiError(400, "Invalid request: send the file as multipart/form-data")
    token, folder = state.files.new_slot()
    try:
        fields, upload = await _read_upload(request, state, folder)
        _check_key(state, fields)  # no file part: the key was not checked yet
        source = str(_require(fields, "source"))
        target = str(_require(fields, "target"))
        if upload is None:
            raise ApiError(400, "Invalid request: missing file parameter")
        options = _with_glossary(state.config.options, fields)
        output = await _translate_upload(state, upload, folder, source, target, options)
    except BaseException:
        state.files.discard(token)
        raise
    state.files.publish(token, output)
    url = request.url.with_path(f"/download_file/{token}/{output.name}").with_query(None)
    return _json({"translatedFileUrl": str(url)})


async def _read_upload(request: web.Request, state: State,
                       folder: Path) -> tuple[dict[str, Any], Path | None]:
    """Form fields and the uploaded file, written under ``folder`` within the size limit.

    The API key is checked when the file part starts, before a byte of it is read, and
    the whole body is bounded as it streams in (a chunked body has no Content-Length)."""
    from offline_nlp.documents.registry import is_supported

    fields: dict[str, Any] = _multi(request.query)
    upload = None
    budget = _Budget(state.config.upload_limit)
    try:
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader):
                continue  # a nested multipart: LibreTranslate clients never send one
            if part.filename is None:
                fields[part.name or ""] = await _read_field(part, budget)
                continue
            _check_key(state, fields)
            if upload is not None:
                raise ApiError(400, "Invalid request: send one file per request")
            name = clean_name(part.filename)
            if not name or not is_supported(name):
                raise ApiError(400, "Invalid request: file format not supported")
            upload = folder / name
            await _save(part, upload, budget)
    except (ValueError, AssertionError) as exc:  # a mangled multipart body
        raise ApiError(400, "Invalid request: the body cannot be read "
                            f"({_one_line(exc) or type(exc).__name__})") from None
    return fields, upload


class _Budget:
    """Bytes left for the whole body: the upload limit plus room for the form fields."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.left = limit + _FIELDS_BYTES

    def take(self, size: int) -> None:
        self.left -= size
        if self.left < 0:
            raise ApiError(413, f"Request too large: files up to {self.limit} bytes")


#: room for the form fields (source, target, api_key...) beside the file
_FIELDS_BYTES = 64 * 1024


async def _read_field(part: BodyPartReader, budget: _Budget) -> str:
    data = bytearray()
    while chunk := await part.read_chunk(64 * 1024):
        budget.take(len(chunk))
        data += chunk
    return bytes(data).decode("utf-8", "replace")


async def _save(part: BodyPartReader, path: Path, budget: _Budget) -> None:
    size = 0
    with open(path, "wb") as handle:
        while chunk := await part.read_chunk(256 * 1024):
            size += len(chunk)
            budget.take(len(chunk))
            if size > budget.limit:
                raise ApiError(413, f"Request too large: files up to {budget.limit} bytes")
            handle.write(chunk)
    if size == 0:
        raise ApiError(400, "Invalid request: empty file")


async def _translate_upload(state: State, upload: Path, folder: Path, source: str,
                            target: str, options: TranslationOptions) -> Path:
    from offline_nlp.documents.pipeline import output_path, translate_document

    if source == "auto":
        source = (await asyncio.to_thread(_detect_document, state, upload, target))["language"]
    state.engine.route(source, target)
    (folder / "out").mkdir()
    output = output_path(upload, folder / "out", target)
    cancel = CancelFlag()
    try:
        result = await asyncio.to_thread(translate_document, upload, output, state.batcher,
                                         source, target, options, cancel=cancel)
    except asyncio.CancelledError:
        cancel.set()
        raise
    if result.status != "done":
        error = result.error
        raise error if isinstance(error, OfflineNLPError) else ApiError(500, result.message)
    return output


async def download_file(request: web.Request) -> web.StreamResponse:
    state = request.app[STATE]
    path = state.files.find(request.match_info["token"], request.match_info["name"])
    if path is None:
        raise ApiError(404, "No such file: it was never translated here, or it was removed")
    return web.FileResponse(path, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(path.name)}"})
