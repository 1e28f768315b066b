"""Sizes for index entries without one: a server's Content-Length is believed only as a
whole number of bytes within bounds, and what was learnt is kept for offline use."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from offline_nlp.packages import sizes
from offline_nlp.packages.metadata import PackageInfo


@pytest.mark.parametrize("header, expected", [
    ("1234", 1234), (" 99 ", 99), ("0", 0), ("-5", 0), ("12abc", 0), ("", 0), (None, 0),
    (str(sizes.MAX_SIZE + 1), 0), ("9" * 40, 0)])
def test_only_a_plausible_content_length_is_kept(header: object, expected: int) -> None:
    assert sizes._valid(header) == expected


def test_known_sizes_are_used_offline_and_bad_cache_entries_dropped(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "index-sizes.json"
    cache.write_text(json.dumps({"https://example.invalid/a": 500,
                                 "https://example.invalid/b": "lots"}), encoding="utf-8")
    asked: list[str] = []
    monkeypatch.setattr(sizes, "_head_size", lambda url, timeout: asked.append(url) or 0)
    infos = [info("en", "xl", "https://example.invalid/a"),
             info("xl", "en", "https://example.invalid/b")]
    offline = sizes.with_sizes(infos, cache, ask=False)
    assert [i.size for i in offline] == [500, 0] and asked == []
    online = sizes.with_sizes(infos, cache, ask=True)
    assert asked == ["https://example.invalid/b"]          # only what is not known
    assert [i.size for i in online] == [500, 0]


def info(source: str, target: str, link: str) -> PackageInfo:
    return PackageInfo(code=f"translate-{source}_{target}", type="translate",
                       from_code=source, from_name=source, to_code=target, to_name=target,
                       links=(link,))
