"""Leaving a page mid-translation: how long the next page's first translation takes.

The extension sends a page's visible text as a few page-sized ``/translate`` requests.
When the user follows a link before they are answered, the extension aborts them
(``AbortController`` on ``pagehide``), the server's handlers are cancelled with their
connections, and the engine drops their sentences at its next batch. Measured on the
Transformer-base sized model of ``bench/translate.py`` (random int8 weights, exactly
``--length`` tokens decoded per sentence, no segment cache):

* **idle**: the next page's first request (``--first`` text nodes) on a quiet server;
* **after navigating away, aborted**: the same request sent right after a long page's
  ``--long`` requests of ``--nodes`` nodes each were started and then aborted;
* **after navigating away, not aborted**: the same, with the long page's requests left
  running (what happened before the extension aborted them: issue 20 measured 16 s
  against 0.85 s).

The goal is ``aborted/idle <= 1.5``. Compare the ratios, not the seconds.

    .venv/bin/python bench/navigate.py [--rounds 5 --long 3 --nodes 150 --first 20]
    .venv/bin/python bench/navigate.py --smoke      (seconds: it runs, no verdict)
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

import fixed_length  # noqa: E402
from common import make_sentence, model_package, retries_off, single_package_engine  # noqa: E402

from offline_nlp.engine import EngineConfig, TranslationOptions  # noqa: E402
from offline_nlp.server import Server, ServerConfig  # noqa: E402


def page(nodes: int, rng: random.Random) -> list[str]:
    return [" ".join(make_sentence(rng) for _ in range(rng.randint(1, 3))) for _ in range(nodes)]


def _body(q: list[str]) -> str:
    return json.dumps({"q": q, "source": "en", "target": "xx", "format": "text"})


def first_request_ms(port: int, q: list[str]) -> float:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        started = time.perf_counter()
        connection.request("POST", "/translate", _body(q), {"Content-Type": "application/json"})
        response = connection.getresponse()
        data = json.loads(response.read())
        if response.status != 200 or len(data["translatedText"]) != len(q):
            raise RuntimeError(f"server answered {response.status}: {data}")
        return (time.perf_counter() - started) * 1000
    finally:
        connection.close()


def start_long_page(port: int, requests: list[list[str]]) -> list[http.client.HTTPConnection]:
    """Send the long page's requests without waiting for their answers."""
    connections = []
    for q in requests:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        connection.request("POST", "/translate", _body(q), {"Content-Type": "application/json"})
        connections.append(connection)
    return connections


def drain(connections: list[http.client.HTTPConnection]) -> threading.Thread:
    """Read the answers of requests left running (in the background)."""

    def read() -> None:
        for connection in connections:
            try:
                connection.getresponse().read()
            finally:
                connection.close()

    thread = threading.Thread(target=read)
    thread.start()
    return thread


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--long", type=int, default=3, help="requests of the page left")
    parser.add_argument("--nodes", type=int, default=150, help="text nodes per such request")
    parser.add_argument("--first", type=int, default=20,
                        help="text nodes of the next page's first request")
    parser.add_argument("--length", type=int, default=20, help="tokens decoded per sentence")
    parser.add_argument("--beam", type=int, default=2)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, no verdict")
    args = parser.parse_args()
    if args.smoke:
        args.rounds, args.long, args.nodes, args.first, args.length = 1, 1, 4, 2, 3
    fixed_length.install(args.length)
    retries_off()  # the random model's output is garbage by design: measure the engine
    config = EngineConfig()
    engine = single_package_engine(model_package(args.smoke), config)
    options = TranslationOptions(beam_size=args.beam, use_cache=False)
    engine.translate_texts(["Warm up the model."], "en", "xx", options)
    rng = random.Random(5)
    rows: dict[str, list[float]] = {"idle": [], "aborted": [], "not aborted": []}
    with Server(engine, ServerConfig(port=0, options=options)) as server:
        for _ in range(args.rounds):
            rows["idle"].append(first_request_ms(server.port, page(args.first, rng)))
            for kind in ("aborted", "not aborted"):
                left = start_long_page(server.port,
                                       [page(args.nodes, rng) for _ in range(args.long)])
                time.sleep(0.3)  # the long page's requests are being translated
                if kind == "aborted":
                    for connection in left:
                        connection.close()  # the extension's AbortController
                    reader = None
                else:
                    reader = drain(left)
                rows[kind].append(first_request_ms(server.port, page(args.first, rng)))
                if reader is not None:
                    reader.join()  # let the server go quiet before the next round
    inter, intra = config.threads()
    print(f"model: Transformer-base, random int8 weights; beam {args.beam}; {args.length} "
          f"tokens a sentence; the page left: {args.long} requests of {args.nodes} nodes; "
          f"the next page's first request: {args.first} nodes; {inter}x{intra} threads; "
          f"{os.cpu_count()} cores")
    print(f"| {'next page, first request':34} | {'median ms':>9} | {'max ms':>8} |")
    print(f"|{'-' * 36}|{'-' * 11}|{'-' * 10}|")
    labels = {"idle": "idle", "aborted": "after navigating away, aborted",
              "not aborted": "after navigating away, not aborted"}
    for key, times in rows.items():
        print(f"| {labels[key]:34} | {statistics.median(times):9.1f} | {max(times):8.1f} |")
    idle = statistics.median(rows["idle"])
    print(f"aborted/idle={statistics.median(rows['aborted']) / idle:.2f} "
          f"not-aborted/idle={statistics.median(rows['not aborted']) / idle:.2f}")


if __name__ == "__main__":
    main()
