"""The Settings tab: the shared settings file (the CLI reads the same one)."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QAbstractItemView,
    QHeaderView,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from offline_nlp.engine.glossary import Glossary, load_glossary, parse_glossary_pairs
from offline_nlp.engine.routing import pair_choice, with_pair_choice
from offline_nlp.engine.types import PRESETS
from offline_nlp.errors import OfflineNLPError
from offline_nlp.progress import atomic_write
from offline_nlp.gui.dialogs.errors import show_error
from offline_nlp.gui.theme import THEMES
from offline_nlp.gui.local_server import PORT_SETTING, SETTING, port, wanted
from offline_nlp.settings import Settings, save_settings

if TYPE_CHECKING:
    from offline_nlp.context import AppContext

__all__ = ["SettingsTab"]

DEVICES = (("cpu", "CPU"), ("cuda", "GPU (CUDA)"), ("auto", "GPU when available, else CPU"))


class SettingsTab(QWidget):
    saved = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._build()
        self.load(context.settings)

    def _build(self) -> None:
        self.preset = QComboBox()
        for name, options in PRESETS.items():
            self.preset.addItem(f"{name.capitalize()} (beam size {options.beam_size})", name)
        self.device = QComboBox()
        for code, label in DEVICES:
            self.device.addItem(label, code)
        self.threads = QSpinBox()
        self.threads.setRange(0, max(64, os.cpu_count() or 1))
        self.threads.setSpecialValueText("Automatic")
        self.parallel = QSpinBox()
        self.parallel.setRange(0, 64)
        self.parallel.setSpecialValueText("Automatic")
        self.models = QSpinBox()
        self.models.setRange(1, 32)
        self.models.setSuffix(" models")
        self.use_cache = QCheckBox("Remember translated sentences (faster repeats)")
        self.packages_dir = QLineEdit()
        self.packages_dir.setPlaceholderText(str(self._context.paths.packages))
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._on_browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.packages_dir, 1)
        folder_row.addWidget(browse)
        self.favourites = QLineEdit()
        self.favourites.setPlaceholderText("Language codes listed first, e.g. en zh de")
        self.theme = QComboBox()
        for code, label in THEMES:
            self.theme.addItem(label, code)

        form = QFormLayout()
        form.addRow("Quality", self.preset)
        form.addRow("Run on", self.device)
        form.addRow("Threads per translation", self.threads)
        form.addRow("Translations in parallel", self.parallel)
        form.addRow("Models kept in memory", self.models)
        form.addRow("", self.use_cache)
        form.addRow("Packages folder", folder_row)
        form.addRow("Favourite languages", self.favourites)
        form.addRow("Appearance", self.theme)
        self.serve = QCheckBox("Let the browser extension and other apps use offline-nlp")
        self.port = QSpinBox()
        self.port.setRange(1024, 65535)
        self.port.setAccessibleName("Port of the local server")
        self.port.setToolTip("5000 is LibreTranslate's port, which the extension expects; on "
                             "macOS AirPlay takes it: choose another and set it in the extension")
        self.port.valueChanged.connect(self._show_port)
        self.serve_note = QLabel()
        self.serve_note.setWordWrap(True)   # the whole sentence on one line was cut off
        self.serve_note.setIndent(24)
        form.addRow("", self.serve)
        form.addRow("Port", self.port)
        form.addRow("", self.serve_note)
        form.addRow("Glossary", self._build_glossary())
        self.model_box = QWidget()
        self.model_form = QFormLayout(self.model_box)
        self.model_form.setContentsMargins(0, 0, 0, 0)
        #: (source, target) → the combo choosing the package that serves that pair.
        self.model_choices: dict[tuple[str, str], QComboBox] = {}
        form.addRow(self.model_box)

        self.save_button = QPushButton("Save")
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton("Revert")
        self.revert_button.clicked.connect(lambda: self.load(self._context.settings))
        self.note = QLabel(f"Saved to {self._context.paths.settings_file}. Everything applies "
                           "at once (device, threads and memory from the next job on) except "
                           "the packages folder, which needs a restart.")
        self.note.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.revert_button)
        buttons.addStretch(1)
        holder = QWidget()
        holder.setMaximumWidth(760)
        column = QVBoxLayout(holder)
        column.addLayout(form)
        column.addWidget(self.note)
        column.addLayout(buttons)
        column.addStretch(1)
        # Scrolls rather than forcing its height on the window (800×600, 200 % scale).
        page = QWidget()
        row = QHBoxLayout(page)
        row.addWidget(holder, 1)
        row.addStretch(0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    def _build_glossary(self) -> QWidget:
        """A table of terms, saved as glossary.csv in the config folder with the rest."""
        self.glossary = QTableWidget(0, 4)
        self.glossary.setHorizontalHeaderLabels(["Source term", "Translation", "From", "To"])
        self.glossary.setAccessibleName("Glossary: terms always translated as given")
        header = self.glossary.horizontalHeader()
        for column, mode in enumerate((QHeaderView.ResizeMode.Stretch,) * 2
                                      + (QHeaderView.ResizeMode.ResizeToContents,) * 2):
            header.setSectionResizeMode(column, mode)
        self.glossary.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.glossary.setMinimumHeight(140)
        add = QPushButton("Add term")
        add.clicked.connect(self._add_term)
        remove = QPushButton("Remove")
        remove.clicked.connect(self._remove_terms)
        load = QPushButton("Import…")
        load.setToolTip("Read a CSV or TSV file: source term, translation[, from, to]")
        load.clicked.connect(self._import_glossary)
        buttons = QHBoxLayout()
        for button in (add, remove, load):
            buttons.addWidget(button)
        buttons.addStretch(1)
        hint = QLabel("Each source term always comes out as its translation. From and To "
                      "are language codes (e.g. en, de); leave them empty for every pair.")
        hint.setWordWrap(True)
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.glossary)
        column.addLayout(buttons)
        column.addWidget(hint)
        return box

    def _set_terms(self, glossary: Glossary | None) -> None:
        self.glossary.setRowCount(0)
        for entry in glossary.entries if glossary else ():
            self._add_term(entry)

    @Slot()
    def _add_term(self, entry: tuple[str, ...] = ("", "", "", "")) -> None:
        row = self.glossary.rowCount()
        self.glossary.insertRow(row)
        for column, text in enumerate(entry or ("", "", "", "")):
            self.glossary.setItem(row, column, QTableWidgetItem(text))
        if not any(entry or ()):
            self.glossary.setCurrentCell(row, 0)

    @Slot()
    def _remove_terms(self) -> None:
        for row in sorted({i.row() for i in self.glossary.selectedIndexes()}, reverse=True):
            self.glossary.removeRow(row)

    @Slot()
    def _import_glossary(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Import a glossary", str(Path.home()),
                                              "Glossaries (*.csv *.tsv *.txt);;All files (*)")
        if not name:
            return
        try:
            self._set_terms(load_glossary(Path(name)))
        except OfflineNLPError as exc:
            show_error(self, exc, "Cannot import the glossary")

    def terms(self) -> Glossary:
        """The table's terms (empty rows skipped).

        Raises:
            GlossaryError: a row with one term only, a bad language code...
        """
        rows = []
        for row in range(self.glossary.rowCount()):
            cells = [(self.glossary.item(row, c).text() if self.glossary.item(row, c) else "")
                     .strip() for c in range(4)]
            if any(cells):
                rows.append(cells if cells[2] or cells[3] else cells[:2])
        return parse_glossary_pairs(rows, "the glossary table")

    def refresh_models(self) -> None:
        """One "Model for en → xl" choice per pair that several installed packages serve
        (after install/remove); pairs that one package serves show nothing. The
        engine's catalogue is built once per installed set, so this reads no files."""
        while self.model_form.rowCount():
            self.model_form.removeRow(0)
        self.model_choices = {}
        for (source, target), packages in sorted(self._context.engine.choices().items()):
            combo = QComboBox()
            combo.setAccessibleName(f"Model for {source} → {target}")
            combo.addItem(f"Automatic ({packages[0].info.code})", "")
            for package in packages:
                info = package.info
                licence = f", licence: {info.licence}" if info.licence else ""
                combo.addItem(f"{info.code} ({info.title}{licence})", info.code)
            self.model_form.addRow(f"Model for {source} → {target}", combo)
            self.model_choices[(source, target)] = combo
        self._show_model_choices(self._context.settings)
        self.model_box.setVisible(bool(self.model_choices))

    def _show_model_choices(self, settings: Settings) -> None:
        for (source, target), combo in self.model_choices.items():
            chosen = combo.findData(pair_choice(settings.preferred_models, source, target))
            combo.setCurrentIndex(max(0, chosen))   # an uninstalled choice: automatic

    def _preferred_models(self) -> tuple[str, ...]:
        preferred = self._context.settings.preferred_models
        for (source, target), combo in self.model_choices.items():
            preferred = with_pair_choice(preferred, source, target, combo.currentData())
        return preferred

    def load(self, settings: Settings) -> None:
        self.preset.setCurrentIndex(max(0, self.preset.findData(settings.preset)))
        self.device.setCurrentIndex(max(0, self.device.findData(settings.device)))
        self.threads.setValue(settings.cpu_threads)
        self.parallel.setValue(settings.parallel_jobs)
        self.models.setValue(max(1, settings.max_loaded_models))
        self.use_cache.setChecked(settings.use_cache)
        self.packages_dir.setText(settings.packages_dir)
        self.favourites.setText(" ".join(settings.favourite_languages))
        self.theme.setCurrentIndex(max(0, self.theme.findData(settings.theme)))
        self.serve.setChecked(wanted(settings))
        self.port.setValue(port(settings))
        self._show_port(self.port.value())
        self._show_model_choices(settings)
        try:
            self._set_terms(load_glossary(Path(settings.glossary_file))
                            if settings.glossary_file else None)
        except OfflineNLPError:
            self._set_terms(None)  # gone or damaged: translating says so, in one line

    def current(self) -> Settings:
        return replace(
            self._context.settings,
            preset=self.preset.currentData(),
            device=self.device.currentData(),
            cpu_threads=self.threads.value(),
            parallel_jobs=self.parallel.value(),
            max_loaded_models=self.models.value(),
            use_cache=self.use_cache.isChecked(),
            packages_dir=self.packages_dir.text().strip(),
            favourite_languages=tuple(self.favourites.text().replace(",", " ").split()),
            theme=self.theme.currentData(),
            preferred_models=self._preferred_models(),
            extra={**self._context.settings.extra, SETTING: self.serve.isChecked(),
                   PORT_SETTING: self.port.value()},
        )

    @Slot()
    def save(self) -> None:
        try:
            glossary = self.terms()
            settings = self.current()
            path = self._context.paths.glossary_file
            if glossary:
                path.parent.mkdir(parents=True, exist_ok=True)
                with atomic_write(path) as out:
                    out.write(glossary.to_text().encode("utf-8"))
            settings = replace(settings, glossary_file=str(path) if glossary else "").validate()
            save_settings(settings, self._context.paths.settings_file)
        except (OfflineNLPError, OSError) as exc:
            show_error(self, exc, "Cannot save settings")
            return
        self._context.settings = settings
        self.saved.emit()

    @Slot(int)
    def _show_port(self, value: int) -> None:
        self.serve_note.setText(f"At http://127.0.0.1:{value}, reachable from this computer "
                                "only.")

    @Slot()
    def _on_browse(self) -> None:
        name = QFileDialog.getExistingDirectory(self, "Packages folder",
                                                self.packages_dir.text() or str(Path.home()))
        if name:
            self.packages_dir.setText(name)
