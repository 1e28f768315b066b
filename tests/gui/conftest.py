"""GUI fixtures: a context around the fake engine, the main window, captured message boxes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget

from offline_nlp.context import AppContext
from tests.gui.support import FakeEngine


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never reach the public index: an unreachable local port fails at once."""
    monkeypatch.setenv("OFFLINE_NLP_INDEX_URL", "http://127.0.0.1:9/index.json")


@pytest.fixture(autouse=True)
def _stand_in_packages_install(monkeypatch: pytest.MonkeyPatch) -> None:
    """The GUI tests install stand-in packages whose model is a few bytes; a context
    refuses those (their test translation fails), so here the test translation passes.
    Refusing them is tested in tests/hostile/test_packages_cli.py."""
    monkeypatch.setattr("offline_nlp.context.try_package", lambda package: None)


@pytest.fixture
def errors(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Message boxes shown, as (title, text); no dialog ever blocks a test."""
    shown: list[tuple[str, str]] = []

    def capture(_parent: QWidget | None, title: str, text: str,
                *args: object) -> QMessageBox.StandardButton:
        shown.append((title, text))
        return QMessageBox.StandardButton.Ok
    for name in ("warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, name, capture)
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    return shown


@pytest.fixture
def fake_context() -> Iterator[AppContext]:
    """A real context (isolated home, real package manager) with the fake engine."""
    ctx = AppContext.create(use_cache=False)
    ctx.engine = FakeEngine(ctx.packages)  # type: ignore[assignment]
    yield ctx
    ctx.close()


@pytest.fixture
def empty_context() -> Iterator[AppContext]:
    ctx = AppContext.create(use_cache=False)
    yield ctx
    ctx.close()


@pytest.fixture
def make_window(qtbot, errors):  # type: ignore[no-untyped-def]
    from offline_nlp.gui.mainwindow import MainWindow

    windows = []

    def make(context: AppContext) -> MainWindow:
        window = MainWindow(context)
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        return window
    yield make
    for window in windows:
        window.shutdown()


@pytest.fixture
def window(make_window, fake_context):  # type: ignore[no-untyped-def]
    return make_window(fake_context)
