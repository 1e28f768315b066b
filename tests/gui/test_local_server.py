"""Settings → "Let the browser extension and other apps use offline-nlp": off by default,
on when ticked (with a status-bar note), off again when unticked or when the app stops."""

from __future__ import annotations

import json
import socket
import threading
import urllib.error
import urllib.request
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from synthetic import translate_text

from offline_nlp.context import AppContext
from offline_nlp.gui import local_server
from offline_nlp.settings import load_settings

pytestmark = pytest.mark.gui
pytest.importorskip("aiohttp")


def _translate(url: str, text: str) -> Any:
    request = urllib.request.Request(
        f"{url}/translate", json.dumps({"q": text, "source": "en", "target": "xl"}).encode(),
        {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_app_serves_the_extension_only_when_asked(
        qtbot: QtBot, make_window: Any, context: AppContext) -> None:
    window = make_window(context)
    tab = window.settings_tab
    assert not tab.serve.isChecked() and not window.local_server.running
    assert window.local_server.label.isHidden()
    assert tab.port.value() == 5000

    tab.serve.setChecked(True)
    tab.port.setValue(free_port())                # not the user's 5000
    tab.save_button.click()
    assert load_settings(context.paths.settings_file).extra[local_server.SETTING] is True
    qtbot.waitUntil(lambda: window.local_server.running)
    server = window.local_server._server
    assert window.local_server.label.text() == f"Browser extension: on ({server.url})"
    assert _translate(server.url, "We go home!") == {
        "translatedText": translate_text("We go home!", "en", "xl")}

    tab.threads.setValue(1)  # the app builds a new engine; the server follows it
    tab.save_button.click()
    qtbot.waitUntil(lambda: window.local_server.running
                    and window.local_server._server.state.engine is context.engine)
    server = window.local_server._server
    assert _translate(server.url, "We go home!") == {
        "translatedText": translate_text("We go home!", "en", "xl")}

    tab.serve.setChecked(False)
    tab.save_button.click()
    assert not window.local_server.running
    qtbot.waitUntil(lambda: window.local_server.label.isHidden())
    with pytest.raises(OSError):
        _translate(server.url, "We go home!")

    tab.serve.setChecked(True)
    tab.save_button.click()
    qtbot.waitUntil(lambda: window.local_server.running)
    url = window.local_server._server.url
    window.shutdown()  # what quitting the app does
    assert not window.local_server.running
    with pytest.raises(OSError):
        _translate(url, "We go home!")


def test_turning_the_server_on_and_off_never_blocks_the_window(
        qtbot: QtBot, make_window: Any, fake_context: AppContext,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Start and stop run on a worker; stopping cancels a request in flight (the fake
    engine would hold it forever) instead of waiting for it."""
    from offline_nlp.server import runner

    threads: list[str] = []
    for name in ("start", "stop"):
        original = getattr(runner.Server, name)

        def spy(self: Any, *args: Any, _original: Any = original, _name: str = name) -> Any:
            threads.append(f"{_name} on {threading.current_thread().name}")
            return _original(self, *args)
        monkeypatch.setattr(runner.Server, name, spy)
    window = make_window(fake_context)
    engine, tab = fake_context.engine, window.settings_tab
    engine.gate = threading.Event()                 # a request that never ends by itself
    tab.serve.setChecked(True)
    tab.port.setValue(free_port())
    tab.save_button.click()
    assert not window.local_server.running          # starting, on the worker
    assert "starting" in window.local_server.label.text()
    qtbot.waitUntil(lambda: window.local_server.running)
    url = window.local_server._server.url
    answers: list[object] = []
    client = threading.Thread(target=lambda: answers.append(_try(url)), daemon=True)
    client.start()
    assert engine.started.wait(10)
    tab.serve.setChecked(False)
    tab.save_button.click()
    assert not window.local_server.running
    assert "stopping" in window.local_server.label.text()
    qtbot.waitUntil(lambda: window.local_server.label.isHidden(), timeout=10_000)
    client.join(10)
    assert answers and answers[0] != {"translatedText": "WE GO HOME!"}   # cancelled
    main = threading.main_thread().name
    assert threads and not any(t.endswith(f" on {main}") for t in threads), threads
    assert saved_port(fake_context) == tab.port.value()


def _try(url: str) -> object:
    try:
        return _translate(url, "We go home!")
    except (OSError, urllib.error.HTTPError) as exc:
        return exc


def saved_port(context: AppContext) -> int:
    return int(load_settings(context.paths.settings_file).extra[local_server.PORT_SETTING])
