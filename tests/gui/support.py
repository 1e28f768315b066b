"""Helpers for the GUI tests: a fake engine and simulated file drops."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget

from offline_nlp.context import AppContext
from offline_nlp.engine.types import Language, Span, Translation
from offline_nlp.errors import LanguagePairUnavailableError
from offline_nlp.progress import Progress, ProgressCallback, check_cancel

if TYPE_CHECKING:
    from offline_nlp.gui.mainwindow import MainWindow

__all__ = ["FakeEngine", "fake_alignment", "fake_alternatives", "Shown", "WindowFactory", "drop_files", "fake_translation"]


def fake_translation(text: str) -> str:
    """What :class:`FakeEngine` returns: easy to predict, visibly different."""
    return text.upper()


def fake_alternatives(text: str) -> tuple[str, ...]:
    """The n-best list after :func:`fake_translation`: title case, then lower case."""
    return tuple(t for t in dict.fromkeys((text.title(), text.lower())) if t != text.upper())


def fake_alignment(text: str) -> tuple[Span, ...]:
    """Upper-casing keeps every character in place: each word aligns with itself."""
    return tuple(Span(m.start(), m.end(), m.start(), m.end()) for m in re.finditer(r"\w+", text))


class FakeEngine:
    """Stands in for :class:`~offline_nlp.engine.Engine` where no trained model is needed.

    ``gate``: when set to an Event, each call waits for it (checking ``cancel``), so a
    test can hold a request "running". ``steps``/``step_s``: a slow job with progress.
    """

    cache = None

    def __init__(self, packages: object,
                 pairs: Sequence[tuple[str, str]] = (("en", "xl"), ("xl", "en"))) -> None:
        self.packages = packages
        self._pairs = set(pairs)
        self.calls: list[list[str]] = []
        self.gate: threading.Event | None = None
        self.started = threading.Event()
        self.steps = 1
        self.step_s = 0.0
        self.error: Exception | None = None
        self.gated: Callable[[list[str]], bool] = lambda texts: True   # which calls wait

    def languages(self) -> list[Language]:
        names = {"en": "English", "xl": "Synthetic Latin", "xz": "Synthetic CJK"}
        codes = {c for pair in self._pairs for c in pair}
        return sorted((Language(c, names.get(c, c)) for c in codes), key=lambda lang: lang.name)

    def pairs(self) -> dict[tuple[str, str], object]:
        return {pair: object() for pair in self._pairs}

    def choices(self) -> dict[tuple[str, str], tuple[object, ...]]:
        return {}   # one stand-in package per pair: nothing to choose between

    def route(self, source: str, target: str) -> object:
        if (source, target) not in self._pairs:
            raise LanguagePairUnavailableError(f"no package for {source} → {target}",
                                               source, target)
        return object()

    def translate_texts(self, texts: Sequence[str], source: str, target: str,
                        options: object = None, *, align: bool = False,
                        on_progress: ProgressCallback | None = None,
                        cancel: threading.Event | None = None) -> list[Translation]:
        self.calls.append(list(texts))
        self.started.set()
        self.route(source, target)
        if self.gate is not None and self.gated(list(texts)):
            while not self.gate.wait(0.01):
                check_cancel(cancel)
        for step in range(self.steps):
            check_cancel(cancel)
            time.sleep(self.step_s)
            if on_progress is not None:
                on_progress(Progress(step + 1, self.steps, "translating"))
        if self.error is not None:
            raise self.error
        many = getattr(options, "num_alternatives", 1)
        return [Translation(fake_translation(t), fake_alternatives(t)[:many - 1],
                            fake_alignment(t) if align else ()) for t in texts]

    def loaded_models(self) -> list[str]:
        return ["translate-en_xl"]

    def unload(self, package: object = None) -> None:
        pass


def drop_files(widget: QWidget, paths: Sequence[Path]) -> None:
    """Drag ``paths`` onto ``widget`` the way a file manager does (file URLs)."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    # QDragEnterEvent takes a QPoint (PySide6 6.11 accepts nothing else), QDropEvent a QPointF.
    enter = QDragEnterEvent(QPoint(5, 5), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, drop)
    assert drop.isAccepted()


#: Message boxes captured by the ``errors`` fixture, as (title, text).
Shown = list[tuple[str, str]]
#: The ``make_window`` fixture: builds a shown MainWindow over a context.
WindowFactory = Callable[[AppContext], "MainWindow"]
