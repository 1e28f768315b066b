"""Which writing systems a language uses, and text that cannot be in the source language.

A sentence whose letters all belong to scripts the source language is never written in
(a Chinese paragraph inside an English document, an English quote inside a Chinese one)
is not sent to the model: an en→X model turns Han characters into invented words or
digits. It is kept as it is and reported. In a sentence with letters of the source's
own script (English with a Chinese term), the foreign words are kept the same way
(:func:`foreign_runs`) and the rest is translated.

Scripts are decided by code point ranges, not ``unicodedata.name`` (ten times faster,
and this runs on every sentence).
"""

from __future__ import annotations

import bisect
import unicodedata

__all__ = ["expected_scripts", "foreign_runs", "is_foreign", "is_wide", "scripts_of"]

# (first code point, last code point, script); sorted, non-overlapping.
_RANGES = sorted([
    (0x0041, 0x005A, "Latin"), (0x0061, 0x007A, "Latin"), (0x00C0, 0x024F, "Latin"),
    (0x1E00, 0x1EFF, "Latin"), (0xFF21, 0xFF3A, "Latin"), (0xFF41, 0xFF5A, "Latin"),
    (0x0370, 0x03FF, "Greek"), (0x1F00, 0x1FFF, "Greek"),
    (0x0400, 0x052F, "Cyrillic"),
    (0x0530, 0x058F, "Armenian"), (0x0590, 0x05FF, "Hebrew"),
    (0x0600, 0x06FF, "Arabic"), (0x0750, 0x077F, "Arabic"), (0xFB50, 0xFDFF, "Arabic"),
    (0xFE70, 0xFEFF, "Arabic"),
    (0x0900, 0x097F, "Devanagari"), (0x0980, 0x09FF, "Bengali"), (0x0A00, 0x0A7F, "Gurmukhi"),
    (0x0A80, 0x0AFF, "Gujarati"), (0x0B00, 0x0B7F, "Oriya"), (0x0B80, 0x0BFF, "Tamil"),
    (0x0C00, 0x0C7F, "Telugu"), (0x0C80, 0x0CFF, "Kannada"), (0x0D00, 0x0D7F, "Malayalam"),
    (0x0D80, 0x0DFF, "Sinhala"), (0x0E00, 0x0E7F, "Thai"), (0x0E80, 0x0EFF, "Lao"),
    (0x0F00, 0x0FFF, "Tibetan"), (0x1000, 0x109F, "Myanmar"), (0x10A0, 0x10FF, "Georgian"),
    (0x1200, 0x139F, "Ethiopic"), (0x1780, 0x17FF, "Khmer"),
    (0x1100, 0x11FF, "Hangul"), (0x3130, 0x318F, "Hangul"), (0xAC00, 0xD7AF, "Hangul"),
    (0x3040, 0x309F, "Kana"), (0x30A0, 0x30FF, "Kana"), (0x31F0, 0x31FF, "Kana"),
    (0xFF66, 0xFF9F, "Kana"),
    (0x3400, 0x4DBF, "Han"), (0x4E00, 0x9FFF, "Han"), (0xF900, 0xFAFF, "Han"),
    (0x20000, 0x2FFFF, "Han"),
])
_STARTS = [r[0] for r in _RANGES]

# Argos codes by script; a language not listed here is looked up by its name, and a
# language found in neither is never checked (every sentence goes to the model).
_BY_CODE: dict[str, frozenset[str]] = {}
for _script, _codes in {
    ("Latin",): "af az bs ca cs cy da de en eo es et eu fi fil fr ga gl hr ht hu id is it "
                "jv ku la lb lt lv ms mt nb nl nn no pb pl pt ro sk sl so sq sv sw tl tr "
                "uz vi xh yo zu ha ig",
    ("Cyrillic",): "be bg kk ky mk mn ru sr tg tt uk",
    ("Greek",): "el", ("Armenian",): "hy", ("Georgian",): "ka", ("Hebrew",): "he yi",
    ("Arabic",): "ar fa ps sd ug ur", ("Devanagari",): "hi mr ne sa", ("Bengali",): "bn as",
    ("Gurmukhi",): "pa", ("Gujarati",): "gu", ("Oriya",): "or", ("Tamil",): "ta",
    ("Telugu",): "te", ("Kannada",): "kn", ("Malayalam",): "ml", ("Sinhala",): "si",
    ("Thai",): "th", ("Lao",): "lo", ("Tibetan",): "bo", ("Myanmar",): "my",
    ("Ethiopic",): "am ti", ("Khmer",): "km",
    ("Han",): "zh zt yue lzh wuu", ("Han", "Kana"): "ja", ("Hangul", "Han"): "ko",
}.items():
    for _code in _codes.split():
        _BY_CODE[_code] = frozenset(_script)
