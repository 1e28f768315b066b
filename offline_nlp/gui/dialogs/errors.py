"""The one place where errors become message boxes (never a traceback on screen)."""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from offline_nlp.errors import OfflineNLPError

__all__ = ["error_text", "install_excepthook", "show_error"]

log = logging.getLogger(__name__)


def error_text(exc: BaseException) -> str:
    """A sentence for the user: our errors are written for people, others get their type."""
    if isinstance(exc, OfflineNLPError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else "")
    return f"Unexpected error ({type(exc).__name__}): {exc}"


def show_error(parent: QWidget | None, exc: BaseException,
               title: str = "Something went wrong") -> None:
    """Show ``exc`` in a warning box; the traceback goes to the log only."""
    if not isinstance(exc, OfflineNLPError):
        log.error("%s", title, exc_info=(type(exc), exc, exc.__traceback__))
    QMessageBox.warning(parent, title, error_text(exc))


def install_excepthook() -> None:
    """Route exceptions escaping a slot to :func:`show_error` instead of stderr only."""
    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        log.error("unhandled exception:\n%s", "".join(traceback.format_exception(kind, exc, tb)))
        if QApplication.instance() is not None:
            show_error(QApplication.activeWindow(), exc)
    sys.excepthook = hook
