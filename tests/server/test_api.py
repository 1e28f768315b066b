"""The LibreTranslate API over real HTTP on 127.0.0.1, field by field, on the fixture models."""

from __future__ import annotations

import re
import threading
import time
from typing import Any

import pytest
from synthetic import translate_text

from offline_nlp.documents.registry import supported_extensions

HOUSE = "The old house is by the river."
HOME = "We go home!"


def test_translate_one_string_as_json(client: Any) -> None:
    reply = client.post_json("/translate", {"q": HOUSE, "source": "en", "target": "xl"})
    assert reply.status == 200
    assert reply.headers["content-type"].startswith("application/json")
    assert reply.json() == {"translatedText": translate_text(HOUSE, "en", "xl")}


def test_translate_an_array_keeps_order_and_count(client: Any) -> None:
    texts = [HOUSE, HOME, "", HOUSE + "\n" + HOME]
    reply = client.post_json("/translate", {"q": texts, "source": "en", "target": "xz"})
    assert reply.status == 200
    assert reply.json() == {"translatedText": [translate_text(t, "en", "xz") for t in texts]}


def test_translate_from_a_form_like_libretranslate_clients(client: Any) -> None:
    reply = client.post_form("/translate", {"q": HOME, "source": "en", "target": "xl"})
    assert reply.json() == {"translatedText": translate_text(HOME, "en", "xl")}
    repeated = client.post_form("/translate", [("q", HOUSE), ("q", HOME), ("source", "en"),
                                               ("target", "xl")])
    assert repeated.json()["translatedText"] == [translate_text(HOUSE, "en", "xl"),
                                                  translate_text(HOME, "en", "xl")]


def test_through_english_when_no_direct_pair(client: Any) -> None:
    xz = translate_text(HOUSE, "en", "xz")
    reply = client.post_json("/translate", {"q": xz, "source": "xz", "target": "xl"})
    assert reply.json() == {"translatedText": translate_text(HOUSE, "en", "xl")}


def test_auto_source_reports_the_detected_language(client: Any) -> None:
    one = client.post_json("/translate", {"q": HOUSE, "source": "auto", "target": "xz"}).json()
    assert one["translatedText"] == translate_text(HOUSE, "en", "xz")
    assert one["detectedLanguage"]["language"] == "en"
    assert 0 < one["detectedLanguage"]["confidence"] <= 100
    many = client.post_json("/translate", {"q": [HOUSE, HOME], "source": "auto",
                                           "target": "xl"}).json()
    assert [d["language"] for d in many["detectedLanguage"]] == ["en", "en"]


def test_alternatives_are_distinct_strings(client: Any) -> None:
    body = client.post_json("/translate", {"q": HOUSE, "source": "en", "target": "xz",
                                           "alternatives": 2}).json()
    assert body["translatedText"] == translate_text(HOUSE, "en", "xz")
    assert 1 <= len(body["alternatives"]) <= 2
    assert body["translatedText"] not in body["alternatives"]
    batch = client.post_json("/translate", {"q": [HOUSE, HOME], "source": "en", "target": "xz",
                                            "alternatives": 1}).json()
    assert [len(a) for a in batch["alternatives"]] == [1, 1]


def test_html_keeps_every_tag_and_attribute(client: Any) -> None:
    page = ('<p class="lead" id="p1">The <b>old</b> house is by the '
            '<a href="/river?x=1&amp;y=2" title="the river">river</a>.</p>'
            '<pre>keep this code</pre><p translate="no">We go home!</p>')
    body = client.post_json("/translate", {"q": page, "source": "en", "target": "xz",
                                           "format": "html"}).json()
    out = body["translatedText"]
    tags = re.compile(r"<(?!a )[^>]+>")
    assert tags.findall(out) == tags.findall(page)
    assert '<a href="/river?x=1&amp;y=2" title="' + translate_text("the river", "en", "xz") in out
    assert "<pre>keep this code</pre><p translate=\"no\">We go home!</p>" in out
    first = out.split("<pre>")[0]
    assert re.sub(r"<[^>]+>", "", first) == translate_text(HOUSE, "en", "xz")


def test_languages_lists_codes_names_and_targets(client: Any) -> None:
    reply = client.get("/languages")
    assert reply.status == 200
    by_code = {entry["code"]: entry for entry in reply.json()}
    assert by_code["en"] == {"code": "en", "name": "English", "targets": ["xl", "xz"]}
    assert by_code["xz"] == {"code": "xz", "name": "Synthetic CJK", "targets": ["en", "xl"]}
    assert by_code["xl"]["name"] == "Synthetic Latin"


