"""A 127.0.0.1 HTTP server that misbehaves on purpose: cut chunked bodies, bodies with
no length that stop early, trickles, endless streams and redirects to other schemes."""

from __future__ import annotations

import http.server
import time
from dataclasses import dataclass, field

import httpserver


@dataclass
class Route:
    """How one path is answered. ``mode`` is one of: whole, chunked_cut, no_length_cut,
    trickle, endless, redirect."""

    body: bytes = b""
    mode: str = "whole"
    target: str = ""  # redirect target
    once: bool = False  # misbehave once, then answer whole


@dataclass
class Hostile:
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[tuple[str, str | None]] = field(default_factory=list)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    served: Hostile

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        rng = self.headers.get("Range")
        self.served.requests.append((self.path, rng))
        route = self.served.routes.get(self.path)
        if route is None:
            self.send_error(404)
            return
        mode = route.mode
        if route.once:
            route.mode, route.once = "whole", False
        try:
            getattr(self, f"_{mode}")(route, rng)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _whole(self, route: Route, rng: str | None) -> None:
        body = route.body
        start = int(rng.split("=")[1].split("-")[0]) if rng else 0
        if start >= len(body) > 0 and rng:
            self.send_error(416)
            return
        self.send_response(206 if start else 200)
        if start:
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        self.send_header("Content-Length", str(len(body) - start))
        self.end_headers()
        self.wfile.write(body[start:])

    def _chunked_cut(self, route: Route, rng: str | None) -> None:
        self.send_response(200)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        half = route.body[: len(route.body) // 2]
        self.wfile.write(b"%x\r\n%s\r\n" % (len(half), half))
        self.wfile.write(b"%x\r\n" % len(route.body))  # announce a chunk, never send it
        self.close_connection = True

    def _no_length_cut(self, route: Route, rng: str | None) -> None:
        self.send_response(200)
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(route.body[: len(route.body) // 2])
        self.close_connection = True

    def _trickle(self, route: Route, rng: str | None) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(route.body)))
        self.end_headers()
        for start in range(0, len(route.body), 10):
            self.wfile.write(route.body[start : start + 10])
            self.wfile.flush()
            time.sleep(0.05)

    def _endless(self, route: Route, rng: str | None) -> None:
        """An index that never ends (stops at 64 MB so a broken client cannot hang CI)."""
        self.send_response(200)
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(b"[")
        block = b'{"code": "translate-en_xl"},' * 4096
        for _ in range(64 * 1024**2 // len(block)):
            self.wfile.write(block)
        self.close_connection = True

    def _redirect(self, route: Route, rng: str | None) -> None:
        self.send_response(302)
        self.send_header("Location", route.target)
        self.send_header("Content-Length", "0")
        self.end_headers()


def serve(state: Hostile):  # type: ignore[no-untyped-def]
    """Run the hostile server in a thread; yields its base URL."""
    return httpserver.serve(state, _Handler)
