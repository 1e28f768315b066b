"""CTranslate2 model folders as ``ct2-transformers-converter`` writes them (NLLB-200,
M2M-100, OPUS-MT), recognised and described so they install like Argos packages.

Such a folder holds ``model.bin``, ``config.json``, a vocabulary and tokenizer files but
no Argos ``metadata.json``. Its kind and languages are read from its own files:

- NLLB: language tokens like ``eng_Latn`` in the vocabulary (or ``NllbTokenizer``);
- M2M-100: tokens like ``__en__``;
- Marian: ``source.spm`` and ``target.spm``; ``>>fra<<`` tokens make it multi-target;
  its pair comes from a folder name like ``opus-mt-en-de`` or ``tokenizer_config.json``.

Tokens no table knows (``xlx_Latn``) need ``--language CODE=TOKEN``; a pair nothing
tells needs ``--from``/``--to``. The description is written as the package's
``metadata.json`` (kind, languages, licence, source), beside the folder in ``model/``.
"""

from __future__ import annotations

import json
import logging
import re
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from offline_nlp.errors import InvalidPackageError
from offline_nlp.langtokens import M2M100, NAMES, NLLB, code_for_token
from offline_nlp.packages.archive import MAX_ENTRIES, MAX_UNPACKED
from offline_nlp.packages.metadata import CODE_RE, LANGUAGE_RE, PackageInfo

log = logging.getLogger(__name__)

__all__ = ["NLLB_LICENCE", "ModelHints", "describe", "folder_files", "holds_bare_model",
           "is_model_folder", "memory_estimate", "read_licence"]

_NLLB_TOKEN = re.compile(r"[a-z]{3}_[A-Z][a-z]{3}\Z")
_M2M_TOKEN = re.compile(r"__([a-z]{2,3})__\Z")
_MARIAN_TOKEN = re.compile(r">>([a-z]{2,3}(?:_[A-Za-z]{4})?)<<\Z")
_OPUS_NAME = re.compile(r"opus-mt-(?:tc-big-|tc-base-)?([a-z]{2,3})-([a-z]{2,3})\b")
# A vocabulary or JSON file beyond these is not a model's (NLLB's is 5 MB).
_MAX_VOCABULARY = 64 * 1024**2
_MAX_SMALL_FILE = 4 * 1024**2
_VOCABULARIES = ("shared_vocabulary.json", "shared_vocabulary.txt", "target_vocabulary.json",
                 "target_vocabulary.txt", "source_vocabulary.json", "source_vocabulary.txt")
#: NLLB-200's weights and every model made from them (Meta's licence).
NLLB_LICENCE = "CC-BY-NC-4.0"
_LICENCE = re.compile(r"^\s*licen[cs]e\s*:\s*[\"']?([A-Za-z0-9.+_ -]{2,60}?)[\"']?\s*$",
                      re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class ModelHints:
    """What the user says of a model its files may not: ``--language``, ``--from``,
    ``--to``, ``--licence``, and where it came from."""

    languages: dict[str, str] = field(default_factory=dict)
    source: str = ""
    target: str = ""
    licence: str = ""
    url: str = ""
    name: str = ""


def is_model_folder(folder: Path) -> bool:
    return (folder / "model.bin").is_file() and (folder / "config.json").is_file()


def _read_json(path: Path, limit: int = _MAX_SMALL_FILE) -> Any:
    try:
        if not path.is_file() or path.stat().st_size > limit:
            return None
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError, UnicodeDecodeError):
        return None


def _vocabulary(folder: Path) -> list[str]:
    """Every vocabulary token of the folder (CTranslate2 writes JSON lists or lines)."""
    tokens: list[str] = []
    for name in _VOCABULARIES:
        path = folder / name
        if not path.is_file():
            continue
        if path.stat().st_size > _MAX_VOCABULARY:
            raise InvalidPackageError(f"{name} is larger than 64 MB; not a model's vocabulary")
        if name.endswith(".json"):
            data = _read_json(path, _MAX_VOCABULARY)
            if isinstance(data, list):
                tokens.extend(t for t in data if isinstance(t, str))
        else:
            tokens.extend(path.read_text(encoding="utf-8", errors="replace").splitlines())
    return tokens


