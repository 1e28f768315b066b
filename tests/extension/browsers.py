"""The two browsers the extension is tested in, behind one small interface.

Chromium is driven by Debian's ``chromium-driver`` through selenium; Firefox ESR by its
own Marionette protocol (the ``marionette_driver`` package), which needs no geckodriver
download. Both install the unpacked extension from ``resources/extension``, keep the page
in one window and the extension's options page in another (it has the extension's APIs),
and reach the extension's closed shadow root and make trusted mouse events through their
privileged channels (the DevTools protocol, Marionette's system sandbox and actions).
A plain ``.py`` module, not a ``conftest``: the tests import it by name.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

EXTENSION = Path(__file__).parents[2] / "resources" / "extension"


def until(condition: Any, what: str, seconds: float = 60) -> Any:
    """Poll the browser until ``condition()`` is truthy (a state, not a timing)."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


def missing(reason: str) -> None:
    """A browser the tests need is not installed: fail under CI, skip elsewhere."""
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


class Browser:
    """What the tests ask of a browser; each subclass answers in its own protocol."""

    name = ""
    page_window: Any
    options_window: Any

    # -- the page ----------------------------------------------------------------------

    def open(self, url: str) -> str:
        self.navigate(url)
        until(lambda: self.js("return document.readyState") == "complete", "the page to load")
        return self.html()

    def html(self) -> str:
        return str(self.js("return document.documentElement.outerHTML"))

    def select_with_mouse(self, element_id: str, start: int, end: int) -> None:
        """Select characters ``start``..``end`` of an element's first text node by dragging."""
        rects = self.js("""const [id, a, b] = arguments;
            const text = document.getElementById(id).firstChild, r = document.createRange();
            r.setStart(text, a); r.setEnd(text, a + 1); const s = r.getBoundingClientRect();
            r.setStart(text, b - 1); r.setEnd(text, b); const e = r.getBoundingClientRect();
            return [s.left + 1, (s.top + s.bottom) / 2, e.right - 1, (e.top + e.bottom) / 2];""",
                        element_id, start, end)
        self.mouse((rects[0], rects[1]), (rects[2], rects[3]))

    # -- the extension -----------------------------------------------------------------

    def configure(self, **settings: Any) -> None:
        self.in_extension("const [s, done] = arguments; chrome.storage.local.set(s).then(done);",
                          settings)

    def toggle(self, url: str) -> str:
        """What the toolbar button does, sent to the page's tab; returns the page's new state."""
        script = """const [url, done] = arguments;
            chrome.tabs.query({}).then(tabs => chrome.runtime.sendMessage(
                {type: "toggle", tabId: tabs.find(t => t.url === url).id}))
                .then(r => done(r), e => done(String(e)));"""
        answer = until(lambda: (lambda r: r if isinstance(r, dict) and r.get("ok") else None)(
            self.in_extension(script, url)), "the content script to answer")
        return str(answer["result"])

    def badge(self, url: str) -> str:
        # every tab, then by URL: Firefox's match patterns take no port
        script = """const [url, done] = arguments;
            chrome.tabs.query({}).then(tabs => chrome.action.getBadgeText(
                {tabId: tabs.find(t => t.url === url).id})).then(done, e => done(String(e)));"""
        return str(self.in_extension(script, url))

    def in_extension(self, script: str, *args: Any) -> Any:
        """Run async JS in the options page (it has the extension's APIs)."""
        self.switch(self.options_window)
        try:
            return self.options_async(script, *args)
        finally:
            self.switch(self.page_window)

    # -- what each browser implements ----------------------------------------------------

    def navigate(self, url: str) -> None:
        raise NotImplementedError

    def js(self, script: str, *args: Any) -> Any:
        raise NotImplementedError

    def options_async(self, script: str, *args: Any) -> Any:
        raise NotImplementedError

    def switch(self, window: Any) -> None:
        raise NotImplementedError

    def reload(self) -> None:
        raise NotImplementedError

    def mouse(self, start: tuple[float, float], end: tuple[float, float]) -> None:
        """Press at ``start``, move, release at ``end``: the user's own (trusted) events."""
        raise NotImplementedError

    def ui_text(self) -> str:
        """The text inside the extension's closed shadow root (the page cannot read it)."""
        raise NotImplementedError

    def ui_present(self) -> bool:
        raise NotImplementedError

    def ui_click(self, label: str) -> bool:
        """A real (trusted) click on the extension's button with this label."""
        raise NotImplementedError


