"""Wiring shared by the CLI and the GUI: paths → settings → packages → one engine."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from offline_nlp.engine import Engine, SegmentCache
from offline_nlp.packages import PackageManager
from offline_nlp.engine.probe import try_package
from offline_nlp.paths import AppPaths
from offline_nlp.settings import Settings, load_settings

__all__ = ["AppContext"]


@dataclass
class AppContext:
    """The objects one process shares: create once, pass down, ``close()`` at exit."""

    paths: AppPaths
    settings: Settings
    packages: PackageManager
    engine: Engine

    @classmethod
    def create(cls, paths: AppPaths | None = None, *, packages_dir: Path | None = None,
               index_url: str | None = None, use_cache: bool = True) -> AppContext:
        paths = paths or AppPaths.from_env(packages_dir)
        settings = load_settings(paths.settings_file)
        if settings.packages_dir and packages_dir is None and paths.packages == AppPaths.from_env().packages:
            paths = AppPaths(paths.config, paths.data, paths.cache, Path(settings.packages_dir),
                             paths.extra_package_dirs)
        manager = PackageManager(paths, index_url or settings.index_url or None, probe=try_package)
        config = settings.engine_config()
        cache = None
        if use_cache and settings.use_cache:
            paths.ensure()
            cache = SegmentCache(paths.segment_cache, config.cache_max_entries)
        return cls(paths, settings, manager, Engine(manager, config, cache))

    def close(self) -> None:
        self.engine.unload()
        if self.engine.cache is not None:
            self.engine.cache.close()
