"""Run by test_fits_any_screen.py in a subprocess (each screen needs its own QApplication):
opens the window on the screen Qt was given and prints, as JSON, its size and which of
the controls a user must reach lie outside the window or their view.

    QT_QPA_PLATFORM=offscreen:configfile=screen.json QT_SCALE_FACTOR=2 \\
        python -m tests.gui.fit_probe DOCUMENTS_FOLDER
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication, QWidget


def main(folder: Path) -> int:
    app = QApplication([])
    from offline_nlp.context import AppContext
    from offline_nlp.gui.documents_tab import CANCEL_COLUMN
    from offline_nlp.gui.mainwindow import MainWindow
    from tests.gui.support import FakeEngine

    context = AppContext.create(use_cache=False)
    context.engine = FakeEngine(context.packages)  # type: ignore[assignment]
    window = MainWindow(context)
    window.show()
    window.pages.setCurrentWidget(window.tabs)
    window.local_server.label.setText("Browser extension: on (http://127.0.0.1:5000)")
    window.local_server.label.show()
    window.time_label.setText("Last translation: 0.42 s")
    docs = window.documents_tab
    docs.add_paths(sorted(folder.iterdir()))
    deadline = time.monotonic() + 20
    while (docs.is_running() or not docs.files) and time.monotonic() < deadline:
        app.processEvents()
    hidden: list[str] = []

    def reachable(name: str, widget: QWidget) -> None:
        top_left = widget.mapTo(window, widget.rect().topLeft())
        if not window.rect().contains(QRect(top_left, widget.size())):
            hidden.append(name)

    tabs = {
        "text": (window.text_tab, {"Translate": window.text_tab.translate_button,
                                   "History": window.text_tab.history_button,
                                   "Copy": window.text_tab.copy_button}),
        "documents": (docs, {"Cancel all": docs.cancel_all_button,
                             "overall bar": docs.overall}),
        "summarise": (window.summarize_tab, {"Summarise": window.summarize_tab.run_button,
                                             "Cancel": window.summarize_tab.cancel_button}),
        "settings": (window.settings_tab, {}),
    }
    for tab_name, (tab, controls) in tabs.items():
        window.tabs.setCurrentWidget(tab)
        for _ in range(20):
            app.processEvents()
        for name, widget in {**controls, "status bar": window.statusBar()}.items():
            reachable(f"{tab_name}: {name}", widget)
    window.tabs.setCurrentWidget(docs)
    app.processEvents()
    cell = docs.table.visualRect(docs.table.model().index(0, CANCEL_COLUMN))
    if not docs.table.viewport().rect().contains(cell):
        hidden.append("documents: ✕ column")
    available = window.screen().availableGeometry()
    print(json.dumps({
        "screen": [available.width(), available.height()],
        "window": [window.width(), window.height()],
        "minimum": [window.minimumSizeHint().width(), window.minimumSizeHint().height()],
        "hidden": hidden,
    }))
    window.shutdown()
    context.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