class Chromium(Browser):
    name = "chromium"

    def __init__(self, driver: Any) -> None:
        self.driver = driver
        self.page_window = driver.current_window_handle
        self.extension_id = until(self._find_extension, "the extension's service worker")
        driver.switch_to.new_window("window")
        self.options_window = driver.current_window_handle
        driver.get(f"chrome-extension://{self.extension_id}/options.html")
        driver.switch_to.window(self.page_window)

    def _find_extension(self) -> str | None:
        for target in self.driver.execute_cdp_cmd("Target.getTargets", {})["targetInfos"]:
            if target["type"] == "service_worker" and target["url"].startswith("chrome-extension://"):
                return str(target["url"].split("/")[2])
        return None

    def navigate(self, url: str) -> None:
        self.driver.get(url)

    def js(self, script: str, *args: Any) -> Any:
        return self.driver.execute_script(script, *args)

    def options_async(self, script: str, *args: Any) -> Any:
        return self.driver.execute_async_script(script, *args)

    def switch(self, window: Any) -> None:
        self.driver.switch_to.window(window)

    def reload(self) -> None:
        self.driver.refresh()

    def mouse(self, start: tuple[float, float], end: tuple[float, float]) -> None:
        send = self.driver.execute_cdp_cmd
        send("Input.dispatchMouseEvent", {"type": "mousePressed", "x": start[0], "y": start[1],
                                          "button": "left", "clickCount": 1})
        send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": end[0], "y": end[1],
                                          "button": "left", "buttons": 1})
        send("Input.dispatchMouseEvent", {"type": "mouseReleased", "x": end[0], "y": end[1],
                                          "button": "left", "clickCount": 1})

    def _ui_nodes(self) -> list[dict[str, Any]]:
        doc = self.driver.execute_cdp_cmd("DOM.getDocument", {"depth": -1, "pierce": True})
        found: list[dict[str, Any]] = []

        def walk(node: dict[str, Any], inside: bool) -> None:
            if inside:
                found.append(node)
            here = inside or node.get("nodeName") == "OFFLINE-NLP-UI"
            for child in node.get("children", []) + node.get("shadowRoots", []):
                walk(child, here)

        walk(doc["root"], False)
        return found

    def ui_text(self) -> str:
        return "".join(n.get("nodeValue", "") for n in self._ui_nodes() if n["nodeType"] == 3
                       and n.get("nodeValue", "").strip() and "{" not in n["nodeValue"])

    def ui_present(self) -> bool:
        return bool(self._ui_nodes())

    def ui_click(self, label: str) -> bool:
        for node in self._ui_nodes():
            if node.get("nodeName") == "BUTTON" and any(
                    c.get("nodeValue") == label for c in node.get("children", [])):
                box = self.driver.execute_cdp_cmd(
                    "DOM.getBoxModel", {"backendNodeId": node["backendNodeId"]})["model"]
                x, y = sum(box["content"][0::2]) / 4, sum(box["content"][1::2]) / 4
                self.mouse((x, y), (x, y))
                return True
        return False

    def screenshot(self, path: Path) -> None:
        self.driver.set_window_size(900, 700)
        self.driver.save_screenshot(str(path))
        self.driver.set_window_size(1200, 1600)


