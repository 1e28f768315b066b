"""Files over the API: ``POST /translate_file`` (multipart upload, bounded as it streams
in, translated off the event loop) and ``GET /download_file/<token>/<name>``."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiohttp import BodyPartReader, web

from offline_nlp.engine import TranslationOptions
from offline_nlp.errors import OfflineNLPError
from offline_nlp.progress import CancelFlag
from offline_nlp.server.detection import detect_document
from offline_nlp.server.files import clean_name
from offline_nlp.server.requests import (
    STATE,
    ApiError,
    State,
    check_key,
    json_response,
    multi_values,
    one_line,
    require,
    with_glossary,
)

__all__ = ["download_file", "translate_file"]


async def translate_file(request: web.Request) -> web.Response:
    state = request.app[STATE]
    if (request.content_length or 0) > state.config.upload_limit + 65536:
        raise ApiError(413, f"Request too large: files up to {state.config.upload_limit} bytes")
    if not request.content_type.startswith("multipart/"):
        raise ApiError(400, "Invalid request: send the file as multipart/form-data")
    token, folder = state.files.new_slot()
    try:
        fields, upload = await _read_upload(request, state, folder)
        check_key(state, fields)  # no file part: the key was not checked yet
        source = str(require(fields, "source"))
        target = str(require(fields, "target"))
        if upload is None:
            raise ApiError(400, "Invalid request: missing file parameter")
        options = with_glossary(state.config.options, fields)
        output = await _translate_upload(state, upload, folder, source, target, options)
    except BaseException:
        state.files.discard(token)
        raise
    state.files.publish(token, output)
    url = request.url.with_path(f"/download_file/{token}/{output.name}").with_query(None)
    return json_response({"translatedFileUrl": str(url)})


async def _read_upload(request: web.Request, state: State,
                       folder: Path) -> tuple[dict[str, Any], Path | None]:
    """Form fields and the uploaded file, written under ``folder`` within the size limit.

    The API key is checked when the file part starts, before a byte of it is read, and
    the whole body is bounded as it streams in (a chunked body has no Content-Length)."""
    from offline_nlp.documents.registry import is_supported

    fields: dict[str, Any] = multi_values(request.query)
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
            check_key(state, fields)
            if upload is not None:
                raise ApiError(400, "Invalid request: send one file per request")
            name = clean_name(part.filename)
            if not name or not is_supported(name):
                raise ApiError(400, "Invalid request: file format not supported")
            upload = folder / name
            await _save(part, upload, budget)
    except (ValueError, AssertionError) as exc:  # a mangled multipart body
        raise ApiError(400, "Invalid request: the body cannot be read "
                            f"({one_line(exc) or type(exc).__name__})") from None
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
        source = (await asyncio.to_thread(detect_document, state, upload, target))["language"]
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
