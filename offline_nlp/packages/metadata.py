"""Argos Translate package metadata, read and written in Argos's own JSON format."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.version import InvalidVersion, Version

from offline_nlp.errors import InvalidPackageError

__all__ = ["InstalledPackage", "PackageInfo", "parse_version"]


def parse_version(text: str) -> Version:
    """A comparable version; unparseable strings sort lowest instead of failing."""
    try:
        return Version(text)
    except InvalidVersion:
        return Version("0")


@dataclass(frozen=True)
class PackageInfo:
    """One package's metadata, from ``metadata.json`` or an index entry.

    Language codes are whatever the package says (Argos uses ``zt``, ``pb``...): they
    are never checked against a list. Fields Argos does not define stay in ``raw`` so
    later package types (``summarize``) can carry their own settings.
    """

    code: str
    type: str
    from_code: str
    from_name: str
    to_code: str
    to_name: str
    package_version: str = ""
    argos_version: str = ""
    links: tuple[str, ...] = ()
    target_prefix: str = ""
    sha256: str = ""
    size: int = 0
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PackageInfo:
        if not isinstance(data, dict):
            raise InvalidPackageError("package metadata must be a JSON object")
        kind = str(data.get("type") or "translate")
        from_code = str(data.get("from_code") or "")
        to_code = str(data.get("to_code") or "")
        if kind == "translate" and not (from_code and to_code):
            raise InvalidPackageError("package metadata lacks from_code/to_code")
        code = str(data.get("code") or f"{kind}-{from_code}_{to_code}")
        return cls(
            code=code,
            type=kind,
            from_code=from_code,
            from_name=str(data.get("from_name") or from_code),
            to_code=to_code,
            to_name=str(data.get("to_name") or to_code),
            package_version=str(data.get("package_version") or ""),
            argos_version=str(data.get("argos_version") or ""),
            links=tuple(str(link) for link in data.get("links") or ()),
            target_prefix=str(data.get("target_prefix") or ""),
            sha256=str(data.get("sha256") or data.get("checksum") or ""),
            size=int(data.get("size") or 0),
            raw=dict(data),
        )

    @property
    def version(self) -> Version:
        return parse_version(self.package_version)

    @property
    def pair(self) -> tuple[str, str]:
        return self.from_code, self.to_code

    @property
    def title(self) -> str:
        if self.type == "translate":
            return f"{self.from_name} → {self.to_name}"
        return f"{self.type}: {self.from_name}"

    def __str__(self) -> str:
        version = f" {self.package_version}" if self.package_version else ""
        return f"{self.code}{version} ({self.title})"


@dataclass(frozen=True)
class InstalledPackage:
    """A package unpacked on disk. ``read_only`` ones belong to argostranslate."""

    info: PackageInfo
    path: Path
    read_only: bool = False

    @property
    def model_dir(self) -> Path:
        return self.path / "model"

    @property
    def tokenizer_file(self) -> Path:
        return self.path / "sentencepiece.model"

    @classmethod
    def load(cls, path: Path, read_only: bool = False) -> InstalledPackage:
        metadata = path / "metadata.json"
        try:
            data = json.loads(metadata.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InvalidPackageError(f"cannot read {metadata}: {exc}") from exc
        return cls(PackageInfo.from_json(data), path, read_only)
