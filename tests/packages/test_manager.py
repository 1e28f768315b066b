"""Index, download, install, update, verify and remove against a real local HTTP server."""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path

import pytest
from helpers import SHARED, index_entry, make_archive, publish
from httpserver import Served

from offline_nlp.errors import (
    Cancelled,
    IndexUnavailableError,
    InvalidPackageError,
    LanguagePairUnavailableError,
    PackageDownloadError,
    PackageNotFoundError,
)
from offline_nlp.packages import PackageManager
from offline_nlp.paths import AppPaths


def serve_package(served: Served, base: str, tmp: Path, pair: str = "en_xl",
                  version: str = "1.0", **entry_extra: object) -> dict[str, object]:
    data = make_archive(tmp / f"{pair}-{version}.zip", pair, version).read_bytes()
    served.files[f"/translate-{pair}-{version}.argosmodel"] = data
    return index_entry(pair, base, version, **entry_extra)


@pytest.fixture
def manager_with_index(app_paths: AppPaths, index_server, tmp_path: Path):  # type: ignore[no-untyped-def]
    served, base = index_server
    entries = [serve_package(served, base, tmp_path, "en_xl"),
               serve_package(served, base, tmp_path, "xl_en")]
    manager = PackageManager(app_paths, publish(served, base, entries), timeout=5)
    return manager, served, base


def test_install_from_the_index_reports_progress_and_records_a_checksum(manager_with_index) -> None:
    manager, served, _ = manager_with_index
    seen = []
    package = manager.install(manager.find_available("en_xl"), on_progress=seen.append)
    assert package.info.pair == ("en", "xl")
    assert seen[-1].done == seen[-1].total > 0
    archive_bytes = served.files["/translate-en_xl-1.0.argosmodel"]
    manifest = json.loads((manager.paths.packages / "manifest.json").read_text())
    assert manifest[package.path.name]["sha256"] == hashlib.sha256(archive_bytes).hexdigest()
    assert manager.verify() == {"translate-en_xl": []}
    left = [p for p in manager.paths.downloads.iterdir() if p.suffix != ".lock"]
    assert not left, "the downloaded archive is cleaned up"


def test_verify_finds_modified_and_missing_files(manager_with_index) -> None:
    manager, _, _ = manager_with_index
    package = manager.install(manager.find_available("en_xl"))
    (package.path / "model" / "model.bin").write_bytes(b"tampered")
    (package.path / "sentencepiece.model").unlink()
    problems = manager.verify()["translate-en_xl"]
    assert "model/model.bin was modified" in problems
    assert "sentencepiece.model is missing" in problems


def test_an_interrupted_download_resumes_with_a_range_request(manager_with_index) -> None:
    manager, served, _ = manager_with_index
    served.cut_after["/translate-en_xl-1.0.argosmodel"] = 100
    info = manager.find_available("en_xl")
    with pytest.raises(PackageDownloadError, match="cut off at 100 of"):
        manager.install(info)
    assert manager.installed() == []
    package = manager.install(info)
    assert package.info.code == "translate-en_xl"
    assert served.requests[-1] == ("/translate-en_xl-1.0.argosmodel", "bytes=100-")


def test_a_server_that_ignores_range_restarts_the_download(manager_with_index) -> None:
    manager, served, _ = manager_with_index
    served.cut_after["/translate-en_xl-1.0.argosmodel"] = 100
    served.honour_range = False
    info = manager.find_available("en_xl")
    with pytest.raises(PackageDownloadError):
        manager.install(info)
    assert manager.install(info).info.code == "translate-en_xl"


def test_a_wrong_checksum_is_refused_and_nothing_changes(app_paths, index_server, tmp_path) -> None:
    served, base = index_server
    entry = serve_package(served, base, tmp_path, sha256="0" * 64)
    manager = PackageManager(app_paths, publish(served, base, [entry]), timeout=5)
    with pytest.raises(PackageDownloadError, match="checksum"):
        manager.install(manager.find_available("en_xl"))
    assert manager.installed() == []


def test_a_corrupt_download_leaves_the_installed_version_in_place(manager_with_index) -> None:
    manager, served, base = manager_with_index
    manager.install(manager.find_available("en_xl"))
    served.files["/translate-en_xl-2.0.argosmodel"] = b"PK\x03\x04 truncated garbage"
    publish(served, base, [index_entry("en_xl", base, "2.0")])
    manager.available(refresh=True)
    with pytest.raises(InvalidPackageError):
        manager.install(manager.find_available("en_xl"))
    [package] = manager.installed()
    assert package.info.package_version == "1.0"
    assert (package.path / "model" / "model.bin").read_bytes() == b"weights-1.0"


def test_update_installs_the_newer_version_in_place(manager_with_index, tmp_path) -> None:
    manager, served, base = manager_with_index
    manager.install(manager.find_available("en_xl"))
    publish(served, base, [serve_package(served, base, tmp_path, "en_xl", "1.1")])
    manager.available(refresh=True)
    [(old, new)] = manager.updates()
    assert (old.info.package_version, new.package_version) == ("1.0", "1.1")
    unloaded = []
    manager.add_listener(unloaded.append)
    package = manager.install(new)
    assert package.path == old.path and unloaded == [old.path]
    assert (package.path / "model" / "model.bin").read_bytes() == b"weights-1.1"
    assert manager.updates() == []


