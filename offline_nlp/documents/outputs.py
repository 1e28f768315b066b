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

__all__ = ["LANGUAGE_CODES", "is_own_output", "source_of"]

# A language code, alone or with a region or script (zh-Hant, pt_BR).
_CODE = re.compile(r"([a-z]{2,3})(?:[-_][A-Za-z0-9]{2,8})?")
#: ISO 639-1, Argos's own codes (zt: Traditional Chinese, pb: Brazilian Portuguese) and
#: the three-letter codes people write: what ``NAME.LANG.EXT`` may carry. Only these
#: count, so ``notes.old.txt`` beside ``notes.txt`` is the user's, not an output.
LANGUAGE_CODES = frozenset((
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs "
    "cu cv cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha "
    "he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn "
    "ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb "
    "nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd "
    "se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw "
    "ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu zt pb "
    "eng deu ger fra fre spa ita por nld dut rus ukr pol ces cze swe dan fin ell gre tur "
    "ara heb hin jpn kor zho chi cmn vie tha ind msa may fas per hun ron rum bul cat est "
    "fil tgl nob nno").split())
# distinct_outputs() names the second output of one name ``report (2).xl.txt``
_NUMBERED = re.compile(r" \(\d+\)$")
# PDF input gives a .docx (or a .txt) output
_FROM_PDF = {".docx", ".txt"}


def source_of(path: str | Path, languages: Iterable[str] | None = None,
              names: Collection[str] | None = None) -> Path | None:
    """The file ``path`` is a translation of, when it looks like one of our outputs.

    ``path`` is ``STEM.LANG.EXT`` and ``STEM.EXT`` (or ``STEM.pdf`` for a .docx or .txt
    output) is beside it. ``languages``: codes that count as LANG besides
    :data:`LANGUAGE_CODES` (the installed ones, say). ``names``: the file names in
    ``path``'s folder, when the caller has listed it already (default: look on disk).
    """
    path = Path(path)
    suffix = path.suffix
    base = path.name[: len(path.name) - len(suffix)] if suffix else path.name
    stem, dot, code = base.rpartition(".")
    match = _CODE.fullmatch(code)
    if not dot or not stem or match is None:
        return None
    known = LANGUAGE_CODES if languages is None else LANGUAGE_CODES | set(languages)
    if code not in known and match.group(1) not in known:
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
