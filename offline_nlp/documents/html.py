"""HTML and XHTML, rewritten in place: only translated text changes, every other byte stays.

The file is cut into tokens by the standard library's tolerant HTML tokenizer, keeping
each token's exact source bytes. Block elements (``p``, ``li``, ``td``, ``h1``...) end a
*region*; the text and inline tags inside a region (``b``, ``a``, ``span``...) form one
segment whose tags are carried onto the translated words (:mod:`.markup`,
:mod:`.inline`). ``script``, ``style``, ``pre``, ``code``, ``kbd``, ``samp``, ``textarea``,
``svg``, ``math`` and anything marked ``translate="no"`` or ``class="notranslate"`` are
copied untouched; inside a sentence they are objects that move with the words. Of the
attributes only ``alt`` and ``title`` are translated. A link or superscript that holds
only a number or symbol (a footnote reference) is an object too. Whitespace inside a region is
collapsed to single spaces (as the browser shows it); ``<br>`` becomes a line break.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from offline_nlp.documents._encoding import decode_bytes
from offline_nlp.documents.base import (
    Document,
    Segment,
    Sink,
    is_translatable,
    open_sink,
    parse_error,
)
from offline_nlp.documents.markup import (
    BREAK,
    CLOSE,
    OBJECT,
    OPEN,
    TEXT,
    InlineRegion,
    Tok,
    analyse,
    translate_region,
)
from offline_nlp.engine.types import Translation

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
#: duplicated whole for bilingual output when they hold one region
DUPLICABLE = frozenset(
    [
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "dt",
        "dd",
        "blockquote",
        "figcaption",
        "caption",
    ]
)
TRANSLATED_ATTRS = ("alt", "title")
_ATTR = re.compile(r"""(\s(alt|title)\s*=\s*)("([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.IGNORECASE)
_WS = " \t\r\n\f"


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


def _skipped(t: HTok) -> bool:
    if t.name in SKIP:
        return True
    for k, v in t.attrs:
        if k == "translate" and (v or "").lower() == "no":
            return True
        if k == "class" and "notranslate" in (v or "").split():
            return True
    return False


@dataclass
class _Region:
    tokens: list[HTok]
    inline: InlineRegion
    block_start: int | None = None  # chunk index of the enclosing block's start tag


@dataclass
class _Attr:
    tok: HTok
    name: str
    value: str


class HtmlDocument(Document):
    def __init__(
        self,
        path: Path,
        source: str,
        encoding: str,
        bom: bytes = b"",
        xhtml: bool = False,
        only_blocks: frozenset[str] | None = None,
    ) -> None:
        super().__init__(path)
        self._only = only_blocks
        self._encoding = encoding
        self._bom = bom
        self._xhtml = xhtml
        self._toks = tokenize(source)
        # chunks: HTok (copied) or _Region (rendered)
        self._chunks: list[HTok | _Region] = []
        self._units: list[_Region | _Attr] = []
        self._duplicable: dict[int, int] = {}  # region chunk index -> block start chunk index
        self._build()

    # --- analysis ---------------------------------------------------------------------
    def _build(self) -> None:
        toks = self._toks
        pending: list[HTok] = []
        blocks: list[tuple[str, int, list[int]]] = []  # (name, chunk index, region chunk ids)
        # how many of each name are open: "is this closing tag open at all?" in O(1), so
        # 100,000 nested blocks take linear time, not a scan of the stack per closing tag
        open_names: Counter[str] = Counter()

        def flush() -> None:
            if not pending:
                return
            lead: list[HTok] = []
            trail: list[HTok] = []
            body = list(pending)
            pending.clear()
            while body and body[0].kind == TEXT and not body[0].raw.strip(_WS):
                lead.append(body.pop(0))
            while body and body[-1].kind == TEXT and not body[-1].raw.strip(_WS):
                trail.insert(0, body.pop())
            if body and body[0].kind == TEXT:
                ws, rest = _split_lead(body[0])
                if ws is not None:
                    lead.append(ws)
                    body[0] = rest
            if body and body[-1].kind == TEXT:
                rest, ws = _split_trail(body[-1])
                if ws is not None:
                    trail.insert(0, ws)
                    body[-1] = rest
            self._chunks.extend(lead)
            if body:
                region = analyse(body, collapse_space=True)
                inside = blocks[-1][0] if blocks else ""
                if is_translatable(region.text) and (self._only is None or inside in self._only):
                    r = _Region(body, region)
                    if blocks:
                        blocks[-1][2].append(len(self._chunks))
                    self._units.append(r)
                    self._chunks.append(r)
                else:
                    self._chunks.extend(body)
            self._chunks.extend(trail)

        i = 0
        while i < len(toks):
            t = toks[i]
            if (
                t.kind == OPEN
                and _skipped(t)
                and not getattr(t, "self_closing", False)
                and t.name not in VOID
            ):
                j = _subtree_end(toks, i)
                obj = HTok(OBJECT, "".join(x.raw for x in toks[i : j + 1]))
                obj.original = obj.raw
                if (
                    t.name in ("pre", "script", "style", "textarea", "template", "noscript")
                    or not pending
                ):
                    flush()
                    self._chunks.append(obj)
                    if blocks:
                        blocks[-1][2].append(-1)  # block holds more than one region: no duplication
                else:
                    pending.append(obj)
                i = j + 1
                continue
            ref_end = _note_reference_end(toks, i)
            if ref_end is not None:
                obj = HTok(OBJECT, "".join(x.raw for x in toks[i : ref_end + 1]))
                obj.original = obj.raw
                pending.append(obj)
                i = ref_end + 1
                continue
            self._collect_attrs(t)
            if t.kind == OPEN:
                if t.name == "br":
                    t.kind = BREAK
                    pending.append(t)
                elif t.name in VOID:
                    if t.name in ("img", "wbr", "input") and pending:
                        t.kind = OBJECT
                        pending.append(t)
                    else:
                        flush()
                        self._chunks.append(t)
                elif t.name in INLINE:
                    pending.append(t)
                else:
                    flush()
                    self._chunks.append(t)
                    if not getattr(t, "self_closing", False):
                        if blocks:  # a block inside a block (a nested list): the outer
                            blocks[-1][2].append(-1)  # one is not copied whole
                        blocks.append((t.name, len(self._chunks) - 1, []))
                        open_names[t.name] += 1
            elif t.kind == CLOSE:
                if t.name in INLINE:
                    pending.append(t)
                else:
                    flush()
                    if open_names[t.name]:
                        while blocks:
                            name, start, regions = blocks.pop()
                            open_names[name] -= 1
                            if name == t.name:
                                if name in DUPLICABLE and len(regions) == 1 and regions[0] >= 0:
                                    self._duplicable[regions[0]] = start
                                break
                    self._chunks.append(t)
            elif t.kind == TEXT:
                pending.append(t)
            else:
                if pending:
                    pending.append(t)
                else:
                    self._chunks.append(t)
            i += 1
        flush()

    def _collect_attrs(self, t: HTok) -> None:
        if t.kind != OPEN or not t.attrs or self._only is not None:
            return
        for name, value in t.attrs:
            if name in TRANSLATED_ATTRS and value and is_translatable(value):
                self._units.append(_Attr(t, name, value))

    # --- API ------------------------------------------------------------------------------
    def segments(self) -> list[Segment]:
        segs = []
        for i, u in enumerate(self._units):
            if isinstance(u, _Region):
                spans = u.inline.spans
                segs.append(Segment(u.inline.text, i, spans if len(spans) > 1 else ()))
            else:
                segs.append(Segment(u.value, i))
        return segs

    def _escape(self, text: str) -> str:
        return html.escape(text, quote=False)

    def write(
        self, dst: Sink, translations: Sequence[Translation], bilingual: bool = False
    ) -> None:
        self._check_count(translations)
        for t in self._toks:
            t.raw = t.original
        rendered: dict[int, str] = {}
        attr_values: dict[int, dict[str, str]] = {}
        for unit, tr in zip(self._units, translations, strict=True):
            if isinstance(unit, _Attr):
                value = f"{unit.value} / {tr.text}" if bilingual else tr.text
                attr_values.setdefault(id(unit.tok), {})[unit.name] = value
        for t in self._toks:
            if id(t) in attr_values:
                t.raw = _set_attrs(t.raw, attr_values[id(t)])
        for unit, tr in zip(self._units, translations, strict=True):
            if isinstance(unit, _Region):
                rendered[id(unit)] = translate_region(unit.inline, tr, self._escape, self._break())
        out: list[str] = []
        dup_at: dict[int, int] = {}
        if bilingual:
            dup_at = {start: region for region, start in self._duplicable.items()}
        for ci, chunk in enumerate(self._chunks):
            if ci in dup_at:
                end = self._block_end(dup_at[ci])
                out.append("".join(_original(c) for c in self._chunks[ci : end + 1]))
                out.append("\n")
            if isinstance(chunk, _Region):
                text = rendered[id(chunk)]
                if bilingual and self._duplicable.get(ci) is None:
                    original = _without_ids("".join(t.original for t in chunk.tokens))
                    sep = " / " if self._in_title(ci) else self._break()
                    text = original + sep + text
                out.append(text)
            else:
                out.append(chunk.raw)
        data = "".join(out)
        with open_sink(dst) as fh:
            fh.write(self._bom + data.encode(self._encoding, errors="xmlcharrefreplace"))

    def _break(self) -> str:
        return "<br/>" if self._xhtml else "<br>"

    def _in_title(self, ci: int) -> bool:
        for c in reversed(self._chunks[:ci]):
            if isinstance(c, HTok) and c.kind == OPEN:
                return c.name in ("title", "option")
        return False

    def _block_end(self, region_ci: int) -> int:
        for j in range(region_ci + 1, len(self._chunks)):
            c = self._chunks[j]
            if isinstance(c, HTok) and c.kind == CLOSE and c.name not in INLINE:
                return j
        return region_ci


def _original(chunk: HTok | _Region) -> str:
    """The chunk as read, for the original copy of bilingual output."""
    if isinstance(chunk, _Region):
        return _without_ids("".join(t.original for t in chunk.tokens))
    return _without_ids(chunk.original) if chunk.kind == OPEN else chunk.original


_ID = re.compile(r"""\sid\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+)""", re.IGNORECASE)


def _without_ids(raw: str) -> str:
    """``raw`` without ``id`` attributes: an id must stay unique, and links to it should
    land on the translation, which keeps it."""
    return _ID.sub("", raw) if "id" in raw.lower() else raw


def _split_lead(t: HTok) -> tuple[HTok | None, HTok]:
    stripped = t.raw.lstrip(_WS)
    n = len(t.raw) - len(stripped)
    if n == 0:
        return None, t
    ws = HTok(TEXT, t.raw[:n], text=t.raw[:n])
    rest = HTok(TEXT, stripped, text=html.unescape(stripped))
    ws.original, rest.original = ws.raw, rest.raw
    return ws, rest


def _split_trail(t: HTok) -> tuple[HTok, HTok | None]:
    stripped = t.raw.rstrip(_WS)
    n = len(t.raw) - len(stripped)
    if n == 0:
        return t, None
    ws = HTok(TEXT, t.raw[len(stripped) :], text=t.raw[len(stripped) :])
    rest = HTok(TEXT, stripped, text=html.unescape(stripped))
    ws.original, rest.original = ws.raw, rest.raw
    return rest, ws


#: a note reference (``<a href="#fn1"><sup>1</sup></a>``) is at most this many tokens
_NOTE_REF_TOKENS = 8


def _note_reference_end(toks: Sequence[HTok], i: int) -> int | None:
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


def _subtree_end(toks: Sequence[HTok], i: int) -> int:
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


def _set_attrs(raw: str, values: dict[str, str]) -> str:
    def repl(m: re.Match[str]) -> str:
        name = m.group(2).lower()
        if name not in values:
            return m.group()
        quote = '"' if m.group(4) is not None or m.group(6) is not None else "'"
        escaped = html.escape(values[name], quote=True)
        return f"{m.group(1)}{quote}{escaped}{quote}"

    return _ATTR.sub(repl, raw)


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


class HtmlHandler:
    NAME = "HTML"
    EXTENSIONS = (".html", ".htm", ".xhtml")

    def open(self, path: Path) -> HtmlDocument:
        path = Path(path)
        data = path.read_bytes()
        if b"\x00" in data[:1024] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise parse_error(path, "binary data, not HTML (wrong extension?)")
        text, enc, bom = decode_html(data, path)
        xhtml = path.suffix.lower() == ".xhtml" or text.lstrip().startswith("<?xml")
        return HtmlDocument(path, text, enc, bom, xhtml)