def test_detect_returns_ranked_installed_languages(client: Any) -> None:
    reply = client.post_json("/detect", {"q": HOUSE})
    assert reply.status == 200
    found = reply.json()
    assert found[0]["language"] == "en" and 0 < found[0]["confidence"] <= 100
    assert all(set(f) == {"confidence", "language"} for f in found)


def test_frontend_settings(client: Any) -> None:
    settings = client.get("/frontend/settings").json()
    assert settings["charLimit"] == 200_000
    assert settings["apiKeys"] is False and settings["keyRequired"] is False
    assert settings["supportedFilesFormat"] == supported_extensions()
    assert settings["language"]["source"] == {"code": "auto", "name": "Auto Detect"}


@pytest.mark.parametrize(("name", "content", "expected_name"), [
    ("notes.txt", f"{HOUSE}\n\n{HOME}\n", "notes.xl.txt"),
    ("../../../etc/page.html", f"<h1>{HOME}</h1>", "page.xl.html"),
])
def test_translate_file_then_download(client: Any, name: str, content: str,
                                      expected_name: str) -> None:
    reply = client.post_file("/translate_file", name, content.encode(), source="en", target="xl")
    assert reply.status == 200, reply.body
    url = reply.json()["translatedFileUrl"]
    assert url.startswith(f"http://127.0.0.1:{client.port}/download_file/")
    assert url.endswith("/" + expected_name)
    download = client.get(url.split(str(client.port), 1)[1])
    assert download.status == 200
    expected = (translate_text(HOUSE, "en", "xl") + "\n\n" + translate_text(HOME, "en", "xl")
                + "\n") if name.endswith(".txt") else f"<h1>{translate_text(HOME, 'en', 'xl')}</h1>"
    assert download.body.decode() == expected
    assert expected_name in download.headers["content-disposition"]


def test_download_never_reads_a_path_from_the_request(client: Any) -> None:
    for path in ("/download_file/..%2F..%2Fetc/passwd", "/download_file/0123/passwd",
                 "/download_file/" + "0" * 32 + "/notes.xl.txt"):
        reply = client.get(path)
        assert reply.status == 404
        assert "error" in reply.json()


# -- errors ---------------------------------------------------------------------------

@pytest.mark.parametrize(("data", "message"), [
    ({"source": "en", "target": "xl"}, "Invalid request: missing q parameter"),
    ({"q": HOUSE, "target": "xl"}, "Invalid request: missing source parameter"),
    ({"q": HOUSE, "source": "en"}, "Invalid request: missing target parameter"),
    ({"q": HOUSE, "source": "en", "target": "qq"}, "qq is not supported"),
    ({"q": HOUSE, "source": "en", "target": "xl", "format": "pdf"},
     "pdf format is not supported"),
    ({"q": [HOUSE, 3], "source": "en", "target": "xl"},
     "Invalid request: q must be a string or an array of strings"),
])
def test_bad_requests_are_400_with_one_error_line(client: Any, data: dict[str, Any],
                                                  message: str) -> None:
    reply = client.post_json("/translate", data)
    assert reply.status == 400
    assert reply.json() == {"error": message}


def test_invalid_json_is_400(client: Any) -> None:
    reply = client.request("POST", "/translate", b"{not json",
                           {"Content-Type": "application/json"})
    assert (reply.status, reply.json()) == (400, {"error": "Invalid JSON format"})


def test_unsupported_upload_is_400(client: Any) -> None:
    reply = client.post_file("/translate_file", "program.exe", b"MZ", source="en", target="xl")
    assert (reply.status, reply.json()) == (400, {"error": "Invalid request: file format not "
                                                           "supported"})


def test_api_key_required_when_set(start_server: Any) -> None:
    _, client = start_server(api_key="s3cret")
    data = {"q": HOME, "source": "en", "target": "xl"}
    assert client.post_json("/translate", data).status == 403
    wrong = client.post_json("/translate", {**data, "api_key": "guess"})
    assert (wrong.status, wrong.json()) == (403, {"error": "Invalid API key"})
    right = client.post_json("/translate", {**data, "api_key": "s3cret"})
    assert right.json() == {"translatedText": translate_text(HOME, "en", "xl")}
    assert client.post_form("/detect", {"q": HOME}).status == 403
    assert client.get("/frontend/settings").json()["keyRequired"] is True


