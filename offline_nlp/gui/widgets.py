"""Small widgets shared by the tabs: language pickers, drop zone, banners, empty states."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import QPoint, QStandardPaths, Qt, Signal, Slot
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from offline_nlp.engine.types import Language
from offline_nlp.langtokens import NAMES

__all__ = ["AUTO", "Banner", "DropZone", "EmptyState", "LanguagePair", "OutputFolder",
           "documents_folder", "dropped_paths", "enlarge_font", "language_name",
           "replace_text_in_place"]

MISSING_SUFFIX = " — not installed"
#: The source "language" that means: detect it from the text (as ``--from auto``).
AUTO = "auto"


def language_name(code: str, languages: Iterable[Language] = ()) -> str:
    """The name installed packages give ``code``, else a common name, else the code."""
    for language in languages:
        if language.code == code:
            return language.name
    # A detected language or a package list entry no installed package names yet:
    # codes are for machines, people read names (langtokens has NLLB's and M2M-100's).
    return NAMES.get(code, code)


def documents_folder() -> str:
    """Where file dialogs open: the user's documents folder (not the process's working
    directory, which for an app started from a menu is ``/`` or the bundle)."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if folder and Path(folder).is_dir():
        return folder
    return str(Path.home())


def enlarge_font(widget: QWidget, factor: float = 1.2) -> None:
    """Text panes are what people read: a little larger than the UI font."""
    font = widget.font()
    font.setPointSizeF(font.pointSizeF() * factor)
    widget.setFont(font)


def dropped_paths(event: QDropEvent | QDragEnterEvent) -> list[Path]:
    """Local files and folders carried by a drag (other URLs are ignored)."""
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


