"""The Packages tab: installed and available models, install/update/remove, from file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from offline_nlp.gui import package_jobs
from offline_nlp.gui.dialogs.errors import show_error
from offline_nlp.gui.jobs import JobController, JobRunnable, Work
from offline_nlp.gui.widgets import Banner, documents_folder, language_name
from offline_nlp.packages.ctmodels import memory_estimate
from offline_nlp.packages.metadata import InstalledPackage, PackageInfo

if TYPE_CHECKING:
    from offline_nlp.context import AppContext

__all__ = ["PACKAGE_SUFFIX", "PackagesTab", "choose_package_files"]

PACKAGE_SUFFIX = ".argosmodel"
COLUMNS = ("Package", "Languages", "Version", "Size", "Status")
NO_INDEX = ("No package list yet: connect to the internet and press Refresh list, or install a "
            "downloaded .argosmodel file with Install from file… (or drop it on this window).")


def choose_package_files(parent: QWidget) -> list[Path]:
    names, _ = QFileDialog.getOpenFileNames(parent, "Install packages", documents_folder(),
                                            f"Packages (*{PACKAGE_SUFFIX} *.zip);;All files (*)")
    return [Path(n) for n in names]


def _model_note(package: InstalledPackage) -> str:
    """A CTranslate2 model's licence (NLLB-200's forbids commercial use) and its rough
    memory in int8; plain Argos packages need neither said."""
    if not package.info.kind:
        return ""
    memory = package_jobs.format_size(memory_estimate(package.model_dir))
    return (f" · licence: {package.info.licence or 'unknown'}"
            + (f" · about {memory} in memory" if memory else ""))


class PackagesTab(QWidget):
    packages_changed = Signal()
    index_loaded = Signal()

    def __init__(self, context: AppContext, controller: JobController,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._controller = controller
        self._available: tuple[PackageInfo, ...] = ()
        self._installed: tuple[InstalledPackage, ...] = ()
        self._pair: tuple[str, str] | None = None
        self._job: JobRunnable | None = None
        self._sizes: dict[str, int] = {}              # installed code -> bytes on disk
        self._problems: dict[str, list[str]] | None = None   # the last Verify's findings
        self._loaded_once = False
        self._build()
        self._fill()

    # -- layout -------------------------------------------------------------------------

    def _build(self) -> None:
        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText("Filter by language or code, e.g. German or de")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._fill)
        self.refresh_button = QPushButton("Refresh list")
        self.refresh_button.setToolTip("Download the latest package list")
        self.refresh_button.clicked.connect(lambda: self.reload(refresh=True))
        self.file_button = QPushButton("Install from file…")
        self.file_button.clicked.connect(self._on_install_from_file)
        top = QHBoxLayout()
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.refresh_button)
        top.addWidget(self.file_button)

        self.pair_banner = Banner("Show all")
        self.pair_banner.action.connect(lambda: self.show_pair("", ""))
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.hide()

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setSortingEnabled(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)

        self.install_button = QPushButton("Install")
        self.install_button.clicked.connect(self._on_install)
        self.update_button = QPushButton("Update")
        self.update_button.clicked.connect(self._on_update)
        self.remove_button = QPushButton("&Remove")
        self.remove_button.clicked.connect(self._on_remove)
        self.verify_button = QPushButton("&Verify")
        self.verify_button.setToolTip("Check installed packages against the checksums recorded "
                                      "when they were installed")
        self.verify_button.clicked.connect(self.verify)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress_label = QLabel("")
        actions = QHBoxLayout()
        for button in (self.install_button, self.update_button, self.remove_button,
                       self.verify_button):
            actions.addWidget(button)
        actions.addWidget(self.progress_label, 1)
        actions.addWidget(self.progress, 1)
        actions.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.pair_banner)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        self.progress.hide()
        self._update_buttons()

    # -- public -------------------------------------------------------------------------

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().showEvent(event)
        if not self._loaded_once:
            self.reload()

    def reload(self, refresh: bool = False) -> JobRunnable:
        """Read installed packages and the index (cached copy unless ``refresh``; the
        index is only downloaded when asked, or after the user allowed it once)."""
        self._loaded_once = True
        self._installed = tuple(self._context.packages.installed())
        self._fill()
        online = refresh or package_jobs.index_allowed(
            self._context.packages, self._context.settings.check_index_online)
        job = self._controller.submit(
            "io", package_jobs.load_index(self._context.packages, refresh, online), "index",
            succeeded=self._on_index,
            failed=lambda exc: show_error(self, exc, "Cannot read the package list"))
        if refresh:
            self.message.setText("Downloading the package list…")
            self.message.show()
        return job

    def show_pair(self, source: str, target: str) -> None:
        """Show only packages that make ``source → target`` translatable (empty: all)."""
        self._pair = (source, target) if source and target else None
        if self._pair:
            names = self._context.engine.languages()
            self.pair_banner.show_message(
                f"Showing packages for {language_name(source, names)} → "
                f"{language_name(target, names)} (direct or through English).")
        else:
            self.pair_banner.hide()
        self._fill()

    def install_files(self, paths: list[Path]) -> JobRunnable | None:
        return self._run(package_jobs.install_files(self._context.packages, paths),
                         "Installing from file…")

    def install(self, infos: list[PackageInfo]) -> JobRunnable | None:
        return self._run(package_jobs.install_infos(self._context.packages, infos), "Downloading…")

    @Slot()
    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self.progress_label.setText("Cancelling…")

    def is_busy(self) -> bool:
        return self._job is not None

    # -- table ----------------------------------------------------------------------------

    def _rows(self) -> list[tuple[PackageInfo, InstalledPackage | None, PackageInfo | None]]:
        """(info, installed, newer) for installed packages, then the rest of the index."""
        newest: dict[str, PackageInfo] = {}
        for info in self._available:
            if info.code not in newest or info.version > newest[info.code].version:
                newest[info.code] = info
        rows: list[tuple[PackageInfo, InstalledPackage | None, PackageInfo | None]] = []
        for package in self._installed:
            newer = newest.get(package.info.code)
            if newer is None or newer.version <= package.info.version or package.read_only:
                newer = None
            rows.append((package.info, package, newer))
        installed_codes = {p.info.code for p in self._installed}
        rows += [(info, None, None) for info in newest.values() if info.code not in installed_codes]
        return [row for row in rows if self._matches(row[0])]

    def _matches(self, info: PackageInfo) -> bool:
        if self._pair is not None:
            source, target = self._pair
            wanted = {(source, target), (source, "en"), ("en", target)}
            if info.pair not in wanted:
                return False
        words = self.filter_edit.text().casefold().split()
        fields = (info.code, info.from_code, info.to_code, info.from_name, info.to_name, info.type)
        haystack = " ".join(fields).casefold()
        return all(word in haystack for word in words)

    @Slot()
    def _fill(self) -> None:
        rows = self._rows()
        self.table.setRowCount(len(rows))
        for row, (info, installed, newer) in enumerate(rows):
            if installed is None:
                status = "Available"
            elif newer is not None:
                status = f"Update to {newer.package_version}"
            else:
                status = "Installed" + (" (argostranslate)" if installed.read_only else "")
                status += self._verified(info.code, installed.read_only)
                status += _model_note(installed)
            codes = (info.title if info.multilingual
                     else f"{info.from_name} → {info.to_name}" if info.to_code
                     else info.from_name or info.from_code)
            size = (self._sizes.get(info.code) if installed is not None else 0) or \
                info.size or self._index_size(info.code)   # package metadata has no size
            # the package's own name, not its languages again (they have their column)
            unknown = "—" if installed is None else ""   # an installed one is being measured
            cells = (info.code, codes, info.package_version,
                     package_jobs.format_size(size) or unknown, status)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, (info, installed, newer))
                if column == 3 and not size and installed is None:
                    item.setToolTip("The package list gives no size; it shows once installed")
                self.table.setItem(row, column, item)
        self._update_buttons()

    def _verified(self, code: str, read_only: bool) -> str:
        if self._problems is None or read_only:
            return ""
        problems = self._problems.get(code, [])
        return f", damaged: {'; '.join(problems)}" if problems else ", verified"

    def _index_size(self, code: str) -> int:
        return max((i.size for i in self._available if i.code == code), default=0)

    def _selected(self) -> list[tuple[PackageInfo, InstalledPackage | None, PackageInfo | None]]:
        rows = sorted({index.row() for index in self.table.selectedIndexes()})
        return [self.table.item(row, 0).data(Qt.ItemDataRole.UserRole) for row in rows]

    def select_code(self, code: str) -> bool:
        """Select the row of a package code (for keyboard users and tests)."""
        for row in range(self.table.rowCount()):
            info = self.table.item(row, 0).data(Qt.ItemDataRole.UserRole)[0]
            if info.code == code:
                self.table.selectRow(row)
                return True
        return False

    @Slot()
    def _update_buttons(self) -> None:
        selected = self._selected() if hasattr(self, "table") else []
        busy = self._job is not None
        self.install_button.setEnabled(not busy and any(i is None for _, i, _ in selected))
        self.update_button.setEnabled(not busy and any(n is not None for _, _, n in selected))
        self.remove_button.setEnabled(not busy and any(
            i is not None and not i.read_only for _, i, _ in selected))
        self.cancel_button.setVisible(busy)
        self.verify_button.setEnabled(not busy and any(not p.read_only for p in self._installed))
        self.refresh_button.setEnabled(not busy)
        self.file_button.setEnabled(not busy)

    # -- jobs -----------------------------------------------------------------------------

    def _run(self, work: Work, label: str,
             succeeded: Callable[[object], None] | None = None) -> JobRunnable | None:
        if self._job is not None:
            QMessageBox.information(self, "Packages", "Another package job is running; wait for it "
                                    "to finish or cancel it.")
            return None
        self._job = job = self._controller.submit(
            "io", work, label, progress=self._on_progress, succeeded=succeeded or self._on_changed,
            failed=self._on_failed, cancelled=self._on_cancelled, finished=self._on_finished)
        self.progress.setRange(0, 0)   # busy until the first report
        self.progress.show()
        self.progress_label.setText(label)
        self._update_buttons()
        return job

    @Slot()
    def verify(self) -> JobRunnable | None:
        """Check every installed package's files (Packages → Verify)."""
        return self._run(package_jobs.verify(self._context.packages), "Verifying…",
                         self._on_verified)

    @Slot(object)
    def _on_verified(self, problems: dict[str, list[str]]) -> None:
        self._problems = problems
        damaged = [code for code, found in problems.items() if found]
        self.progress_label.setText(
            f"Damaged: {', '.join(damaged)} — remove and install them again" if damaged
            else f"All {len(problems)} packages verified")

    @Slot()
    def _on_install(self) -> None:
        infos = [info for info, installed, _ in self._selected() if installed is None]
        if infos:
            self.install(infos)

    @Slot()
    def _on_update(self) -> None:
        infos = [newer for _, _, newer in self._selected() if newer is not None]
        if infos:
            self._run(package_jobs.install_infos(self._context.packages, infos), "Updating…")

    @Slot()
    def _on_remove(self) -> None:
        chosen = [i for _, i, _ in self._selected() if i is not None and not i.read_only]
        if not chosen:
            return
        names = ", ".join(p.info.title for p in chosen)
        answer = QMessageBox.question(self, "Remove packages",
                                      f"Remove {names}? You can install them again later.")
        if answer == QMessageBox.StandardButton.Yes:
            self._run(package_jobs.remove(self._context.packages, [p.info.code for p in chosen]),
                      "Removing…")

    @Slot()
    def _on_install_from_file(self) -> None:
        paths = choose_package_files(self)
        if paths:
            self.install_files(paths)

    @Slot(object)
    def _on_index(self, result: package_jobs.IndexResult) -> None:
        self._available = result.available
        self._installed = result.installed
        self._sizes = result.sizes
        self.message.setText(NO_INDEX if result.problem else "")
        self.message.setToolTip(result.problem)
        self.message.setVisible(bool(result.problem))
        self._fill()
        self.index_loaded.emit()

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, message: str) -> None:
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        if message:
            self.progress_label.setText(message)

    @Slot(object)
    def _on_changed(self, outcome: package_jobs.InstallOutcome | list[InstalledPackage]) -> None:
        packages = (list(outcome.installed) if isinstance(outcome, package_jobs.InstallOutcome)
                    else outcome)
        text = f"Done: {', '.join(p.info.title for p in packages)}" if packages else ""
        if isinstance(outcome, package_jobs.InstallOutcome) and outcome.failed:
            failed = "; ".join(f"{info.title}: {reason}" for info, reason in outcome.failed)
            text = (text + ". " if text else "") + f"Failed: {failed}"
        self.progress_label.setText(text)
        self.packages_changed.emit()

    @Slot(object)
    def _on_failed(self, exc: BaseException) -> None:
        self.progress_label.setText("Failed")
        show_error(self, exc, "Package operation failed")
        self.packages_changed.emit()   # some packages of a list may be in

    @Slot()
    def _on_cancelled(self) -> None:
        self.progress_label.setText("Cancelled")

    @Slot()
    def _on_finished(self) -> None:
        self._job = None
        self.progress.hide()
        self._installed = tuple(self._context.packages.installed())
        self._fill()