# Words in a language's name that say its script (synthetic and unlisted languages).
_BY_NAME = (("chinese", ("Han",)), ("cantonese", ("Han",)), ("japanese", ("Han", "Kana")),
            ("korean", ("Hangul", "Han")), ("cjk", ("Han",)), ("latin", ("Latin",)),
            ("cyrillic", ("Cyrillic",)), ("arabic", ("Arabic",)), ("greek", ("Greek",)),
            ("hebrew", ("Hebrew",)))


def script_of(char: str) -> str | None:
    """The script of one letter, or ``None`` for digits, punctuation and unknown ones."""
    code = ord(char)
    index = bisect.bisect_right(_STARTS, code) - 1
    if index >= 0 and code <= _RANGES[index][1]:
        return _RANGES[index][2]
    return None


def scripts_of(text: str) -> set[str]:
    """Every script with at least one letter in ``text``."""
    if text.isascii():  # most sentences: no need to look at each character
        return {"Latin"} if any(c.isalpha() for c in text) else set()
    found: set[str] = set()
    for char in text:
        if char.isalpha():
            script = script_of(char)
            if script is not None:
                found.add(script)
    return found


def expected_scripts(code: str, name: str = "") -> frozenset[str] | None:
    """The scripts ``code`` is written in, or ``None`` when unknown (then nothing is kept)."""
    scripts = _BY_CODE.get(code.lower().split("-")[0])
    if scripts is not None:
        return scripts
    lowered = name.lower()
    found = {s for word, names in _BY_NAME if word in lowered for s in names}
    return frozenset(found) or None


def is_foreign(text: str, scripts: frozenset[str] | None) -> bool:
    """True when ``text`` has letters and none of them is in one of ``scripts``.

    Letters of scripts this module does not know (runic, emoji...) are neither evidence
    for nor against, so a text made only of them is not foreign.
    """
    if not scripts:
        return False
    found = scripts_of(text)
    return bool(found) and not found & scripts


def is_wide(char: str) -> bool:
    """Characters of scripts written without spaces between words (CJK, full-width)."""
    code = ord(char)
    return (0x3000 <= code <= 0x30FF or 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF
            or 0xFF00 <= code <= 0xFF60 or 0x20000 <= code <= 0x2FFFF)


def foreign_runs(text: str, scripts: frozenset[str] | None) -> list[tuple[int, int]]:
    """``(start, end)`` of each run of words in scripts other than ``scripts`` (北京 or
    שלום in an English sentence). Spaces, digits and marks inside a run stay in it;
    punctuation, symbols and letters of ``scripts`` end it."""
    if not scripts or (text.isascii() and "Latin" in scripts):
        return []
    runs: list[tuple[int, int]] = []
    start = end = -1
    for index, char in enumerate(text):
        if char.isalpha():
            script = script_of(char)
            if script is not None and script not in scripts:
                if start < 0:
                    start = index
                end = index + 1
                continue
        elif start >= 0 and (char.isspace() or char.isdigit() or unicodedata.category(char)[0] == "M"):
            if unicodedata.category(char)[0] == "M" and end == index:
                end = index + 1
            continue
        if start >= 0:
            runs.append((start, end))
            start = -1
    if start >= 0:
        runs.append((start, end))
    return runs
