"""Every pair a multilingual package serves is offered everywhere: the engine, the
command line's 'languages' and the local server's /languages, with no pivot."""

from __future__ import annotations

import json
import urllib.request

import pytest

from offline_nlp.engine import Engine
from offline_nlp.packages import PackageManager


def test_engine_routes_every_nllb_pair_directly(nllb_home) -> None:
    engine = Engine(PackageManager(nllb_home))
    for source, target in [("en", "xl"), ("xl", "en"), ("en", "xz"), ("xz", "en"),
                           ("xl", "xz"), ("xz", "xl")]:
        route = engine.route(source, target)
        assert route.pivot is None and len(route.hops) == 1
        assert route.hops[0].package.info.code == "nllb-synthetic"
        translation = engine.translate_texts(["The house."], source, target)[0]
        assert translation.pivot is None


def test_server_languages_list_every_target_of_the_model(nllb_home) -> None:
    pytest.importorskip("aiohttp", reason="the server needs the [server] extra")
    from offline_nlp.server import Server, ServerConfig

    server = Server(Engine(PackageManager(nllb_home)), ServerConfig(port=0)).start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/languages") as reply:
            languages = {entry["code"]: entry for entry in json.load(reply)}
    finally:
        server.stop()
    assert languages["xl"]["targets"] == ["en", "xz"]
    assert languages["xz"]["targets"] == ["en", "xl"]
    assert languages["en"] == {"code": "en", "name": "English", "targets": ["xl", "xz"]}
