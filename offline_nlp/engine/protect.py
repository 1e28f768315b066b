"""Spans of a sentence that must come back verbatim: URLs, addresses, code, placeholders.

A translation model turns ``https://example.org`` into invented words, drops ``😊`` and
translates ``{name}``. These spans are taken out of the sentence, the rest is translated
as one sentence, and each span is put back where the word alignment puts the words
beside it (:mod:`offline_nlp.engine.reinsert`, as Firefox Translations re-inserts
markup). Translating the pieces between spans on their own is the fallback: models are
trained on whole sentences and end, loop or invent words in a fragment.
``bench/integrity.py`` measures both ways.

Also kept: emoji as whole grapheme clusters (flags ``🇯🇵``, keycaps ``1️⃣``, tag-sequence
flags, ZWJ sequences; the third-party ``regex`` module's grapheme pattern would add a C
extension to the core install for this one pattern), and numbers with inner punctuation
(``3.14``, ``07.05.2024``, ``10:30``, ``2.0.1``, ``+1 (555) 123-4567``).

A :class:`Span` carries the text to put back, so other spans (glossary terms) can use
the same mechanism with a replacement.

Full-width Latin letters and digits (``ＡＢＣ１２３``) are NFKC-normalised on the way in
when the model's vocabulary lacks them (:func:`fold_full_width`), since the model would
otherwise see one unknown token.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Span", "fold_full_width", "is_number", "protected_spans", "spans_of"]


@dataclass(frozen=True)
class Span:
    """``sentence[start:end]`` is not translated; ``put_back`` goes into the output.

    ``kind`` says why: ``"protected"`` (URL, code, emoji, number...), ``"foreign"``
    (a word in a script the source language is not written in, reported as kept),
    ``"term"`` (a glossary term, whose ``put_back`` is its translation) or
    ``"invisible"`` (a zero-width or control character the model does not know).
    """

    start: int
    end: int
    put_back: str
    kind: str = "protected"


_EMOJI_CHAR = "\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u2300-\u23FF"
# What extends an emoji into one grapheme cluster: variation selector, keycap, skin
# tones, tags (England's flag), and a ZWJ with the next emoji (👨‍👩‍👧).
_EMOJI_MORE = (rf"(?:[\uFE0F\u20E3\U0001F3FB-\U0001F3FF]|[\U000E0020-\U000E007F]"
               rf"|\u200D[{_EMOJI_CHAR}])*")
_PATTERNS = [
    r"`[^`\n]+`",  # inline code
    # URL; it may follow CJK text without a space, and ends where CJK text starts
    r"(?:(?<![A-Za-z0-9])(?:https?|ftp|file)://|(?<![A-Za-z0-9.])www\.)"
    r"[^\s<>\"'`\u2E80-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF\uFF00-\uFF60]+",
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
    r"[\U0001F1E6-\U0001F1FF]{2}",  # a flag: two regional indicators
    r"[0-9#*]\uFE0F?\u20E3",  # keycap 1️⃣
    rf"[{_EMOJI_CHAR}\U0001F1E6-\U0001F1FF]{_EMOJI_MORE}",  # emoji, whole clusters
    r"(?<![\w+])\+\d{1,3}(?:[ .-]?\(\d{1,4}\)|[ .-]?\d{2,})+(?!\w)",  # +1 (555) 123-4567
    r"(?<![\w(])\(\d{2,4}\) ?\d{3}[ .-]\d{3,4}(?!\w)",  # (555) 123-4567
    r"(?<![\w.,:/-])[vV]?\d+(?:[.,:/-]\d+)+(?![\w]|[.,:/-]\d)",  # 3.14 07.05.2024 10:30 v2.0.1
]
_SPAN = re.compile("|".join(f"(?:{p})" for p in _PATTERNS))
# Cheap pre-check: a sentence without any of these characters has no span at all.
_TRIGGER = re.compile(rf"[`/\\@#%{{}}{_EMOJI_CHAR}\U0001F1E6-\U0001F1FF\u20E3]|www\."
                      r"|\d[.,:/-]\d|\+\d|\(\d")
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


def spans_of(text: str) -> list[Span]:
    """:func:`protected_spans` as :class:`Span` objects that put back their own text."""
    return [Span(start, end, text[start:end]) for start, end in protected_spans(text)]


_NUMBER = re.compile(r"[+(]?[vV]?\d[\d.,:/() -]*")


def is_number(text: str) -> bool:
    """Whether a span is a number (``3.14``, ``10:30``, a phone number): written without
    spaces next to Chinese or Japanese words, unlike a URL."""
    return _NUMBER.fullmatch(text) is not None


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
