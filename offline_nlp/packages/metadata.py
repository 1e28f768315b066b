"""Argos Translate package metadata, read and written in Argos's own JSON format."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from packaging.version import InvalidVersion, Version

from offline_nlp.errors import InvalidPackageError

__all__ = ["KINDS", "InstalledPackage", "LANGUAGE_RE", "PackageInfo", "is_web_url",
           "parse_version"]


def parse_version(text: str) -> Version:
    """A comparable version; unparseable strings sort lowest instead of failing."""
    try:
        return Version(text)
    except InvalidVersion:
        return Version("0")


#: ``en``, ``zh``, ``pt_BR``, ``zh_Hant``: ISO 639 with an optional region or script.
LANGUAGE_RE = re.compile(r"[a-z]{2,3}(_[A-Za-z]{2,4})?\Z")
#: A package code is also its folder name: no dots, slashes or leading punctuation.
CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}\Z")
TYPE_RE = re.compile(r"[a-z][a-z0-9_]{0,31}\Z")
PREFIX_RE = re.compile(r"[^\x00-\x1f\x7f]{0,64}\Z")
SHA256_RE = re.compile(r"[0-9A-Fa-f]{64}\Z")
_NAME_RE = re.compile(r"[^\x00-\x1f\x7f]{1,100}\Z")
_LANG_FORM = "a language code like 'en' or 'pt_BR'"
#: Links an index may give: anything else (file:, data:, ftp:, ipfs:) is never followed.
LINK_SCHEMES = ("http", "https")
_MAX_LINKS = 16
#: How a package's model reads and writes text (the engine's kinds module acts on it).
#: Argos packages name none: a ``bpe.model`` beside the model makes one ``argos-bpe``.
KINDS = ("argos-sentencepiece", "argos-bpe", "nllb", "m2m100", "marian")
#: NLLB-200 has 202 languages; a table far longer than that is not a model's.
MAX_LANGUAGES = 512


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _string(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        raise InvalidPackageError(
            f"package metadata field {key} must be a string, not {type(value).__name__}")
    return value


def _field(data: dict[str, Any], key: str, form: re.Pattern[str], what: str) -> str:
    value = _string(data, key)
    if value and not form.match(value):
        raise InvalidPackageError(f"package metadata field {key} is {_short(value)}; expected {what}")
    return value


def _name(data: dict[str, Any], key: str) -> str:
    return _field(data, key, _NAME_RE, "a name of at most 100 characters")


def _version(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)  # "package_version": 1.1 is a sloppy but honest version
        data = {key: value}
    text = _string(data, key)
    if not text:
        return ""
    try:
        if len(text) > 32:
            raise InvalidVersion(text)
        Version(text)
    except InvalidVersion:
        raise InvalidPackageError(
            f"package metadata field {key} is {_short(text)}; expected a version like '1.9'") from None
    return text


def _links(value: object) -> tuple[str, ...]:
    """The http(s) links; other schemes (Argos indexes list ipfs: ones) are left out."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(link, str) for link in value):
        raise InvalidPackageError("package metadata field links must be a list of strings")
    if len(value) > _MAX_LINKS:
        raise InvalidPackageError(f"package metadata lists {len(value)} links; at most {_MAX_LINKS}")
    return tuple(link for link in value if is_web_url(link))


def is_web_url(link: str) -> bool:
    """An absolute http(s) URL with a host, short enough to be a real link."""
    parts = urlsplit(link) if len(link) <= 2048 and link.isprintable() else None
    return parts is not None and parts.scheme.lower() in LINK_SCHEMES and bool(parts.hostname)


def _size(value: object) -> int:
    if value is None:
        return 0
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InvalidPackageError(
            f"package metadata field size must be a whole number of bytes, not {_short(value)}")
    return value


def _languages(data: dict[str, Any], key: str) -> tuple[tuple[str, str], ...]:
    """A ``{"en": "eng_Latn", ...}`` table: our code → the model's own token."""
    value = data.get(key)
    if value is None:
        return ()
    if not isinstance(value, dict) or len(value) > MAX_LANGUAGES:
        raise InvalidPackageError(f"package metadata field {key} must be an object of at most "
                                  f"{MAX_LANGUAGES} language codes and their tokens")
    table = []
    for code, token in value.items():
        if not LANGUAGE_RE.match(code):
            raise InvalidPackageError(
                f"package metadata field {key} has {_short(code)}; expected {_LANG_FORM}")
        if not isinstance(token, str) or not PREFIX_RE.match(token):
            raise InvalidPackageError(
                f"package metadata field {key} gives {code} the token {_short(token)}; "
                "expected a short token")
        table.append((code, token))
    return tuple(table)


def _names(value: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict) or len(value) > MAX_LANGUAGES:
        return ()  # names are a nicety: codes stand in for them
    return tuple((code, name) for code, name in value.items()
                 if LANGUAGE_RE.match(code) and isinstance(name, str) and _NAME_RE.match(name))


