"""Split text into sentences without a model, keeping every separator verbatim.

The engine translates sentences, so text is cut into an alternating sequence of
*separators* (whitespace, line breaks, list markers: kept byte for byte) and *sentences*
(translated). Joining them again restores the layout exactly.

Rules, in order of importance:

* a line break always ends a sentence (paragraphs and lines survive as they are), and a
  list marker at the start of a line (``1.``, ``2)``, ``a.``, ``iv.``) is kept, not
  translated, so it never becomes a sentence of its own;
* never merge two ordinary sentences: models trained on single sentences drop the
  second one. A period after a word ends the sentence unless the word is a known
  non-breaking prefix of the language (:mod:`.prefixes`: ``Mr.``, ``e.g.``; ``No.`` and
  ``p.`` only before a number; ``etc.`` and ``Inc.`` only before a lower-case word) or
  an initial (``J. R. R. Tolkien``);
* ``. ! ?`` end a sentence when followed by whitespace (so ``3.5`` and URLs stay whole)
  or directly by Chinese, Japanese or Korean text (``你好!我是小明.你呢?``);
* ``。！？｡．`` (and the full stops of Hindi, Arabic, Urdu...) end a sentence with no
  space after them, except before a closing quote that text goes on after
  (``「やめて！」と彼女は叫んだ。`` is one sentence);
* a quote that closes after ``!`` or ``?`` and goes on in lower case (``"Stop!" he said``)
  does not end the sentence.

Every step looks at a bounded neighbourhood of each punctuation mark, so splitting is
linear in the length of the text, however long its lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from offline_nlp.engine.prefixes import SPACED_ABBREVIATIONS, Prefixes, prefixes_for

__all__ = ["Piece", "join_sentences", "split_text"]

# Closing quotes and brackets, including German „…“ and ‚…‘; “ and ‘ also open a quote.
_CLOSERS = "\"'”’“‘»›)]}」』）】〕〉》〗"
_OPENERS = "\"'“‘„‚«‹([{¿¡「『（【〔〈《〖"
_CLOSE_ONLY = "".join(c for c in _CLOSERS if c not in _OPENERS)
# Full stops that end a sentence whatever follows: CJK (。！？｡．), Devanagari (। ॥), Arabic
# and Urdu (؟ ۔), Armenian (։), Ethiopic (።), Myanmar (။).
_FULL_STOPS = "。！？｡．।॥؟۔։።။"
_BREAKS = "\n\r\x0b\x0c\x85\u2028\u2029"
# Horizontal whitespace: whitespace that is not a line break.
_H = r"[^\S" + _BREAKS + r"]"

# A line break with the whitespace around it. The look-behind makes a match start only
# at the beginning of a run of spaces, which keeps long runs without a break linear.
_LINE_GAP = re.compile(r"(?<!" + _H + r")" + _H + r"*[" + _BREAKS + r"]\s*")
# A run of sentence-final punctuation and the closing quotes/brackets after it. Greedy
# and unconditional, so a run is matched once from its start (no re-scanning).
_TERMINATOR_CHARS = ".!?…‼⁇⁈⁉" + _FULL_STOPS
_TERMINATOR = re.compile(r"([" + _TERMINATOR_CHARS + r"]+)([" + re.escape(_CLOSERS) + r"]*)")
_SPACES = re.compile(r"\s*")
# Han, Kana, Hangul and full-width forms: scripts where a sentence may start unspaced.
_CJK_RANGES = ("\u1100-\u11ff\u2e80-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff"
               "\uff00-\uffef\U00020000-\U0003ffff")
# What ends the word before a period: space, an opening quote, a dash, a CJK character
# (他叫Mr. Wang: the word is "Mr").
_STOPS = r"\s" + re.escape(_OPENERS + "—–/") + _CJK_RANGES
_WORD_STOP = re.compile(r"[" + _STOPS + r"]")
# Longest word looked at before a period: abbreviations are short.
_MAX_WORD = 32
# The word that ends where a search ends; the look-behind starts it only at a word's
# beginning, so a search in a window of _MAX_WORD characters costs _MAX_WORD steps.
_WORD_AT_END = re.compile(rf"(?<![^{_STOPS}])[^{_STOPS}]{{1,{_MAX_WORD}}}\Z")
_CJK_CHAR = re.compile(r"[" + _CJK_RANGES + r"]")
_NEXT_CHAR = re.compile(r"[" + re.escape(_OPENERS) + r"]{0,8}(\S)")
_WORD_CHAR = re.compile(r"\w")
_LETTER_DOT = re.compile(r"[^\W\d_]\.")
_NEXT_WORD = re.compile(r"\w+")
# List markers kept out of the translation: "1. ", "1.2. ", "2) ", "(3) ", "a. ", "iv) ".
# E-mail quote prefixes (">", ">> ", "> > ") and bullets ("- ", "* ", "• ") at the start of
# a line: kept as they are, never sent to the model (which drops or translates them).
_LINE_PREFIX = re.compile(r"(?:>[ \t]?)+(?=[\w\s\"'(“‘«*+•‣▪◦-]|$)(?:[-*+•‣▪◦][ \t]+)?"
                          r"|[-*+•‣▪◦][ \t]+")
_MARKER = re.compile(r"(?:\d{1,3}(?:\.\d{1,3})*[.)]|\(\d{1,3}\)|[a-z][.)]|[A-Z]\)|\([a-zA-Z]\)"
                     r"|[ivx]{1,4}[.)]|\([ivx]{1,4}\)|[IVX]{2,4}\.)(?:\s+|$)")
# Korean particles that follow a closed quote: "가자!" 하고 말했다.
_KOREAN_QUOTATIVES = ("하고", "하며", "하면서", "하는", "라고", "라며", "라는", "이라고", "이라며", "고 ")


@dataclass(frozen=True)
class Piece:
    """A stretch of the input: a sentence to translate, or a separator to keep."""

    text: str
    is_sentence: bool


class _Pieces:
    """Collects pieces, joining adjacent separators into one."""

    def __init__(self) -> None:
        self.pieces: list[Piece] = []
        self._separator: list[str] = []

    def separator(self, text: str) -> None:
        if text:
            self._separator.append(text)

    def sentence(self, text: str) -> None:
        self._flush()
        self.pieces.append(Piece(text, True))

    def done(self) -> list[Piece]:
        self._flush()
        return self.pieces

    def _flush(self) -> None:
        if self._separator:
            self.pieces.append(Piece("".join(self._separator), False))
            self._separator = []


def split_text(text: str, language: str | None = None) -> list[Piece]:
    """Cut ``text`` into sentences and separators; ``"".join`` gives ``text`` back.

    ``language`` is an Argos code (``en``, ``de``, ``zh``...) choosing the abbreviations
    that do not end a sentence; ``None`` uses generic (English) ones.
    """
    prefixes = prefixes_for(language)
    out = _Pieces()
    start = 0
    for gap in _LINE_GAP.finditer(text):
        _split_line(text[start:gap.start()], prefixes, out)
        out.separator(gap.group())
        start = gap.end()
    _split_line(text[start:], prefixes, out)
    return out.done()


def _split_line(line: str, prefixes: Prefixes, out: _Pieces) -> None:
    """Split one line (no line breaks inside) into sentences and the spaces between."""
    body = line.strip()
    if not body:
        out.separator(line)
        return
    lead = len(line) - len(line.lstrip())
    out.separator(line[:lead])
    prefix = _LINE_PREFIX.match(body)
    start = prefix.end() if prefix else 0
    marker = _MARKER.match(body, start)
    if marker and not _is_date(body, marker, prefixes):
        start = marker.end()
    out.separator(body[:start])
    scanned, has_word = start, False
    for match in _TERMINATOR.finditer(body, start):
        if match.start() < start:
            continue
        if not has_word:  # punctuation with no word before it is not a sentence yet
            has_word = _WORD_CHAR.search(body, scanned, match.start()) is not None
            scanned = match.start()
            if not has_word:
                continue
        end = _sentence_end(body, match, prefixes)
        if end is None:
            continue
        gap = _SPACES.match(body, end).end()
        out.sentence(body[start:end])
        out.separator(body[end:gap])
        start = scanned = gap
        has_word = False
    if start < len(body):
        out.sentence(body[start:])
    out.separator(line[lead + len(body):])


def _is_date(line: str, marker: re.Match[str], prefixes: Prefixes) -> bool:
    """German "3. Oktober" at the start of a line is a date, not a list marker."""
    return (prefixes.ordinal_nouns is not None and marker.group().rstrip()[-1] == "."
            and _is_ordinal_context(line, marker.end(), "other", prefixes.ordinal_nouns))


def _sentence_end(line: str, match: re.Match[str], prefixes: Prefixes) -> int | None:
    """Where the sentence ends if ``match`` (punctuation + closers) ends one, else None."""
    punct, closers = match.group(1), match.group(2)
    end = match.end()
    if end < len(line) - 1 and line[end] in " \u00a0\u202f" and line[end + 1] in "»”":
        # French spacing: « Bonjour ! » dit-il. The guillemet belongs to the sentence.
        end = _SPACES.match(line, end).end()
        while end < len(line) and line[end] in _CLOSERS:
            end += 1
        closers = "»"
    if end >= len(line):
        return None  # the end of the line ends the sentence anyway
    after = line[end]
    if after.isspace():
        return end if _ends_before_space(line, match.start(), punct, closers,
                                         _SPACES.match(line, end).end(), prefixes) else None
    return end if _ends_before_text(line, match.start(), punct, closers, after,
                                    prefixes) else None


def _ends_before_space(line: str, dot: int, punct: str, closers: str, next_at: int,
                       prefixes: Prefixes) -> bool:
    """``punct`` then whitespace: the Latin-script case."""
    if any(c in _FULL_STOPS for c in punct):
        return True
    following = line[next_at]
    if following in _TERMINATOR_CHARS or following in _CLOSE_ONLY:
        return False  # a spaced ellipsis ". . ." or a French "» " goes on
    if dot > 0 and line[dot - 1] == "[" and closers.startswith("]"):
        return False  # an omission "[...]" inside a quotation
    if closers and line.startswith(_KOREAN_QUOTATIVES, next_at):
        return False  # 그녀는 "가자!" 하고 말했다: a quotative particle goes on
    kind = _next_kind(line, next_at)
    if punct == ".":
        if closers and kind == "lower":
            return False  # '"This is great." she said', '(… an engineer.) at the'
        return _period_ends(line, dot, kind, next_at, prefixes)
    if "!" in punct or "?" in punct or "‼" in punct:
        # '"Stop!" he said' goes on; 'Were you there? carry on' is two sentences, as
        # a merge would lose one at the model ('Yahoo! is' splits: a split costs less).
        return not (closers and kind == "lower")
    return kind != "lower"  # an ellipsis goes on in lower case: 'I wonder... maybe'


def _ends_before_text(line: str, dot: int, punct: str, closers: str, after: str,
                      prefixes: Prefixes) -> bool:
    """``punct`` directly followed by a character: only CJK and Korean end here."""
    if after in _OPENERS:  # 東京へ行きます。「はい」, 你好!「
        return any(c in _FULL_STOPS for c in punct) or (
            punct in ("!", "?") and dot > 0 and _is_cjk(line[dot - 1]))
    if not after.isalnum():
        return False  # more punctuation follows ("！」。", "?!", "。，"): it decides
    if closers:
        return False  # 「やめて！」と彼女は叫んだ。: the quote closes, the sentence goes on
    if any(c in _FULL_STOPS for c in punct):
        # A full-width period inside Latin letters or digits ("３．５", "ｅｘａｍｐｌｅ．ｃｏｍ").
        return not (punct == "．" and _is_latin_or_digit(after))
    if not _is_cjk(after):
        return False  # "3.5", "example.com", "Yahoo!Mail"
    if punct == ".":
        # 你好!我是小明.你呢? — no space after ".", but 他叫Mr.王 stays whole.
        return _period_ends(line, dot, "other", dot + 1, prefixes)
    return "." not in punct and "…" not in punct  # "等等...然后" goes on


def _period_ends(line: str, dot: int, kind: str, next_at: int, prefixes: Prefixes) -> bool:
    """Does the single ``.`` at ``dot`` end the sentence, given the next word's ``kind``?"""
    word = _word_before(line, dot)
    if word is None:
        return True  # a long token (a URL, a path): not an abbreviation
    if not word:  # no word: 他是小明.你呢, or the last dot of a spaced ellipsis ". . . and"
        return not (dot > 0 and line[dot - 1].isspace() and kind == "lower")
    if word.isdigit():
        return not (prefixes.ordinal_nouns is not None and len(word) <= 3
                    and _is_ordinal_context(line, next_at, kind, prefixes.ordinal_nouns))
    if prefixes.is_plain(word):
        return False
    if len(word) == 1 and word.isalpha():
        if word.isupper() and (word not in prefixes.words or _after_name(line, dot - 1)):
            return False  # an initial: "J. R. R. Tolkien", "Albert I. Jones"
        # "z. B.", "d. h.", "e. g.": letters of one abbreviation, in any language (but
        # "и т. д. Потом" ends: the last letter goes on only in a known pair).
        return (kind not in ("lower", "digit") and not _LETTER_DOT.match(line, next_at)
                and line[max(0, dot - 4):dot] not in SPACED_ABBREVIATIONS)
    if kind == "digit" and (prefixes.is_numeric(word) or prefixes.is_continued(word)):
        return False
    # "etc. and", "p.m. today", "U.S. and" go on; anything else ends the sentence.
    return not (kind == "lower" and (prefixes.is_continued(word) or "." in word))


