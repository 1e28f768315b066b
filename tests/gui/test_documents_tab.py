"""The Documents tab: drops queue files, one batched job writes outputs, cancel works."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from offline_nlp.context import AppContext
from offline_nlp.errors import ModelLoadError
from offline_nlp.gui.mainwindow import MainWindow
from tests.gui.support import Shown, WindowFactory, drop_files

pytestmark = pytest.mark.gui


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def statuses(tab) -> list[str]:  # type: ignore[no-untyped-def]
    return [item.status for item in tab.files]


def test_dropping_files_queues_and_translates_them(
        qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    tab = window.documents_tab
    a = write(tmp_path / "a.txt", "Hello world.\n\nSecond paragraph.\n")
    b = write(tmp_path / "b.txt", "Another file.\n")
    drop_files(tab.drop_zone, [a, b])
    assert [item.source for item in tab.files] == [a, b]
    qtbot.waitUntil(lambda: statuses(tab) == ["done", "done"])
    expected = "HELLO WORLD.\n\nSECOND PARAGRAPH.\n"
    assert (tmp_path / "a.xl.txt").read_text(encoding="utf-8") == expected
    assert (tmp_path / "b.xl.txt").read_text(encoding="utf-8") == "ANOTHER FILE.\n"
    assert tab.overall.value() == 100
    assert all(item.progress == 100 for item in tab.files)


def test_dropping_a_folder_on_the_window_adds_its_supported_files(
        qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write(folder / "x.txt", "One.\n")
    write(folder / "sub" / "y.txt", "Two.\n")
    write(folder / "notes.xyz", "ignored")
    out = tmp_path / "out"
    window.documents_tab.set_output_folder(out)
    drop_files(window, [folder])
    tab = window.documents_tab
    assert window.tabs.currentWidget() is tab
    qtbot.waitUntil(lambda: sorted(item.source.name for item in tab.files) == ["x.txt", "y.txt"])
    qtbot.waitUntil(lambda: statuses(tab) == ["done", "done"])
    assert (out / "x.xl.txt").read_text(encoding="utf-8") == "ONE.\n"
    assert (out / "sub" / "y.xl.txt").read_text(encoding="utf-8") == "TWO.\n"


def test_bilingual_option_reaches_the_pipeline(
        qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    tab = window.documents_tab
    tab.bilingual.setChecked(True)
    tab.add_paths([write(tmp_path / "a.txt", "Hello.\n")])
    qtbot.waitUntil(lambda: statuses(tab) == ["done"])
    text = (tmp_path / "a.xl.txt").read_text(encoding="utf-8")
    assert "Hello." in text and "HELLO." in text


def test_cancel_all_stops_the_job_and_writes_nothing(
        qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    engine, tab = window.context.engine, window.documents_tab
    engine.gate = threading.Event()
    tab.add_paths([write(tmp_path / "a.txt", "Hello.\n"), write(tmp_path / "b.txt", "Bye.\n")])
    assert engine.started.wait(5)
    tab.cancel_all()
    qtbot.waitUntil(lambda: statuses(tab) == ["cancelled", "cancelled"])
    qtbot.waitUntil(lambda: not tab.is_running())
    assert not (tmp_path / "a.xl.txt").exists() and not (tmp_path / "b.xl.txt").exists()


def test_cancelling_one_file_keeps_translating_the_others(
        qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    engine, tab = window.context.engine, window.documents_tab
    engine.gate = threading.Event()
    tab.add_paths([write(tmp_path / "a.txt", "Hello.\n"), write(tmp_path / "b.txt", "Bye.\n")])
    assert engine.started.wait(5)
    tab._on_cell_clicked(0, 5)                         # its ✕
    qtbot.waitUntil(lambda: len(engine.calls) == 2)    # b.txt starts; a.txt stopped
    engine.gate.set()
    qtbot.waitUntil(lambda: statuses(tab) == ["cancelled", "done"])
    assert not (tmp_path / "a.xl.txt").exists()
    assert (tmp_path / "b.xl.txt").read_text(encoding="utf-8") == "BYE.\n"
    assert engine.calls == [["Hello."], ["Bye."]]


def test_unsupported_file_is_listed_as_skipped(
        qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    tab = window.documents_tab
    tab.add_paths([write(tmp_path / "data.xyz", "?")])
    assert statuses(tab) == ["skipped"]
    assert "unsupported" in tab.table.item(0, 1).text()


def test_engine_failure_shows_a_message_box(
        qtbot: QtBot, window: MainWindow, tmp_path: Path, errors: Shown) -> None:
    window.context.engine.error = ModelLoadError("cannot load the model of translate-en_xl")
    tab = window.documents_tab
    tab.add_paths([write(tmp_path / "a.txt", "Hello.\n")])
    qtbot.waitUntil(lambda: errors != [])
    assert errors[0] == ("Document translation failed", "cannot load the model of translate-en_xl")
    qtbot.waitUntil(lambda: statuses(tab) == ["failed"])


def test_files_wait_when_the_pair_is_missing(
        qtbot: QtBot, make_window: WindowFactory, fake_context: AppContext,
        tmp_path: Path) -> None:
    fake_context.engine._pairs = {("en", "xl")}
    window = make_window(fake_context)
    tab = window.documents_tab
    tab.pair.set_pair("xl", "en")
    tab.add_paths([write(tmp_path / "a.txt", "Hello.\n")])
    assert statuses(tab) == ["queued"]
    assert not tab.banner.isHidden()
    tab.pair.set_pair("en", "xl")
    qtbot.waitUntil(lambda: statuses(tab) == ["done"])


def test_typing_still_translates_while_a_document_job_runs(
        qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    engine = window.context.engine
    engine.gate = threading.Event()
    engine.gated = lambda texts: texts == ["Long document."]   # only the document job waits
    window.documents_tab.add_paths([write(tmp_path / "a.txt", "Long document.\n")])
    assert engine.started.wait(5)
    window.text_tab.set_text("quick note")
    window.text_tab.translate_now()
    qtbot.waitUntil(lambda: window.text_tab.target_edit.toPlainText() == "QUICK NOTE")
    assert window.documents_tab.is_running()
    engine.gate.set()
    qtbot.waitUntil(lambda: statuses(window.documents_tab) == ["done"])


def test_documents_tab_says_what_to_do_without_models(
        qtbot: QtBot, make_window: WindowFactory, empty_context: AppContext) -> None:
    window = make_window(empty_context)
    tab = window.documents_tab
    assert not tab.banner.isHidden()
    assert "No models installed" in tab.banner.label.text()
    tab.banner.button.click()
    assert window.tabs.currentWidget() is window.packages_tab


@pytest.mark.parametrize("answer, expected", [("No", "OLD\n"), ("Yes", "HELLO.\n")])
def test_an_earlier_translation_is_replaced_only_when_the_user_agrees(
        qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        answer: str, expected: str) -> None:
    from PySide6.QtWidgets import QMessageBox

    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kw: asked.append(args[2]) or
                        getattr(QMessageBox.StandardButton, answer))
    earlier = write(tmp_path / "a.xl.txt", "OLD\n")
    tab = window.documents_tab
    tab.add_paths([write(tmp_path / "a.txt", "Hello.\n")])
    qtbot.waitUntil(lambda: statuses(tab)[0] in ("done", "skipped"))
    assert "a.xl.txt" in asked[0]
    assert earlier.read_text(encoding="utf-8") == expected
