"""One bad request hurts no other (issue 20, items 8-15): every malformed body is a 400
with one error line, limits hold for chunked bodies, parameters may come in the query
string as LibreTranslate reads them, and a stop cancels the work in flight."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from typing import Any

import pytest
from server_support import GatedEngine
from synthetic import translate_text

HOUSE = "The old house is by the river."


def _error_line(reply: Any) -> str:
    body = reply.json()
    assert set(body) == {"error"}
    assert "\n" not in body["error"] and "Traceback" not in body["error"]
    return body["error"]


def test_a_lone_surrogate_is_a_400_and_its_batch_neighbours_are_translated(
        start_server: Any, fixture_engine: Any) -> None:
    gated = GatedEngine(fixture_engine)
    _, client = start_server(gated)
    replies: dict[int, Any] = {}

    def send(n: int, text: str) -> None:
        replies[n] = client.request(
            "POST", "/translate",
            # what JSON.stringify sends for a string cut inside an emoji
            json.dumps({"q": text, "source": "en", "target": "xl"}).encode(),
            {"Content-Type": "application/json"})

    texts = {n: HOUSE for n in range(6)}
    texts[3] = "The cat \ud800 sat."
    threads = [threading.Thread(target=send, args=item) for item in texts.items()]
    for thread in threads:
        thread.start()
    gated.gate.set()
    for thread in threads:
        thread.join(60)
    assert replies[3].status == 400
    assert "surrogate" in _error_line(replies[3])
    for n in (0, 1, 2, 4, 5):
        assert replies[n].status == 200, replies[n].body
        assert replies[n].json() == {"translatedText": translate_text(HOUSE, "en", "xl")}


def test_a_failing_batch_is_split_and_only_the_bad_request_fails(start_server: Any,
                                                                 fixture_engine: Any) -> None:
    class Picky(GatedEngine):
        def translate_texts(self, texts: Any, *args: Any, **kwargs: Any) -> Any:
            if any("poison" in t for t in texts):
                self.calls.append(list(texts))
                raise ValueError("the model cannot take this text")
            return super().translate_texts(texts, *args, **kwargs)

    picky = Picky(fixture_engine)
    server, client = start_server(picky)
    replies: dict[str, Any] = {}

    def send(text: str) -> None:
        replies[text] = client.post_json("/translate", {"q": text, "source": "en",
                                                        "target": "xl"})

    first = threading.Thread(target=send, args=("The red car.",))
    first.start()
    assert picky.started.wait(30)  # the engine is busy: the next three queue together
    texts = [HOUSE, "poison", "We go home!"]
    threads = [threading.Thread(target=send, args=(t,)) for t in texts]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 30
    while sum(map(len, server.batcher._waiting.values())) < 3:  # noqa: SLF001
        assert time.monotonic() < deadline, "the requests never queued"
        threading.Event().wait(0.01)
    picky.gate.set()
    for thread in [first, *threads]:
        thread.join(60)
    assert [len(call) for call in picky.calls[1:2]] == [3], "the three were not merged"
    assert replies[HOUSE].json() == {"translatedText": translate_text(HOUSE, "en", "xl")}
    assert replies["We go home!"].json() == {
        "translatedText": translate_text("We go home!", "en", "xl")}
    assert replies["poison"].status == 500
    assert "cannot take this text" in _error_line(replies["poison"])


@pytest.mark.parametrize(("body", "content_type"), [
    (b"[" * 100_000 + b"]" * 100_000, "application/json"),
    (b'{"q": "hi", "source": "en", "target": "xl", "alternatives": 1e309}', "application/json"),
    (b'{"q": "hi", "source": "en", "target": "xl", "alternatives": -1e309}', "application/json"),
    (b"q=\xff\xfe&source=en&target=xl", "application/x-www-form-urlencoded"),
    (b"--x\r\nContent-Disposition: form-data; name=\"q\"\r\n\r\nhi", "multipart/form-data; boundary=y"),
    (b"--x\r\nbroken", "multipart/form-data"),
], ids=["deep-json", "inf-alternatives", "minus-inf", "non-utf8-form",
        "wrong-boundary", "no-boundary"])
def test_malformed_bodies_are_400_not_500(client: Any, body: bytes, content_type: str) -> None:
    reply = client.request("POST", "/translate", body, {"Content-Type": content_type})
    assert reply.status == 400, reply.body[:200]
    _error_line(reply)


def test_a_body_over_the_limit_is_413_with_the_documented_error(start_server: Any) -> None:
    _, client = start_server(char_limit=100, upload_limit=1000)
    body = json.dumps({"q": "x" * 2_000_000, "source": "en", "target": "xl"}).encode()
    reply = client.request("POST", "/translate", body, {"Content-Type": "application/json"})
    assert reply.status == 413
    assert "limit" in _error_line(reply)


def _chunked(port: int, path: str, headers: dict[str, str], chunks: Any) -> tuple[int, int]:
    """Send a chunked body; returns (status, bytes the server let us send before answering)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    sock.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{head}"
                 "Transfer-Encoding: chunked\r\n\r\n".encode())
    sent = 0
    try:
        for chunk in chunks:
            sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            sent += len(chunk)
        sock.sendall(b"0\r\n\r\n")
    except OSError:
        pass  # the server answered and closed while we were still sending
    reply = b""
    try:
        while b"\r\n" not in reply:
            data = sock.recv(65536)
            if not data:
                break
            reply += data
    except OSError:
        pass
    sock.close()
    return int(reply.split()[1]) if reply else 0, sent


