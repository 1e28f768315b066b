"""The browser extension in real browsers, Chromium and Firefox ESR: pages served on
127.0.0.1, translated by a real ``offline-nlp serve`` on the fixture models, then put back
with "Show original".

Needs Debian's ``chromium``, ``chromium-driver`` and ``firefox-esr`` (``.ci/run`` installs
them), selenium and marionette_driver. Without them the tests skip, except under
``CI=true``, where they fail (see ``browsers.py``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browsers import Browser, chromium, firefox, until
from httpserver import Served, serve
from synthetic import translate_text

_until = until

@pytest.fixture(scope="module", params=["chromium", "firefox"])
def browser(request: pytest.FixtureRequest) -> Iterator[Browser]:
    with (chromium() if request.param == "chromium" else firefox()) as opened:
        yield opened


@pytest.fixture(scope="module")
def translation_server(fixture_engine: Any) -> Iterator[str]:
    pytest.importorskip("aiohttp")
    from offline_nlp.server import Server, ServerConfig

    with Server(fixture_engine, ServerConfig(port=0)) as server:
        yield server.url


@pytest.fixture(scope="module")
def pages() -> Iterator[tuple[Served, str]]:
    served = Served()
    with serve(served) as base:
        yield served, base


def _page(lang: str, body: str, script: str = "", title: str = "") -> bytes:
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            f"<title>{title}</title><style>{STYLE}</style>{script}</head>"
            f"<body>{body}</body></html>").encode()


STYLE = ("body { font: 17px/1.6 sans-serif; max-width: 36em; margin: 1.5em auto; color: #222 }"
         " pre, code { background: #eee } a { color: #1565c0 }")


ARTICLE = """
<article>
  <h1>The old house</h1>
  <p id="nested">The <b>old</b> house is by the <a href="/river" title="the river">river</a>.</p>
  <p id="deep">We <em>go <strong>home</strong></em>!</p>
  <p id="two">The dog is happy. We read a book today.</p>
  <ul><li>The red car is here.</li><li>We read a book.</li></ul>
  <pre id="pre">The dog is happy.</pre>
  <p id="code">The cat and the dog eat <code>the dog</code> now.</p>
  <p class="notranslate" id="kept">We go home!</p>
  <p id="edit" contenteditable="true">We go home!</p>
  <p translate="no" id="no">The dog is happy.</p>
  <img id="img" alt="the dog" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
  <input id="field" placeholder="the river" aria-label="go home">
