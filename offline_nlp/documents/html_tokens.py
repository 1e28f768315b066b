"""HTML read as tokens whose bytes join to exactly the source, and the kinds of tags.

The standard library's tolerant tokenizer finds the tags; each token keeps its exact
source bytes (``original``), so everything not translated is written back byte for byte.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from offline_nlp.documents._encoding import decode_bytes
from offline_nlp.documents.base import is_translatable
from offline_nlp.documents.markup import CLOSE, OBJECT, OPEN, TEXT, Tok

INLINE = frozenset(
    [
        "a",
        "abbr",
        "acronym",
        "b",
        "bdi",
        "bdo",
        "big",
        "cite",
        "data",
        "del",
        "dfn",
        "em",
        "font",
        "i",
        "ins",
        "label",
        "mark",
        "q",
        "rb",
        "ruby",
        "s",
        "small",
        "span",
        "strike",
        "strong",
        "sub",
        "sup",
        "time",
        "tt",
        "u",
        "nobr",
    ]
)
VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)
#: copied untouched; inside a sentence they are objects
SKIP = frozenset(
    [
        "script",
        "style",
        "pre",
        "code",
        "kbd",
        "samp",
        "var",
        "textarea",
        "svg",
        "math",
        "template",
        "rt",
        "rp",
        "noscript",
    ]
)
WS = " \t\r\n\f"


@dataclass
class HTok(Tok):
    attrs: list[tuple[str, str | None]] = field(default_factory=list)
    original: str = ""


class _Tokenizer(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.events: list[tuple[int, str, str, list[tuple[str, str | None]]]] = []

    def _at(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def handle_starttag(self, tag, attrs):
        self.events.append((self._at(), "start", tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.events.append((self._at(), "startend", tag, attrs))

    def handle_endtag(self, tag):
        self.events.append((self._at(), "end", tag, []))

    def handle_data(self, data):
        self.events.append((self._at(), "text", "", []))

    def handle_entityref(self, name):
        self.events.append((self._at(), "text", "", []))

    def handle_charref(self, name):
        self.events.append((self._at(), "text", "", []))

    def handle_comment(self, data):
        self.events.append((self._at(), "other", "", []))

    def handle_decl(self, decl):
        self.events.append((self._at(), "other", "", []))

    def handle_pi(self, data):
        self.events.append((self._at(), "other", "", []))

    def unknown_decl(self, data):
        self.events.append((self._at(), "other", "", []))


def tokenize(source: str) -> list[HTok]:
    """Tokens whose ``raw`` strings concatenate to exactly ``source``."""
    parser = _Tokenizer(source)
    parser.feed(source)
    parser.close()
    events = sorted(parser.events, key=lambda e: e[0])
    toks: list[HTok] = []
    if events and events[0][0] > 0:
        events.insert(0, (0, "text", "", []))
    for k, (start, kind, tag, attrs) in enumerate(events):
        end = events[k + 1][0] if k + 1 < len(events) else len(source)
        if end <= start:
            continue
        raw = source[start:end]
        if kind == "text":
            if toks and toks[-1].kind == TEXT:
                toks[-1].raw += raw
                toks[-1].original = toks[-1].raw
                continue
            toks.append(HTok(TEXT, raw))
        elif kind in ("start", "startend"):
            t = HTok(OPEN, raw, tag.lower(), attrs=list(attrs))
            t.self_closing = kind == "startend" or raw.rstrip().endswith("/>")  # type: ignore[attr-defined]
            toks.append(t)
        elif kind == "end":
            toks.append(HTok(CLOSE, raw, tag.lower()))
        else:
            toks.append(HTok(OBJECT, raw))
    if not toks and source:
        toks.append(HTok(TEXT, source))
    for t in toks:
        t.original = t.raw
        if t.kind == TEXT:
            t.text = html.unescape(t.raw)
    assert "".join(t.raw for t in toks) == source
    return toks


def is_skipped(t: HTok) -> bool:
    if t.name in SKIP:
        return True
    for k, v in t.attrs:
        if k == "translate" and (v or "").lower() == "no":
            return True
        if k == "class" and "notranslate" in (v or "").split():
            return True
    return False



def split_lead(t: HTok) -> tuple[HTok | None, HTok]:
    stripped = t.raw.lstrip(WS)
    n = len(t.raw) - len(stripped)
    if n == 0:
        return None, t
    ws = HTok(TEXT, t.raw[:n], text=t.raw[:n])
    rest = HTok(TEXT, stripped, text=html.unescape(stripped))
    ws.original, rest.original = ws.raw, rest.raw
    return ws, rest


def split_trail(t: HTok) -> tuple[HTok, HTok | None]:
    stripped = t.raw.rstrip(WS)
    n = len(t.raw) - len(stripped)
    if n == 0:
        return t, None
    ws = HTok(TEXT, t.raw[len(stripped) :], text=t.raw[len(stripped) :])
    rest = HTok(TEXT, stripped, text=html.unescape(stripped))
    ws.original, rest.original = ws.raw, rest.raw
    return rest, ws


#: a note reference (``<a href="#fn1"><sup>1</sup></a>``) is at most this many tokens
_NOTE_REF_TOKENS = 8


def note_reference_end(toks: Sequence[HTok], i: int) -> int | None:
    """End index of a link or superscript holding only a number or symbol, else None.

    ``<a href="#fn1"><sup>1</sup></a>`` is a footnote reference, not words: as an object it
    keeps its link and moves with the word it follows instead of being glued to it.
    Bounded look-ahead, so the scan stays linear.
    """
    first = toks[i]
    if first.kind != OPEN or first.name not in ("a", "sup") or getattr(first, "self_closing", False):
        return None
    depth = 0
    text = []
    for j in range(i, min(len(toks), i + _NOTE_REF_TOKENS)):
        t = toks[j]
        if t.kind == TEXT:
            text.append(t.text)
        elif t.kind not in (OPEN, CLOSE) or t.name not in INLINE:
            return None
        elif t.kind == OPEN:
            depth += t.name == first.name
        elif t.name == first.name:
            depth -= 1
            if depth == 0:
                mark = "".join(text).strip()
                return j if mark and len(mark) <= 6 and not is_translatable(mark) else None
    return None


def subtree_end(toks: Sequence[HTok], i: int) -> int:
    name = toks[i].name
    depth = 0
    for j in range(i, len(toks)):
        t = toks[j]
        if t.kind == OPEN and t.name == name and not getattr(t, "self_closing", False):
            depth += 1
        elif t.kind == CLOSE and t.name == name:
            depth -= 1
            if depth == 0:
                return j
    return len(toks) - 1


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)["']""")


def decode_html(data: bytes, path: Path) -> tuple[str, str, bytes]:
    """(text, encoding, bom): BOM, then XML declaration or meta charset, then detection."""
    head = data[:4096]
    for bom, enc in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(enc, errors="replace"), enc, bom
    m = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    if m:
        enc = m.group(1).decode("ascii").lower()
        try:
            return data.decode(enc), enc, b""
        except (LookupError, UnicodeDecodeError):
            pass
    decoded = decode_bytes(data, path)
    return decoded.text, decoded.encoding, decoded.bom