class LanguagePair(QWidget):
    """Source and target pickers with a swap button, listing only translatable pairs.

    A pair asked for that is not installed (after a swap, or remembered from last time)
    stays selected, marked "not installed", so the caller can offer the packages for it.
    """

    changed = Signal(str, str)

    def __init__(self, parent: QWidget | None = None, detect: bool = False) -> None:
        super().__init__(parent)
        #: offer "Detect language" (:data:`AUTO`) as the first source
        self.detect = detect
        self.source_box = QComboBox()
        self.target_box = QComboBox()
        for box in (self.source_box, self.target_box):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            box.setMinimumContentsLength(14)
        self.source_box.setAccessibleName("Source language")
        self.target_box.setAccessibleName("Target language")
        self.swap_button = QToolButton()
        self.swap_button.setText("⇄")
        self.swap_button.setToolTip("Swap languages (Ctrl+Shift+S)")
        self.swap_button.setAccessibleName("Swap languages")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("From"))
        layout.addWidget(self.source_box)
        layout.addWidget(self.swap_button)
        layout.addWidget(QLabel("to"))
        layout.addWidget(self.target_box)
        self._languages: list[Language] = []
        self._pairs: set[tuple[str, str]] = set()
        self._favourites: tuple[str, ...] = ()
        self._filling = False
        #: What ⇄ calls: the Text tab swaps its texts too; elsewhere only the languages.
        self.swap_texts: Callable[[], None] = self.swap
        self.source_box.currentIndexChanged.connect(self._on_source_changed)
        self.target_box.currentIndexChanged.connect(self._on_target_changed)
        self.swap_button.clicked.connect(lambda: self.swap_texts())

    # -- data ---------------------------------------------------------------------------

    def set_languages(self, languages: list[Language], pairs: Iterable[tuple[str, str]],
                      favourites: Iterable[str] = ()) -> None:
        """Fill the pickers; keeps the current pair when it still exists."""
        source, target = self.pair()
        self._languages = list(languages)
        self._pairs = set(pairs)
        self._favourites = tuple(favourites)
        self.set_pair(source, target)

    def pair(self) -> tuple[str, str]:
        return (self.source_box.currentData() or "", self.target_box.currentData() or "")

    def is_available(self) -> bool:
        source, target = self.pair()
        if source == AUTO:
            return bool(self.sources_for(target))
        return (source, target) in self._pairs

    def sources_for(self, target: str) -> list[str]:
        """The installed sources that translate into ``target`` (what detection picks from)."""
        return sorted({s for s, t in self._pairs if t == target})

    def has_pair(self, source: str, target: str) -> bool:
        """Whether an installed package translates ``source`` into ``target``."""
        return (source, target) in self._pairs

    def has_languages(self) -> bool:
        return bool(self._pairs)

    def languages(self) -> list[Language]:
        return list(self._languages)

    def set_pair(self, source: str, target: str) -> None:
        """Select a pair; one that is not installed is shown marked (see the class doc)."""
        self._filling = True
        try:
            sources = sorted({s for s, _ in self._pairs})
            if not source and sources:
                source = "en" if "en" in sources else self._sorted(sources)[0]
            self._fill(self.source_box, sources, source)
            if self.detect and sources:
                self.source_box.insertItem(0, "Detect language", AUTO)
                if source == AUTO:
                    self.source_box.setCurrentIndex(0)
            source = self.source_box.currentData() or ""
            targets = sorted({t for s, t in self._pairs if s == source or source == AUTO})
            if not target or (target == source):
                target = self._sorted(targets)[0] if targets else ""
            self._fill(self.target_box, targets, target)
        finally:
            self._filling = False
        self.changed.emit(*self.pair())

    def _sorted(self, codes: Iterable[str]) -> list[str]:
        """Favourites first (in their order), then by name."""
        favourites = {code: i for i, code in enumerate(self._favourites)}
        return sorted(codes, key=lambda c: (favourites.get(c, len(favourites)),
                                            language_name(c, self._languages).lower()))

    def _fill(self, box: QComboBox, codes: list[str], selected: str) -> None:
        box.clear()
        for code in self._sorted(codes):
            box.addItem(language_name(code, self._languages), code)
        if selected and selected not in codes and selected != AUTO:
            box.addItem(language_name(selected, self._languages) + MISSING_SUFFIX, selected)
        index = box.findData(selected)
        box.setCurrentIndex(index if index >= 0 else (0 if box.count() else -1))

    # -- slots --------------------------------------------------------------------------

    @Slot()
    def swap(self) -> None:
        source, target = self.pair()
        if source and target and source != AUTO:
            self.set_pair(target, source)

    @Slot(int)
    def _on_source_changed(self, _index: int) -> None:
        if not self._filling:
            self.set_pair(self.source_box.currentData() or "", self.target_box.currentData() or "")

    @Slot(int)
    def _on_target_changed(self, _index: int) -> None:
        if not self._filling:
            self.changed.emit(*self.pair())


