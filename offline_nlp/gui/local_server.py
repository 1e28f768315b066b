"""The desktop app's switch for ``offline-nlp serve``: on with a setting, off with the app.

The server answers on http://127.0.0.1:PORT (a setting, 5000 by default: LibreTranslate's
port, which the browser extension expects; macOS AirPlay takes 5000 too) for the browser
extension while the app runs; it translates with the app's engine (its own engine
thread), so no second copy of a model is loaded. A label in the status bar says whether
it runs.

Starting (1-2 s: aiohttp's import and the socket) and stopping (in-flight requests are
cancelled first, then threads are joined) run on a worker thread of their own, in the
order asked: the window never waits for them.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QLabel, QWidget

from offline_nlp.errors import OfflineNLPError
from offline_nlp.gui.jobs import JobRunnable

if TYPE_CHECKING:
    from offline_nlp.context import AppContext
    from offline_nlp.engine import Engine
    from offline_nlp.settings import Settings

__all__ = ["PORT_SETTING", "SETTING", "LocalServer", "port", "wanted"]

log = logging.getLogger(__name__)

#: Keys in the settings file; off unless the user turns it on.
SETTING = "serve_browser"
PORT_SETTING = "serve_port"
PORT = 5000


def wanted(settings: Settings) -> bool:
    return bool(settings.extra.get(SETTING, False))


def port(settings: Settings) -> int:
    """The port from the settings file, or 5000 when missing or not a port."""
    value = settings.extra.get(PORT_SETTING, PORT)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 65535:
        return value
    return PORT


class LocalServer(QObject):
    """Starts and stops the server on its own worker thread; ``label`` goes into the
    status bar.

    Attributes:
        label: "Browser extension: on (http://127.0.0.1:5000)" while it runs, or why not.
    """

    #: the server started, stopped or failed to start (the label says which)
    changed = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._server: Any = None
        self._starting: JobRunnable | None = None
        self._jobs: set[JobRunnable] = set()
        self._port = PORT
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)     # one at a time, in the order asked
        self._pool.setObjectName("server_pool")
        self.label = QLabel("")
        self.label.setContentsMargins(8, 0, 8, 0)
        self.label.setVisible(False)

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def busy(self) -> bool:
        """A start or stop is under way on the worker thread."""
        return bool(self._jobs)

    def apply(self, settings: Settings) -> None:
        """Start or stop to match the settings (never waits for either)."""
        engine = self._context.engine
        if self._server is not None and (self._server.state.engine is not engine
                                         or self._port != port(settings)):
            self.stop()  # a new engine (threads, device) or port: serve with the new one
        if self._starting is not None and self._port != port(settings):
            self.stop()
        if wanted(settings) and self._server is None and self._starting is None:
            self.start(port(settings))
        elif not wanted(settings):
            self.stop()

    def start(self, port_number: int | None = None) -> None:
        self._port = port(self._context.settings) if port_number is None else port_number
        try:
            from offline_nlp.server import Server, ServerConfig
        except ImportError:
            self._show("Browser extension: off (install offline-nlp[server])")
            return
        config = ServerConfig(port=self._port, options=self._context.settings.translation_options())
        engine: Engine = self._context.engine

        def work(_progress: object, _cancel: object) -> Any:
            return Server(engine, config).start()
        self._show(f"Browser extension: starting on port {self._port}…")
        self._starting = self._submit(work, "start", succeeded=self._on_started,
                                      failed=self._on_start_failed)

    def stop(self) -> None:
        """Stop serving: a start under way is undone when it ends; a running server
        cancels its requests in flight and shuts down on the worker thread."""
        if self._starting is not None:
            self._starting.cancel()     # read by _on_started: stop what it started
        server, self._server = self._server, None
        if server is None:
            if self._starting is None:
                self._show("")
            return
        self._show("Browser extension: stopping…")
        self._submit(lambda _p, _c: server.stop(), "stop", finished=self._on_stopped)

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        """Stop and wait (quitting the app: the port must be free when it exits)."""
        self.stop()
        self._pool.waitForDone(timeout_ms)
        if self._server is not None:   # a start ended while we waited
            self._server.stop()
            self._server = None

    # -- worker ---------------------------------------------------------------------------

    def _submit(self, work: Any, name: str, **slots: Any) -> JobRunnable:
        job = JobRunnable(work, f"server {name}")
        for signal_name, slot in slots.items():
            getattr(job.signals, signal_name).connect(slot)
        job.signals.finished.connect(lambda: self._jobs.discard(job))
        self._jobs.add(job)
        self._pool.start(job)
        return job

    @Slot(object)
    def _on_started(self, server: Any) -> None:
        job, self._starting = self._starting, None
        if job is not None and job.is_cancelled:     # turned off while it started
            self._show("Browser extension: stopping…")
            self._submit(lambda _p, _c: server.stop(), "stop", finished=self._on_stopped)
            return
        self._server = server
        self._show(f"Browser extension: on ({server.url})",
                   "The browser extension and other apps can translate with offline-nlp")
        self.changed.emit()

    @Slot(object)
    def _on_start_failed(self, exc: BaseException) -> None:
        self._starting = None
        log.warning("the local server did not start: %s", exc)
        if isinstance(exc, OfflineNLPError):
            self._show(f"Browser extension: off (port {self._port} is in use; change it in "
                       "Settings)", str(exc))
        else:
            self._show("Browser extension: off (the server did not start)", str(exc))
        self.changed.emit()

    @Slot()
    def _on_stopped(self) -> None:
        if self._server is None and self._starting is None:
            self._show("")
        self.changed.emit()

    def _show(self, text: str, tip: str = "") -> None:
        self.label.setText(text)
        self.label.setToolTip(tip)
        self.label.setVisible(bool(text))
