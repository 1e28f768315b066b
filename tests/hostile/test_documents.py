"""Damaged documents: one short line and exit 1, never kilobytes of raw bytes or a
Traceback; the source file is never modified and no output is left behind."""

from __future__ import annotations

import zipfile
from dataclasses import replace
from pathlib import Path

from helpers import shared_file
from hostile_kit import World, one_line_error



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


def _with_members(source: Path, target: Path, extra: dict[str, bytes] | int,
                  method: int = zipfile.ZIP_DEFLATED) -> Path:
    """``source`` with more members: ``extra`` maps names to content, or is a count of
    tiny members."""
    members = extra if isinstance(extra, dict) else {f"customXml/n{i}.xml": b"<a/>"
                                                     for i in range(extra)}
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info))
        for name, data in members.items():
            zout.writestr(name, data, compress_type=method)
    return target


def test_zip_bombs_in_documents_are_refused_in_one_line(installed: World, capsys,
                                                        monkeypatch) -> None:
    """A small document that unpacks to far more than it holds is refused before it is
    read: by its ratio, by its number of members, by its total size."""
    from offline_nlp.documents import _package

    world = installed
    source = shared_file("documents", "docx", "par-known-paragraphs.docx")
    ratio = _with_members(source, world.root / "ratio.docx",
                          {"word/media/zeros.bin": bytes(64 * 1024**2)})
    count = _with_members(source, world.root / "count.docx", 20_001)
    total = _with_members(source, world.root / "total.docx",
                          {"word/media/noise.bin": bytes(range(256)) * 8192},
                          zipfile.ZIP_STORED)
    assert ratio.stat().st_size < 1024**2
    for book, why in ((ratio, "zip bomb"), (count, "more than the 20000"), (total, "unpacks to")):
        if book is total:  # 4 GiB is the real limit; a 2 MiB file over a 1 MiB one shows it
            monkeypatch.setattr(_package, "DOCUMENT_LIMITS",
                                replace(_package.DOCUMENT_LIMITS, total=1024**2))
        before = book.read_bytes()
        with world.unchanged_outside():
            code, out, err = world.cli(capsys, "translate", "--from", "en", "--to", "xl",
                                       str(book))
        assert err.endswith("0 translated, 1 failed, 0 skipped\n"), err
        message = one_line_error(code, err.removesuffix("0 translated, 1 failed, 0 skipped\n"))
        assert why in message and book.name in message, message
        assert book.read_bytes() == before
        assert not book.with_name(f"{book.stem}.xl.docx").exists()


def test_a_large_picture_is_copied_in_blocks(installed: World, capsys, monkeypatch) -> None:
    """Members that are not parsed are streamed into the output, not read whole."""
    world = installed
    source = shared_file("documents", "docx", "par-known-paragraphs.docx")
    picture = bytes(range(256)) * 4096
    doc = _with_members(source, world.root / "pic.docx", {"word/media/big.bin": picture},
                        zipfile.ZIP_STORED)
    reads: list[int] = []
    original = zipfile.ZipFile.read

    def spy(self, name, pwd=None):  # noqa: ANN001, ANN202
        data = original(self, name, pwd)
        reads.append(len(data))
        return data

    monkeypatch.setattr(zipfile.ZipFile, "read", spy)
    code, out, err = world.cli(capsys, "translate", "--from", "en", "--to", "xl", str(doc))
    monkeypatch.undo()
    assert code == 0, err
    assert len(picture) not in reads
    with zipfile.ZipFile(doc.with_name("pic.xl.docx")) as out_zip:
        assert out_zip.read("word/media/big.bin") == picture