class Banner(QFrame):
    """A one-line message with an optional action button, hidden until shown."""

    action = Signal()

    def __init__(self, button_text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.button = QPushButton(button_text)
        self.button.setVisible(bool(button_text))
        self.button.clicked.connect(self.action)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        self.hide()

    def show_message(self, text: str, with_button: bool = True) -> None:
        self.label.setText(text)
        self.button.setVisible(with_button and bool(self.button.text()))
        self.show()


class EmptyState(QWidget):
    """A centred hint saying what to do, with one button that does it."""

    action = Signal()

    def __init__(self, title: str, hint: str, button_text: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(title)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.title.setFont(font)
        self.hint = QLabel(hint)
        self.hint.setWordWrap(True)
        self.button = QPushButton(button_text)
        self.button.clicked.connect(self.action)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for widget in (self.title, self.hint):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(widget)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(2)


class DropZone(QFrame):
    """A framed area that takes dropped files and folders and has an "Add files…" button."""

    files_dropped = Signal(list)   # list[Path]
    add_files = Signal()
    add_folder = Signal()

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFrameShadow(QFrame.Shadow.Sunken)
        self.setMinimumHeight(90)
        label = QLabel(text)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setWordWrap(True)
        files = QPushButton("Add files…")
        files.setToolTip("Add files to translate (Ctrl+O)")
        files.clicked.connect(self.add_files)
        folder = QPushButton("Add folder…")
        folder.clicked.connect(self.add_folder)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(files)
        buttons.addWidget(folder)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addLayout(buttons)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_paths(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = dropped_paths(event)
        if paths:
            event.acceptProposedAction()
            self.files_dropped.emit(paths)


class OutputFolder(QWidget):
    """"Save translations in [folder] Choose… Next to originals": empty means next to
    each original file."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setReadOnly(True)
        self.edit.setPlaceholderText("Next to each original file")
        choose = QPushButton("C&hoose…")
        choose.clicked.connect(self.choose)
        reset = QPushButton("Next to originals")
        reset.clicked.connect(self.edit.clear)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)   # laid out as a row of the tab's own layout
        row.addWidget(QLabel("Save translations in"))
        row.addWidget(self.edit, 1)
        row.addWidget(choose)
        row.addWidget(reset)

    def folder(self) -> Path | None:
        text = self.edit.text().strip()
        return Path(text) if text else None

    def set_folder(self, folder: Path | None) -> None:
        self.edit.setText(str(folder) if folder else "")

    @Slot()
    def choose(self) -> None:
        name = QFileDialog.getExistingDirectory(self, "Save translations in",
                                                self.edit.text() or documents_folder())
        if name:
            self.set_folder(Path(name))


def _top_block(edit: QPlainTextEdit) -> int:
    return edit.cursorForPosition(QPoint(0, 0)).blockNumber()


def _scroll_to_block(edit: QPlainTextEdit, number: int) -> None:
    """Scroll so that block ``number`` is the first one visible (as far as it can be)."""
    bar = edit.verticalScrollBar()
    document = edit.document()
    # Each step lays out the blocks it scrolls past, so the next one counts their real
    # lines: under load many blocks are still unlaid, and four steps left the pane 30
    # lines off. Bounded: a step that moves nothing ends it.
    for _ in range(64):
        top = _top_block(edit)
        if top == number:
            return
        low, high = sorted((top, number))
        lines = sum(max(1, document.findBlockByNumber(i).lineCount()) for i in range(low, high))
        before = bar.value()
        bar.setValue(before + (lines if number > top else -lines))
        if bar.value() == before:
            return


def replace_text_in_place(edit: QPlainTextEdit, text: str) -> None:
    """Replace only what changed in ``edit``'s text, so the pane stays where the reader
    scrolled to. (setPlainText forgets the layout of wrapped lines: restoring the scroll
    bar's value then lands far from where the reader was.)"""
    old = edit.toPlainText()
    if old == text:
        return
    top = _top_block(edit)
    start, end = _changed_range(old, text)
    cursor = QTextCursor(edit.document())
    cursor.setPosition(start)
    cursor.setPosition(len(old) - end, QTextCursor.MoveMode.KeepAnchor)
    cursor.insertText(text[start:len(text) - end])
    # Wrapped lines are laid out lazily, so the scroll bar (in lines) can still
    # shift under an edit above the view: put the same line back at the top.
    _scroll_to_block(edit, min(top, edit.document().blockCount() - 1))


def _changed_range(old: str, new: str) -> tuple[int, int]:
    """The lengths of the common start and (not overlapping it) common end of two texts."""
    limit = min(len(old), len(new))
    start = 0
    step = 4096
    while start < limit:     # compare in slices: C speed on long texts
        size = min(step, limit - start)
        if old[start:start + size] == new[start:start + size]:
            start += size
            continue
        if size == 1:
            break
        step = max(1, size // 2)
    end = 0
    limit -= start
    step = 4096
    while end < limit:
        size = min(step, limit - end)
        if old[len(old) - end - size:len(old) - end] == new[len(new) - end - size:len(new) - end]:
            end += size
            continue
        if size == 1:
            break
        step = max(1, size // 2)
    return start, end
