"""A running ``offline-nlp serve`` on 127.0.0.1 over the fixture models, and a raw client."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("aiohttp", reason="the server needs the [server] extra")

from server_support import Client  # noqa: E402

from offline_nlp.engine import Engine  # noqa: E402
from offline_nlp.server import Server, ServerConfig  # noqa: E402


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
