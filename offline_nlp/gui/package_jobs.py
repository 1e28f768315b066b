"""Work functions for package jobs (run on the ``io`` pool); they take copies, not widgets."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from offline_nlp.packages import PackageManager
from offline_nlp.packages.index import cache_file_for
from offline_nlp.packages.metadata import InstalledPackage, PackageInfo
from offline_nlp.packages.sizes import with_sizes
from offline_nlp.progress import Progress, ProgressCallback, check_cancel

__all__ = ["IndexResult", "InstallOutcome", "format_size", "index_allowed", "install_files",
           "install_infos", "load_index", "remove", "verify"]

Work = Callable[[ProgressCallback, threading.Event], object]


@dataclass(frozen=True)
class IndexResult:
    """The index (empty when unavailable), the installed packages and why it is empty."""

    available: tuple[PackageInfo, ...]
    installed: tuple[InstalledPackage, ...]
    problem: str = ""
    sizes: dict[str, int] = field(default_factory=dict)   # installed code -> bytes on disk


def folder_size(folder: Path) -> int:
    """Bytes of the files under ``folder`` (what an installed package takes on disk)."""
    total = 0
    for item in folder.rglob("*"):
        try:
            if item.is_file():
                total += item.stat().st_size
        except OSError:
            continue
    return total


@dataclass(frozen=True)
class InstallOutcome:
    """Packages installed, and those that failed with a one-line reason each."""

    installed: tuple[InstalledPackage, ...]
    failed: tuple[tuple[PackageInfo, str], ...] = ()


def index_allowed(manager: PackageManager, check_online: str) -> bool:
    """Whether loading the index may go online: a cached copy is read without asking;
    otherwise only when the user said yes (settings ``check_index_online``)."""
    from offline_nlp.packages.index import cache_file_for

    cached = cache_file_for(manager.paths.cache, manager.index_url).exists()
    return cached or check_online == "yes"


def format_size(size: int) -> str:
    if size <= 0:
        return ""
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1000  # type: ignore[assignment]
    return ""


def load_index(manager: PackageManager, refresh: bool, online: bool = True) -> Work:
    """The index (cached, or downloaded when ``online``) and installed packages' sizes."""
    def work(_on_progress: ProgressCallback, _cancel: threading.Event) -> IndexResult:
        from offline_nlp.errors import PackageError

        installed = tuple(manager.installed())
        sizes = {p.info.code: folder_size(p.path) for p in installed}
        if not online:
            return IndexResult((), installed, "not checked online", sizes)
        try:
            available = manager.available(refresh)
        except PackageError as exc:   # offline without a cached index is a state, not an error
            return IndexResult((), installed, str(exc), sizes)
        # the public index lists no sizes: ask the download server (HEAD), keep them
        cache = cache_file_for(manager.paths.cache, manager.index_url)
        available = with_sizes(available, cache.with_name(cache.stem + "-sizes.json"),
                               ask=True)
        return IndexResult(tuple(available), installed, sizes=sizes)
    return work


def _scaled(on_progress: ProgressCallback, step: int, steps: int, label: str) -> ProgressCallback:
    """Report package ``step`` of ``steps`` as one bar of 1000 units per package."""
    def report(p: Progress) -> None:
        on_progress(Progress(step * 1000 + round(p.fraction * 1000), steps * 1000, label))
    return report


def install_infos(manager: PackageManager, infos: Sequence[PackageInfo]) -> Work:
    infos = tuple(infos)

    def work(on_progress: ProgressCallback, cancel: threading.Event) -> InstallOutcome:
        from offline_nlp.errors import OfflineNLPError

        done, failed = [], []
        for step, info in enumerate(infos):
            check_cancel(cancel)
            label = f"Downloading {info.title} ({step + 1}/{len(infos)})"
            on_progress(Progress(step * 1000, len(infos) * 1000, label))
            report = _scaled(on_progress, step, len(infos), label)
            try:
                done.append(manager.install(info, on_progress=report, cancel=cancel))
            except (OfflineNLPError, OSError) as exc:   # one failed download never stops the rest
                failed.append((info, str(exc)))
        return InstallOutcome(tuple(done), tuple(failed))
    return work


def install_files(manager: PackageManager, paths: Sequence[Path]) -> Work:
    paths = tuple(Path(p) for p in paths)

    def work(on_progress: ProgressCallback, cancel: threading.Event) -> list[InstalledPackage]:
        done = []
        for step, path in enumerate(paths):
            check_cancel(cancel)
            on_progress(Progress(step, len(paths), f"Installing {path.name}"))
            done.append(manager.install_file(path))
        on_progress(Progress(len(paths), len(paths), "Installed"))
        return done
    return work


def verify(manager: PackageManager) -> Work:
    """Check installed packages against their recorded checksums: code -> problems."""
    def work(_on_progress: ProgressCallback, _cancel: threading.Event) -> dict[str, list[str]]:
        return manager.verify()
    return work


def remove(manager: PackageManager, codes: Sequence[str]) -> Work:
    codes = tuple(codes)

    def work(_on_progress: ProgressCallback, _cancel: threading.Event) -> list[InstalledPackage]:
        return [manager.remove(code) for code in codes]
    return work
