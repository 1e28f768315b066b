"""The desktop app's switch for ``offline-nlp serve``: on with a setting, off with the app.

The server answers on http://127.0.0.1:5000 for the browser extension while the app
runs; it translates with the app's engine (its own engine thread), so no second copy
of a model is loaded. A label in the status bar says whether it runs.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel, QWidget

from offline_nlp.errors import OfflineNLPError

if TYPE_CHECKING:
    from offline_nlp.context import AppContext
    from offline_nlp.settings import Settings

__all__ = ["SETTING", "LocalServer"]

log = logging.getLogger(__name__)

#: Key in the settings file; off unless the user turns it on.
SETTING = "serve_browser"
PORT = 5000


def wanted(settings: Settings) -> bool:
    return bool(settings.extra.get(SETTING, False))


class LocalServer(QObject):
    """Starts and stops the server; ``label`` goes into the status bar.

    Attributes:
        label: "Browser extension: on (http://127.0.0.1:5000)" while it runs, or why not.
    """

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._server: Any = None
        self.label = QLabel("")
        self.label.setContentsMargins(8, 0, 8, 0)

    @property
    def running(self) -> bool:
        return self._server is not None

    def apply(self, settings: Settings) -> None:
        """Start or stop to match the setting."""
        if self.running and self._server.state.engine is not self._context.engine:
            self.stop()  # the app rebuilt its engine (threads, device): serve with the new one
        if wanted(settings) and not self.running:
            self.start()
        elif not wanted(settings):
            self.stop()

    def start(self) -> None:
        try:
            from offline_nlp.server import Server, ServerConfig
        except ImportError:
            self._show("Browser extension: off (install offline-nlp[server])")
            return
        config = ServerConfig(port=PORT, options=self._context.settings.translation_options())
        try:
            self._server = Server(self._context.engine, config).start()
        except OfflineNLPError as exc:
            log.warning("the local server did not start: %s", exc)
            self._show(f"Browser extension: off (port {PORT} is in use)", str(exc))
            return
        self._show(f"Browser extension: on ({self._server.url})",
                   "The browser extension and other apps can translate with offline-nlp")

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
        self._show("")

    def _show(self, text: str, tip: str = "") -> None:
        self.label.setText(text)
        self.label.setToolTip(tip)
        self.label.setVisible(bool(text))
