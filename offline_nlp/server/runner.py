"""The server's life: an event loop in its own thread, started and stopped by the caller.

The CLI starts it and waits for Ctrl-C; the desktop app starts it from Settings and
stops it on quit; tests start it on a free port. Translation never runs on the event
loop: the :class:`~offline_nlp.server.batcher.Batcher` owns the engine thread.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import threading

from aiohttp import web

from offline_nlp.engine import Engine
from offline_nlp.errors import OfflineNLPError
from offline_nlp.server.api import ServerConfig, State, build_app
from offline_nlp.server.batcher import Batcher
from offline_nlp.server.files import FileStore

__all__ = ["Server"]

log = logging.getLogger(__name__)

# Seconds a request in flight may take to finish once stop() is called.
_GRACE_S = 0.5


class Server:
    """``offline-nlp serve`` as an object: ``start()``, ``url``, ``stop()``.

    Args:
        engine: the shared engine; only the server's engine thread translates with it.
        config: host, port, key, origins and limits.
    """

    def __init__(self, engine: Engine, config: ServerConfig | None = None) -> None:
        self.config = config or ServerConfig()
        self.batcher = Batcher(engine.translate_texts)
        self.state = State(engine, self.batcher, self.config, FileStore())
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self.state.port

    @property
    def url(self) -> str:
        host = self.config.host if self.config.host not in ("0.0.0.0", "::") else "127.0.0.1"
        return f"http://{host}:{self.port}"

    def start(self) -> Server:
        """Listen now (raises :class:`OfflineNLPError` if the port is taken)."""
        try:
            self._loop.run_until_complete(self._listen())
        except OSError as exc:
            self.stop()
            if exc.errno == errno.EADDRINUSE:
                raise OfflineNLPError(
                    f"port {self.config.port} on {self.config.host} is in use (another "
                    "offline-nlp or LibreTranslate?); choose another with --port") from None
            raise OfflineNLPError(f"cannot listen on {self.config.host}:{self.config.port}: "
                                  f"{exc.strerror or exc}") from None
        self._thread = threading.Thread(target=self._loop.run_forever,
                                        name="offline-nlp-server", daemon=True)
        self._thread.start()
        return self

    async def _listen(self) -> None:
        # handler_cancellation: a client that goes away cancels its handler, which
        # cancels its sentences in the queue (aiohttp >= 3.9 no longer does by default)
        # stop() cancels the queued work first, so handlers answer at once; _GRACE_S
        # bounds what is left. keepalive_timeout also bounds how long a new connection
        # may take to send its headers: aiohttp closes one with no complete request by then
        self._runner = web.AppRunner(build_app(self.state), handler_cancellation=True,
                                     access_log=None, shutdown_timeout=_GRACE_S,
                                     keepalive_timeout=self.config.header_timeout)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.config.host, self.config.port)
        await site.start()
        self.state.port = self._runner.addresses[0][1]
        log.info("listening on %s", self.url)

    def stop(self) -> None:
        """Cancel the work in flight, stop listening, delete uploaded files. Blocking:
        the desktop app calls it on a worker.

        Cancelling first lets every handler answer at once (503), so stopping (Ctrl-C,
        SIGTERM, the desktop switch) never waits for a long document to translate."""
        self.batcher.close(timeout=0)
        if self._thread is not None:
            asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(timeout=30)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=30)
            self._thread = None
        elif self._runner is not None:
            self._loop.run_until_complete(self._shutdown())
        self.batcher.close()
        self.state.files.close()
        if not self._loop.is_closed():
            self._loop.close()

    async def _shutdown(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
