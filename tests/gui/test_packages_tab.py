"""Packages from a local index and from files; the pickers follow installs and removals."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from helpers import index_entry, make_archive, publish
from httpserver import Served
from pytestqt.qtbot import QtBot

from offline_nlp.context import AppContext
from offline_nlp.errors import Cancelled
from offline_nlp.progress import Progress
from tests.gui.support import Shown, WindowFactory, drop_files

pytestmark = pytest.mark.gui


@pytest.fixture
def served_context(index_server, tmp_path):  # type: ignore[no-untyped-def]
    """A real engine with nothing installed and a local index offering en→xl and xl→en."""
    served, base = index_server
    entries = []
    for pair in ("en_xl", "xl_en"):
        archive = make_archive(tmp_path / f"{pair}.argosmodel", pair)
        served.files[f"/translate-{pair}-1.0.argosmodel"] = archive.read_bytes()
        entries.append(index_entry(pair, base, size=archive.stat().st_size))
    url = publish(served, base, entries)
    ctx = AppContext.create(index_url=url, use_cache=False)
    yield ctx
    ctx.close()


def pickers(window) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    return window.text_tab.pair.pair()


def test_install_from_the_index_shows_progress_then_the_languages(
        qtbot: QtBot, make_window: WindowFactory, served_context: AppContext) -> None:
    window = make_window(served_context)
    window.open_packages()
    tab = window.packages_tab
    tab.reload(refresh=True)
    qtbot.waitUntil(lambda: tab.select_code("translate-en_xl"))
    assert tab.table.item(tab.table.currentRow(), 4).text() == "Available"
    assert tab.install_button.isEnabled()
    progress: list[tuple[int, int]] = []
    tab.progress.valueChanged.connect(
        lambda value: progress.append((value, tab.progress.maximum())))
    tab.install_button.click()
    assert tab.progress.isVisible()
    qtbot.waitUntil(lambda: pickers(window) == ("en", "xl"))
    qtbot.waitUntil(lambda: not tab.is_busy())
    assert progress and progress[-1][0] == progress[-1][1]
    assert tab.progress_label.text().startswith("Done")
    assert window.text_tab.stack.currentWidget() is not window.text_tab.empty
    assert [p.info.code for p in served_context.packages.installed()] == ["translate-en_xl"]


def test_welcome_page_lists_the_index_and_installs_the_chosen_pairs(
        qtbot: QtBot, make_window: WindowFactory, served_context: AppContext) -> None:
    served_context.packages.available(refresh=True)     # as if fetched before
    window = make_window(served_context)
    welcome = window.welcome
    assert window.pages.currentWidget() is welcome
    qtbot.waitUntil(lambda: welcome.list.count() == 2)
    assert "KB" in welcome.list.item(0).text() or "bytes" in welcome.list.item(0).text()
    welcome.check(["translate-en_xl", "translate-xl_en"])
    welcome.install_button.click()
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.tabs, timeout=10_000)
    assert window.tabs.currentWidget() is window.text_tab
    qtbot.waitUntil(lambda: len(served_context.packages.installed()) == 2)
    window.refresh_languages()
    window.text_tab.pair.swap()
    assert pickers(window) == ("xl", "en")


def test_dropping_a_package_file_on_the_window_installs_it(
        qtbot: QtBot, make_window: WindowFactory, empty_context: AppContext,
        tmp_path: Path) -> None:
    window = make_window(empty_context)
    window.welcome.skip_button.click()
    archive = make_archive(tmp_path / "translate-en_xl-1_0.argosmodel", "en_xl")
    drop_files(window, [archive])
    qtbot.waitUntil(lambda: pickers(window) == ("en", "xl"))
    assert window.documents_tab.pair.pair() == ("en", "xl")


def test_remove_updates_the_pickers(
        qtbot: QtBot, make_window: WindowFactory, empty_context: AppContext,
        tmp_path: Path) -> None:
    empty_context.packages.install_file(make_archive(tmp_path / "p.argosmodel", "en_xl"))
    window = make_window(empty_context)
    assert pickers(window) == ("en", "xl")
    window.open_packages()
    tab = window.packages_tab
    qtbot.waitUntil(lambda: tab.select_code("translate-en_xl"))
    assert tab.remove_button.isEnabled()
    tab.remove_button.click()
    qtbot.waitUntil(lambda: window.text_tab.stack.currentWidget() is window.text_tab.empty)
    assert empty_context.packages.installed() == []


def test_install_can_be_cancelled(
        qtbot: QtBot, make_window: WindowFactory, served_context: AppContext,
        monkeypatch: pytest.MonkeyPatch) -> None:
    started = threading.Event()

    def slow_install(info, *, on_progress=None, cancel=None):  # type: ignore[no-untyped-def]
        started.set()
        for done in range(1000):
            on_progress(Progress(done, 1000))
            if cancel.wait(0.01):
                raise Cancelled()
        raise AssertionError("not cancelled")

    monkeypatch.setattr(served_context.packages, "install", slow_install)
    window = make_window(served_context)
    window.open_packages()
    tab = window.packages_tab
    tab.reload(refresh=True)
    qtbot.waitUntil(lambda: tab.select_code("translate-en_xl"))
    tab.install_button.click()
    assert started.wait(5)
    assert tab.cancel_button.isVisible()
    tab.cancel_button.click()
    qtbot.waitUntil(lambda: not tab.is_busy())
    assert tab.progress_label.text() == "Cancelled"
    assert served_context.packages.installed() == []


def test_a_broken_package_file_shows_a_message_box(
        qtbot: QtBot, make_window: WindowFactory, empty_context: AppContext, tmp_path: Path,
        errors: Shown) -> None:
    window = make_window(empty_context)
    window.open_packages()
    broken = tmp_path / "broken.argosmodel"
    broken.write_bytes(b"not a zip")
    window.packages_tab.install_files([broken])
    qtbot.waitUntil(lambda: errors != [])
    title, text = errors[0]
    assert title == "Package operation failed" and "Traceback" not in text


def test_filter_by_language(
        qtbot: QtBot, make_window: WindowFactory, served_context: AppContext) -> None:
    window = make_window(served_context)
    window.open_packages()
    tab = window.packages_tab
    tab.reload(refresh=True)
    qtbot.waitUntil(lambda: tab.table.rowCount() == 2)
    tab.filter_edit.setText("xl en")
    assert tab.table.rowCount() == 2
    tab.show_pair("xl", "en")
    assert tab.table.rowCount() == 1
    assert tab.table.item(0, 1).text() == "Synthetic Latin → English"   # names, not codes
    tab.filter_edit.setText("German")
    assert tab.table.rowCount() == 0


def test_update_installs_the_newer_version(
        qtbot: QtBot, make_window: WindowFactory, index_server: tuple[Served, str],
        tmp_path: Path) -> None:
    served, base = index_server
    newer = make_archive(tmp_path / "new.argosmodel", "en_xl", "1.1")
    served.files["/translate-en_xl-1.1.argosmodel"] = newer.read_bytes()
    url = publish(served, base, [index_entry("en_xl", base, "1.1")])
    ctx = AppContext.create(index_url=url, use_cache=False)
    try:
        ctx.packages.install_file(make_archive(tmp_path / "old.argosmodel", "en_xl", "1.0"))
        window = make_window(ctx)
        window.open_packages()
        tab = window.packages_tab
        tab.reload(refresh=True)
        qtbot.waitUntil(lambda: tab.table.rowCount() == 1
                        and tab.table.item(0, 4).text() == "Update to 1.1")
        tab.select_code("translate-en_xl")
        assert tab.update_button.isEnabled()
        tab.update_button.click()
        qtbot.waitUntil(lambda: tab.table.item(0, 4).text() == "Installed")
        assert [p.info.package_version for p in ctx.packages.installed()] == ["1.1"]
    finally:
        ctx.close()


def test_no_two_columns_say_the_same(
        qtbot: QtBot, make_window: WindowFactory, served_context: AppContext) -> None:
    """Issue 22 item 8: the Package column repeated the Languages column."""
    window = make_window(served_context)
    window.open_packages()
    tab = window.packages_tab
    tab.reload(refresh=True)
    qtbot.waitUntil(lambda: tab.table.rowCount() == 2)
    for row in range(tab.table.rowCount()):
        cells = [tab.table.item(row, column).text() for column in range(tab.table.columnCount())]
        assert len(set(cells)) == len(cells), cells


def test_index_entries_without_sizes_get_them_from_the_server(
        qtbot: QtBot, make_window: WindowFactory, index_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Issue 22 item 8: the public index lists no sizes; the table must still show them."""
    served, base = index_server
    entries = []
    for pair in ("en_xl", "xl_en"):
        archive = make_archive(tmp_path / f"{pair}.argosmodel", pair)
        served.files[f"/translate-{pair}-1.0.argosmodel"] = archive.read_bytes()
        entries.append(index_entry(pair, base))          # no "size", as in Argos's index
    url = publish(served, base, entries)
    context = AppContext.create(index_url=url, use_cache=False)
    try:
        window = make_window(context)
        window.open_packages()
        tab = window.packages_tab
        tab.reload(refresh=True)
        qtbot.waitUntil(lambda: tab.table.rowCount() == 2)
        size = len(served.files["/translate-en_xl-1.0.argosmodel"])
        qtbot.waitUntil(lambda: tab.select_code("translate-en_xl")
                        and tab.table.item(tab.table.currentRow(), 3).text() != "—")
        from offline_nlp.gui.package_jobs import format_size
        assert tab.table.item(tab.table.currentRow(), 3).text() == format_size(size)
        heads = [path for path, kind in served.requests if kind == "HEAD"]
        tab.reload()                                      # offline: the sizes are kept
        qtbot.waitUntil(lambda: tab.select_code("translate-xl_en"))
        assert tab.table.item(tab.table.currentRow(), 3).text() != "—"
        assert len(heads) == 2
    finally:
        window.shutdown()
        context.close()
