"""Checking and unpacking ``.argosmodel`` archives without trusting them."""

from __future__ import annotations

import json
import stat
import zipfile
from pathlib import Path, PurePosixPath

from offline_nlp.errors import InvalidPackageError
from offline_nlp.packages.metadata import PackageInfo
from offline_nlp.ziplimits import ZipLimits, zip_refusal

__all__ = ["inspect_archive", "model_archive_top", "unpack_archive"]

# Generous but finite: a zip bomb must not fill the disk. The largest Argos and converted
# summarisation models unpack to well under 2 GiB, and model weights barely compress
# (about 1.1 : 1), so a member that claims to grow 100-fold is a bomb, not a model.
MAX_UNPACKED = 4 * 1024**3
MAX_RATIO = 100
_RATIO_FLOOR = 1024**2  # small text files (vocabularies, JSON) may compress very well
MAX_ENTRIES = 10_000  # an Argos package holds a dozen files; a million empty ones is an attack
MAX_METADATA = 1024**2
PACKAGE_LIMITS = ZipLimits(total=MAX_UNPACKED, ratio=MAX_RATIO, ratio_floor=_RATIO_FLOOR,
                           entries=MAX_ENTRIES)


# What Python's zipfile can unpack; 99 (AES) and others would fail midway.
_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA)


def _open(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InvalidPackageError(f"{path.name} is not a valid package (not a zip file): {exc}") from exc


def _check_entry(info: zipfile.ZipInfo, archive: str) -> PurePosixPath:
    name = info.filename.replace("\\", "/")
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
        raise InvalidPackageError(f"{archive} has an entry outside its folder: {info.filename!r}")
    if info.flag_bits & 0x1:
        raise InvalidPackageError(
            f"{archive} has an encrypted entry ({info.filename[:80]!r}); packages are never "
            "encrypted, refusing it")
    if info.compress_type not in _METHODS:
        raise InvalidPackageError(
            f"{archive} uses compression method {info.compress_type} for "
            f"{info.filename[:80]!r}, which zip files of packages never use; refusing it")
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise InvalidPackageError(f"{archive} contains a symbolic link: {info.filename!r}")
    return path


def inspect_archive(path: Path) -> tuple[PackageInfo, str]:
    """Validate a package archive and return its metadata and top folder name.

    Raises:
        InvalidPackageError: not a zip, a damaged entry, an entry escaping the folder,
            a symlink, no ``metadata.json``, or no CTranslate2 model.
    """
    with _open(path) as archive:
        entries = _checked(archive, path)
        top = _top_folder(entries, path.name)
        prefix = f"{top}/" if top else ""
        names = {str(e) for e in entries}
        if f"{prefix}metadata.json" not in names:
            raise InvalidPackageError(f"{path.name} has no metadata.json")
        if not any(n.startswith(f"{prefix}model/") and n.endswith("model.bin") for n in names):
            raise InvalidPackageError(f"{path.name} has no CTranslate2 model (model/model.bin)")
        if archive.getinfo(f"{prefix}metadata.json").file_size > MAX_METADATA:
            raise InvalidPackageError(f"{path.name} has a metadata.json larger than 1 MB")
        try:
            data = json.loads(archive.read(f"{prefix}metadata.json").decode("utf-8"))
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise InvalidPackageError(
                f"{path.name} has an unreadable metadata.json: {str(exc)[:100]}") from None
    return PackageInfo.from_json(data), top


def _checked(archive: zipfile.ZipFile, path: Path) -> list[PurePosixPath]:
    """Every entry, once sizes, names and CRCs are all found sound."""
    _check_sizes(archive.infolist(), path.name)
    entries = [_check_entry(info, path.name) for info in archive.infolist()]
    try:
        bad = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError,
            ValueError) as exc:
        raise InvalidPackageError(f"{path.name} is damaged: {str(exc)[:200]}") from None
    if bad is not None:
        raise InvalidPackageError(f"{path.name} is damaged: {bad} fails its CRC check")
    return entries


def model_archive_top(path: Path) -> str | None:
    """The folder of a zipped CTranslate2 model without Argos metadata (``model.bin``
    and ``config.json`` at its root or in one top folder), or ``None`` when the archive
    is not one; checked exactly as package archives are.

    Raises:
        InvalidPackageError: not a zip, damaged, hostile or too large.
    """
    with _open(path) as archive:
        entries = _checked(archive, path)
    top = _top_folder(entries, path.name)
    prefix = f"{top}/" if top else ""
    names = {str(e) for e in entries}
    if f"{prefix}metadata.json" in names:
        return None
    if {f"{prefix}model.bin", f"{prefix}config.json"} <= names:
        return top
    return None


def _check_sizes(infos: list[zipfile.ZipInfo], archive: str) -> None:
    refusal = zip_refusal(infos, PACKAGE_LIMITS, "a package")
    if refusal is not None:
        raise InvalidPackageError(f"{archive} {refusal}")


def _top_folder(entries: list[PurePosixPath], archive: str) -> str:
    """Argos archives hold one folder; a flat archive (files at the root) is fine too."""
    if not entries:
        raise InvalidPackageError(f"{archive} is empty")
    tops = {entry.parts[0] for entry in entries}
    nested = any(len(entry.parts) > 1 for entry in entries)
    return tops.pop() if len(tops) == 1 and nested else ""


def unpack_archive(path: Path, top: str, dest: Path) -> None:
    """Extract the package's files (the content of ``top``) into ``dest``."""
    dest.mkdir(parents=True)
    prefix = f"{top}/" if top else ""
    with _open(path) as archive:
        for info in archive.infolist():
            name = info.filename.replace("\\", "/")
            if info.is_dir() or not name.startswith(prefix):
                continue
            target = dest / name[len(prefix):]
            if not target.resolve().is_relative_to(dest.resolve()):
                raise InvalidPackageError(f"{path.name} has an entry outside its folder: {name!r}")
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(info) as src, target.open("wb") as out:
                while block := src.read(1 << 20):
                    out.write(block)