def test_a_chunked_upload_without_the_key_is_refused_before_it_is_read(
        start_server: Any) -> None:
    server, _ = start_server(api_key="secret", upload_limit=1_000_000)
    boundary = "b0undary"
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="source"\r\n\r\nen\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="target"\r\n\r\nxl\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            'filename="a.txt"\r\n\r\n').encode()
    chunks = [head] + [b"The old house. " * 4000] * 40  # 2.4 MB if all of it were read
    status, _ = _chunked(server.port, "/translate_file",
                         {"Content-Type": f"multipart/form-data; boundary={boundary}"}, chunks)
    assert status == 403
    assert not any(server.state.files.root.rglob("a.txt"))


def test_a_chunked_upload_over_the_limit_is_413(start_server: Any) -> None:
    server, _ = start_server(upload_limit=100_000)
    boundary = "b0undary"
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="source"\r\n\r\nen\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="target"\r\n\r\nxl\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            'filename="a.txt"\r\n\r\n').encode()
    status, _ = _chunked(server.port, "/translate_file",
                         {"Content-Type": f"multipart/form-data; boundary={boundary}"},
                         [head] + [b"x" * 60_000] * 10)
    assert status == 413


def test_allowed_origins_can_read_errors(start_server: Any) -> None:
    _, client = start_server(allowed_origins=("https://intranet.example",))
    reply = client.post_json("/translate", {"q": HOUSE, "source": "en", "target": "qq"},
                             Origin="https://intranet.example")
    assert reply.status == 400
    assert reply.headers["access-control-allow-origin"] == "https://intranet.example"
    refused = client.post_json("/translate", {"q": HOUSE, "source": "en", "target": "xl"},
                               Origin="https://evil.example")
    assert refused.status == 403
    assert "access-control-allow-origin" not in refused.headers


def test_parameters_in_the_query_string_as_libretranslate_reads_them(client: Any) -> None:
    from urllib.parse import quote

    reply = client.request("POST", f"/translate?q={quote(HOUSE)}&source=en&target=xl")
    assert reply.status == 200, reply.body
    assert reply.json() == {"translatedText": translate_text(HOUSE, "en", "xl")}
    mixed = client.post_json("/translate?target=xz", {"q": HOUSE, "source": "en"})
    assert mixed.json() == {"translatedText": translate_text(HOUSE, "en", "xz")}


def test_suggest_is_disabled_as_in_libretranslate(client: Any) -> None:
    reply = client.post_json("/suggest", {"q": "a", "s": "b", "source": "en", "target": "xl"})
    assert reply.status == 403
    assert "disabled" in _error_line(reply).lower()


def test_translate_file_accepts_an_automatic_source(client: Any) -> None:
    reply = client.post_file("/translate_file", "note.txt", (HOUSE + "\n").encode(),
                             source="auto", target="xl")
    assert reply.status == 200, reply.body
    url = reply.json()["translatedFileUrl"]
    download = client.get(url.split(str(client.port), 1)[1])
    assert download.body.decode() == translate_text(HOUSE, "en", "xl") + "\n"


def test_half_sent_headers_are_dropped(start_server: Any) -> None:
    server, _ = start_server(header_timeout=0.5)
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=30)
    sock.sendall(b"POST /translate HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never finished
    closed = sock.recv(1024)  # the server closes (b"") or answers 408; never waits 30 s
    sock.close()
    assert closed == b"" or closed.startswith(b"HTTP/1.1 408")


@pytest.mark.parametrize("args", [["--port", "99999"], ["--port", "-1"],
                                  ["--char-limit", "-5"], ["--upload-limit-mb", "0"]])
def test_bad_serve_options_are_one_line(args: list[str]) -> None:
    run = subprocess.run([sys.executable, "-m", "offline_nlp", "serve", *args],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert run.stderr.strip().splitlines()[-1].startswith("offline-nlp serve: error:")


def test_stop_cancels_a_long_request_in_flight(start_server: Any, fixture_engine: Any) -> None:
    gated = GatedEngine(fixture_engine)
    server, client = start_server(gated)
    replies: list[Any] = []
    sender = threading.Thread(target=lambda: replies.append(
        client.post_json("/translate", {"q": HOUSE, "source": "en", "target": "xl"})))
    sender.start()
    assert gated.started.wait(30)
    stopper = threading.Thread(target=server.stop)
    stopper.start()
    stopper.join(20)
    stopped = not stopper.is_alive()
    gated.gate.set()  # let the engine thread go, whatever happened
    sender.join(30)
    assert stopped, "stop() waited for the request in flight"
    assert replies and replies[0].status == 503
    assert "stopping" in _error_line(replies[0])
