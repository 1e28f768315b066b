"""First-run page: pick language pairs to download, or install from a file.

It never contacts the package index unasked: the first time, it asks "Check for
language packages online?" and remembers the answer (settings ``check_index_online``).
"""

from __future__ import annotations

from dataclasses import replace

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from offline_nlp.gui import package_jobs
from offline_nlp.gui.dialogs.errors import show_error
from offline_nlp.gui.jobs import JobController, JobRunnable
from offline_nlp.gui.packages_tab import choose_package_files
from offline_nlp.packages.metadata import PackageInfo

if TYPE_CHECKING:
    from offline_nlp.context import AppContext

__all__ = ["WANTED_LANGUAGES", "WelcomePage"]

# Offered first, both directions with English; the rest of the index follows.
WANTED_LANGUAGES = ("zh", "ja", "ko", "de", "fr", "es", "it", "pt", "ru", "ar")


class WelcomePage(QWidget):
    packages_changed = Signal()
    skipped = Signal()

    def __init__(self, context: AppContext, controller: JobController,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._controller = controller
        self._job: JobRunnable | None = None
        self._index_job: JobRunnable | None = None
        self._failed: dict[str, str] = {}   # package code -> why its download failed
        self._build()

    def _build(self) -> None:
        title = QLabel("Welcome to Offline NLP")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        title.setFont(font)
        intro = QLabel("Translation runs entirely on this computer, with language packages you "
                       "download once. Choose the language pairs you need:")
        intro.setWordWrap(True)
        self.status = QLabel("Loading the package list…")
        self.status.setWordWrap(True)
        self.ask_label = QLabel("Check for language packages online? This downloads the list "
                                "of available packages from the Argos Translate index; "
                                "nothing else leaves this computer.")
        self.ask_label.setWordWrap(True)
        self.online_button = QPushButton("Check &online")
        self.online_button.clicked.connect(lambda: self.answer_online(True))
        self.offline_button = QPushButton("&Not now")
        self.offline_button.clicked.connect(lambda: self.answer_online(False))
        ask_row = QHBoxLayout()
        ask_row.addWidget(self.online_button)
        ask_row.addWidget(self.offline_button)
        ask_row.addStretch(1)
        self.ask_panel = QWidget()
        ask_column = QVBoxLayout(self.ask_panel)
        ask_column.setContentsMargins(0, 0, 0, 0)
        ask_column.addWidget(self.ask_label)
        ask_column.addLayout(ask_row)
        self.ask_panel.hide()
        self.list = QListWidget()
        self.list.setAccessibleName("Language pairs to install")
        self.list.setSpacing(2)
        self.list.itemChanged.connect(self._update_buttons)
        self.install_button = QPushButton("Install selected")
        self.install_button.setDefault(True)
        self.install_button.clicked.connect(self._on_install)
        self.file_button = QPushButton("Install from file…")
        self.file_button.clicked.connect(self._on_install_from_file)
        self.retry_button = QPushButton("Try again")
        self.retry_button.clicked.connect(self._on_retry)
        self.retry_button.hide()
        self.skip_button = QPushButton("Skip for now")
        self.skip_button.clicked.connect(self.skipped)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        self.progress = QProgressBar()
        self.progress.hide()
        self.progress_label = QLabel("")
        buttons = QHBoxLayout()
        for button in (self.install_button, self.file_button, self.retry_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.skip_button)

        column = QVBoxLayout()
        column.addWidget(title)
        column.addWidget(intro)
        column.addWidget(self.ask_panel)
        column.addWidget(self.status)
        column.addWidget(self.list, 1)
        column.addWidget(self.progress_label)
        column.addWidget(self.progress)
        column.addLayout(buttons)
        # Without a list (offline, not asked yet) the text stays together at the top
        # instead of spreading over the page; this stretch takes the free space then.
        column.addStretch(0)
        self._column = column
        holder = QWidget()
        holder.setLayout(column)
        holder.setMaximumWidth(760)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(holder, 4)
        outer.addStretch(1)
        self._update_buttons()

    # -- public -------------------------------------------------------------------------

    def refresh(self) -> None:
        """Called when packages change and at start; loads the list the first time."""
        if self._index_job is None and self.list.count() == 0 and not self.retry_button.isVisible():
            if package_jobs.index_allowed(self._context.packages,
                                          self._context.settings.check_index_online):
                self.load_index(refresh=False)
            elif self._context.settings.check_index_online == "ask":
                self._show_question()
            else:
                self._show_offline()

    def answer_online(self, yes: bool) -> None:
        """The answer to "Check for language packages online?", remembered for next time."""
        self._remember_online("yes" if yes else "no")
        self.ask_panel.hide()
        if yes:
            self.load_index(refresh=False)
        else:
            self._show_offline()

    def _remember_online(self, answer: str) -> None:
        from offline_nlp.errors import OfflineNLPError
        from offline_nlp.settings import save_settings

        settings = replace(self._context.settings, check_index_online=answer)
        self._context.settings = settings
        try:
            save_settings(settings, self._context.paths.settings_file)
        except (OfflineNLPError, OSError) as exc:
            show_error(self, exc, "Cannot save settings")

    def _show_question(self) -> None:
        self.ask_panel.show()
        self.status.setText("Or install a downloaded .argosmodel file with Install from file….")
        self._compact(True)

    def _show_offline(self) -> None:
        self.status.setText("Not checking online. Install a downloaded .argosmodel file with "
                            "Install from file…, or press Check online to see the package list.")
        self.retry_button.setText("Check online")
        self.retry_button.show()
        self._compact(True)

    def _compact(self, compact: bool) -> None:
        self.list.setVisible(not compact)
        self._column.setStretch(self._column.count() - 1, 1 if compact else 0)

    @Slot()
    def _on_retry(self) -> None:
        if self._context.settings.check_index_online != "yes":
            self._remember_online("yes")   # pressing it is the answer
        self.load_index(refresh=True)

    def load_index(self, refresh: bool) -> JobRunnable:
        self.status.setText("Loading the package list…")
        self.ask_panel.hide()
        self.retry_button.hide()
        self._index_job = job = self._controller.submit(
            "io", package_jobs.load_index(self._context.packages, refresh), "index",
            succeeded=self._on_index, finished=self._on_index_finished)
        return job

    def install_files(self, paths: list[Path]) -> JobRunnable | None:
        return self._run(package_jobs.install_files(self._context.packages, paths),
                         "Installing from file…")

    def has_failures(self) -> bool:
        return bool(self._failed)

    def check(self, codes: list[str]) -> None:
        """Tick the pairs with these package codes (tests, keyboard users)."""
        for row in range(self.list.count()):
            item = self.list.item(row)
            info: PackageInfo = item.data(Qt.ItemDataRole.UserRole)
            if info.code in codes:
                item.setCheckState(Qt.CheckState.Checked)

    @Slot()
    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()

    # -- slots --------------------------------------------------------------------------

    @Slot(object)
    def _on_index(self, result: package_jobs.IndexResult) -> None:
        ticked = {info.code for info in self._checked()}   # ticks survive a reload
        self.list.clear()
        installed = {p.info.code for p in result.installed}
        offered = [i for i in self._offered(result.available) if i.code not in installed]
        for info in offered:
            size = package_jobs.format_size(info.size)
            problem = self._failed.get(info.code)
            text = info.title + (f"  ({size})" if size else "")
            item = QListWidgetItem(text + (f" — failed: {problem}" if problem else ""))
            item.setToolTip(problem or "")
            item.setData(Qt.ItemDataRole.UserRole, info)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = info.code in ticked
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        if result.problem:
            self.status.setText("The package list could not be loaded (no internet connection?). "
                                "Connect and press Try again, or install a downloaded "
                                ".argosmodel file with Install from file….")
            self.status.setToolTip(result.problem)
            self.retry_button.setText("Try again")
            self.retry_button.show()
        elif not offered:
            self.status.setText("The package list has no language pairs to offer. "
                                "Install a downloaded .argosmodel file with Install from file….")
        else:
            self.status.setText("Tick the pairs to install; you can add more later in Packages.")
        self._compact(not offered)
        self._update_buttons()

    @staticmethod
    def _offered(available: tuple[PackageInfo, ...]) -> list[PackageInfo]:
        """Translation packages: wanted pairs (with English) first, then the others."""
        translate = [i for i in available if i.type == "translate"]

        def rank(info: PackageInfo) -> tuple[int, str]:
            other = info.to_code if info.from_code == "en" else info.from_code
            wanted = other in WANTED_LANGUAGES and "en" in info.pair
            return (WANTED_LANGUAGES.index(other) if wanted else len(WANTED_LANGUAGES), info.title)
        return sorted(translate, key=rank)

    @Slot()
    def _on_index_finished(self) -> None:
        self._index_job = None

    def _checked(self) -> list[PackageInfo]:
        return [self.list.item(r).data(Qt.ItemDataRole.UserRole) for r in range(self.list.count())
                if self.list.item(r).checkState() == Qt.CheckState.Checked]

    @Slot()
    def _on_install(self) -> None:
        infos = self._checked()
        if infos:
            self._run(package_jobs.install_infos(self._context.packages, infos), "Downloading…")

    @Slot()
    def _on_install_from_file(self) -> None:
        paths = choose_package_files(self)
        if paths:
            self.install_files(paths)

    def _run(self, work: package_jobs.Work, label: str) -> JobRunnable | None:
        if self._job is not None:
            return None
        self._job = job = self._controller.submit(
            "io", work, label, progress=self._on_progress,
            succeeded=self._on_installed, failed=self._on_failed,
            cancelled=lambda: self.progress_label.setText("Cancelled"), finished=self._on_finished)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.progress_label.setText(label)
        self._update_buttons()
        return job

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, message: str) -> None:
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        if message:
            self.progress_label.setText(message)

    @Slot(object)
    def _on_installed(self, outcome: object) -> None:
        if isinstance(outcome, package_jobs.InstallOutcome):
            self._failed = {info.code: reason for info, reason in outcome.failed}
            if outcome.failed:
                names = ", ".join(info.title for info, _ in outcome.failed)
                self.progress_label.setText(f"Could not install {names}; the others are "
                                            "installed. They stay ticked: press Install to "
                                            "try again.")
        self.packages_changed.emit()

    @Slot(object)
    def _on_failed(self, exc: BaseException) -> None:
        self.progress_label.setText("Failed")
        show_error(self, exc, "Installing failed")
        self.packages_changed.emit()

    @Slot()
    def _on_finished(self) -> None:
        self._job = None
        self.progress.hide()
        self._update_buttons()
        self.load_index(refresh=False)   # drop what is now installed from the list

    @Slot()
    def _update_buttons(self) -> None:
        busy = self._job is not None
        checked = self._checked()
        size = package_jobs.format_size(sum(info.size for info in checked))
        self.install_button.setText(f"Install selected ({size})" if size else "Install selected")
        self.install_button.setEnabled(not busy and bool(checked))
        self.file_button.setEnabled(not busy)
        self.cancel_button.setVisible(busy)
