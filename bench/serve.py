"""``offline-nlp serve`` under a browser's load: 4 tabs translating pages at once.

Three ways to translate the same pages (text nodes of 1-3 sentences each), on the
Transformer-base sized model of ``bench/translate.py`` (random int8 weights, exactly
``--length`` tokens decoded per sentence, no segment cache):

* **engine, direct**: ``Engine.translate_texts`` once per page, in this process;
* **server, page requests**: ``--clients`` clients at once over HTTP, one ``/translate``
  request per page with every text node in ``q`` (what the extension sends);
* **server, one request per node**: the same clients sending each text node as its own
  request, as LibreTranslate-backed extensions do today.

Compare the ratios, not the seconds. The last line is
``server/direct=R1 server/per-node=R2`` (the goals: R1 >= 0.8, R2 >= 4).

    .venv/bin/python bench/serve.py [--clients 4 --pages 2 --nodes 40 --length 20]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

import fixed_length  # noqa: E402
from corpus import make_sentence  # noqa: E402
from translate import make_engine, model_package  # noqa: E402

from offline_nlp.engine import Engine, EngineConfig, TranslationOptions  # noqa: E402
from offline_nlp.server import Server, ServerConfig  # noqa: E402


def make_pages(count: int, nodes: int, seed: int) -> list[list[str]]:
    """Pages of text nodes; every page different, so no request helps another by caching."""
    rng = random.Random(seed)
    return [[" ".join(make_sentence(rng) for _ in range(rng.randint(1, 3))) for _ in range(nodes)]
            for _ in range(count)]


def run_direct(engine: Engine, pages: list[list[str]], options: TranslationOptions) -> float:
    start = time.perf_counter()
    for page in pages:
        engine.translate_texts(page, "en", "xx", options)
    return time.perf_counter() - start


def run_clients(port: int, per_client: list[list[list[str]]], per_node: bool) -> float:
    """Each client in its own thread with one keep-alive connection; wall time of all."""
    errors: list[BaseException] = []

    def client(pages: list[list[str]]) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        try:
            for page in pages:
                for q in ([[node] for node in page] if per_node else [page]):
                    _post(connection, q)
        except BaseException as exc:  # noqa: BLE001 - reported after the run
            errors.append(exc)
        finally:
            connection.close()

    return _timed([lambda p=pages: client(p) for pages in per_client], errors)


def _post(connection: http.client.HTTPConnection, q: list[str]) -> None:
    body = json.dumps({"q": q, "source": "en", "target": "xx"})
    connection.request("POST", "/translate", body, {"Content-Type": "application/json"})
    response = connection.getresponse()
    data = json.loads(response.read())
    if response.status != 200 or len(data["translatedText"]) != len(q):
        raise RuntimeError(f"server answered {response.status}: {data}")


def _timed(jobs: list[Callable[[], None]], errors: list[BaseException]) -> float:
    threads = [threading.Thread(target=job) for job in jobs]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--pages", type=int, default=2, help="pages per client")
    parser.add_argument("--nodes", type=int, default=40, help="text nodes per page")
    parser.add_argument("--length", type=int, default=20, help="tokens decoded per sentence")
    parser.add_argument("--beam", type=int, default=2)
    args = parser.parse_args()
    fixed_length.install(args.length)
    config = EngineConfig()
    engine = make_engine(model_package(), config)
    options = TranslationOptions(beam_size=args.beam, use_cache=False)
    pages = make_pages(args.clients * args.pages, args.nodes, seed=11)
    per_client = [pages[i::args.clients] for i in range(args.clients)]
    engine.translate_texts(["Warm up the model."], "en", "xx", options)

    rows = [("engine, direct (one call per page)", run_direct(engine, pages, options))]
    with Server(engine, ServerConfig(port=0, options=options)) as server:
        rows.append((f"server, {args.clients} clients, one request per page",
                     run_clients(server.port, per_client, per_node=False)))
        rows.append((f"server, {args.clients} clients, one request per node",
                     run_clients(server.port, per_client, per_node=True)))
    nodes = sum(len(page) for page in pages)
    inter, intra = config.threads()
    print(f"model: Transformer-base, random int8 weights; {len(pages)} pages of {args.nodes} "
          f"text nodes ({nodes} nodes); beam {args.beam}; {args.length} tokens a sentence; "
          f"{inter}x{intra} threads; {os.cpu_count()} cores")
    print(f"| {'contender':46} | {'seconds':>8} | {'nodes/s':>8} |")
    print(f"|{'-' * 48}|{'-' * 10}|{'-' * 10}|")
    for name, seconds in rows:
        print(f"| {name:46} | {seconds:8.2f} | {nodes / seconds:8.1f} |")
    direct, pages_s, nodes_s = (seconds for _, seconds in rows)
    print(f"server/direct={direct / pages_s:.2f} server/per-node={nodes_s / pages_s:.2f}")


if __name__ == "__main__":
    main()