def test_too_many_characters_is_413(start_server: Any) -> None:
    _, client = start_server(char_limit=20)
    reply = client.post_json("/translate", {"q": [HOME, HOUSE], "source": "en", "target": "xl"})
    assert reply.status == 413
    assert reply.json() == {"error": "Invalid request: request (41) exceeds text limit (20)"}
    assert client.post_json("/translate", {"q": HOME, "source": "en",
                                           "target": "xl"}).status == 200


def test_too_large_upload_is_413_and_the_server_lives_on(start_server: Any) -> None:
    _, client = start_server(upload_limit=1000)
    reply = client.post_file("/translate_file", "big.txt", b"word " * 2000,
                             source="en", target="xl")
    assert reply.status == 413
    assert reply.json()["error"].startswith("Request too large")
    assert client.get("/languages").status == 200


def test_host_header_other_than_loopback_is_refused(client: Any) -> None:
    for host in (f"evil.example:{client.port}", f"localhost.evil.example:{client.port}",
                 "127.0.0.1:1", "localhost"):
        reply = client.get("/languages", Host=host)
        assert reply.status == 403, host
        assert reply.json()["error"].startswith("Host header not allowed")
    for host in (f"localhost:{client.port}", f"127.0.0.1:{client.port}"):
        assert client.get("/languages", Host=host).status == 200