def _kind(folder: Path, vocabulary: list[str], tokenizer_class: str) -> str:
    if (folder / "source.spm").is_file() and (folder / "target.spm").is_file():
        return "marian"
    if "nllb" in tokenizer_class or any(_NLLB_TOKEN.match(t) for t in vocabulary):
        return "nllb"
    if "m2m" in tokenizer_class or any(_M2M_TOKEN.match(t) for t in vocabulary):
        return "m2m100"
    raise InvalidPackageError(
        "cannot tell what model this is: no NLLB (eng_Latn) or M2M-100 (__en__) language "
        "tokens and no source.spm/target.spm of an OPUS-MT model")


def _marian_code(own: str) -> str | None:
    """Our code for an OPUS-MT ``>>xxx<<`` language (ISO 639-3, maybe with a script)."""
    if own in NLLB.values():
        return code_for_token(NLLB, own)
    if LANGUAGE_RE.match(own) and len(own) == 2:
        return own
    by_prefix = {token[:3]: code for code, token in reversed(NLLB.items())}
    return by_prefix.get(own[:3])


def _table(kind: str, vocabulary: list[str], hints: ModelHints,
           label: str) -> dict[str, str]:
    """Our code → the model's token, for every language token the vocabulary has.

    Raises:
        InvalidPackageError: a language token no table knows and no ``--language`` names
            (its languages would be silently missing), or a ``--language`` token the
            vocabulary lacks.
    """
    given = {token: code for code, token in hints.languages.items()}
    pattern = {"nllb": _NLLB_TOKEN, "m2m100": _M2M_TOKEN, "marian": _MARIAN_TOKEN}[kind]
    table: dict[str, str] = {}
    unknown: list[str] = []
    for token in vocabulary:
        found = pattern.match(token)
        code = given.get(token)
        if code is None and found:
            code = (code_for_token(NLLB, token) if kind == "nllb"
                    else code_for_token(M2M100, token) if kind == "m2m100"
                    else _marian_code(found.group(1)))
            if code is None:
                unknown.append(token)
        if code is not None:
            table.setdefault(code, token)
    missing = [f"{c}={t}" for c, t in hints.languages.items() if t not in vocabulary]
    if missing:
        raise InvalidPackageError(f"{label}: the model's vocabulary has no token for "
                                  f"--language {' '.join(missing)}")
    enough = len(table) >= (1 if kind == "marian" else 2)
    if unknown:
        shown = ", ".join(unknown[:6]) + (", …" if len(unknown) > 6 else "")
        if not enough:
            raise InvalidPackageError(
                f"{label}: the program has no language code for the model's token(s) "
                f"{shown}; name each with --language CODE=TOKEN (for example "
                f"--language CODE={unknown[0]})")
        log.warning("%s: left out %d language token(s) no table knows (%s); --language "
                    "CODE=TOKEN adds them", label, len(unknown), shown)
    return table


def _pair_hints(folder: Path, name: str, config: Any) -> tuple[str, str]:
    found = _OPUS_NAME.search(name.lower())
    if found:
        return found.group(1), found.group(2)
    if isinstance(config, dict):
        source, target = config.get("source_lang"), config.get("target_lang")
        if isinstance(source, str) and isinstance(target, str):
            return source.lower(), target.lower()
    return "", ""


def _front_matter(card: str) -> str:
    """A model card's leading ``---`` block, where hubs keep ``license:``; a "License: see
    below" line in its prose names no licence."""
    lines = card.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != "---":
        return ""
    for end, line in enumerate(lines[1:], 1):
        if line.strip() == "---":
            return "\n".join(lines[1:end])
    return ""


def read_licence(folder: Path) -> str:
    """The licence a model card (README.md's front matter) or config names, or ""."""
    for name in ("README.md", "readme.md", "MODEL_CARD.md"):
        path = folder / name
        if path.is_file() and path.stat().st_size <= _MAX_SMALL_FILE:
            found = _LICENCE.search(_front_matter(path.read_text(encoding="utf-8",
                                                                 errors="replace")))
            if found:
                return found.group(1).strip()
    for name in ("config.json", "tokenizer_config.json"):
        data = _read_json(folder / name)
        value = data.get("license") or data.get("licence") if isinstance(data, dict) else None
        if isinstance(value, str) and 2 <= len(value) <= 60:
            return value
    return ""


