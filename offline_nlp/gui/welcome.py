"""First-run page: pick language pairs to download, or install from a file."""

from __future__ import annotations

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
        self.retry_button.clicked.connect(lambda: self.load_index(refresh=True))
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
        column.addWidget(self.status)
        column.addWidget(self.list, 1)
        column.addWidget(self.progress_label)
        column.addWidget(self.progress)
        column.addLayout(buttons)
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
            self.load_index(refresh=False)

    def load_index(self, refresh: bool) -> JobRunnable:
        self.status.setText("Loading the package list…")
        self.retry_button.hide()
        self._index_job = job = self._controller.submit(
            "io", package_jobs.load_index(self._context.packages, refresh), "index",
            succeeded=self._on_index, finished=self._on_index_finished)
        return job

    def install_files(self, paths: list[Path]) -> JobRunnable | None:
        return self._run(package_jobs.install_files(self._context.packages, paths),
                         "Installing from file…")

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
        self.list.clear()
        installed = {p.info.code for p in result.installed}
        offered = [i for i in self._offered(result.available) if i.code not in installed]
        for info in offered:
            size = package_jobs.format_size(info.size)
            item = QListWidgetItem(info.title + (f"  ({size})" if size else ""))
            item.setData(Qt.ItemDataRole.UserRole, info)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.list.addItem(item)
        if result.problem:
            self.status.setText("The package list could not be loaded (no internet connection?). "
                                "Connect and press Try again, or install a downloaded "
                                ".argosmodel file with Install from file….")
            self.status.setToolTip(result.problem)
            self.retry_button.show()
        elif not offered:
            self.status.setText("The package list has no language pairs to offer. "
                                "Install a downloaded .argosmodel file with Install from file….")
        else:
            self.status.setText("Tick the pairs to install; you can add more later in Packages.")
        self.list.setVisible(bool(offered))
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
            succeeded=lambda _packages: self.packages_changed.emit(), failed=self._on_failed,
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
