"""The packages folder's manifest: what each installed package was installed from, as
which version, and the checksum of every file it had (``verify`` compares against it).

It is read from disk every time and written atomically; the package manager holds its
folder lock around every read-modify-write.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from packaging.version import Version

from offline_nlp.packages.download import sha256_file
from offline_nlp.packages.metadata import InstalledPackage, PackageInfo, parse_version
from offline_nlp.progress import atomic_write

__all__ = ["FILE", "check_files", "hash_tree", "index_version", "offered", "read", "record"]

log = logging.getLogger(__name__)

FILE = "manifest.json"


def read(folder: Path) -> dict[str, Any]:
    """Well-formed entries only: a damaged entry is reported by verify, never a KeyError."""
    try:
        data = json.loads((folder / FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def record(folder: Path, name: str, entry: dict[str, Any] | None) -> None:
    """Set (or with ``None`` drop) one package folder's entry."""
    manifest = read(folder)
    if entry is None:
        manifest.pop(name, None)
    else:
        manifest[name] = entry
    with atomic_write(folder / FILE) as out:
        out.write(json.dumps(manifest, indent=1, sort_keys=True).encode("utf-8"))


def index_version(info: PackageInfo, expected: PackageInfo | None) -> dict[str, str]:
    """What the manifest records of the index's version, when it differs from the one in
    the archive: an index that says 1.1 for an archive that says 1.0 would otherwise be
    downloaded again by every update."""
    if expected is None or expected.version == info.version:
        return {}
    log.warning("the index lists %s %s, but its archive says %s; recorded, so updates will "
                "not download it again until the index changes", info.code,
                expected.package_version, info.package_version)
    return {"index_version": expected.package_version}


def offered(pkg: InstalledPackage, manifest: dict[str, Any]) -> Version:
    """The newest version this package was installed as: its own, or the index's."""
    entry = manifest.get(pkg.path.name)
    recorded = entry.get("index_version") if isinstance(entry, dict) else None
    if isinstance(recorded, str):
        return max(pkg.info.version, parse_version(recorded))
    return pkg.info.version


def check_files(folder: Path, entry: object) -> list[str]:
    if entry is None:
        return ["not recorded in the manifest (installed by hand?)"]
    files = entry.get("files") if isinstance(entry, dict) else None
    if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
        return ["its manifest entry is malformed (no list of file checksums)"]
    actual = hash_tree(folder)
    problems = [f"{name} is missing" for name in files if name not in actual]
    problems += [f"{name} was modified" for name, digest in files.items()
                 if name in actual and actual[name] != digest]
    problems += [f"{name} is an extra file, not part of the package"
                 for name in actual if name not in files]
    return problems


def hash_tree(folder: Path) -> dict[str, str]:
    return {item.relative_to(folder).as_posix(): sha256_file(item)
            for item in sorted(folder.rglob("*")) if item.is_file()}
