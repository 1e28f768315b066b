"""Installing, listing, updating, verifying and removing model packages.

Installs are atomic: the archive is downloaded to a cache file, checked, unpacked into
a staging folder beside the packages and renamed into place. Until that rename the
installed state is untouched; a failure anywhere leaves it exactly as it was.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from offline_nlp.errors import (
    IndexUnavailableError,
    InvalidPackageError,
    PackageDownloadError,
    PackageError,
    PackageNotFoundError,
)
from offline_nlp.packages import archive
from offline_nlp.packages.download import download, sha256_file
from offline_nlp.packages.index import fetch_index, index_url, load_cached_index
from offline_nlp.packages.metadata import InstalledPackage, PackageInfo
from offline_nlp.paths import AppPaths
from offline_nlp.progress import ProgressCallback, atomic_write

__all__ = ["PackageManager"]

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"


def _folder_name(code: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", code)


class PackageManager:
    """The packages folder and the index, for the CLI and the GUI alike.

    Args:
        paths: where packages, the cached index and downloads live.
        index: the index URL (default: ``OFFLINE_NLP_INDEX_URL`` or Argos's public one).
        timeout: seconds without data before a download gives up.
    """

    def __init__(self, paths: AppPaths, index: str | None = None, timeout: float = 30.0) -> None:
        self.paths = paths
        self.index_url = index_url(index)
        self.timeout = timeout
        self._lock = threading.RLock()
        self._listeners: list[Callable[[Path], None]] = []

    def add_listener(self, callback: Callable[[Path], None]) -> None:
        """Call ``callback(path)`` before a package folder is replaced or removed."""
        self._listeners.append(callback)

    # -- installed ----------------------------------------------------------------------

    def installed(self) -> list[InstalledPackage]:
        """Our packages, then argostranslate's (read-only), skipping broken folders."""
        found = self._scan(self.paths.packages, read_only=False)
        for extra in self.paths.extra_package_dirs:
            found.extend(self._scan(extra, read_only=True))
        return found

    @staticmethod
    def _scan(folder: Path, read_only: bool) -> list[InstalledPackage]:
        if not folder.is_dir():
            return []
        packages = []
        for child in sorted(folder.iterdir()):
            if child.name.startswith(".") or not (child / "metadata.json").is_file():
                continue
            try:
                packages.append(InstalledPackage.load(child, read_only))
            except InvalidPackageError as exc:
                log.warning("ignoring %s: %s", child, exc)
        return packages

    def get_installed(self, code: str) -> InstalledPackage:
        for package in self.installed():
            if code in (package.info.code, package.path.name):
                return package
        names = ", ".join(p.info.code for p in self.installed()) or "none"
        raise PackageNotFoundError(f"no installed package {code!r} (installed: {names})")

    # -- index --------------------------------------------------------------------------

    def available(self, refresh: bool = False) -> list[PackageInfo]:
        """The index's packages: the cached copy, downloaded first if missing or asked."""
        if not refresh:
            cached = load_cached_index(self.paths.index_cache)
            if cached is not None:
                return cached
        return fetch_index(self.index_url, self.paths.index_cache, self.timeout)

    def find_available(self, code: str) -> PackageInfo:
        """An index entry by code (``translate-en_de``) or pair (``en_de``, ``en-de``)."""
        wanted = code.replace("-", "_") if "_" not in code and "-" in code else code
        for info in self.available():
            if code == info.code or wanted in (f"{info.from_code}_{info.to_code}",
                                               info.code.removeprefix(f"{info.type}-")):
                return info
        raise PackageNotFoundError(
            f"no package {code!r} in the index; see 'offline-nlp packages available'")

    def plan_pair(self, source: str, target: str) -> list[PackageInfo]:
        """Index packages that make ``source → target`` translatable (direct or via English)."""
        index = {info.pair: info for info in self.available() if info.type == "translate"}
        if (source, target) in index:
            return [index[(source, target)]]
        if (source, "en") in index and ("en", target) in index:
            return [index[(source, "en")], index[("en", target)]]
        raise PackageNotFoundError(
            f"the index has no package for {source} → {target}, neither direct nor through English")

    # -- install ------------------------------------------------------------------------

    def install(self, info: PackageInfo, *, on_progress: ProgressCallback | None = None,
                cancel: threading.Event | None = None) -> InstalledPackage:
        """Download an index package and install it.

        Raises:
            PackageDownloadError: no link works, the download broke off, or it does
                not match the checksum the index gives.
            InvalidPackageError: the archive is damaged or hostile.
        """
        if not info.links:
            raise PackageDownloadError(f"the index gives no download link for {info.code}")
        self.paths.ensure()
        dest = self.paths.downloads / f"{_folder_name(info.code)}-{info.package_version}.argosmodel"
        errors = []
        for link in info.links:
            try:
                download(link, dest, timeout=self.timeout, on_progress=on_progress, cancel=cancel)
                break
            except PackageDownloadError as exc:
                errors.append(str(exc))
        else:
            raise PackageDownloadError("; ".join(errors))
        try:
            self._check_checksum(dest, info)
            return self.install_file(dest, expected=info, source=link)
        finally:
            dest.unlink(missing_ok=True)

    def install_url(self, url: str, *, on_progress: ProgressCallback | None = None,
                    cancel: threading.Event | None = None) -> InstalledPackage:
        self.paths.ensure()
        name = _folder_name(url.rsplit("/", 1)[-1] or "package")
        dest = self.paths.downloads / name
        download(url, dest, timeout=self.timeout, on_progress=on_progress, cancel=cancel)
        try:
            return self.install_file(dest, source=url)
        finally:
            dest.unlink(missing_ok=True)

    @staticmethod
    def _check_checksum(path: Path, info: PackageInfo) -> None:
        if info.sha256 and sha256_file(path).lower() != info.sha256.lower():
            raise PackageDownloadError(
                f"the download of {info.code} does not match the index's checksum; "
                "it was deleted, try again")

    def install_file(self, path: Path, *, expected: PackageInfo | None = None,
                     source: str | None = None) -> InstalledPackage:
        """Install a local ``.argosmodel`` file; the file itself is left as it is."""
        path = Path(path)
        if not path.is_file():
            raise PackageNotFoundError(f"no such package file: {path}")
        info, top = archive.inspect_archive(path)
        if expected is not None and info.pair != expected.pair:
            raise InvalidPackageError(
                f"{path.name} holds {info.from_code}→{info.to_code}, "
                f"not {expected.from_code}→{expected.to_code} as the index says")
        self.paths.ensure()
        with self._lock:
            return self._place(path, info, top, source or str(path))

    def _place(self, path: Path, info: PackageInfo, top: str, source: str) -> InstalledPackage:
        staging = self.paths.packages / f".staging-{uuid.uuid4().hex}"
        final = self.paths.packages / _folder_name(info.code)
        try:
            archive.unpack_archive(path, top, staging)
            files = _hash_tree(staging)
            self._swap_in(staging, final)
        except OSError as exc:
            raise PackageError(
                f"installing {info.code} failed ({exc.strerror or exc}); nothing was changed") from exc
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        self._record(final.name, {
            "code": info.code, "version": info.package_version, "sha256": sha256_file(path),
            "files": files, "source": source, "installed": time.strftime("%Y-%m-%dT%H:%M:%S"),
        })
        return InstalledPackage.load(final)

    def _swap_in(self, staging: Path, final: Path) -> None:
        old = None
        if final.exists():
            for listener in self._listeners:
                listener(final)
            old = final.with_name(f".old-{uuid.uuid4().hex}")
            final.rename(old)
        try:
            staging.rename(final)
        except OSError:
            if old is not None:
                old.rename(final)
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    # -- manifest, verify, remove, update --------------------------------------------

    def _manifest(self) -> dict[str, Any]:
        try:
            data = json.loads((self.paths.packages / MANIFEST).read_text(encoding="utf-8"))
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    def _record(self, folder: str, entry: dict[str, Any] | None) -> None:
        manifest = self._manifest()
        if entry is None:
            manifest.pop(folder, None)
        else:
            manifest[folder] = entry
        with atomic_write(self.paths.packages / MANIFEST) as out:
            out.write(json.dumps(manifest, indent=1, sort_keys=True).encode("utf-8"))

    def verify(self) -> dict[str, list[str]]:
        """Problems found per installed package (an empty list means intact)."""
        manifest = self._manifest()
        report: dict[str, list[str]] = {}
        for package in self.installed():
            if package.read_only:
                continue
            entry = manifest.get(package.path.name)
            if entry is None:
                report[package.info.code] = ["not recorded in the manifest (installed by hand?)"]
                continue
            actual = _hash_tree(package.path)
            problems = [f"{name} is missing" for name in entry["files"] if name not in actual]
            problems += [f"{name} was modified" for name, digest in entry["files"].items()
                         if name in actual and actual[name] != digest]
            report[package.info.code] = problems
        return report

    def remove(self, code: str) -> InstalledPackage:
        package = self.get_installed(code)
        if package.read_only:
            raise PackageError(
                f"{package.info.code} belongs to argostranslate ({package.path}); remove it there")
        with self._lock:
            for listener in self._listeners:
                listener(package.path)
            trash = package.path.with_name(f".old-{uuid.uuid4().hex}")
            package.path.rename(trash)
            shutil.rmtree(trash, ignore_errors=True)
            self._record(package.path.name, None)
        return package

    def updates(self) -> list[tuple[InstalledPackage, PackageInfo]]:
        """Installed packages for which the index has a newer ``package_version``."""
        newest: dict[str, PackageInfo] = {}
        for info in self.available():
            if info.code not in newest or info.version > newest[info.code].version:
                newest[info.code] = info
        return [(pkg, newest[pkg.info.code]) for pkg in self.installed()
                if not pkg.read_only and pkg.info.code in newest
                and newest[pkg.info.code].version > pkg.info.version]


def _hash_tree(folder: Path) -> dict[str, str]:
    return {item.relative_to(folder).as_posix(): sha256_file(item)
            for item in sorted(folder.rglob("*")) if item.is_file()}
