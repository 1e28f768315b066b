"""Where offline_nlp keeps its data, settings and caches.

Nothing happens at import: :meth:`AppPaths.from_env` computes the folders and
:meth:`AppPaths.ensure` creates them. ``OFFLINE_NLP_HOME`` puts everything under one
folder (portable mode, tests); ``OFFLINE_NLP_PACKAGES`` moves only the packages.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

__all__ = ["APP_NAME", "AppPaths", "argos_package_dirs"]

APP_NAME = "offline-nlp"

_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file marks offline-nlp's cache folder; backup tools may skip it.\n"
)


@dataclass(frozen=True)
class AppPaths:
    """The folders the app uses. Build with :meth:`from_env` or directly in tests."""

    config: Path
    data: Path
    cache: Path
    packages: Path
    extra_package_dirs: tuple[Path, ...] = field(default=())

    @classmethod
    def under(cls, home: Path, extra_package_dirs: tuple[Path, ...] = ()) -> AppPaths:
        """All folders below one ``home`` folder."""
        home = Path(home)
        return cls(home / "config", home / "data", home / "cache", home / "data" / "packages",
                   extra_package_dirs)

    @classmethod
    def from_env(cls, packages: Path | None = None) -> AppPaths:
        """The platform's folders, overridden by the environment and by ``packages``."""
        home = os.environ.get("OFFLINE_NLP_HOME")
        if home:
            paths = cls.under(Path(home))
        else:
            data = platformdirs.user_data_path(APP_NAME, appauthor=False)
            paths = cls(
                platformdirs.user_config_path(APP_NAME, appauthor=False),
                data,
                platformdirs.user_cache_path(APP_NAME, appauthor=False),
                data / "packages",
                argos_package_dirs(),
            )
        override = packages or os.environ.get("OFFLINE_NLP_PACKAGES")
        if override:
            paths = AppPaths(paths.config, paths.data, paths.cache, Path(override),
                             paths.extra_package_dirs)
        return paths

    @property
    def index_cache(self) -> Path:
        """The last package index downloaded, so the list works offline."""
        return self.cache / "index.json"

    @property
    def segment_cache(self) -> Path:
        """SQLite file of translated sentences."""
        return self.cache / "segments.sqlite3"

    @property
    def settings_file(self) -> Path:
        return self.config / "settings.json"

    @property
    def glossary_file(self) -> Path:
        """Where the Settings tab keeps the user's glossary (CSV)."""
        return self.config / "glossary.csv"

    @property
    def downloads(self) -> Path:
        """Partial downloads, kept so an interrupted download can resume."""
        return self.cache / "downloads"

    def ensure(self) -> AppPaths:
        """Create the folders (idempotent) and tag the cache so backups skip it."""
        for folder in (self.config, self.data, self.cache, self.packages, self.downloads):
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:  # a file in the way, a read-only disk
                from offline_nlp.errors import OutputWriteError

                what = "a file is in the way" if folder.exists() or isinstance(
                    exc, (FileExistsError, NotADirectoryError)) else exc.strerror or str(exc)
                raise OutputWriteError(f"cannot create the folder {folder}: {what}") from None
        tag = self.cache / "CACHEDIR.TAG"
        if not tag.exists():
            tag.write_text(_CACHEDIR_TAG, encoding="ascii")
        return self


def argos_package_dirs() -> tuple[Path, ...]:
    """Folders where argostranslate keeps packages; we read them, never write them."""
    candidates = []
    env = os.environ.get("ARGOS_PACKAGES_DIR")
    if env:
        candidates.append(Path(env))
    candidates.append(Path.home() / ".local" / "share" / "argos-translate" / "packages")
    return tuple(path for path in candidates if path.is_dir())
