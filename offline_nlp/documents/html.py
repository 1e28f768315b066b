"""HTML and XHTML, rewritten in place: only translated text changes, every other byte stays.

The file is cut into tokens by the standard library's tolerant HTML tokenizer, keeping
each token's exact source bytes (:mod:`.html_tokens`). Block elements (``p``, ``li``, ``td``, ``h1``...) end a
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
from dataclasses import dataclass
from pathlib import Path

from offline_nlp.documents.base import (
    Document,
    Segment,
    Sink,
    is_translatable,
    open_sink,
    parse_error,
)
from offline_nlp.documents.html_tokens import (
    INLINE,
    SKIP,
    VOID,
    WS,
    HTok,
    decode_html,
    is_skipped,
    note_reference_end,
    split_lead,
    split_trail,
    subtree_end,
    tokenize,
)
from offline_nlp.documents.markup import (
    BREAK,
    CLOSE,
    OBJECT,
    OPEN,
    TEXT,
    SegmentBuilder,
    Unit,
    analyse,
)
from offline_nlp.engine.types import Translation

__all__ = ["INLINE", "SKIP", "VOID", "HTok", "HtmlDocument", "HtmlHandler", "decode_html", "tokenize"]

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


@dataclass
class _Region:
    tokens: list[HTok]


@dataclass
class _Attr:
    tok: HTok
    name: str
    value: str


#: skipped elements never inside a sentence, even with words before them
_ALWAYS_APART = frozenset(["pre", "script", "style", "textarea", "template", "noscript"])
#: the units of a page: regions of inline markup, and translated attributes
_Units = SegmentBuilder[_Region | _Attr]
#: a page cut into chunks: tokens copied as they are, and regions rendered
_Chunk = HTok | Unit[_Region | _Attr]


class _Chunker:
    """Cuts a page's tokens into chunks and finds its units, in one pass.

    Inline tags and text gather in ``pending`` until a block tag (or the end) ends the
    region; ``blocks`` are the open block elements, each with the chunk indices of its
    regions, so that a block holding exactly one region can be copied whole for
    bilingual output.
    """

    def __init__(self, toks: list[HTok], only: frozenset[str] | None) -> None:
        self.toks = toks
        self.only = only
        self.units: _Units = SegmentBuilder()
        self.chunks: list[_Chunk] = []
        self.duplicable: dict[int, int] = {}  # region chunk index -> block start chunk index
        self.pending: list[HTok] = []
        self.blocks: list[tuple[str, int, list[int]]] = []  # (name, chunk index, regions)
        # how many of each name are open: "is this closing tag open at all?" in O(1), so
        # 100,000 nested blocks take linear time, not a scan of the stack per closing tag
        self.open_names: Counter[str] = Counter()

    def run(self) -> None:
        i = 0
        while i < len(self.toks):
            i = self._token(i)
        self._flush()

    def _token(self, i: int) -> int:
        """Take the token at ``i`` (with its subtree, if skipped); the next index."""
        t = self.toks[i]
        if t.kind == OPEN and is_skipped(t) and not _self_closing(t) and t.name not in VOID:
            return self._skipped_subtree(i)
        ref_end = note_reference_end(self.toks, i)
        if ref_end is not None:
            self.pending.append(_object(self.toks[i : ref_end + 1]))
            return ref_end + 1
        self._collect_attrs(t)
        if t.kind == OPEN:
            self._open(t)
        elif t.kind == CLOSE:
            self._close(t)
        elif t.kind == TEXT or self.pending:
            self.pending.append(t)
        else:
            self.chunks.append(t)
        return i + 1

    def _skipped_subtree(self, i: int) -> int:
        t = self.toks[i]
        j = subtree_end(self.toks, i)
        obj = _object(self.toks[i : j + 1])
        if t.name in _ALWAYS_APART or not self.pending:
            self._flush()
            self.chunks.append(obj)
            if self.blocks:
                self.blocks[-1][2].append(-1)  # block holds more than one region: no duplication
        else:
            self.pending.append(obj)
        return j + 1

    def _open(self, t: HTok) -> None:
        if t.name == "br":
            t.kind = BREAK
            self.pending.append(t)
        elif t.name in VOID:
            if t.name in ("img", "wbr", "input") and self.pending:
                t.kind = OBJECT
                self.pending.append(t)
            else:
                self._flush()
                self.chunks.append(t)
        elif t.name in INLINE:
            self.pending.append(t)
        else:
            self._flush()
            self.chunks.append(t)
            if not _self_closing(t):
                if self.blocks:  # a block inside a block (a nested list): the outer
                    self.blocks[-1][2].append(-1)  # one is not copied whole
                self.blocks.append((t.name, len(self.chunks) - 1, []))
                self.open_names[t.name] += 1

    def _close(self, t: HTok) -> None:
        if t.name in INLINE:
            self.pending.append(t)
            return
        self._flush()
        if self.open_names[t.name]:
            while self.blocks:
                name, start, regions = self.blocks.pop()
                self.open_names[name] -= 1
                if name == t.name:
                    if name in DUPLICABLE and len(regions) == 1 and regions[0] >= 0:
                        self.duplicable[regions[0]] = start
                    break
        self.chunks.append(t)

    def _flush(self) -> None:
        """End the pending region: its leading and trailing white space are copied."""
        if not self.pending:
            return
        lead, body, trail = _trim(self.pending)
        self.pending = []
        self.chunks.extend(lead)
        if body:
            region = analyse(body, collapse_space=True)
            inside = self.blocks[-1][0] if self.blocks else ""
            if is_translatable(region.text) and (self.only is None or inside in self.only):
                if self.blocks:
                    self.blocks[-1][2].append(len(self.chunks))
                self.chunks.append(self.units.add_region(region, _Region(body)))
            else:
                self.chunks.extend(body)
        self.chunks.extend(trail)

    def _collect_attrs(self, t: HTok) -> None:
        if t.kind != OPEN or not t.attrs or self.only is not None:
            return
        for name, value in t.attrs:
            if name in TRANSLATED_ATTRS and value and is_translatable(value):
                self.units.add_words(value, _Attr(t, name, value))


def _trim(pending: list[HTok]) -> tuple[list[HTok], list[HTok], list[HTok]]:
    """(leading white space, body, trailing white space) of a region's tokens."""
    lead: list[HTok] = []
    trail: list[HTok] = []
    body = list(pending)
    while body and body[0].kind == TEXT and not body[0].raw.strip(WS):
        lead.append(body.pop(0))
    while body and body[-1].kind == TEXT and not body[-1].raw.strip(WS):
        trail.insert(0, body.pop())
    if body and body[0].kind == TEXT:
        ws, rest = split_lead(body[0])
        if ws is not None:
            lead.append(ws)
            body[0] = rest
    if body and body[-1].kind == TEXT:
        rest, ws = split_trail(body[-1])
        if ws is not None:
            trail.insert(0, ws)
            body[-1] = rest
    return lead, body, trail


