"""Damaged documents: one short line and exit 1, never kilobytes of raw bytes or a
Traceback; the source file is never modified and no output is left behind."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from helpers import shared_file
from hostile_kit import World, one_line_error

from offline_nlp.paths import AppPaths



def damage(source: Path, target: Path, member: str, how: str) -> Path:
    """``name``: the local header's name is 4,000 bytes long (zipfile quotes them raw); ``data``: the compressed bytes are garbage (zlib.error);
    ``method``: an unknown compression method (NotImplementedError)."""
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as archive:
        info = archive.getinfo(member)
    start = info.header_offset
    name_len = int.from_bytes(data[start + 26 : start + 28], "little")
    extra_len = int.from_bytes(data[start + 28 : start + 30], "little")
    if how == "name":  # the header claims a 4,000-byte name: zipfile quotes all of it
        data[start + 26 : start + 28] = (4000).to_bytes(2, "little")
    elif how == "data":
        body = start + 30 + name_len + extra_len
        data[body : body + 8] = b"\xff" * 8
    else:  # zipfile trusts the central directory's method
        central = bytes(data).index(b"PK\x01\x02")
        while bytes(data[central + 46 : central + 46 + len(member)]) != member.encode():
            central = bytes(data).index(b"PK\x01\x02", central + 4)
        data[central + 10 : central + 12] = (99).to_bytes(2, "little")
    target.write_bytes(bytes(data))
    return target


@pytest.fixture
def installed(world: World, installed_home: AppPaths, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setenv("OFFLINE_NLP_PACKAGES", str(installed_home.packages))
    return world


def test_a_corrupt_epub_is_one_short_line(installed: World, capsys) -> None:
    world = installed
    member = "META-INF/container.xml"
    epub = shared_file("documents", "epub", "test01.epub")
    with zipfile.ZipFile(epub) as archive:
        assert archive.getinfo(member).compress_type == zipfile.ZIP_DEFLATED
    for how in ("name", "data", "method"):
        book = damage(epub, world.root / f"book-{how}.epub", member, how)
        source = book.read_bytes()
        with world.unchanged_outside():
            code, _, err = world.cli(capsys, "translate", "--from", "en", "--to", "xl", str(book))
        # a batch of documents reports each failed file on one line, then a summary line
        assert err.endswith("0 translated, 1 failed, 0 skipped\n")
        message = one_line_error(code, err.removesuffix("0 translated, 1 failed, 0 skipped\n"))
        assert len(message) < 250 + len(str(book)), (how, message)
        assert book.name in message and "\\x" not in message
        assert book.read_bytes() == source
