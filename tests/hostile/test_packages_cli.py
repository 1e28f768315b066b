"""Packages from the command line under hostile conditions: a trickling index, archives
zipfile cannot unpack, models that do not work, indexes that disagree with their
archives, a closed pipe, and installing what is installed already."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hostile_kit import World, build_package, entry, one_line_error
from hostileserver import Route

from offline_nlp.errors import IndexUnavailableError
from offline_nlp.packages import PackageManager
from offline_nlp.paths import AppPaths


def _central(data: bytearray, member: str) -> int:
    """Offset of ``member``'s central directory record."""
    at = bytes(data).index(b"PK\x01\x02")
    while bytes(data[at + 46 : at + 46 + len(member)]) != member.encode():
        at = bytes(data).index(b"PK\x01\x02", at + 4)
    return at


def test_a_trickling_index_gives_up_like_a_download(app_paths: AppPaths, hostile_server) -> None:
    """An index arriving at 200 bytes a second is as unwelcome as such a package."""
    from offline_nlp.packages.download import Limits

    state, base = hostile_server
    state.routes["/index.json"] = Route(json.dumps([entry(base, "/p")] * 12).encode(),
                                        mode="trickle")
    manager = PackageManager(app_paths, f"{base}/index.json",
                             limits=Limits(stall=2, min_rate=1000, rate_window=0.2))
    with pytest.raises(IndexUnavailableError, match="too slow"):
        manager.available(refresh=True)


@pytest.mark.parametrize("how", ["encrypted", "method 99"])
def test_a_package_zipfile_cannot_unpack_is_one_line(world: World, capsys, how: str) -> None:
    package = build_package(world.root / "pkg.argosmodel")
    data = bytearray(package.read_bytes())
    at = _central(data, "pkg/model/model.bin")
    if how == "encrypted":
        data[at + 8] |= 0x1  # general purpose flags: bit 0, encrypted
    else:
        data[at + 10 : at + 12] = (99).to_bytes(2, "little")  # AES, as 7-Zip writes it
    package.write_bytes(bytes(data))
    with world.unchanged_outside():
        code, _, err = world.cli(capsys, "packages", "install", str(package))
    message = one_line_error(code, err)
    assert "pkg.argosmodel" in message and ("encrypted" in message or "method 99" in message)
    assert not (world.packages / "translate-en_xl").exists()


def test_a_new_package_that_does_not_work_is_refused_unless_forced(world: World, capsys,
                                                                   caplog) -> None:
    package = build_package(world.root / "pkg.argosmodel")  # garbage weights
    source = package.read_bytes()
    with world.unchanged_outside():
        code, _, err = world.cli(capsys, "packages", "install", str(package))
    message = one_line_error(code, err)
    assert "does not work" in message and "--force" in message
    assert not (world.packages / "translate-en_xl").exists()
    assert package.read_bytes() == source
    code, out, err = world.cli(capsys, "packages", "install", "--force", str(package))
    assert code == 0 and (world.packages / "translate-en_xl").is_dir(), err
    assert "does not work" in caplog.text  # a warning: on stderr outside pytest


def test_an_index_that_disagrees_with_its_archive_is_downloaded_once(
        world: World, capsys, caplog, hostile_server) -> None:
    """The index says 1.1, the archive inside says 1.0: update said "updated" and
    downloaded it again on every run."""
    state, base = hostile_server
    package = build_package(world.root / "pkg.argosmodel", real_model=True)
    state.routes["/p.argosmodel"] = Route(package.read_bytes())
    state.routes["/index.json"] = Route(json.dumps(
        [entry(base, "/p.argosmodel", package_version="1.1")]).encode())
    url = f"{base}/index.json"
    code, out, err = world.cli(capsys, "--index-url", url, "packages", "install",
                               "translate-en_xl")
    assert code == 0, err
    said = caplog.text  # a warning: on stderr outside pytest
    assert "index lists translate-en_xl 1.1" in said and "archive says 1.0" in said
    downloads = len(state.requests)
    for _ in range(2):
        code, out, err = world.cli(capsys, "--index-url", url, "packages", "update")
        assert code == 0, err
        assert "up to date" in out, out
    assert len(state.requests) == downloads


def test_installing_an_installed_pair_downloads_nothing(world: World, capsys,
                                                         hostile_server) -> None:
    state, base = hostile_server
    package = build_package(world.root / "pkg.argosmodel", real_model=True)
    state.routes["/p.argosmodel"] = Route(package.read_bytes())
    state.routes["/index.json"] = Route(json.dumps([entry(base, "/p.argosmodel")]).encode())
    url = f"{base}/index.json"
    code, out, err = world.cli(capsys, "--index-url", url, "packages", "install", "en", "xl")
    assert code == 0, err
    downloads = len(state.requests)
    manifest = (world.packages / "manifest.json").read_bytes()
    for args in (["en", "xl"], ["translate-en_xl"]):
        code, out, err = world.cli(capsys, "--index-url", url, "packages", "install", *args)
        assert code == 0, err
        assert "already installed" in out
    assert len(state.requests) == downloads
    assert (world.packages / "manifest.json").read_bytes() == manifest


def test_a_listing_into_a_pipe_that_closes_is_quiet(world: World, tmp_path: Path) -> None:
    """``packages available | head -1``: no BrokenPipeError traceback."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    entries = [{**entry("http://127.0.0.1:9", "/p"), "from_code": a + b, "to_code": to,
                "code": f"translate-{a}{b}_{to}", "from_name": "Some language"}
               for a in letters for b in letters for to in ("xl", "xm", "xn")]
    saved = world.root / "index.json"
    saved.write_text(json.dumps(entries))
    errors = tmp_path / "stderr.txt"
    done = subprocess.run(
        f"'{sys.executable}' -m offline_nlp --index-url '{saved}' packages available "
        f"2>'{errors}' | head -1", shell=True, capture_output=True, text=True, check=False)
    assert done.stdout.count("\n") == 1
    assert errors.read_text() == ""
