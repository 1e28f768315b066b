"""The main window: welcome page or tabs, status bar, shortcuts, drops, remembered layout."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, QSize, Slot
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QWidget,
)

from offline_nlp.gui.documents_tab import DocumentsTab
from offline_nlp.gui.jobs import JobController
from offline_nlp.gui.local_server import LocalServer
from offline_nlp.gui.dialogs.errors import show_error
from offline_nlp.gui.menus import build_menus
from offline_nlp.gui.packages_tab import PACKAGE_SUFFIX, PackagesTab, choose_package_files
from offline_nlp.gui.settings_tab import SettingsTab
from offline_nlp.gui.summarize_tab import SummarizeTab
from offline_nlp.gui.text_tab import TextTab, format_seconds
from offline_nlp.gui.theme import apply_theme
from offline_nlp.gui.welcome import WelcomePage
from offline_nlp.gui.widgets import dropped_paths

if TYPE_CHECKING:
    from offline_nlp.context import AppContext
    from offline_nlp.engine import Engine
    from offline_nlp.engine.types import EngineConfig

__all__ = ["MainWindow", "fitted_size"]

#: The window's size on a screen with room for it.
DEFAULT_SIZE = QSize(1100, 720)


def fitted_size(available: QSize) -> QSize:
    """The default size, at most 90 % of the screen's free area (800×600, or 1920×1080
    at 200 %, which is 960×540 in the app's units)."""
    return DEFAULT_SIZE.boundedTo(QSize(int(available.width() * 0.9),
                                        int(available.height() * 0.9)))