@dataclass(frozen=True)
class PackageInfo:
    """One package's metadata, from ``metadata.json`` or an index entry.

    Everything here comes from outside (an index server, an archive) and some of it
    ends up in file and folder names, so every field is checked against a strict
    schema (:func:`validate`): language codes look like ``en`` or ``zh_Hant``, the code
    is a plain name, versions parse as versions, links are http(s). Fields Argos does
    not define stay in ``raw`` so later package types (``summarize``) can carry their
    own settings.
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
    #: One of :data:`KINDS`, or "" for an Argos package (see InstalledPackage.kind).
    kind: str = ""
    #: A multilingual package's languages on each side, as (our code, its token).
    sources: tuple[tuple[str, str], ...] = ()
    targets: tuple[tuple[str, str], ...] = ()
    names: tuple[tuple[str, str], ...] = ()
    licence: str = ""
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_json(cls, data: Any) -> PackageInfo:
        """Checked metadata.

        Raises:
            InvalidPackageError: one line naming the first field that is missing, of
                the wrong type or not in the expected form.
        """
        if not isinstance(data, dict):
            raise InvalidPackageError("package metadata must be a JSON object")
        kind = _field(data, "type", TYPE_RE, "a lower-case word like 'translate'") or "translate"
        model_kind = _string(data, "kind")
        if model_kind and model_kind not in KINDS:
            raise InvalidPackageError(f"package metadata field kind is {_short(model_kind)}; "
                                      f"expected one of: {', '.join(KINDS)}")
        sources, targets = _languages(data, "sources"), _languages(data, "targets")
        if bool(sources) != bool(targets):
            raise InvalidPackageError("package metadata gives sources without targets or "
                                      "targets without sources")
        from_code = _field(data, "from_code", LANGUAGE_RE, _LANG_FORM) or (
            sources[0][0] if sources else "")
        to_code = _field(data, "to_code", LANGUAGE_RE, _LANG_FORM) or next(
            (code for code, _ in targets if code != from_code), "")
        names = _names(data.get("names"))
        if kind == "translate" and not (from_code and to_code):
            raise InvalidPackageError("package metadata lacks from_code/to_code")
        code = (_field(data, "code", CODE_RE, "letters, digits, '-' and '_' only")
                or f"{kind}-{from_code}_{to_code}")
        if not CODE_RE.match(code):
            raise InvalidPackageError(f"package metadata has an unusable code {code!r}")
        return cls(
            code=code,
            type=kind,
            from_code=from_code,
            from_name=_name(data, "from_name") or dict(names).get(from_code, from_code),
            to_code=to_code,
            to_name=_name(data, "to_name") or dict(names).get(to_code, to_code),
            package_version=_version(data, "package_version"),
            argos_version=_version(data, "argos_version"),
            links=_links(data.get("links")),
            target_prefix=_field(data, "target_prefix", PREFIX_RE, "a short token"),
            sha256=(_field(data, "sha256", SHA256_RE, "64 hex digits")
                    or _field(data, "checksum", SHA256_RE, "64 hex digits")).lower(),
            size=_size(data.get("size")),
            kind=model_kind,
            sources=sources,
            targets=targets,
            names=names,
            licence=_field(data, "licence", _NAME_RE, "a licence name of at most 100 characters"),
            raw=dict(data),
        )

    @property
    def version(self) -> Version:
        return parse_version(self.package_version)

    @property
    def pair(self) -> tuple[str, str]:
        return self.from_code, self.to_code

    def pairs(self) -> list[tuple[str, str]]:
        """Every pair this package translates: one for Argos packages, many for
        multilingual ones (each source into each other target)."""
        if not self.sources:
            return [self.pair]
        return [(s, t) for s, _ in self.sources for t, _ in self.targets if s != t]

    def language_name(self, code: str) -> str:
        for known, name in self.names:
            if known == code:
                return name
        if code == self.from_code:
            return self.from_name
        return self.to_name if code == self.to_code else code

    @property
    def multilingual(self) -> bool:
        """More than one pair, told without listing NLLB's 40,000 (read for every row of
        a package list)."""
        if not self.sources:
            return False
        sources = {s for s, _ in self.sources}
        targets = {t for t, _ in self.targets}
        return len(sources) * len(targets) - len(sources & targets) > 1

    @property
    def title(self) -> str:
        if self.multilingual:
            sources = [c for c, _ in self.sources]
            targets = [c for c, _ in self.targets]
            if sources == targets:
                return f"{len(sources)} languages: {_listing(sources)}"
            return f"{_listing(sources)} → {_listing(targets)}"
        if self.type == "translate":
            return f"{self.from_name} → {self.to_name}"
        return f"{self.type}: {self.from_name}"

    def __str__(self) -> str:
        version = f" {self.package_version}" if self.package_version else ""
        return f"{self.code}{version} ({self.title})"


def _listing(codes: list[str]) -> str:
    return ", ".join(codes) if len(codes) <= 8 else ", ".join(codes[:8]) + ", …"


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

    @property
    def kind(self) -> str:
        """One of :data:`KINDS`: the metadata's, else told by the Argos package's files
        (argostranslate 1.11 takes ``bpe.model`` when there is no ``sentencepiece.model``)."""
        if self.info.kind:
            return self.info.kind
        if not self.tokenizer_file.is_file() and (self.path / "bpe.model").is_file():
            return "argos-bpe"
        return "argos-sentencepiece"

    @classmethod
    def load(cls, path: Path, read_only: bool = False) -> InstalledPackage:
        metadata = path / "metadata.json"
        try:
            with metadata.open("rb") as handle:
                data = json.loads(handle.read(1024**2 + 1).decode("utf-8"))
        except (OSError, ValueError, RecursionError) as exc:
            raise InvalidPackageError(f"cannot read {metadata}: {str(exc)[:100]}") from None
        return cls(PackageInfo.from_json(data), path, read_only)
