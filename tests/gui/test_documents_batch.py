"""Documents, issue 22: cancel all during a folder scan cancels, one question per batch
and no nested dialogs, outputs never collide, rows keep their pair, the batch summary
counts every row, the time left follows sentences, failed rows stand out."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from offline_nlp.gui import documents_tab as docs
from offline_nlp.gui.mainwindow import MainWindow
from tests.gui.test_documents_tab import statuses, write

pytestmark = pytest.mark.gui


def tiny_folder(folder: Path, count: int, text: str = "Doc {i}.\n") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        (folder / f"doc{i:05d}.txt").write_text(text.format(i=i), encoding="utf-8")
    return folder


def test_cancel_all_during_a_20000_file_scan_stops_everything(
        qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    engine, tab = window.context.engine, window.documents_tab
    folder = tiny_folder(tmp_path / "many", 20_000)
    engine.gate = threading.Event()        # the first file stays "running"
    tab.add_paths([folder])
    qtbot.waitUntil(lambda: len(tab.files) > 0, timeout=20_000)
    tab.cancel_all()                       # while the scan still reports
    engine.gate.set()
    qtbot.waitUntil(lambda: not tab.is_scanning() and not tab.is_running(), timeout=30_000)
    QApplication.processEvents()           # reports queued before the cancel are delivered
    assert "queued" not in statuses(tab)
    assert not tab.is_running()
    assert len(engine.calls) <= 1          # at most the file running at the cancel
    assert not list(folder.glob("*.xl.txt"))


def test_existing_translations_are_asked_about_once_per_batch(
        qtbot: QtBot, window: MainWindow, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A real dialog runs a nested event loop: scan chunks and job signals keep coming
    while it is open. The stand-in does the same, and counts how often it is opened."""
    engine, tab = window.context.engine, window.documents_tab
    folder = tiny_folder(tmp_path / "old", 400)
    out = tmp_path / "out"
    out.mkdir()
    tab.set_output_folder(out)
    for i in range(0, 400, 2):                      # every second file was done before
        (out / f"doc{i:05d}.xl.txt").write_text("OLD\n", encoding="utf-8")
    opened: list[int] = []

    def question(*_args: object, **_kw: object) -> QMessageBox.StandardButton:
        opened.append(len(tab.files))
        for _ in range(200):                         # the user reads for a while
            QApplication.processEvents()
        return QMessageBox.StandardButton.No
    monkeypatch.setattr(QMessageBox, "question", question)
    tab.add_paths([folder])
    qtbot.waitUntil(lambda: not tab.is_scanning() and len(tab.files) == 400, timeout=20_000)
    qtbot.waitUntil(lambda: "queued" not in statuses(tab) and not tab.is_running(),
                    timeout=60_000)
    assert len(opened) == 1
    sent = [texts[0] for texts in engine.calls]
    assert len(sent) == len(set(sent)) == 200        # each new file once, none twice
    assert (out / "doc00000.xl.txt").read_text(encoding="utf-8") == "OLD\n"
    assert (out / "doc00001.xl.txt").read_text(encoding="utf-8") == "DOC 1.\n"