class Firefox(Browser):
    name = "firefox"

    def __init__(self, client: Any, uuid: str) -> None:
        self.client = client
        self.page_window = client.current_window_handle
        self.options_window = client.open(type="window")["handle"]
        client.switch_to_window(self.options_window)
        client.navigate(f"moz-extension://{uuid}/options.html")
        client.switch_to_window(self.page_window)

    def navigate(self, url: str) -> None:
        self.client.navigate(url)

    def js(self, script: str, *args: Any) -> Any:
        # sandbox=None: the page's own global, as selenium's execute_script sees it
        return self.client.execute_script(script, script_args=list(args), sandbox=None)

    def options_async(self, script: str, *args: Any) -> Any:
        return self.client.execute_async_script(script, script_args=list(args), sandbox=None,
                                                script_timeout=60_000)

    def switch(self, window: Any) -> None:
        self.client.switch_to_window(window)

    def reload(self) -> None:
        self.client.refresh()

    def mouse(self, start: tuple[float, float], end: tuple[float, float]) -> None:
        move = [{"type": "pointerMove", "x": math.ceil(start[0]), "y": round(start[1]),
                 "origin": "viewport"},
                {"type": "pointerDown", "button": 0},
                {"type": "pointerMove", "x": math.floor(end[0]), "y": round(end[1]),
                 "origin": "viewport"},
                {"type": "pointerUp", "button": 0}]
        self.client.actions.perform([{"type": "pointer", "id": "mouse",
                                      "parameters": {"pointerType": "mouse"}, "actions": move}])
        self.client.actions.release()

    def _in_ui(self, body: str, *args: Any) -> Any:
        """Run ``body`` with ``root``, the extension's closed shadow root (or null): the
        system sandbox sees ``openOrClosedShadowRoot``, the page cannot."""
        script = ("const root = document.querySelector('offline-nlp-ui')"
                  "?.openOrClosedShadowRoot ?? null;" + body)
        return self.client.execute_script(script, script_args=list(args), sandbox="system")

    def ui_text(self) -> str:
        return str(self._in_ui(
            "return root ? [...root.querySelectorAll('.box')].map(b => b.textContent).join('')"
            " : '';"))

    def ui_present(self) -> bool:
        return bool(self._in_ui("return document.querySelector('offline-nlp-ui') !== null;"))

    def ui_click(self, label: str) -> bool:
        rect = self._in_ui("""const button = root && [...root.querySelectorAll('button')]
                .find(b => b.textContent === arguments[0]);
            if (!button) return null;
            const r = button.getBoundingClientRect();
            return [(r.left + r.right) / 2, (r.top + r.bottom) / 2];""", label)
        if not rect:
            return False
        self.mouse((rect[0], rect[1]), (rect[0], rect[1]))
        return True

    def screenshot(self, path: Path) -> None:
        pass  # the README's picture comes from Chromium


@contextmanager
def chromium() -> Iterator[Chromium]:
    binary, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    needed = [name for name, path in (("chromium", binary), ("chromium-driver", driver_path))
              if path is None]
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        needed.append("selenium (pip)")
    if needed:
        missing(f"the extension tests need {', '.join(needed)} (apt-get install chromium "
                "chromium-driver; .ci/run installs them)")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--window-size=1200,1600",
                     f"--load-extension={EXTENSION}", f"--disable-extensions-except={EXTENSION}",
                     # Chrome-branded builds dropped --load-extension; Chromium still honours
                     # it, and this keeps it on if Debian ever follows
                     "--disable-features=DisableLoadExtensionCommandLineSwitch"):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(driver_path))
    driver.set_script_timeout(60)
    try:
        yield Chromium(driver)
    finally:
        driver.quit()


# Prefs of the throwaway profile: MV3 host permissions granted at install (a user grants
# them once in about:addons), no first-run pages, no network but what the test serves.
FIREFOX_PREFS = {
    "extensions.originControls.grantByDefault": True,
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.homepage_override.mstone": "ignore",
    "browser.aboutwelcome.enabled": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "toolkit.telemetry.reportingpolicy.firstRun": False,
    "app.update.disabledForTesting": True,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "extensions.update.enabled": False,
    "browser.safebrowsing.update.enabled": False,
}


@contextmanager
def firefox() -> Iterator[Firefox]:
    binary = shutil.which("firefox-esr") or shutil.which("firefox")
    needed = [] if binary else ["firefox-esr"]
    try:
        from marionette_driver.addons import Addons
        from marionette_driver.marionette import Marionette
    except ImportError:
        needed.append("marionette_driver (pip)")
    if needed:
        missing(f"the extension tests need {', '.join(needed)} (apt-get install firefox-esr; "
                ".ci/run installs it)")
    with tempfile.TemporaryDirectory(prefix="offline-nlp-firefox-") as profile:
        port = _free_port()
        prefs = {**FIREFOX_PREFS, "marionette.port": port}
        Path(profile, "user.js").write_text("".join(
            f"user_pref({json.dumps(k)}, {json.dumps(v)});\n" for k, v in prefs.items()))
        process = subprocess.Popen(
            [binary, "--headless", "--marionette", "--remote-allow-system-access",
             "--no-remote", "--profile", profile, "--width", "1200", "--height", "1600"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            client = Marionette(host="127.0.0.1", port=port, startup_timeout=120)
            client.start_session()
            addon = Addons(client).install(str(EXTENSION), temp=True)
            with client.using_context("chrome"):
                uuids = client.execute_script(
                    "return Services.prefs.getStringPref('extensions.webextensions.uuids')")
            yield Firefox(client, json.loads(uuids)[addon])
            client.delete_session()
        finally:
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