def _word_before(line: str, dot: int) -> str | None:
    """The word ending at ``dot``, after opening quotes; None when longer than any prefix."""
    if dot == 0 or _WORD_STOP.match(line, dot - 1):
        return ""
    word = _WORD_AT_END.search(line, max(0, dot - _MAX_WORD), dot)
    return word.group() if word else None


def _after_name(line: str, letter: int) -> bool:
    """Is the single letter at ``letter`` preceded by a capitalised word ("Albert I.")?"""
    if letter < 2 or line[letter - 1] != " ":
        return False
    word = _word_before(line, letter - 1) or ""
    return len(word) > 1 and word[0].isupper() and word[1:].islower()


def _next_kind(line: str, at: int) -> str:
    """"digit", "lower" or "other" for the word starting at ``at`` (after open quotes)."""
    found = _NEXT_CHAR.match(line, at)
    char = found.group(1) if found else ""
    if char.isdigit():
        return "digit"
    return "lower" if char.islower() else "other"


def _is_ordinal_context(line: str, at: int, kind: str, nouns: frozenset[str]) -> bool:
    """German "am 3. Oktober", "im 19. Jahrhundert", "der 2. und 3. Platz"."""
    if kind == "lower":
        return True
    word = _NEXT_WORD.match(line, at)
    return word is not None and word.group() in nouns