def test_two_inputs_never_share_an_output(
        qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    tab = window.documents_tab
    out = tmp_path / "out"
    tab.set_output_folder(out)
    a = write(tmp_path / "a" / "report.txt", "From a.\n")
    b = write(tmp_path / "b" / "report.txt", "From b.\n")
    tab.add_paths([a, b])
    qtbot.waitUntil(lambda: statuses(tab) == ["done", "done"])
    assert (out / "report.xl.txt").read_text(encoding="utf-8") == "FROM A.\n"
    assert (out / "report (2).xl.txt").read_text(encoding="utf-8") == "FROM B.\n"
    assert tab.table.item(1, 3).text() == "report (2).xl.txt"


def test_a_pdf_beside_its_docx_gets_a_pdf(window: MainWindow, tmp_path: Path) -> None:
    tab = window.documents_tab
    tab.pair.set_pair("xl", "en")            # not installed: rows wait, nothing is read
    window.context.engine._pairs = {("en", "xl")}
    tab.refresh_languages()
    tab.pair.set_pair("xl", "en")
    docx, pdf = tmp_path / "writer.docx", tmp_path / "writer.pdf"
    docx.write_bytes(b"x")
    pdf.write_bytes(b"%PDF-1.4")
    tab.add_paths([docx, pdf])
    # a PDF is translated into a PDF (it used to become a second writer.en.docx)
    assert [f.output.name for f in tab.files if f.output] == ["writer.en.docx",
                                                              "writer.en.pdf"]
    tab.pdf_as.setCurrentIndex(1)  # PDF -> Word, the text only, as before
    other = tmp_path / "other.pdf"
    other.write_bytes(b"%PDF-1.4")
    tab.add_paths([other])
    assert tab.files[-1].output.name == "other.en.docx"


def test_rows_keep_the_pair_they_were_queued_with(
        qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    engine, tab = window.context.engine, window.documents_tab
    engine.gate = threading.Event()
    first = write(tmp_path / "a.txt", "First.\n")
    second = write(tmp_path / "b.txt", "Second.\n")
    tab.add_paths([first, second])           # en → xl
    assert engine.started.wait(5)
    tab.pair.set_pair("xl", "en")            # changed mid-batch
    engine.gate.set()
    qtbot.waitUntil(lambda: statuses(tab) == ["done", "done"])
    assert (tmp_path / "b.xl.txt").exists() and not (tmp_path / "b.en.txt").exists()
    assert tab.table.item(1, docs.PAIR_COLUMN).text() == "en → xl"


def test_the_batch_summary_counts_every_cancelled_row(
        qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    engine, tab = window.context.engine, window.documents_tab
    engine.gate = threading.Event()
    tab.add_paths([write(tmp_path / f"f{i}.txt", f"File {i}.\n") for i in range(40)])
    assert engine.started.wait(5)
    tab.cancel_all()
    qtbot.waitUntil(lambda: not tab.is_running())
    qtbot.waitUntil(lambda: "40 cancelled" in tab.overall_label.text())
    assert tab.overall_label.text() == "0 translated, 40 cancelled"


def test_progress_and_time_left_follow_files_and_sentences_not_bytes(
        qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    engine, tab = window.context.engine, window.documents_tab
    small = [write(tmp_path / f"s{i:02d}.txt", "Small.\n") for i in range(19)]
    big_text = "word " * 4000 + "end.\n"                 # one sentence, many bytes
    big = write(tmp_path / "zz_big.txt", big_text)
    engine.gate = threading.Event()
    engine.gated = lambda texts: texts[0].startswith("word")
    tab.add_paths([*small, big])
    qtbot.waitUntil(lambda: statuses(tab)[:19] == ["done"] * 19 and tab.is_running())
    tab._run_started -= 19                               # as if 19 s had passed
    tab._update_overall()
    assert tab.overall.value() >= 95                     # 19 of 20 files
    text = tab.overall_label.text()
    assert "about 1 s left" in text or "about 2 s left" in text, text
    engine.gate.set()
    qtbot.waitUntil(lambda: statuses(tab)[-1] == "done")


def test_seconds_left_uses_the_measured_sentence_rate(tmp_path: Path) -> None:
    done = docs.QueuedFile(tmp_path / "a", tmp_path, "done", progress=100, sentences=10)
    running = docs.QueuedFile(tmp_path / "b", tmp_path, "translating", progress=50, sentences=20)
    waiting = docs.QueuedFile(tmp_path / "c", tmp_path, size=10**9)
    # 20 sentences in 10 s; left: 10 of b, and c counted as the mean (15)
    assert docs.seconds_left([done, running, waiting], 10.0) == pytest.approx(12.5)
    assert docs.seconds_left([waiting], 5.0) is None


def test_a_failed_row_stands_out_with_its_full_message(
        qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    tab = window.documents_tab
    damaged = tmp_path / "damaged.docx"
    damaged.write_bytes(b"this is not a zip archive")
    tab.add_paths([damaged, write(tmp_path / "fine.txt", "Fine.\n")])
    qtbot.waitUntil(lambda: statuses(tab) == ["failed", "done"])
    failed, fine = tab.table.item(0, 1), tab.table.item(1, 1)
    assert not failed.icon().isNull() and fine.icon().isNull()
    assert failed.foreground().color() != fine.foreground().color()
    assert tab.files[0].message and failed.toolTip() == tab.files[0].message
    assert tab.table.item(0, docs.CANCEL_COLUMN).text() == ""


def test_adding_a_folder_again_skips_the_earlier_translations(
        qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    engine, tab = window.context.engine, window.documents_tab
    folder = tmp_path / "memos"
    write(folder / "memo.txt", "Memo.\n")
    write(folder / "memo.xl.txt", "MEMO.\n")            # made by an earlier run
    write(folder / "memo.de.txt", "Notiz.\n")           # a German one, also ours
    write(folder / "notes.txt", "Notes.\n")
    tab.add_paths([folder])
    qtbot.waitUntil(lambda: not tab.is_scanning() and statuses(tab) == ["done", "done"])
    assert sorted(f.source.name for f in tab.files) == ["memo.txt", "notes.txt"]
    assert not (folder / "memo.xl.xl.txt").exists() and not (folder / "memo.de.xl.txt").exists()
    assert sorted(texts[0] for texts in engine.calls) == ["Memo.", "Notes."]