def _self_closing(t: HTok) -> bool:
    return getattr(t, "self_closing", False)


def _object(toks: Sequence[HTok]) -> HTok:
    """One object of the tokens' bytes (a skipped element, a note reference)."""
    obj = HTok(OBJECT, "".join(x.raw for x in toks))
    obj.original = obj.raw
    return obj


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
        self._encoding = encoding
        self._bom = bom
        self._xhtml = xhtml
        self._toks = tokenize(source)
        chunker = _Chunker(self._toks, only_blocks)
        chunker.run()
        self._units = chunker.units
        self._chunks = chunker.chunks
        self._duplicable = chunker.duplicable

    def segments(self) -> list[Segment]:
        return self._units.segments()

    def _escape(self, text: str) -> str:
        return html.escape(text, quote=False)

    def write(
        self, dst: Sink, translations: Sequence[Translation], bilingual: bool = False
    ) -> None:
        self._check_count(translations)
        for t in self._toks:
            t.raw = t.original
        translated = self._units.translated(translations)
        attr_values: dict[int, dict[str, str]] = {}
        for unit, tr in translated:
            if isinstance(unit.place, _Attr) and tr is not None:
                value = f"{unit.words} / {tr.text}" if bilingual else tr.text
                attr_values.setdefault(id(unit.place.tok), {})[unit.place.name] = value
        for t in self._toks:
            if id(t) in attr_values:
                t.raw = _set_attrs(t.raw, attr_values[id(t)])
        rendered = {
            id(unit): unit.render(tr, self._escape, self._break())
            for unit, tr in translated
            if isinstance(unit.place, _Region)
        }
        data = "".join(self._output(rendered, bilingual))
        with open_sink(dst) as fh:
            fh.write(self._bom + data.encode(self._encoding, errors="xmlcharrefreplace"))

    def _output(self, rendered: dict[int, str], bilingual: bool) -> list[str]:
        out: list[str] = []
        dup_at: dict[int, int] = {}
        if bilingual:
            dup_at = {start: region for region, start in self._duplicable.items()}
        for ci, chunk in enumerate(self._chunks):
            if ci in dup_at:
                end = self._block_end(dup_at[ci])
                out.append("".join(_original(c) for c in self._chunks[ci : end + 1]))
                out.append("\n")
            if isinstance(chunk, Unit):
                text = rendered[id(chunk)]
                if bilingual and self._duplicable.get(ci) is None:
                    original = _original(chunk)
                    sep = " / " if self._in_title(ci) else self._break()
                    text = original + sep + text
                out.append(text)
            else:
                out.append(chunk.raw)
        return out

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


def _original(chunk: _Chunk) -> str:
    """The chunk as read, for the original copy of bilingual output."""
    if isinstance(chunk, Unit):
        return _without_ids("".join(t.original for t in chunk.place.tokens))
    return _without_ids(chunk.original) if chunk.kind == OPEN else chunk.original


_ID = re.compile(r"""\sid\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+)""", re.IGNORECASE)


def _without_ids(raw: str) -> str:
    """``raw`` without ``id`` attributes: an id must stay unique, and links to it should
    land on the translation, which keeps it."""
    return _ID.sub("", raw) if "id" in raw.lower() else raw


def _set_attrs(raw: str, values: dict[str, str]) -> str:
    def repl(m: re.Match[str]) -> str:
        name = m.group(2).lower()
        if name not in values:
            return m.group()
        quote = '"' if m.group(4) is not None or m.group(6) is not None else "'"
        escaped = html.escape(values[name], quote=True)
        return f"{m.group(1)}{quote}{escaped}{quote}"

    return _ATTR.sub(repl, raw)



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
