"""Spans of a sentence that must come back verbatim: URLs, addresses, code, placeholders.

A translation model turns ``https://example.org`` into invented words, drops ``😊`` and
translates ``{name}``. These spans are cut out of the sentence and the pieces between
them are translated on their own (``Hello {name}, welcome`` → ``Hello`` + ``{name}`` +
``, welcome``); the span stays where it was. ``bench/integrity.py`` compares this with
placeholder tokens the model should copy: on the fixture models pieces and number
placeholders (which these models copy, as they copy every number) were right on 96 of
96 sentences per pair, tag placeholders (``<x1>``) on none. Pieces won the tie because
they keep the span by construction: a real model may move, translate or drop a
placeholder, and a number placeholder cannot be told from the text's own numbers.

Full-width Latin letters and digits (``ＡＢＣ１２３``) are NFKC-normalised on the way in
when the model's vocabulary lacks them (:func:`fold_full_width`), since the model would
otherwise see one unknown token.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

__all__ = ["fold_full_width", "protected_spans"]

_EMOJI_CHAR = "\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u2300-\u23FF"
_PATTERNS = [
    r"`[^`\n]+`",  # inline code
    r"(?:\b(?:https?|ftp|file)://|\bwww\.)[^\s<>\"'`\u3000-\u303F\uFF00-\uFF60]+",  # URL
    r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+",  # e-mail
    r"(?<![\w/])(?:~|\.{1,2})?/[\w.~-]+(?:/[\w.~-]+)+/?",  # /usr/bin, ~/a/b, ./x/y
    r"(?<![\w/])(?:~|\.{1,2})/[\w.~-]+",  # ~/notes.txt, ./run.sh
    r"\b[A-Za-z]:\\(?:[\w .-]+\\)*[\w.-]+",  # C:\Users\me\file.txt
    r"(?<![\w/@])[\w.-]+(?:/[\w.-]+)+\.[A-Za-z][A-Za-z0-9]{0,4}\b",  # docs/readme.md
    r"\{\{[^{}\n]{0,64}\}\}",  # {{var}}
    r"\$?\{[\w.:!\[\]-]{0,64}\}",  # {name}, {0}, {}, ${var}
    r"%(?:\(\w+\))?[-+#0]*\d*(?:\.\d+)?[sdifFeEgGxXocru]",  # %s, %(x)d, %5.2f
    r"(?<![\w@])@[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*",  # @mention
    r"(?<![\w#&])#[^\W\d_][\w-]*",  # #hashtag
    rf"[{_EMOJI_CHAR}\U0001F1E6-\U0001F1FF](?:[\uFE0F\u20E3\U0001F3FB-\U0001F3FF]"
    rf"|\u200D[{_EMOJI_CHAR}])*",  # emoji with modifiers and ZWJ sequences
]
_SPAN = re.compile("|".join(f"(?:{p})" for p in _PATTERNS))
# Cheap pre-check: a sentence without any of these characters has no span at all.
_TRIGGER = re.compile(rf"[`/\\@#%{{}}{_EMOJI_CHAR}\U0001F1E6-\U0001F1FF]|www\.")
_TRAILING = ".,;:!?'\")]}"


def protected_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every protected span in ``text``, in order, not overlapping."""
    if not _TRIGGER.search(text):
        return []
    spans = []
    for match in _SPAN.finditer(text):
        start, end = match.span()
        if text[start] not in "`{%$":  # trailing punctuation ends the sentence, not the URL
            end = start + len(_trim(text[start:end]))
        if end > start and not text[start:end].isdigit():
            spans.append((start, end))
    return spans


def _trim(span: str) -> str:
    while span and span[-1] in _TRAILING:
        if span[-1] == ")" and span.count("(") >= span.count(")"):
            break  # https://en.wikipedia.org/wiki/Python_(language)
        span = span[:-1]
    return span


_FULL_WIDTH = re.compile("[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]+")


def fold_full_width(text: str, known: Callable[[str], bool]) -> str:
    """``ＡＢＣ１２３`` as ``ABC123`` where the model does not know the full-width letters.

    ``known(char)`` says whether the model's vocabulary has a character; only full-width
    Latin letters and digits are folded (full-width punctuation is ordinary CJK text).
    """
    if not _FULL_WIDTH.search(text):
        return text
    return _FULL_WIDTH.sub(
        lambda m: m.group() if all(known(c) for c in m.group())
        else unicodedata.normalize("NFKC", m.group()), text)
