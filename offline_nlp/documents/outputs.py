"""Which files in a folder are translations this tool wrote (``NAME.LANG.EXT``).

A folder job run twice, or run with its output folder inside its input folder, must not
translate its own earlier outputs (``a.xl.txt`` → ``a.xl.xl.txt``). The CLI and the
desktop app both skip them when they scan a folder; a file the user names is still
translated.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from pathlib import Path

__all__ = ["is_own_output", "source_of"]

# An Argos code (en, zt, pb), an ISO 639-3 code, or one with a region or script (zh-Hant).
_CODE = re.compile(r"[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?")
# distinct_outputs() names the second output of one name ``report (2).xl.txt``
_NUMBERED = re.compile(r" \(\d+\)$")
# PDF input gives a .docx (or a .txt) output
_FROM_PDF = {".docx", ".txt"}


def source_of(path: str | Path, languages: Iterable[str] | None = None,
              names: Collection[str] | None = None) -> Path | None:
    """The file ``path`` is a translation of, when it looks like one of our outputs.

    ``path`` is ``STEM.LANG.EXT`` and ``STEM.EXT`` (or ``STEM.pdf`` for a .docx or .txt
    output) is beside it. ``languages``: the codes that count as LANG (default: anything
    shaped like a language code). ``names``: the file names in ``path``'s folder, when
    the caller has listed it already (default: look on disk).
    """
    path = Path(path)
    suffix = path.suffix
    base = path.name[: len(path.name) - len(suffix)] if suffix else path.name
    stem, dot, code = base.rpartition(".")
    if not dot or not stem or not _CODE.fullmatch(code):
        return None
    if languages is not None and code not in set(languages):
        return None
    stem = _NUMBERED.sub("", stem)
    suffixes = [suffix] + ([".pdf", ".PDF"] if suffix.lower() in _FROM_PDF else [])
    for candidate in (f"{stem}{s}" for s in suffixes):
        if candidate == path.name:
            continue
        if names is not None and candidate in names:
            return path.with_name(candidate)
        if names is None and path.with_name(candidate).is_file():
            return path.with_name(candidate)
    return None


def is_own_output(path: str | Path, languages: Iterable[str] | None = None,
                  names: Collection[str] | None = None) -> bool:
    """True when ``path`` is a translation this tool wrote beside its source (see
    :func:`source_of`): ``a.xl.txt`` beside ``a.txt``, ``a.xl.xl.txt`` beside
    ``a.xl.txt``, ``report.zh.docx`` beside ``report.pdf``."""
    return source_of(path, languages, names) is not None
