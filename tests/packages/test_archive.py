"""Hostile or damaged package files are refused and nothing is installed."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest

from offline_nlp.errors import InvalidPackageError
from offline_nlp.packages import PackageManager
from offline_nlp.paths import AppPaths


def installed_names(paths: AppPaths) -> list[str]:
    # the cross-process lock file stays: it protects the folder, it is not a package
    return sorted(p.name for p in paths.packages.iterdir() if p.name != ".lock")


@pytest.mark.parametrize("entry", ["../evil.txt", "/etc/evil", "translate-en_xl-1_0/../../evil",
                                   "C:/evil.txt"])
def test_entries_escaping_the_folder_are_refused(app_paths: AppPaths, archive_factory, entry: str) -> None:
    path = archive_factory(extra={entry: b"pwned"})
    with pytest.raises(InvalidPackageError, match="outside its folder"):
        PackageManager(app_paths).install_file(path)
    assert installed_names(app_paths) == []
    assert not (app_paths.packages.parent / "evil.txt").exists()


def test_symlinks_are_refused(app_paths: AppPaths, archive_factory) -> None:
    path = archive_factory()
    with zipfile.ZipFile(path, "a") as archive:
        link = zipfile.ZipInfo("translate-en_xl-1_0/model/link")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    with pytest.raises(InvalidPackageError, match="symbolic link"):
        PackageManager(app_paths).install_file(path)
    assert installed_names(app_paths) == []


@pytest.mark.parametrize("missing, message", [("metadata.json", "no metadata.json"),
                                              ("model/model.bin", "no CTranslate2 model")])
def test_missing_parts_are_named(app_paths: AppPaths, archive_factory, missing: str, message: str) -> None:
    with pytest.raises(InvalidPackageError, match=message):
        PackageManager(app_paths).install_file(archive_factory(drop=(missing,)))


def test_a_file_that_is_not_a_zip_is_refused(app_paths: AppPaths, tmp_path: Path) -> None:
    path = tmp_path / "fake.argosmodel"
    path.write_bytes(b"this is not a zip")
    with pytest.raises(InvalidPackageError, match="not a zip"):
        PackageManager(app_paths).install_file(path)


def test_a_corrupted_entry_fails_its_crc(app_paths: AppPaths, archive_factory) -> None:
    path = archive_factory()
    data = bytearray(path.read_bytes())
    offset = data.find(b"weights-1.0")
    data[offset:offset + 7] = b"WEIGHTS"  # same size, wrong CRC
    path.write_bytes(bytes(data))
    with pytest.raises(InvalidPackageError, match="CRC|damaged"):
        PackageManager(app_paths).install_file(path)
    assert installed_names(app_paths) == []


def test_a_flat_archive_and_unknown_extra_folders_are_fine(app_paths: AppPaths, archive_factory) -> None:
    package = PackageManager(app_paths).install_file(archive_factory(top=""))
    assert (package.path / "model" / "model.bin").read_bytes() == b"weights-1.0"
    assert (package.path / "stanza" / "tokenize.pt").exists()


def test_the_source_file_is_left_untouched(app_paths: AppPaths, archive_factory) -> None:
    path = archive_factory()
    before = path.read_bytes()
    PackageManager(app_paths).install_file(path)
    assert path.read_bytes() == before
