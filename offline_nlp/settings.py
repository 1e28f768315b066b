"""User settings shared by the CLI and the GUI, stored as JSON under the config folder.

Each field is declared once with its default; unknown keys are ignored and invalid
values raise :class:`SettingsError` naming the key and what is allowed.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from offline_nlp.engine.glossary import Glossary, GlossaryError, load_glossary
from offline_nlp.engine.types import PRESETS, EngineConfig, TranslationOptions
from offline_nlp.errors import SettingsError
from offline_nlp.progress import atomic_write

__all__ = ["SCHEMA_VERSION", "Settings", "load_settings", "save_settings"]

SCHEMA_VERSION = 1
DEVICES = ("cpu", "cuda", "auto")


@dataclass(frozen=True)
class Settings:
    """Everything a user can set. Defaults need no configuration."""

    preset: str = "balanced"
    device: str = "cpu"
    cpu_threads: int = 0
    parallel_jobs: int = 0
    max_loaded_models: int = 4
    use_cache: bool = True
    packages_dir: str = ""
    index_url: str = ""
    favourite_languages: tuple[str, ...] = ()
    last_source: str = "en"
    last_target: str = ""
    theme: str = "system"
    # The desktop app asks once before it first contacts the package index: ask/yes/no.
    check_index_online: str = "ask"
    # A CSV/TSV glossary every translation uses (the Settings tab writes
    # glossary.csv in the config folder); --glossary or a request's own replaces it.
    glossary_file: str = ""
    # Package codes that translate a pair before any other package that can (a
    # multilingual NLLB model over a one-pair Argos package, say); --model overrides.
    preferred_models: tuple[str, ...] = ()
    schema_version: int = SCHEMA_VERSION
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def validate(self) -> Settings:
        """Raises: SettingsError: a value of the wrong type or out of its range."""
        for item in fields(self):
            kind = _KINDS.get(str(item.type))
            value = getattr(self, item.name)
            if kind is not None and not _is_a(value, kind):
                raise SettingsError(f"{item.name} must be {_KIND_NAMES[kind]}, not {value!r}")
        if self.preset not in PRESETS:
            raise SettingsError(f"preset {self.preset!r} is not one of: {', '.join(PRESETS)}")
        if self.device not in DEVICES:
            raise SettingsError(f"device {self.device!r} is not one of: {', '.join(DEVICES)}")
        for name, most in BOUNDS.items():
            value = getattr(self, name)
            if not isinstance(value, int) or not 0 <= value <= most:
                raise SettingsError(f"{name} must be a whole number from 0 to {most}, "
                                    f"not {_short(value)}")
        threads = max(1, self.cpu_threads) * max(1, self.parallel_jobs)
        if threads > MAX_THREADS:
            raise SettingsError(f"cpu_threads × parallel_jobs is {threads}; at most "
                                f"{MAX_THREADS} threads may translate at once")
        return self

    def engine_config(self) -> EngineConfig:
        return EngineConfig(device=self.device, cpu_threads=self.cpu_threads,
                            parallel_jobs=self.parallel_jobs,
                            max_loaded_models=max(1, self.max_loaded_models),
                            preferred_models=self.preferred_models)

    def translation_options(self) -> TranslationOptions:
        """Raises: GlossaryError: the glossary file is gone or damaged (one line)."""
        options = TranslationOptions.preset(self.preset, use_cache=self.use_cache)
        if self.glossary_file:
            options = replace(options, glossary=settings_glossary(Path(self.glossary_file)))
        return options


def settings_glossary(path: Path) -> Glossary:
    """The glossary file chosen in Settings, read again only when it changes."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise GlossaryError(f"the glossary chosen in Settings cannot be read: {path} "
                            f"({exc.strerror or exc})") from None
    return _read_glossary(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _read_glossary(path: str, mtime_ns: int, size: int) -> Glossary:
    return load_glossary(Path(path))


#: The largest value of each number a user sets. Past them CTranslate2 crashes
#: (100,000 threads: SIGSEGV) or the machine stalls (a million parallel replicas); no
#: computer this runs on has more cores than this.
BOUNDS = {"cpu_threads": 256, "parallel_jobs": 64, "max_loaded_models": 64,
          "schema_version": 1_000}
MAX_THREADS = 4096


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


#: The type each field's annotation asks for, checked before any value is used: a
#: settings file is edited by hand, and a wrong type must be one line, not a Traceback.
_KINDS: dict[str, type] = {"str": str, "int": int, "bool": bool, "tuple[str, ...]": tuple}
_KIND_NAMES = {str: "text", int: "a whole number", bool: "true or false",
               tuple: "a list of codes"}


def _is_a(value: object, kind: type) -> bool:
    if kind is int and isinstance(value, bool):  # JSON true is not a count
        return False
    if kind is tuple:
        return isinstance(value, tuple) and all(isinstance(v, str) for v in value)
    return isinstance(value, kind)


def _upgrade(data: dict[str, Any]) -> dict[str, Any]:
    """Migrate older files step by step; version 1 is the first."""
    data.setdefault("schema_version", SCHEMA_VERSION)
    return data


def load_settings(path: Path) -> Settings:
    """Settings from ``path``; defaults when the file does not exist."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError) as exc:
        raise SettingsError(f"cannot read settings file {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise SettingsError(f"settings file {path} must hold a JSON object")
    data = _upgrade(data)
    known = {f.name for f in fields(Settings)} - {"extra"}
    values = {k: v for k, v in data.items() if k in known}
    for name in ("favourite_languages", "preferred_models"):
        if isinstance(values.get(name), list):
            values[name] = tuple(values[name])
    settings = replace(Settings(), **values,
                       extra={k: v for k, v in data.items() if k not in known})
    try:
        return settings.validate()
    except SettingsError as exc:
        raise SettingsError(f"settings file {path}: {exc}") from None


def save_settings(settings: Settings, path: Path) -> None:
    data = asdict(settings.validate())
    data.update(data.pop("extra"))
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(Path(path)) as out:
        out.write(json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8"))
