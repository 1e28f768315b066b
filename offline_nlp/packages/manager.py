"""Installing, listing, updating, verifying and removing model packages.

Installs are atomic: the archive is downloaded to a cache file, checked, unpacked into
a staging folder beside the packages, its model loaded and tried on one sentence, and
only then renamed into place. Until that rename the installed state is untouched; a
failure anywhere leaves it exactly as it was.

Several processes (two CLI runs, the GUI) may share one packages folder: every change
to it and to its manifest happens under a file lock, and whoever holds the lock first
clears what a killed process left behind (``.staging-*``, ``.old-*``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import filelock

from offline_nlp.errors import (
    InvalidPackageError,
    PackageDownloadError,
    PackageError,
    PackageNotFoundError,
)
from offline_nlp.packages import archive, manifest
from offline_nlp.packages.ctmodels import (
    ModelHints,
    describe,
    folder_files,
    holds_bare_model,
    is_model_folder,
)
from offline_nlp.packages.download import Limits, check_web_url, download, sha256_file
from offline_nlp.packages.index import cache_file_for, fetch_index, index_url, load_cached_index
from offline_nlp.packages.metadata import InstalledPackage, PackageInfo
from offline_nlp.paths import AppPaths
from offline_nlp.progress import ProgressCallback

__all__ = ["PackageManager"]

log = logging.getLogger(__name__)

LOCK = ".lock"
#: How long an install waits for another process's install before giving up.
LOCK_TIMEOUT = 15 * 60.0
#: A partial download untouched this long belongs to no running process.
STALE_PART_SECONDS = 7 * 24 * 3600.0

#: Loads a staged package and translates one sentence; raises if it cannot.
Probe = Callable[[InstalledPackage], None]
#: Told what a model folder or zip is (kind, languages, licence) before it is installed.
Announce = Callable[[PackageInfo], None]


class PackageManager:
    """The packages folder and the index, for the CLI and the GUI alike.

    Args:
        paths: where packages, the cached index and downloads live.
        index: the index URL (default: ``OFFLINE_NLP_INDEX_URL`` or Argos's public one).
        timeout: seconds without data before a download gives up.
        limits: stall timeout and minimum rate of downloads (``timeout`` sets the stall).
        probe: tries a staged package (load, translate a sentence) before it replaces
            an installed one; ``None`` skips the check (tests with dummy models).
    """

    def __init__(self, paths: AppPaths, index: str | None = None, timeout: float = 30.0,
                 *, limits: Limits | None = None, probe: Probe | None = None) -> None:
        self.paths = paths
        self.index_url = index_url(index)
        self.timeout = timeout
        self.limits = limits or Limits(stall=timeout)
        self.probe = probe
        self._lock = threading.RLock()
        self._listeners: list[Callable[[Path], None]] = []
        # (stamp of the folders, what was found there): see snapshot().
        self._catalogue: tuple[object, tuple[InstalledPackage, ...]] | None = None
        self._clean_if_idle()

    # -- the cross-process lock and what killed processes leave ----------------------

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """This process's threads and other processes, one at a time in the folder."""
        self.paths.packages.mkdir(parents=True, exist_ok=True)
        lock = filelock.FileLock(self.paths.packages / LOCK, timeout=LOCK_TIMEOUT)
        with self._lock:
            try:
                lock.acquire()
            except filelock.Timeout:
                raise PackageError(
                    f"another offline-nlp has been changing {self.paths.packages} for "
                    f"{LOCK_TIMEOUT / 60:.0f} minutes; try again when it has finished") from None
            try:
                self._clean_stale()
                yield
            finally:
                lock.release()

    def _clean_if_idle(self) -> None:
        """Clear leftovers at start, unless another process is busy in the folder."""
        if not self.paths.packages.is_dir():
            return
        lock = filelock.FileLock(self.paths.packages / LOCK, timeout=0)
        try:
            with lock:
                self._clean_stale()
        except (filelock.Timeout, OSError):
            pass

    def _clean_stale(self) -> None:
        """Only called with the lock held: no staging folder can be in use now."""
        for child in self.paths.packages.iterdir():
            if child.name.startswith((".staging-", ".old-")) and child.is_dir():
                log.info("removing %s, left by an interrupted install", child)
                shutil.rmtree(child, ignore_errors=True)
        if self.paths.downloads.is_dir():
            cutoff = time.time() - STALE_PART_SECONDS
            for part in self.paths.downloads.glob("*.part"):
                try:
                    if part.stat().st_mtime < cutoff:
                        part.unlink()
                except OSError:
                    pass

    def add_listener(self, callback: Callable[[Path], None]) -> None:
        """Call ``callback(path)`` before a package folder is replaced or removed."""
        self._listeners.append(callback)

    # -- installed ----------------------------------------------------------------------

    def installed(self) -> list[InstalledPackage]:
        """Our packages, then argostranslate's (read-only), skipping broken folders."""
        return list(self.snapshot())

    def snapshot(self) -> tuple[InstalledPackage, ...]:
        """The installed packages, read from the folders only when they changed.

        The same tuple comes back until a package is installed, updated or removed, by
        this process or another one, so callers may key what they derive from it on its
        identity. Reading a hundred packages' metadata took 27 ms, on every request
        (issue 25); checking whether anything changed is a few stat calls and one
        small read.
        """
        stamp = self._stamp()
        catalogue = self._catalogue
        if catalogue is not None and catalogue[0] == stamp:
            return catalogue[1]
        found = self._scan(self.paths.packages, read_only=False)
        for extra in self.paths.extra_package_dirs:
            found.extend(self._scan(extra, read_only=True))
        packages = tuple(found)
        self._catalogue = (stamp, packages)
        return packages

    def _stamp(self) -> object:
        """What changes whenever a package folder comes, goes or is replaced.

        Every change made through a PackageManager renames a folder in the packages
        folder (its mtime changes) and rewrites the manifest (its content changes, even
        within one tick of a coarse file clock); argostranslate's folders have no
        manifest, so their mtimes alone tell.
        """
        parts: list[object] = []
        for folder in (self.paths.packages, *self.paths.extra_package_dirs):
            try:
                info = folder.stat()
                parts.append((info.st_ino, info.st_mtime_ns))
            except OSError:
                parts.append(None)
        try:
            parts.append((self.paths.packages / manifest.FILE).read_bytes())
        except OSError:
            parts.append(None)
        return tuple(parts)

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
        cache_file = cache_file_for(self.paths.cache, self.index_url)
        if not refresh:
            cached = load_cached_index(cache_file)
            if cached is not None:
                return cached
        return fetch_index(self.index_url, cache_file, self.timeout, self.limits)

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
                cancel: threading.Event | None = None, force: bool = False) -> InstalledPackage:
        """Download an index package and install it.

        Raises:
            PackageDownloadError: no link works, the download broke off, or it does
                not match the checksum the index gives.
            InvalidPackageError: the archive is damaged or hostile.
        """
        if not info.links:
            raise PackageDownloadError(
                f"the index gives no http(s) download link for {info.code}")
        self.paths.ensure()
        # Named from checked fields only, never from the URL.
        version = info.package_version.replace(".", "_") or "0"
        dest = self.paths.downloads / f"{info.code}-{version}.argosmodel"
        errors = []
        with self._download_lock(dest):
            for link in info.links:
                try:
                    download(link, dest, limits=self.limits, expected_size=info.size,
                             on_progress=on_progress, cancel=cancel)
                    break
                except PackageDownloadError as exc:
                    errors.append(str(exc))
            else:
                raise PackageDownloadError("; ".join(errors))
            try:
                self._check_checksum(dest, info)
                return self.install_file(dest, expected=info, source=link, force=force)
            finally:
                dest.unlink(missing_ok=True)

    def install_url(self, url: str, *, on_progress: ProgressCallback | None = None,
                    cancel: threading.Event | None = None, force: bool = False,
                    hints: ModelHints | None = None,
                    announce: Announce | None = None) -> InstalledPackage:
        """Download a package, or a zip of a CTranslate2 model folder, from an http(s)
        link the user gave, then install it."""
        check_web_url(url)
        self.paths.ensure()
        digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]
        dest = self.paths.downloads / f"url-{digest}.argosmodel"
        with self._download_lock(dest):
            download(url, dest, limits=self.limits, on_progress=on_progress, cancel=cancel)
            name = PurePosixPath(urlsplit(url).path).name
            for suffix in (".zip", ".argosmodel"):
                name = name.removesuffix(suffix)
            hints = replace(hints or ModelHints(), url=url, name=(hints.name if hints else "") or name)
            try:
                return self.install_file(dest, source=url, force=force, hints=hints,
                                         announce=announce)
            finally:
                dest.unlink(missing_ok=True)

    @contextmanager
    def _download_lock(self, dest: Path) -> Iterator[None]:
        """Two processes fetching the same package must not append to one .part file."""
        lock = filelock.FileLock(dest.with_name(f".{dest.name}.lock"), timeout=LOCK_TIMEOUT)
        try:
            lock.acquire()
        except filelock.Timeout:
            raise PackageDownloadError(
                f"another offline-nlp is still downloading {dest.name}; try again later") from None
        try:
            yield
        finally:
            lock.release()

    @staticmethod
    def _check_checksum(path: Path, info: PackageInfo) -> None:
        if info.sha256 and sha256_file(path).lower() != info.sha256.lower():
            raise PackageDownloadError(
                f"the download of {info.code} does not match the index's checksum; "
                "it was deleted, try again")

    def install_file(self, path: Path, *, expected: PackageInfo | None = None,
                     source: str | None = None, force: bool = False,
                     hints: ModelHints | None = None,
                     announce: Announce | None = None) -> InstalledPackage:
        """Install a local ``.argosmodel`` file, or a zip of a CTranslate2 model folder
        (``hints``: what its files may not say); the file itself is left as it is.

        ``force``: install a package whose model fails the probe (it would not translate)."""
        path = Path(path)
        if not path.is_file():
            raise PackageNotFoundError(f"no such package file: {path}")
        if expected is None and holds_bare_model(path):
            top = archive.model_archive_top(path)
            if top is not None:
                hints = replace(hints or ModelHints(), name=(hints.name if hints else "")
                                or top or path.stem)
                try:
                    digest = sha256_file(path)
                except OSError as exc:
                    raise PackageError(f"cannot read {path}: {exc.strerror or exc}") from exc
                return self._install_model(
                    lambda dest: archive.unpack_archive(path, top, dest), hints,
                    source or str(path), digest, force, announce)
        info, top = archive.inspect_archive(path)
        if expected is not None and info.pair != expected.pair:
            raise InvalidPackageError(
                f"{path.name} holds {info.from_code}→{info.to_code}, "
                f"not {expected.from_code}→{expected.to_code} as the index says")
        self.paths.ensure()
        with self._locked():
            return self._place(path, info, top, source or str(path), expected, force)

    def install_folder(self, folder: Path, *, hints: ModelHints | None = None,
                       force: bool = False, announce: Announce | None = None) -> InstalledPackage:
        """Install a CTranslate2 model folder (NLLB, M2M-100, OPUS-MT) as a package: its
        files are copied, described (see packages.ctmodels) and tried like any package;
        the folder itself is left as it is.

        Raises:
            InvalidPackageError: not a model folder, a link or special file in it, too
                large, or a kind or languages that cannot be told.
        """
        folder = Path(folder)
        if not folder.is_dir():
            raise PackageNotFoundError(f"no such model folder: {folder}")
        if not is_model_folder(folder):
            raise InvalidPackageError(f"{folder} is not a CTranslate2 model folder (it needs "
                                      "model.bin and config.json)")
        try:
            files = folder_files(folder)
        except OSError as exc:
            raise PackageError(f"cannot read the model folder {folder}: "
                               f"{exc.strerror or exc}") from exc
        hints = replace(hints or ModelHints(), name=(hints.name if hints else "") or folder.name)

        def copy(dest: Path) -> None:
            for relative in files:
                target = dest / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(folder / relative, target, follow_symlinks=False)

        return self._install_model(copy, hints, str(folder.resolve()), "", force, announce)

    def _install_model(self, fill: Callable[[Path], None], hints: ModelHints, source: str,
                       digest: str, force: bool, announce: Announce | None) -> InstalledPackage:
        """Stage a model folder as ``model/`` under a new package with its description,
        prove it, then swap it in, as :meth:`_place` does for Argos archives."""
        self.paths.ensure()
        with self._locked():
            staging = self.paths.packages / f".staging-{uuid.uuid4().hex}"
            try:
                staging.mkdir()
                fill(staging / "model")
                data = describe(staging / "model", hints)
                files = {f"model/{name}": digest
                         for name, digest in manifest.hash_tree(staging / "model").items()}
                # Another model installed later under the same name must not be answered
                # from the segment cache this one filled (see engine.models.model_id).
                data["model_sha256"] = files["model/model.bin"]
                (staging / "metadata.json").write_text(
                    json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
                files["metadata.json"] = sha256_file(staging / "metadata.json")
                info = PackageInfo.from_json(data)
                if announce is not None:
                    announce(info)
                final = self.paths.packages / info.code
                if final.exists() and not force:
                    # A model's code is its folder's or zip's name: another model of the
                    # same name must not replace an installed one without being asked.
                    raise InvalidPackageError(
                        f"a package named {info.code} is already installed; remove it first, "
                        "or install with --force to replace it")
                self._prove(InstalledPackage(info, staging), final, force)
                self._swap_in(staging, final)
            except OSError as exc:
                raise PackageError(f"installing the model failed ({exc.strerror or exc}); "
                                   "nothing was changed") from exc
            finally:
                shutil.rmtree(staging, ignore_errors=True)
            self._record(final.name, {
                "code": info.code, "version": info.package_version, "sha256": digest,
                "files": files, "source": source, "kind": info.kind, "licence": info.licence,
                "installed": time.strftime("%Y-%m-%dT%H:%M:%S")})
        return InstalledPackage.load(final)

    def _place(self, path: Path, info: PackageInfo, top: str, source: str,
               expected: PackageInfo | None = None, force: bool = False) -> InstalledPackage:
        staging = self.paths.packages / f".staging-{uuid.uuid4().hex}"
        final = self.paths.packages / info.code
        try:
            archive.unpack_archive(path, top, staging)
            self._prove(InstalledPackage(info, staging), final, force)
            files = manifest.hash_tree(staging)
            self._swap_in(staging, final)
        except OSError as exc:
            raise PackageError(
                f"installing {info.code} failed ({exc.strerror or exc}); nothing was changed") from exc
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        self._record(final.name, {
            "code": info.code, "version": info.package_version, "sha256": sha256_file(path),
            "files": files, "source": source, "installed": time.strftime("%Y-%m-%dT%H:%M:%S"),
            **manifest.index_version(info, expected),
        })
        return InstalledPackage.load(final)

    def _prove(self, staged: InstalledPackage, final: Path, force: bool = False) -> None:
        """The package must load and translate before it is installed (``force``: a new
        one is installed anyway), and before it may replace a working version (always)."""
        if self.probe is None:
            return
        try:
            self.probe(staged)
            return
        except Exception as exc:  # noqa: BLE001 - any failure of a foreign model counts
            problem = _one_line(exc)
        if final.is_dir() and self._works(final):
            raise InvalidPackageError(
                f"{staged.info.code} {staged.info.package_version} does not work ({problem}); "
                "the installed version was kept")
        if not force:
            raise InvalidPackageError(
                f"{staged.info.code} does not work ({problem}); it was not installed "
                "(on the command line, --force installs it anyway)")
        log.warning("%s is installed, but its model does not work: %s", staged.info.code, problem)

    def _works(self, folder: Path) -> bool:
        try:
            self.probe(InstalledPackage.load(folder))  # type: ignore[misc]
        except Exception:  # noqa: BLE001 - a broken old version is no reason to refuse
            return False
        return True

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
        return manifest.read(self.paths.packages)

    def _record(self, folder: str, entry: dict[str, Any] | None) -> None:
        """Read-modify-write of the manifest: callers hold :meth:`_locked`."""
        self._catalogue = None
        manifest.record(self.paths.packages, folder, entry)

    def verify(self) -> dict[str, list[str]]:
        """Problems found per installed package (an empty list means intact).

        Every folder in the packages folder is looked at, also those whose metadata
        cannot be read: a damaged package is a problem to report, not an absence.
        """
        recorded = self._manifest()
        report: dict[str, list[str]] = {}
        folder = self.paths.packages
        children = sorted(folder.iterdir()) if folder.is_dir() else []
        for child in children:
            if child.name.startswith(".") or not child.is_dir():
                continue
            try:
                package = InstalledPackage.load(child)
            except InvalidPackageError as exc:
                report[child.name] = [_one_line(exc)]
                continue
            report[package.info.code] = manifest.check_files(child, recorded.get(child.name))
        for name in sorted(set(recorded) - {c.name for c in children}):
            report[name] = ["recorded in the manifest but its folder is missing"]
        return report

    def remove(self, code: str) -> InstalledPackage:
        package = self.get_installed(code)
        if package.read_only:
            raise PackageError(
                f"{package.info.code} belongs to argostranslate ({package.path}); remove it there")
        with self._locked():
            for listener in self._listeners:
                listener(package.path)
            trash = package.path.with_name(f".old-{uuid.uuid4().hex}")
            package.path.rename(trash)
            shutil.rmtree(trash, ignore_errors=True)
            self._record(package.path.name, None)
        return package

    def installed_as(self, info: PackageInfo) -> InstalledPackage | None:
        """The installed package that already is ``info`` (same code, this version or a
        newer one), or ``None``."""
        recorded = self._manifest()
        for package in self.installed():
            if package.info.code == info.code and manifest.offered(package, recorded) >= info.version:
                return package
        return None

    def updates(self) -> list[tuple[InstalledPackage, PackageInfo]]:
        """Installed packages for which the index has a newer ``package_version``."""
        newest: dict[str, PackageInfo] = {}
        for info in self.available():
            if info.code not in newest or info.version > newest[info.code].version:
                newest[info.code] = info
        recorded = self._manifest()
        return [(pkg, newest[pkg.info.code]) for pkg in self.installed()
                if not pkg.read_only and pkg.info.code in newest
                and newest[pkg.info.code].version > manifest.offered(pkg, recorded)]


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 300 else text[:297] + "..."