class MainWindow(QMainWindow):
    """One window over one :class:`AppContext` (one engine) and one :class:`JobController`."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.controller = JobController(self)
        self._retired: list[Engine] = []   # engines replaced by new settings, still busy
        self.controller.idle.connect(self._unload_retired)
        self.controller.jobs_changed.connect(self._on_jobs_changed)
        apply_theme(context.settings.theme)
        self.setWindowTitle("Offline NLP")
        self.setAcceptDrops(True)
        self.resize(fitted_size(self.screen().availableGeometry().size()))
        # Window state only; domain settings live in the settings file (settings.py).
        self.window_state = QSettings(str(context.paths.config / "window.ini"),
                                      QSettings.Format.IniFormat)

        self.text_tab = TextTab(context, self.controller)
        self.documents_tab = DocumentsTab(context, self.controller)
        self.summarize_tab = SummarizeTab(context, self.controller)
        self.packages_tab = PackagesTab(context, self.controller)
        self.settings_tab = SettingsTab(context)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.text_tab, "Text")
        self.tabs.addTab(self.documents_tab, "Documents")
        self.tabs.addTab(self.summarize_tab, "Summarise")
        self.tabs.addTab(self.packages_tab, "Packages")
        self.tabs.addTab(self.settings_tab, "Settings")

        self.welcome = WelcomePage(context, self.controller)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.welcome)
        self.pages.addWidget(self.tabs)
        self.setCentralWidget(self.pages)

        self.models_label = QLabel("No model loaded")
        self.time_label = QLabel("")
        self.local_server = LocalServer(context, self)
        for label in (self.models_label, self.time_label, self.local_server.label):
            label.setContentsMargins(8, 0, 8, 0)
            # a long list of loaded models must not widen the window past the screen
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            self.statusBar().addPermanentWidget(label, 1)
        self.local_server.apply(context.settings)

        self._connect()
        self.actions_by_name = build_menus(self)
        self.refresh_languages()
        self.pages.setCurrentWidget(self.tabs if self.has_translation_packages() else self.welcome)
        self._restore_state()

    # -- wiring -------------------------------------------------------------------------

    def _connect(self) -> None:
        for tab in (self.text_tab, self.documents_tab):
            tab.packages_requested.connect(self.open_packages)
        self.summarize_tab.packages_requested.connect(self.open_packages)
        self.text_tab.translated.connect(self._on_translated)
        self.documents_tab.translated.connect(self._on_translated)
        self.summarize_tab.finished_work.connect(self._on_summarised)
        self.packages_tab.packages_changed.connect(self._on_packages_changed)
        self.welcome.packages_changed.connect(self._on_packages_changed)
        self.welcome.skipped.connect(self._on_welcome_skipped)
        self.settings_tab.saved.connect(self._on_settings_saved)

    def has_translation_packages(self) -> bool:
        return bool(self.context.engine.pairs())

    # -- actions ------------------------------------------------------------------------

    @Slot(str, str)
    def open_packages(self, source: str = "", target: str = "") -> None:
        """Show the Packages tab, filtered to a pair when one is given."""
        self.pages.setCurrentWidget(self.tabs)
        self.tabs.setCurrentWidget(self.packages_tab)
        self.packages_tab.show_pair(source, target)

    def refresh_languages(self) -> None:
        self.text_tab.refresh_languages()
        self.documents_tab.refresh_languages()
        self.summarize_tab.refresh_languages()
        self.settings_tab.refresh_models()
        self.welcome.refresh()

    def _save_state(self) -> None:
        state = self.window_state
        state.setValue("geometry", self.saveGeometry())
        state.setValue("tab", self.tabs.currentIndex())
        for splitter in self.findChildren(QSplitter):
            if splitter.objectName():
                state.setValue(f"splitters/{splitter.objectName()}", splitter.saveState())
        for name, tab in (("text", self.text_tab), ("documents", self.documents_tab)):
            source, target = tab.pair.pair()
            state.setValue(f"languages/{name}", f"{source}>{target}")
        state.sync()

    def _restore_state(self) -> None:
        state = self.window_state
        geometry = state.value("geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
            self._fit_to_screen()   # saved on a bigger screen, or at a smaller scale
        for splitter in self.findChildren(QSplitter):
            saved = state.value(f"splitters/{splitter.objectName()}")
            if splitter.objectName() and isinstance(saved, QByteArray):
                splitter.restoreState(saved)
        for name, tab in (("text", self.text_tab), ("documents", self.documents_tab)):
            saved = str(state.value(f"languages/{name}", "") or "")
            if ">" in saved:
                tab.pair.set_pair(*saved.split(">", 1))
        self.tabs.setCurrentIndex(int(state.value("tab", 0) or 0))

    def _fit_to_screen(self) -> None:
        available = self.screen().availableGeometry()
        if self.width() > available.width() or self.height() > available.height():
            self.resize(self.size().boundedTo(available.size()))
        if not available.contains(self.frameGeometry()):
            self.move(max(available.left(), min(self.x(), available.right() - self.width())),
                      max(available.top(), min(self.y(), available.bottom() - self.height())))

    @Slot()
    def shutdown(self) -> None:
        """Cancel running jobs and wait for the pools (also wired to ``aboutToQuit``)."""
        self.controller.shutdown()
        self.local_server.shutdown()
        self.text_tab.history.close()     # what is queued is written first

    def closeEvent(self, event: QCloseEvent) -> None:
        self._save_state()
        self.shutdown()
        super().closeEvent(event)

    # -- drops on the whole window --------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_paths(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = dropped_paths(event)
        if not paths:
            return
        event.acceptProposedAction()
        self.handle_paths(paths)

    def handle_paths(self, paths: list[Path]) -> None:
        """Packages go to the package manager, everything else to the document queue."""
        packages = [p for p in paths if p.suffix.lower() == PACKAGE_SUFFIX]
        documents = [p for p in paths if p.suffix.lower() != PACKAGE_SUFFIX]
        if packages:
            if self.pages.currentWidget() is self.welcome:
                self.welcome.install_files(packages)
            else:
                self.tabs.setCurrentWidget(self.packages_tab)
                self.packages_tab.install_files(packages)
        if documents:
            self.pages.setCurrentWidget(self.tabs)
            self.tabs.setCurrentWidget(self.documents_tab)
            self.documents_tab.add_paths(documents)

    # -- slots ----------------------------------------------------------------------------

    @Slot(float)
    def _on_translated(self, seconds: float) -> None:
        self._show_time("Last translation", seconds)

    @Slot(float)
    def _on_summarised(self, seconds: float) -> None:
        self._show_time("Last summary", seconds)

    def _show_time(self, what: str, seconds: float) -> None:
        self.time_label.setText(f"{what}: {format_seconds(seconds)}")
        loaded = self.context.engine.loaded_models()
        self.models_label.setText("Loaded: " + ", ".join(loaded) if loaded else "No model loaded")

    @Slot(str)
    def _on_jobs_changed(self, name: str) -> None:
        """The title names the job running now, for the taskbar and window switchers."""
        self.setWindowTitle(f"{name} — Offline NLP" if name else "Offline NLP")

    @Slot()
    def _on_packages_changed(self) -> None:
        self.refresh_languages()
        self.packages_tab.reload()
        loaded = self.context.engine.loaded_models()
        self.models_label.setText("Loaded: " + ", ".join(loaded) if loaded else "No model loaded")
        if (self.has_translation_packages() and self.pages.currentWidget() is self.welcome
                and not self.welcome.has_failures()):   # the user must see what failed
            self.pages.setCurrentWidget(self.tabs)
            self.tabs.setCurrentWidget(self.text_tab)

    @Slot()
    def _on_welcome_skipped(self) -> None:
        self.pages.setCurrentWidget(self.tabs)
        self.tabs.setCurrentWidget(self.packages_tab)

    @Slot()
    def _on_settings_saved(self) -> None:
        self.refresh_languages()   # favourite languages may have changed
        apply_theme(self.context.settings.theme)
        self._rebuild_engine()
        self.local_server.apply(self.context.settings)
        self.statusBar().showMessage("Settings saved", 3000)

    def _rebuild_engine(self) -> None:
        """Threads, device and models in memory, live: jobs started from now on get a new
        engine; the old one keeps serving the jobs that run on it and is unloaded when
        the last of them has finished."""
        config = self.context.settings.engine_config()
        old = self.context.engine
        if getattr(old, "config", config) == config:
            return
        self.context.engine = self.make_engine(old, config)
        self._retired.append(old)
        if not self.controller.busy():
            self._unload_retired()

    @staticmethod
    def make_engine(old: Engine, config: EngineConfig) -> Engine:
        from offline_nlp.engine import Engine

        return Engine(old.packages, config, old.cache)

    @Slot()
    def _unload_retired(self) -> None:
        while self._retired:
            self._retired.pop().unload()

    # -- menu actions ---------------------------------------------------------------------

    def show_tab(self, index: int) -> None:
        self.pages.setCurrentWidget(self.tabs)
        self.tabs.setCurrentIndex(index)

    def set_theme(self, theme: str) -> None:
        """View → Theme: applied at once and saved, like the Settings tab's choice."""
        from dataclasses import replace

        from offline_nlp.errors import OfflineNLPError
        from offline_nlp.settings import save_settings

        apply_theme(theme)
        settings = replace(self.context.settings, theme=theme)
        try:
            save_settings(settings, self.context.paths.settings_file)
        except (OfflineNLPError, OSError) as exc:
            show_error(self, exc, "Cannot save settings")
            return
        self.context.settings = settings
        self.settings_tab.load(settings)

    def install_package_files(self) -> None:
        paths = choose_package_files(self)
        if paths:
            self.handle_paths(paths)

    @Slot()
    def translate_now(self) -> None:
        if self.tabs.currentWidget() is self.summarize_tab:
            self.summarize_tab.summarize()
        else:
            self.tabs.setCurrentWidget(self.text_tab)
            self.text_tab.translate_now()

    @Slot()
    def swap(self) -> None:
        if self.tabs.currentWidget() is self.documents_tab:
            self.documents_tab.pair.swap()
        else:
            self.text_tab.swap()

    @Slot()
    def add_files(self) -> None:
        self.pages.setCurrentWidget(self.tabs)
        self.tabs.setCurrentWidget(self.documents_tab)
        self.documents_tab.choose_files()
