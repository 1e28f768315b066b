"""A raw HTTP client and an engine that waits, for the server tests (a plain module: a
``conftest`` cannot be imported by name, several of them share it)."""

from __future__ import annotations

import http.client
import json
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from offline_nlp.engine import Engine


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Client:
    """HTTP over a plain socket, so tests choose every header (Host, Origin)."""

    port: int
    host: str = "127.0.0.1"
    headers: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> Reply:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            all_headers = {"Host": f"{self.host}:{self.port}", **self.headers, **(headers or {})}
            connection.request(method, path, body=body, headers=all_headers)
            response = connection.getresponse()
            return Reply(response.status, {k.lower(): v for k, v in response.getheaders()},
                         response.read())
        finally:
            connection.close()

    def post_json(self, path: str, data: Any, **headers: str) -> Reply:
        return self.request("POST", path, json.dumps(data).encode(),
                            {"Content-Type": "application/json", **headers})

    def post_form(self, path: str, data: dict[str, Any] | list[tuple[str, str]]) -> Reply:
        return self.request("POST", path, urlencode(data).encode(),
                            {"Content-Type": "application/x-www-form-urlencoded"})

    def post_file(self, path: str, name: str, content: bytes, **fields: str) -> Reply:
        boundary = uuid.uuid4().hex
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
                 .encode() for k, v in fields.items()]
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                     f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
                     .encode() + content + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request("POST", path, body,
                            {"Content-Type": f"multipart/form-data; boundary={boundary}"})

    def get(self, path: str, **headers: str) -> Reply:
        return self.request("GET", path, headers=headers)


class GatedEngine:
    """The fixture engine whose translations wait until ``gate`` opens; records texts."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.gate = threading.Event()
        self.started = threading.Event()
        self.calls: list[list[str]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.engine, name)

    def translate_texts(self, texts: Any, *args: Any, **kwargs: Any) -> Any:
        self.calls.append(list(texts))
        self.started.set()
        assert self.gate.wait(60), "the test never opened the gate"
        return self.engine.translate_texts(texts, *args, **kwargs)