def _code_name(hints: ModelHints, folder: Path) -> str:
    raw = re.sub(r"[^A-Za-z0-9_-]+", "-", hints.name or folder.name).strip("-_")[:80]
    return raw if CODE_RE.match(raw) else "model"


def describe(folder: Path, hints: ModelHints) -> dict[str, Any]:
    """The ``metadata.json`` of a CTranslate2 model folder.

    Raises:
        InvalidPackageError: not a model folder, an unknown kind, languages or a pair
            that neither the files nor the hints tell (one line saying what to add).
    """
    if not is_model_folder(folder):
        raise InvalidPackageError(f"{folder.name} is not a CTranslate2 model folder "
                                  "(it needs model.bin and config.json)")
    tokenizer_config = _read_json(folder / "tokenizer_config.json")
    tokenizer_class = str(tokenizer_config.get("tokenizer_class", "")).lower() \
        if isinstance(tokenizer_config, dict) else ""
    label = hints.name or folder.name
    vocabulary = _vocabulary(folder)
    kind = _kind(folder, vocabulary, tokenizer_class)
    table = _table(kind, vocabulary, hints, label)
    code = _code_name(hints, folder)
    data: dict[str, Any] = {"type": "translate", "kind": kind, "code": code,
                            "package_version": "1.0"}
    if kind == "marian":
        source, target = _pair_hints(folder, label, tokenizer_config)
        source, target = hints.source or source, hints.target or target
        if target == "mul":  # opus-mt-en-mul: many targets, told by >>xxx<< tokens only
            target = ""
        if not source or (not table and not target):
            raise InvalidPackageError(
                f"{label}: nothing says which languages this OPUS-MT model translates; "
                "give them with --from CODE --to CODE")
        targets = table or {target: ""}
        data["sources"], data["targets"] = {source: ""}, targets
    else:
        if len(table) < 2:
            raise InvalidPackageError(
                f"{label}: found {len(table)} language token(s) in the model's vocabulary; "
                "a multilingual model needs two at least")
        data["sources"] = data["targets"] = table
    codes = set(data["sources"]) | set(data["targets"])
    data["names"] = {c: NAMES[c] for c in sorted(codes) if c in NAMES}
    # NLLB-200's weights are CC-BY-NC whoever converted them: the model cards of converted
    # copies often name the converter's own licence (MIT, Apache-2.0) instead.
    data["licence"] = (hints.licence or (NLLB_LICENCE if kind == "nllb" else "")
                       or read_licence(folder) or "unknown")
    if hints.url:
        data["source"] = hints.url
    PackageInfo.from_json(data)  # what the user gave must pass the same checks as a package
    return data


def memory_estimate(model_dir: Path) -> int:
    """Rough bytes a model takes loaded in int8: the size of its weights file (converted
    models are published in int8, where memory is about the file; a float16 or float32
    file is quantised on load to less than it)."""
    try:
        return (model_dir / "model.bin").stat().st_size
    except OSError:
        return 0


def holds_bare_model(path: Path) -> bool:
    """A zip with ``model.bin`` and no ``metadata.json``: a model folder, not a package.
    Only the names are read here; the archive is checked in full before anything else."""
    try:
        with zipfile.ZipFile(path) as handle:
            names = [PurePosixPath(n.replace("\\", "/")).name for n in handle.namelist()]
    except (zipfile.BadZipFile, OSError):
        return False  # inspect_archive says what is wrong with it
    return "model.bin" in names and "metadata.json" not in names


def folder_files(folder: Path) -> list[Path]:
    """The folder's files, relative to it, once none is a link or a special file and
    they fit the limits of a package archive."""
    files: list[Path] = []
    total = 0
    for item in sorted(folder.rglob("*")):
        mode = item.lstat().st_mode
        if stat.S_ISLNK(mode):
            raise InvalidPackageError(f"{folder.name} contains a symbolic link "
                                      f"({item.relative_to(folder)}); refusing it")
        if stat.S_ISDIR(mode):
            continue
        if not stat.S_ISREG(mode):
            raise InvalidPackageError(f"{folder.name} contains a special file "
                                      f"({item.relative_to(folder)}); refusing it")
        files.append(item.relative_to(folder))
        total += item.stat().st_size
        if len(files) > MAX_ENTRIES or total > MAX_UNPACKED:
            raise InvalidPackageError(f"{folder.name} holds more files or bytes than a "
                                      "model may; refusing it")
    return files
