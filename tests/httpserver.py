"""A real HTTP server on 127.0.0.1 for download tests: Range support, broken transfers."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Served:
    """What the server serves; tests change it while it runs."""

    files: dict[str, bytes] = field(default_factory=dict)
    cut_after: dict[str, int] = field(default_factory=dict)  # path -> bytes sent before dropping
    honour_range: bool = True
    requests: list[tuple[str, str | None]] = field(default_factory=list)  # (path, Range)


class _Handler(http.server.BaseHTTPRequestHandler):
    served: Served

    def log_message(self, format: str, *args: object) -> None:  # silence stderr
        pass

    def do_HEAD(self) -> None:  # noqa: N802 - http.server's naming
        """The headers of a GET: the size of a file without its body."""
        body = self.served.files.get(self.path)
        self.served.requests.append((self.path, "HEAD"))
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        served = self.served
        range_header = self.headers.get("Range")
        served.requests.append((self.path, range_header))
        body = served.files.get(self.path)
        if body is None:
            self.send_error(404)
            return
        start = 0
        if range_header and served.honour_range:
            start = int(range_header.split("=")[1].split("-")[0])
            if start >= len(body):
                self.send_error(416)
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(body) - start))
        self.end_headers()
        cut = served.cut_after.pop(self.path, None)
        payload = body[start:] if cut is None else body[start:start + cut]
        self.wfile.write(payload)
        if cut is not None:
            self.close_connection = True


@contextmanager
def serve(served: object, base: type[http.server.BaseHTTPRequestHandler] = _Handler) -> Iterator[str]:
    """Run the server in a thread; yields its base URL. ``base`` reads ``self.served``."""
    handler = type("Handler", (base,), {"served": served})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
