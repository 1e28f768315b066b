"""Settings → "Let the browser extension and other apps use offline-nlp": off by default,
on when ticked (with a status-bar note), off again when unticked or when the app stops."""

from __future__ import annotations

import json
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


def test_the_app_serves_the_extension_only_when_asked(
        qtbot: QtBot, make_window: Any, context: AppContext,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(local_server, "PORT", 0)  # a free port, not the user's 5000
    window = make_window(context)
    tab = window.settings_tab
    assert not tab.serve.isChecked() and not window.local_server.running
    assert window.local_server.label.isHidden()

    tab.serve.setChecked(True)
    tab.save_button.click()
    assert load_settings(context.paths.settings_file).extra[local_server.SETTING] is True
    server = window.local_server._server
    assert window.local_server.label.text() == f"Browser extension: on ({server.url})"
    assert _translate(server.url, "We go home!") == {
        "translatedText": translate_text("We go home!", "en", "xl")}

    tab.threads.setValue(1)  # the app builds a new engine; the server follows it
    tab.save_button.click()
    assert window.local_server._server.state.engine is context.engine
    server = window.local_server._server
    assert _translate(server.url, "We go home!") == {
        "translatedText": translate_text("We go home!", "en", "xl")}

    tab.serve.setChecked(False)
    tab.save_button.click()
    assert not window.local_server.running and window.local_server.label.isHidden()
    with pytest.raises(OSError):
        _translate(server.url, "We go home!")

    tab.serve.setChecked(True)
    tab.save_button.click()
    url = window.local_server._server.url
    window.shutdown()  # what quitting the app does
    assert not window.local_server.running
    with pytest.raises(OSError):
        _translate(url, "We go home!")
