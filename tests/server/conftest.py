"""A running ``offline-nlp serve`` on 127.0.0.1 over the fixture models, and a raw client."""

from __future__ import annotations

import http.client
import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest

pytest.importorskip("aiohttp", reason="the server needs the [server] extra")

from offline_nlp.engine import Engine  # noqa: E402
from offline_nlp.server import Server, ServerConfig  # noqa: E402


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


@pytest.fixture
def start_server(fixture_engine: Engine) -> Iterator[Any]:
    started: list[Server] = []

    def start(engine: Any = None, **config: Any) -> tuple[Server, Client]:
        server = Server(engine or fixture_engine, ServerConfig(port=0, **config)).start()
        started.append(server)
        return server, Client(server.port)

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def client(start_server: Any) -> Client:
    return start_server()[1]


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