def test_web_pages_are_refused_extensions_get_cors(client: Any) -> None:
    data = {"q": HOME, "source": "en", "target": "xl"}
    page = client.post_json("/translate", data, Origin="https://evil.example")
    assert page.status == 403
    assert "access-control-allow-origin" not in page.headers
    assert "https://evil.example is not allowed" in page.json()["error"]
    for origin in ("chrome-extension://abcdefghijklmnopabcdefghijklmnop",
                   "moz-extension://0b3c8d1e-8a3c-4c1b-9b2f-1e2d3c4b5a69"):
        reply = client.post_json("/translate", data, Origin=origin)
        assert reply.status == 200
        assert reply.headers["access-control-allow-origin"] == origin
        preflight = client.request("OPTIONS", "/translate", headers={
            "Origin": origin, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type"})
        assert preflight.status == 204
        assert preflight.headers["access-control-allow-origin"] == origin
        assert "content-type" in preflight.headers["access-control-allow-headers"].lower()
    refused = client.request("OPTIONS", "/translate", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert refused.status == 403


def test_origins_the_user_adds_get_cors(start_server: Any) -> None:
    _, client = start_server(allowed_origins=("https://intranet.example",))
    reply = client.get("/languages", Origin="https://intranet.example")
    assert reply.status == 200
    assert reply.headers["access-control-allow-origin"] == "https://intranet.example"
    assert client.get("/languages", Origin="https://other.example").status == 403


def test_port_in_use_is_one_clear_error(start_server: Any, fixture_engine: Any) -> None:
    from offline_nlp.errors import OfflineNLPError
    from offline_nlp.server import Server, ServerConfig

    server, _ = start_server()
    with pytest.raises(OfflineNLPError, match=f"port {server.port} on 127.0.0.1 is in use"):
        Server(fixture_engine, ServerConfig(port=server.port)).start()


# -- concurrency ----------------------------------------------------------------------

def test_concurrent_clients_each_get_their_own_exact_results(client: Any) -> None:
    words = ["We go home!", "The old house is by the river.", "The dog is happy.",
             "We read a book today."]
    results: dict[int, Any] = {}

    def run(index: int) -> None:
        texts = [words[(index + k) % len(words)] for k in range(index % 4 + 1)]
        target = "xz" if index % 2 else "xl"
        reply = client.post_json("/translate", {"q": texts, "source": "en", "target": target})
        results[index] = (reply.json(), [translate_text(t, "en", target) for t in texts])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(results) == 12
    for got, expected in results.values():
        assert got == {"translatedText": expected}


def test_requests_waiting_on_a_busy_engine_share_one_engine_call(
        start_server: Any, fixture_engine: Any) -> None:
    from server_support import GatedEngine

    gated = GatedEngine(fixture_engine)
    server, client = start_server(engine=gated)
    replies: dict[str, Any] = {}

    def send(text: str) -> None:
        replies[text] = client.post_json("/translate", {"q": text, "source": "en",
                                                        "target": "xl"}).json()

    first = threading.Thread(target=send, args=(HOUSE,))
    first.start()
    assert gated.started.wait(30)  # the engine is busy with the first request
    others = [threading.Thread(target=send, args=(t,)) for t in (HOME, "The dog is happy.")]
    for thread in others:
        thread.start()
    _wait_queued(server, 2)
    gated.gate.set()
    for thread in [first, *others]:
        thread.join(60)
    assert [gated.calls[0], sorted(gated.calls[1])] == [[HOUSE], sorted([HOME, "The dog is happy."])]
    for text, body in replies.items():
        assert body == {"translatedText": translate_text(text, "en", "xl")}


def test_a_client_that_hangs_up_cancels_its_sentences(start_server: Any,
                                                      fixture_engine: Any) -> None:
    import socket

    from server_support import GatedEngine

    gated = GatedEngine(fixture_engine)
    server, client = start_server(engine=gated)
    busy = threading.Thread(target=client.post_json, args=(
        "/translate", {"q": HOUSE, "source": "en", "target": "xl"}))
    busy.start()
    assert gated.started.wait(30)
    body = b'{"q": "We go home!", "source": "en", "target": "xl"}'
    with socket.create_connection(("127.0.0.1", client.port)) as sock:
        sock.sendall(b"POST /translate HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
                     b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                     % (client.port, len(body), body))
        _wait_queued(server, 1)
    _wait_cancelled(server)
    gated.gate.set()
    busy.join(60)
    assert gated.calls == [[HOUSE]]  # the abandoned request never reached the model
    assert client.post_json("/translate", {"q": HOME, "source": "en", "target": "xl"}).json() \
        == {"translatedText": translate_text(HOME, "en", "xl")}


def _queued(server: Any) -> list[Any]:
    with server.batcher._lock:
        return [r for requests in server.batcher._waiting.values() for r in requests]


def _wait_until(condition: Any) -> None:
    """Poll a state change made by another thread (not a timing assumption)."""
    deadline = time.monotonic() + 60
    while not condition():
        assert time.monotonic() < deadline, "the server never got there"
        threading.Event().wait(0.01)


def _wait_queued(server: Any, count: int) -> None:
    _wait_until(lambda: len(_queued(server)) >= count)


def _wait_cancelled(server: Any) -> None:
    _wait_until(lambda: all(r.gone for r in _queued(server)))


def test_cli_serve_on_a_busy_port_is_one_line_and_exit_1(
        start_server: Any, installed_home: Any, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from offline_nlp.cli import main

    monkeypatch.setenv("OFFLINE_NLP_PACKAGES", str(installed_home.packages))
    server, _ = start_server()
    assert main(["serve", "--port", str(server.port)]) == 1
    err = capsys.readouterr().err
    assert err == (f"offline-nlp: error: port {server.port} on 127.0.0.1 is in use (another "
                   "offline-nlp or LibreTranslate?); choose another with --port\n")


def test_a_mangled_multipart_body_is_400_in_one_line(client: Any) -> None:
    for path in ("/translate", "/translate_file"):
        reply = client.request("POST", path, b"--x\r\nbroken header\r\n\r\n",
                               {"Content-Type": "multipart/form-data; boundary=x"})
        assert reply.status == 400
        assert reply.json()["error"].startswith("Invalid request: the body cannot be read")
        assert "\n" not in reply.json()["error"]


def _on_event_loop() -> bool:
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def test_html_is_parsed_rebuilt_and_aligned_off_the_event_loop(start_server: Any,
                                                              monkeypatch) -> None:
    """Issue 25: parsing and rebuilding a page held every other request up, and every
    node was aligned where only nodes with inline tags need it."""
    from dataclasses import replace

    from offline_nlp.server import api

    on_loop: list[bool] = []
    real_prepare = api.prepare

    def prepare(text: str, html: bool):  # type: ignore[no-untyped-def]
        on_loop.append(_on_event_loop())
        prepared = real_prepare(text, html)

        def rebuild(done):  # type: ignore[no-untyped-def]
            on_loop.append(_on_event_loop())
            return prepared.rebuild(done)
        return replace(prepared, rebuild=rebuild)

    monkeypatch.setattr(api, "prepare", prepare)
    server, client = start_server()
    aligned: list[tuple[bool, list[str]]] = []
    real_submit = server.batcher.submit

    def submit(texts, source, target, options, align=False, **kw):  # type: ignore[no-untyped-def]
        aligned.append((align, list(texts)))
        return real_submit(texts, source, target, options, align, **kw)

    monkeypatch.setattr(server.batcher, "submit", submit)
    page = "<p>The <b>old</b> house is by the river.</p><p>We go home!</p>"
    out = client.post_json("/translate", {"q": page, "source": "en", "target": "xz",
                                          "format": "html"}).json()["translatedText"]
    assert translate_text(HOME, "en", "xz") in out
    assert on_loop == [False, False], "the page was parsed or rebuilt on the event loop"
    assert (True, [HOME]) not in aligned and (False, [HOME]) in aligned