</article>
"""


def _texts(browser: Browser, ids: list[str]) -> list[str]:
    return list(browser.js("return arguments[0].map(i => document.getElementById(i).textContent)",
                           ids))


def test_article_into_cjk_keeps_markup_and_show_original_restores_it(
        browser: Browser, translation_server: str, pages: tuple[Served, str]) -> None:
    served, base = pages
    served.files["/article.html"] = _page("en", ARTICLE, title="The old house")
    url = f"{base}/article.html"
    browser.configure(serverUrl=translation_server, target="xz", alwaysSites=[])
    original = browser.open(url)
    xz = {t: translate_text(t, "en", "xz") for t in (
        "The old house", "The old house is by the river.", "We go home!",
        "The dog is happy. We read a book today.", "The red car is here.", "We read a book.")}

    assert browser.toggle(url) == "translating"
    expected = [xz["The old house"], xz["The old house is by the river."], xz["We go home!"],
                xz["The dog is happy. We read a book today."], xz["The red car is here."],
                xz["We read a book."]]
    read = "return [...document.querySelectorAll('h1, #nested, #deep, #two, li')]" \
           ".map(e => e.textContent)"
    _until(lambda: browser.js(read) == expected, "the article to be translated")
    _until(lambda: browser.js("return document.title") == xz["The old house"], "the title")

    # inline markup stays where it was, around the words it belonged to
    assert browser.js("return document.querySelector('#nested b').textContent") == "件"
    assert browser.js("return document.querySelector('#nested a').getAttribute('href')") == "/river"
    assert browser.js("return document.querySelector('#deep em strong').textContent") == "别"
    # attributes are translated; code, pre, notranslate, contenteditable, translate=no are not
    _until(lambda: browser.js("return document.querySelector('#nested a').title")
           == translate_text("the river", "en", "xz"), "the title attribute")
    assert browser.js("return [img.alt, field.placeholder, field.getAttribute('aria-label')]") \
        == [translate_text(t, "en", "xz") for t in ("the dog", "the river", "go home")]
    assert _texts(browser, ["pre", "kept", "edit", "no"]) == [
        "The dog is happy.", "We go home!", "We go home!", "The dog is happy."]
    assert browser.js("return document.querySelector('#code code').textContent") == "the dog"
    _save_screenshot(browser)

    assert browser.toggle(url) == "original"
    _until(lambda: browser.html() == original, "the original page to come back")


def test_chinese_page_into_english(browser: Browser, translation_server: str,
                                   pages: tuple[Served, str]) -> None:
    served, base = pages
    first = translate_text("The old house is by the river.", "en", "xz")
    second = translate_text("The dog is happy. We read a book today.", "en", "xz")
    served.files["/zh.html"] = _page(
        "xz", f'<p id="a">{first[0]}<b>{first[1]}</b>{first[2:]}</p><p id="b">{second}</p>')
    url = f"{base}/zh.html"
    browser.configure(serverUrl=translation_server, target="en", alwaysSites=[])
    original = browser.open(url)
    browser.toggle(url)
    expected = [translate_text(first, "xz", "en"), translate_text(second, "xz", "en")]
    _until(lambda: _texts(browser, ["a", "b"]) == expected, "the page to be in English")
    assert expected == ["The old house is by the river.", "The dog is happy. We read a book today."]
    browser.toggle(url)
    _until(lambda: browser.html() == original, "the original page to come back")


FEED_SCRIPT = """<script>
function addParagraphs() {
  const feed = document.getElementById("feed");
  for (const text of ["We read a book today.", "The red car is here."]) {
    const p = document.createElement("p");
    p.className = "late";
    p.textContent = text;
    feed.append(p);
  }
}
</script>"""


def test_paragraphs_added_after_load_are_translated_too(
        browser: Browser, translation_server: str, pages: tuple[Served, str]) -> None:
    served, base = pages
    served.files["/feed.html"] = _page("en", '<main id="feed"><p>We go home!</p></main>',
                                       FEED_SCRIPT)
    url = f"{base}/feed.html"
    browser.configure(serverUrl=translation_server, target="xl", alwaysSites=[])
    browser.open(url)
    browser.js("addParagraphs()")
    untouched = browser.html()  # what the page is with its additions, never translated

    browser.open(url)
    browser.toggle(url)
    first = [translate_text("We go home!", "en", "xl")]
    read = "return [...document.querySelectorAll('#feed p')].map(p => p.textContent)"
    _until(lambda: browser.js(read) == first, "the first paragraph")
    browser.js("addParagraphs()")
    expected = first + [translate_text(t, "en", "xl") for t in
                        ("We read a book today.", "The red car is here.")]
    _until(lambda: browser.js(read) == expected, "the added paragraphs")
    browser.toggle(url)
    _until(lambda: browser.html() == untouched, "the original page to come back")


def test_always_translate_this_site(browser: Browser, translation_server: str,
                                    pages: tuple[Served, str]) -> None:
    served, base = pages
    served.files["/always.html"] = _page("en", '<p id="p">We go home!</p>')
    browser.configure(serverUrl=translation_server, target="xz", alwaysSites=["127.0.0.1"])
    try:
        browser.open(f"{base}/always.html")
        _until(lambda: _texts(browser, ["p"]) == [translate_text("We go home!", "en", "xz")],
               "the page to translate itself")
    finally:
        browser.configure(alwaysSites=[])


def test_a_clear_message_when_offline_nlp_is_not_running(
        browser: Browser, pages: tuple[Served, str]) -> None:
    served, base = pages
    served.files["/down.html"] = _page("en", '<p id="p">We go home!</p>')
    url = f"{base}/down.html"
    browser.configure(serverUrl="http://127.0.0.1:9", target="xz", alwaysSites=[])
    original = browser.open(url)
    browser.toggle(url)
    message = _until(browser.ui_text, "the message")
    assert "offline-nlp is not running at http://127.0.0.1:9" in message
    assert 'Start it with "offline-nlp serve"' in message
    assert _texts(browser, ["p"]) == ["We go home!"]
    browser.js("document.querySelector('offline-nlp-ui').remove()")
    assert browser.html() == original


def _save_screenshot(browser: Browser) -> None:
    """``OFFLINE_NLP_SCREENSHOTS=docs/screenshots`` keeps the translated article for the README."""
    folder = os.environ.get("OFFLINE_NLP_SCREENSHOTS")
    if folder:
        browser.screenshot(Path(folder) / "extension.png")


def _badge(browser: Browser, url: str) -> str:
    return browser.badge(url)


def test_badge_shows_the_state_and_selection_offers_a_translation(
        browser: Browser, translation_server: str, pages: tuple[Served, str]) -> None:
    served, base = pages
    served.files["/select.html"] = _page("en", '<p id="p">The dog is happy. We go home!</p>')
    url = f"{base}/select.html"
    browser.configure(serverUrl=translation_server, target="xl", alwaysSites=[])
    original = browser.open(url)
    assert _badge(browser, url) == ""
    browser.toggle(url)
    _until(lambda: _badge(browser, url) == "✓", "the badge to say the page is translated")
    browser.toggle(url)
    _until(lambda: _badge(browser, url) == "", "the badge to clear")

    browser.select_with_mouse("p", 18, 29)  # "We go home!", dragged with the mouse
    assert browser.js("return String(getSelection())") == "We go home!"
    _until(lambda: browser.ui_click("Translate selection"), "the offer")
    expected = translate_text("We go home!", "en", "xl")
    _until(lambda: expected in browser.ui_text(), "the tooltip")
    # the page cannot read it: the extension's shadow root is closed
    assert browser.js("return document.querySelector('offline-nlp-ui').shadowRoot") is None
    browser.mouse((5, 5), (5, 5))  # a click elsewhere
    _until(lambda: browser.html() == original, "the tooltip to go away without a trace")


def test_options_page_lists_the_servers_languages_and_saves(
        browser: Browser, translation_server: str) -> None:
    browser.configure(serverUrl=translation_server, target="xz", alwaysSites=[],
                      alwaysLanguages=[])
    browser.switch(browser.options_window)
    run = browser.js
    try:
        browser.reload()
        read = "return [...document.querySelectorAll('#target option')].map(o => o.value)"
        _until(lambda: run(read) == ["en", "xz", "xl"], "the language list")
        assert run("return document.getElementById('target').value") == "xz"
        run("""
            document.getElementById('target').value = 'xl';
            document.getElementById('alwaysLanguages').value = 'xz, EN';
            document.getElementById('alwaysSites').value = 'news.example.org\\nwiki.example';
            document.querySelector('button[type=submit]').click();""")
        _until(lambda: run(
            "return document.getElementById('status').textContent") == "Saved.", "saving")
        stored = browser.options_async(
            "const done = arguments[0]; chrome.storage.local.get(null).then(done);")
        assert (stored["target"], stored["alwaysLanguages"], stored["alwaysSites"]) == (
            "xl", ["xz", "en"], ["news.example.org", "wiki.example"])
    finally:
        browser.switch(browser.page_window)
        browser.configure(alwaysLanguages=[], alwaysSites=[])


def test_visible_text_first_the_rest_as_it_scrolls_into_view(
        browser: Browser, translation_server: str, pages: tuple[Served, str]) -> None:
    served, base = pages
    body = "".join(f'<p id="p{i}" style="height: 400px">We go home!</p>' for i in range(30))
    served.files["/long.html"] = _page("en", body)
    url = f"{base}/long.html"
    browser.configure(serverUrl=translation_server, target="xz", alwaysSites=[])
    browser.open(url)
    browser.toggle(url)
    done = translate_text("We go home!", "en", "xz")
    _until(lambda: _texts(browser, ["p0"]) == [done], "the first screen")
    _until(lambda: _badge(browser, url) == "✓", "everything on screen to be done")
    assert _texts(browser, ["p29"]) == ["We go home!"]  # far below: not yet
    browser.js("document.getElementById('p29').scrollIntoView()")
    _until(lambda: _texts(browser, ["p29"]) == [done], "the last paragraph after scrolling")
    browser.toggle(url)


# -- issue 20: real pages exactly, no page can misuse the extension ---------------------


def test_a_page_cannot_make_the_extension_translate_for_it(
        browser: Browser, translation_server: str, pages: tuple[Served, str]) -> None:
    """The confused deputy: a page selects its own hidden text and dispatches a mouseup;
    the extension must neither offer a translation nor expose anything to the page."""
    served, base = pages
    served.files["/deputy.html"] = _page(
        "en", '<p id="p">We go home!</p><p id="secret" style="opacity:0">The dog is happy.</p>')
    url = f"{base}/deputy.html"
    browser.configure(serverUrl=translation_server, target="xl", alwaysSites=[])
    original = browser.open(url)
    attack = """const text = document.getElementById('secret').firstChild, r = document.createRange();
        r.setStart(text, 0); r.setEnd(text, 17);
        getSelection().removeAllRanges(); getSelection().addRange(r);
        document.dispatchEvent(new MouseEvent('mouseup', {clientX: 20, clientY: 20, bubbles: true}));
        return document.querySelector('offline-nlp-ui')?.shadowRoot?.textContent ?? null;"""
    for _ in range(3):
        assert browser.js(attack) is None
    assert not browser.ui_present()
    assert browser.js("return document.querySelector('offline-nlp-ui')") is None
    assert browser.html().replace(' style="opacity:0"', "") == original.replace(
        ' style="opacity:0"', "")


def test_numbered_headings_and_footnotes_keep_their_place(
        browser: Browser, translation_server: str, pages: tuple[Served, str]) -> None:
    served, base = pages
    served.files["/sphinx.html"] = _page("en", (
        '<h2 id="h"><span class="section-number">3.1. </span>The old house</h2>'
        '<p id="f">We go home!<sup><a href="#fn1">1</a></sup></p>'))
    url = f"{base}/sphinx.html"
    browser.configure(serverUrl=translation_server, target="xl", alwaysSites=[])
    original = browser.open(url)
    browser.toggle(url)
    house, home = (translate_text(t, "en", "xl") for t in ("The old house", "We go home!"))
    _until(lambda: _texts(browser, ["h", "f"]) == [f"3.1. {house}", f"{home}1"],
           "the heading number in front and the footnote mark once")
    assert browser.js("return document.querySelector('#h').firstChild.className") \
        == "section-number"
    browser.toggle(url)
    _until(lambda: browser.html() == original, "the original page to come back")


def test_frames_shadow_roots_buttons_and_options_are_translated(
        browser: Browser, translation_server: str, pages: tuple[Served, str]) -> None:
    served, base = pages
    served.files["/inner.html"] = _page("en", '<p id="inner">We read a book today.</p>')
    component = """<script>
      customElements.define("x-card", class extends HTMLElement {
        constructor() { super(); this.attachShadow({mode: "open"}).innerHTML =
          '<p id="shadowed">The dog is happy.</p>'; } });
    </script>"""
    served.files["/widgets.html"] = _page("en", (
        '<x-card id="card"></x-card>'
        '<form><input id="go" type="submit" value="We go home!">'
        '<input id="name" type="text" value="The red car"> '
        '<select id="pick"><option>The red car is here.</option></select></form>'
        f'<iframe id="frame" src="{base}/inner.html" width="600" height="120"></iframe>'),
        component)
    url = f"{base}/widgets.html"
    browser.configure(serverUrl=translation_server, target="xz", alwaysSites=[])
    original = browser.open(url)
    _until(lambda: browser.js("return document.getElementById('frame').contentDocument"
                              "?.readyState") == "complete", "the frame")
    browser.toggle(url)
    xz = {t: translate_text(t, "en", "xz") for t in (
        "The dog is happy.", "We go home!", "The red car is here.", "We read a book today.")}
    _until(lambda: browser.js("return document.getElementById('card').shadowRoot"
                              ".getElementById('shadowed').textContent")
           == xz["The dog is happy."], "the shadow root")
    assert browser.js("return document.getElementById('go').value") == xz["We go home!"]
    assert browser.js("return document.getElementById('name').value") == "The red car"
    _until(lambda: browser.js("return document.querySelector('#pick option').textContent")
           == xz["The red car is here."], "the option")
    _until(lambda: browser.js("return document.getElementById('frame').contentDocument"
                              ".getElementById('inner').textContent")
           == xz["We read a book today."], "the frame's text")
    browser.toggle(url)
    _until(lambda: browser.html() == original, "the original page to come back")


FRAMEWORK_SCRIPT = """<script>
// what React, Vue and Svelte do: update the text node they own, in place
function render(text) { document.getElementById('counter').firstChild.data = text; }
</script>"""


def test_text_a_framework_updates_in_place_is_followed(
        browser: Browser, translation_server: str, pages: tuple[Served, str]) -> None:
    served, base = pages
    served.files["/app.html"] = _page(
        "en", '<div id="app"><p id="counter">We go home!</p><!-- --><p id="static">'
              'The dog<!-- --> is happy.</p></div>', FRAMEWORK_SCRIPT)
    url = f"{base}/app.html"
    browser.configure(serverUrl=translation_server, target="xl", alwaysSites=[])
    original = browser.open(url)
    browser.toggle(url)
    home = translate_text("We go home!", "en", "xl")
    _until(lambda: _texts(browser, ["counter"]) == [home], "the first render")
    # the framework now updates the node it owns; once it is on the page it is translated
    browser.js("document.getElementById('counter').firstChild.data = 'We read a book.'")
    _until(lambda: _texts(browser, ["counter"])
           == [translate_text("We read a book.", "en", "xl")], "the update")
    browser.toggle(url)
    # the page's own last update stays; everything else, comments included, is as it was
    _until(lambda: _texts(browser, ["counter"]) == ["We read a book."], "the original")
    assert browser.html() == original.replace("We go home!", "We read a book.")


def test_a_page_changed_while_translated_keeps_its_change(
        browser: Browser, translation_server: str, pages: tuple[Served, str]) -> None:
    served, base = pages
    served.files["/changing.html"] = _page("en", '<p id="p">We go home!</p>')
    url = f"{base}/changing.html"
    browser.configure(serverUrl=translation_server, target="xl", alwaysSites=[])
    browser.open(url)
    browser.toggle(url)
    _until(lambda: _texts(browser, ["p"]) == [translate_text("We go home!", "en", "xl")],
           "the translation")
    browser.js("document.getElementById('p').replaceChildren('12 new messages')")
    assert browser.toggle(url) == "original"
    assert _texts(browser, ["p"]) == ["12 new messages"]  # not the stale "We go home!"


def test_requests_follow_the_servers_character_limit(
        browser: Browser, fixture_engine: Any, pages: tuple[Served, str]) -> None:
    from offline_nlp.server import Server, ServerConfig

    served, base = pages
    body = "".join(f'<p id="p{i}">The dog is happy. We read a book today.</p>' for i in range(20))
    served.files["/limited.html"] = _page("en", body)
    url = f"{base}/limited.html"
    with Server(fixture_engine, ServerConfig(port=0, char_limit=200)) as small:
        browser.configure(serverUrl=small.url, target="xl", alwaysSites=[])
        browser.open(url)
        browser.toggle(url)
        done = translate_text("The dog is happy. We read a book today.", "en", "xl")
        _until(lambda: _texts(browser, [f"p{i}" for i in range(20)]) == [done] * 20,
               "every paragraph, in requests under 200 characters")
        assert browser.ui_text() == ""  # no error banner


def test_leaving_a_page_mid_translation_cancels_its_requests(
        browser: Browser, fixture_engine: Any, pages: tuple[Served, str]) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).parents[1] / "server"))
    from server_support import GatedEngine

    from offline_nlp.server import Server, ServerConfig

    served, base = pages
    served.files["/slow.html"] = _page("en", '<p id="p">We go home!</p>')
    served.files["/next.html"] = _page("en", '<p id="q">The dog is happy.</p>')
    gated = GatedEngine(fixture_engine)
    flags: list[Any] = []
    inner = gated.translate_texts

    def remember(texts: Any, *args: Any, **kwargs: Any) -> Any:
        flags.append(kwargs.get("cancel"))
        return inner(texts, *args, **kwargs)

    gated.translate_texts = remember  # type: ignore[method-assign]
    with Server(gated, ServerConfig(port=0)) as server:  # type: ignore[arg-type]
        browser.configure(serverUrl=server.url, target="xl", alwaysSites=[])
        browser.open(f"{base}/slow.html")
        browser.toggle(f"{base}/slow.html")
        assert gated.started.wait(30)
        browser.open(f"{base}/next.html")  # pagehide: the request is aborted
        try:
            _until(lambda: flags and flags[0] is not None and flags[0].is_set(),
                   "the first page's request to be cancelled in the server")
        finally:
            gated.gate.set()



def test_a_glossary_file_chosen_in_the_options_is_used(
        browser: Browser, translation_server: str, pages: tuple[Served, str]) -> None:
    from synthetic import translate_sentence

    served, base = pages
    served.files["/terms.html"] = _page("en", '<p id="t">The teacher went to the river.</p>')
    browser.configure(serverUrl=translation_server, target="xl", alwaysSites=[],
                      alwaysLanguages=[], glossary="", glossaryName="")
    browser.switch(browser.options_window)
    run = browser.js
    try:
        browser.reload()
        _until(lambda: run("return document.querySelectorAll('#target option').length") > 1,
               "the options page to load")
        run("""const files = new DataTransfer();
            files.items.add(new File(['teacher,Herr Lehrer\\n'], 'terms.csv', {type: 'text/csv'}));
            const input = document.getElementById('glossaryFile');
            input.files = files.files;
            input.dispatchEvent(new Event('change'));""")
        _until(lambda: run("return document.getElementById('glossaryInfo').textContent")
               == "terms.csv: 1 terms.", "the glossary file to be read")
        run("document.querySelector('button[type=submit]').click();")
        _until(lambda: run(
            "return document.getElementById('status').textContent") == "Saved.", "saving")
    finally:
        browser.switch(browser.page_window)
    try:
        url = f"{base}/terms.html"
        browser.open(url)
        assert browser.toggle(url) == "translating"
        expected = (f"{translate_sentence('The', 'en', 'xl')} Herr Lehrer "
                    f"{translate_sentence('went to the river.', 'en', 'xl')}")
        _until(lambda: _texts(browser, ["t"]) == [expected], "the term from the glossary")
    finally:
        browser.configure(glossary="", glossaryName="")