def _is_cjk(char: str) -> bool:
    return _CJK_CHAR.match(char) is not None


def _is_latin_or_digit(char: str) -> bool:
    code = ord(char)
    return (char.isascii() and char.isalnum()) or 0xFF10 <= code <= 0xFF19 \
        or 0xFF21 <= code <= 0xFF3A or 0xFF41 <= code <= 0xFF5A


def _is_wide(char: str) -> bool:
    """Characters of scripts written without spaces between sentences."""
    code = ord(char)
    return (
        0x3000 <= code <= 0x30FF  # CJK punctuation, hiragana, katakana
        or 0x3400 <= code <= 0x9FFF  # CJK ideographs
        or 0xF900 <= code <= 0xFAFF
        or 0xFF00 <= code <= 0xFF60  # full-width forms
        or 0x20000 <= code <= 0x2FFFF
    )


def join_sentences(pieces: list[Piece], translations: list[str]) -> str:
    """Put translated sentences back between the original separators.

    A separator without a line break is adapted to the output script: translating
    Chinese into English needs a space between sentences that had none, and translating
    English into Chinese must not leave one between ``。`` and the next sentence. Line
    breaks and list markers are kept as they are.
    """
    out: list[str] = []
    outputs = list(translations)
    done = 0  # sentences placed so far: outputs[done] is the next one
    for index, piece in enumerate(pieces):
        following = outputs[done] if done < len(outputs) else ""
        if piece.is_sentence:
            if out and index > 0 and pieces[index - 1].is_sentence:
                out.append(_gap("", out[-1], following))
            out.append(following)
            done += 1
        elif (index == 0 or index == len(pieces) - 1 or not piece.text.isspace()
              or any(c in _BREAKS for c in piece.text)):
            out.append(piece.text)
        else:
            out.append(_gap(piece.text, out[-1] if out else "", following))
    return "".join(out)


def _gap(separator: str, previous: str, following: str) -> str:
    """No space between two sentences written without spaces (``。`` then ``乙``, or
    ``。`` then ``642.95元``); a kept Chinese sentence in an English text keeps the space
    before the next, English, one."""
    if previous and _is_wide(previous[-1]) and any(_is_wide(c) for c in following):
        return ""
    if previous and _is_wide(previous[-1]) and not separator:
        return ""
    return separator or " "
