"""Entry point of the desktop app: ``offline-nlp gui`` and the ``offline-nlp-gui`` launcher."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from offline_nlp._version import __version__
from offline_nlp.context import AppContext
from offline_nlp.errors import OfflineNLPError
from offline_nlp.gui.dialogs.errors import install_excepthook
from offline_nlp.gui.syslibs import needs_xcb
from offline_nlp.gui.syslibs import problem as syslibs_problem

__all__ = ["app_icon", "main"]

APP_NAME = "Offline NLP"


def app_icon() -> QIcon:
    """The window icon, shipped in ``offline_nlp/gui/assets``."""
    icon = QIcon()
    assets = resources.files("offline_nlp.gui") / "assets"
    for name in ("offline-nlp.svg", "offline-nlp-256.png"):
        item = assets / name
        if item.is_file():
            with resources.as_file(item) as path:
                icon.addFile(str(path))
    return icon


def create_application(argv: Sequence[str] = ()) -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(["offline-nlp-gui", *argv])
    app.setApplicationName("offline-nlp")
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName("offline-nlp")
    app.setDesktopFileName("offline-nlp")   # Wayland: match resources/offline-nlp.desktop
    app.setWindowIcon(app_icon())
    # No style sheet and no fixed palette: Qt 6 follows the system's light or dark scheme.
    return app  # type: ignore[return-value]


def main(argv: Sequence[str] | None = None) -> int:
    """Start the app; returns the exit status. ``argv`` excludes the program name."""
    from offline_nlp.gui.mainwindow import MainWindow  # after QApplication exists

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if needs_xcb():   # before Qt aborts with "could not load the Qt platform plugin xcb"
        message = syslibs_problem()
        if message is not None:
            print(f"offline-nlp: {message}", file=sys.stderr)
            return 1
    app = create_application(list(sys.argv[1:] if argv is None else argv))
    install_excepthook()
    try:
        context = AppContext.create()
    except OfflineNLPError as exc:
        QMessageBox.critical(None, APP_NAME, f"Cannot start: {exc}")
        return 1
    window = MainWindow(context)
    app.aboutToQuit.connect(window.shutdown)
    window.show()
    # Files given by the desktop launcher (Exec=offline-nlp-gui %F) or the shell.
    files = [Path(a) for a in app.arguments()[1:] if not a.startswith("-") and Path(a).exists()]
    if files:
        window.handle_paths(files)
    try:
        return app.exec()
    finally:
        context.close()


if __name__ == "__main__":
    sys.exit(main())