def test_remove_deletes_the_folder_and_the_manifest_entry(manager_with_index) -> None:
    manager, _, _ = manager_with_index
    package = manager.install(manager.find_available("en_xl"))
    manager.remove("translate-en_xl")
    assert not package.path.exists()
    assert manager.verify() == {}
    with pytest.raises(PackageNotFoundError, match="no installed package"):
        manager.remove("translate-en_xl")


def test_cancel_stops_a_download(manager_with_index) -> None:
    manager, _, _ = manager_with_index
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        manager.install(manager.find_available("en_xl"), cancel=cancel)
    assert manager.installed() == []


def test_the_index_is_cached_for_offline_use(manager_with_index, app_paths) -> None:
    manager, served, _ = manager_with_index
    assert len(manager.available()) == 2
    del served.files["/index.json"]  # the index is gone: the copy of the same URL is used
    offline = PackageManager(app_paths, manager.index_url, timeout=2)
    assert [p.code for p in offline.available()] == ["translate-en_xl", "translate-xl_en"]


def test_no_cache_and_no_network_is_a_clear_message(tmp_path) -> None:
    manager = PackageManager(AppPaths.under(tmp_path), "http://127.0.0.1:9/index.json", timeout=2)
    with pytest.raises(IndexUnavailableError, match="cannot reach the package index"):
        manager.available()


def test_argostranslate_packages_are_found_read_only(app_paths, archive_factory, tmp_path) -> None:
    argos_dir = tmp_path / "argos"
    PackageManager(AppPaths.under(tmp_path / "other")).install_file(archive_factory())
    (tmp_path / "other" / "data" / "packages").rename(argos_dir)
    paths = AppPaths(app_paths.config, app_paths.data, app_paths.cache, app_paths.packages, (argos_dir,))
    manager = PackageManager(paths)
    [package] = manager.installed()
    assert package.read_only
    with pytest.raises(Exception, match="belongs to argostranslate"):
        manager.remove(package.info.code)


@pytest.mark.skipif(not (SHARED / "argos-index" / "index.json").exists(),
                    reason="../shared/argos-index/index.json is not beside the checkout")
def test_the_real_argos_index_lists_filters_and_plans_pivots(app_paths, index_server) -> None:
    served, base = index_server
    entries = json.loads((SHARED / "argos-index" / "index.json").read_text())
    for entry in entries:
        entry["links"] = [f"{base}/{link.rsplit('/', 1)[1]}" for link in entry["links"]]
    manager = PackageManager(app_paths, publish(served, base, entries))
    available = manager.available()
    assert len(available) == 96
    codes = {p.code for p in available}
    assert {"translate-en_zh", "translate-en_zt", "translate-ja_en", "translate-en_ko"} <= codes
    assert [p.code for p in manager.plan_pair("ja", "ko")] == ["translate-ja_en", "translate-en_ko"]
    assert [p.code for p in manager.plan_pair("en", "zt")] == ["translate-en_zt"]
    assert manager.find_available("pb_en").to_code == "en"


def test_routes_are_not_rebuilt_until_the_packages_change(app_paths, tmp_path, monkeypatch) -> None:
    """Issue 25: every request re-read every package's metadata (27 ms for 93)."""
    from offline_nlp.engine import Engine
    from offline_nlp.packages import metadata

    manager = PackageManager(app_paths)
    for pair in ("en_xl", "xl_en", "en_xz"):
        manager.install_file(make_archive(tmp_path / f"{pair}.zip", pair))
    engine = Engine(manager)
    assert engine.route("xl", "xz").pivot == "en"
    loads = []
    real_load = metadata.InstalledPackage.load.__func__
    monkeypatch.setattr(metadata.InstalledPackage, "load", classmethod(
        lambda cls, *args: loads.append(args) or real_load(cls, *args)))
    for _ in range(3):
        engine.route("xl", "xz")
        engine.languages()
    assert loads == [], "nothing changed, yet the packages were read again"
    manager.remove("translate-en_xz")
    with pytest.raises(LanguagePairUnavailableError):
        engine.route("xl", "xz")


def test_another_process_installing_or_removing_is_seen_at_once(app_paths, tmp_path) -> None:
    """Another PackageManager on the same folder stands for another process."""
    from offline_nlp.engine import Engine

    ours, theirs = PackageManager(app_paths), PackageManager(app_paths)
    ours.install_file(make_archive(tmp_path / "en_xl.zip", "en_xl"))
    engine = Engine(ours)
    with pytest.raises(LanguagePairUnavailableError):
        engine.route("en", "xz")
    theirs.install_file(make_archive(tmp_path / "en_xz.zip", "en_xz"))
    assert engine.route("en", "xz").packages[0].info.code == "translate-en_xz"
    theirs.install_file(make_archive(tmp_path / "en_xz-2.zip", "en_xz", "2.0"))
    assert engine.route("en", "xz").packages[0].info.package_version == "2.0"
    theirs.remove("translate-en_xz")
    with pytest.raises(LanguagePairUnavailableError):
        engine.route("en", "xz")
    assert [p.info.code for p in ours.installed()] == ["translate-en_xl"]
