"""Markdown inline text as :class:`~offline_nlp.documents.markup.Tok` s, found by markdown-it-py.

markdown-it-py's inline parser decides what is a code span, a link, an image, an
autolink, raw HTML or emphasis; its tokens carry no source positions, so each inline rule
is wrapped to note the range of the source it consumed (the source map). Every token
here is cut from those ranges, so the tokens' bytes are the paragraph's own bytes:
inline code, autolinks, images and raw HTML tags that are not formatting are objects;
``*em*``, ``**strong**``, ``~~strike~~``, formatting HTML tags and link texts are
wrappers (``[`` opens a link, ``](url)`` closes it). Reference links whose text is their
label (``[text]``, ``[text][]``) are objects, so the reference still resolves. The text
between them is decoded here: backslash escapes and entities, a soft line break becomes a
space, a hard one (two spaces or a backslash before it) a break.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from offline_nlp.documents.base import is_translatable
from offline_nlp.documents.markup import BREAK, CLOSE, OBJECT, OPEN, TEXT, Tok

_ESCAPABLE = "\\`*_{}[]()#+-.!|~<>\"'"
#: HTML tags kept as formatting around words; other tags are objects
_INLINE_TAGS = frozenset(
    ["b", "i", "em", "strong", "span", "a", "u", "s", "sub", "sup", "mark", "small", "kbd", "abbr"]
)
_TAG_NAME = re.compile(r"</?([A-Za-z][\w-]*)")
# the title of an inline link or image: `(dest "title")`, `(dest 'title')`, `(dest (title))`
_TITLE = re.compile(
    r"""\(\s*(?:<[^<>\n]*>|[^\s<]\S*?)\s+"""
    r"""(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|\(((?:[^()\\]|\\.)*)\))\s*\)\Z""",
    re.DOTALL,
)
#: the key of the :class:`_SourceMap` in a parse's ``env``
_AT = "offline_nlp_source_map"
_DELIMITER_RULES = ("emphasis", "strikethrough")
#: where the label's "[" is, from the rule's start, and whether a link may nest in it
_LABEL_RULES = {"link": (0, True), "image": (1, False)}


def escape(text: str) -> str:
    """``text`` as Markdown that reads back as ``text`` (no accidental formatting)."""
    out = []
    for i, ch in enumerate(text):
        if ch in "\\`*[]<":
            out.append("\\" + ch)
        elif ch == "_" and not (
            0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum()
        ):
            out.append("\\_")
        else:
            out.append(ch)
    return "".join(out)


def escape_title(text: str, quote: str) -> str:
    """A translated title inside ``quote`` ("... " or '...' or (...))."""
    specials = "\\" + ("()" if quote == "(" else quote)
    return "".join("\\" + ch if ch in specials else ch for ch in text).replace("\n", " ")


def unescape(raw: str) -> str:
    return html.unescape(re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", raw))


class _SourceMap:
    """Where each token of one inline parse came from: (start, end, end of its label)."""

    def __init__(self, source: str) -> None:
        self.source = source
        # keyed by id(), the token kept alive beside its range: an id is only unique
        # while its object lives, and markdown-it-py drops tokens as it merges text
        self._at: dict[int, tuple[Token, int, int, int]] = {}

    def note(self, token: Token, start: int, end: int, label_end: int) -> None:
        self._at[id(token)] = (token, start, end, label_end)

    def __contains__(self, token: Token) -> bool:
        return id(token) in self._at

    def get(self, token: Token) -> tuple[int, int, int] | None:
        found = self._at.get(id(token))
        return None if found is None else found[1:]


def _located(name: str, rule: Callable[[StateInline, bool], bool]) -> Callable[..., bool]:
    """``rule``, noting the source range of each token it pushes."""

    def located(state: StateInline, silent: bool) -> bool:
        start, count, pending = state.pos, len(state.tokens), bool(state.pending)
        matched = rule(state, silent)
        source_map = state.env.get(_AT)
        # an image's alt text is parsed on its own: its tokens are not mapped
        if not matched or silent or source_map is None or state.src is not source_map.source:
            return matched
        label_end = -1
        if name in _LABEL_RULES:
            at_bracket, no_nesting = _LABEL_RULES[name]
            label_end = state.md.helpers.parseLinkLabel(state, start + at_bracket, no_nesting)
        offset = start
        # a non-empty pending text is pushed first, as a token of its own: not this rule's
        for token in state.tokens[count + (pending and len(state.tokens) > count) :]:
            if token in source_map:  # pushed by a rule this one called (a link's text)
                continue
            if name in _DELIMITER_RULES:  # one token a delimiter, in source order
                source_map.note(token, offset, offset + len(token.content), -1)
                offset += len(token.content)
            else:
                source_map.note(token, start, state.pos, label_end)
        return matched

    return located


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    # the blocks' inline content is parsed by inline_tokens, with its source map
    md.disable("inline")
    for name in md.inline.ruler.get_all_rules():
        rule = md.inline.ruler.__rules__[md.inline.ruler.__find__(name)]
        md.inline.ruler.at(name, _located(name, rule.fn), {"alt": rule.alt})
    # rule chains are compiled on first use, and a chain half-built by one thread would be
    # read by another: compile them now, so that documents in many threads share one parser
    for ruler in (md.core.ruler, md.block.ruler, md.inline.ruler, md.inline.ruler2):
        ruler.getRules("")
    return md


#: the parser of the blocks (``BLOCKS.parse``) and of their inline content
BLOCKS = _MD = _parser()


def inline_tokens(s: str, references: dict[str, Any]) -> list[Tok]:
    """Tokens of one inline Markdown string whose ``raw`` strings join to ``s``, but for
    the spaces before a hard line break; ``references``: the document's link references
    (markdown-it-py's ``env["references"]``)."""
    source_map = _SourceMap(s)
    parsed: list[Token] = []
    _MD.inline.parse(s, _MD, {"references": references, _AT: source_map}, parsed)
    return _Converter(s, parsed, source_map).tokens()


class _Converter:
    """markdown-it-py's inline tokens, with their ranges, to :class:`Tok` s."""

    def __init__(self, s: str, parsed: list[Token], source_map: _SourceMap):
        self.s = s
        self.parsed = parsed
        self.source_map = source_map
        self.out: list[Tok] = []
        self.pos = 0  # end of the source consumed so far
        self.pairs = 0
        self.open: list[str] = []  # names of the emphasis tags open here

    def tokens(self) -> list[Tok]:
        i = 0
        while i < len(self.parsed):
            i = self._token(i)
        self._text_until(len(self.s))
        return self.out

    def _emit(self, start: int, end: int, tok: Tok) -> None:
        self._text_until(start)
        self.out.append(tok)
        self.pos = end

    def _token(self, i: int) -> int:
        """Convert the token at ``i``; the index of the next one."""
        token = self.parsed[i]
        where = self.source_map.get(token)
        kind = token.type
        if where is None or kind in ("text", "text_special", "softbreak", "hardbreak"):
            return i + 1  # text: decoded from the source between the other tokens
        start, end, label_end = where
        raw = self.s[start:end]
        if kind == "code_inline":
            self._emit(start, end, Tok(OBJECT, raw))
        elif kind == "html_inline":
            self._emit(start, end, _html_tag(raw))
        elif kind == "image":
            self._emit(start, end, Tok(OBJECT, raw, texts=_text_ranges(raw, label_end - start)))
        elif kind == "link_open":
            return self._link(i, start, end, label_end)
        elif kind.endswith("_open"):
            tag_end = end - len(token.markup)  # "**" opens at its second delimiter token
            self.pairs += 1
            self.open.append(f"em{self.pairs}")
            self._emit(tag_end, end, Tok(OPEN, self.s[tag_end:end], self.open[-1]))
        elif kind.endswith("_close"):  # markdown-it-py nests emphasis properly
            name = self.open.pop()
            stop = start + len(token.markup)
            self._emit(start, stop, Tok(CLOSE, self.s[start:stop], name))
        return i + 1

    def _link(self, i: int, start: int, end: int, label_end: int) -> int:
        close, depth = i + 1, 0  # an autolink may stand in a link's text
        while self.parsed[close].type != "link_close" or depth:
            depth += {"link_open": 1, "link_close": -1}.get(self.parsed[close].type, 0)
            close += 1
        after = self.s[label_end + 1 : label_end + 2]
        tail = end - label_end  # "](url)", "][label]", "][]" or "]"
        if self.parsed[i].markup == "autolink" or tail == 1 or (after == "[" and tail == 3):
            # an autolink, or a reference link whose text is its label
            self._emit(start, end, Tok(OBJECT, self.s[start:end]))
            return close + 1
        self.pairs += 1
        name = f"link{self.pairs}"
        self._emit(start, start + 1, Tok(OPEN, "[", name))
        j = i + 1
        while j < close:
            j = self._token(j)
        raw = self.s[label_end:end]
        texts = _text_ranges(raw, 0) if after == "(" else ()
        self._emit(label_end, end, Tok(CLOSE, raw, name, texts=texts))
        return close + 1

    def _text_until(self, end: int) -> None:
        if end > self.pos:
            self.out.extend(_text_tokens(self.s[self.pos : end]))
            self.pos = end


def _html_tag(raw: str) -> Tok:
    tag = _TAG_NAME.match(raw)
    name = tag.group(1).lower() if tag else ""
    if raw.startswith("<!--") or not tag or name not in _INLINE_TAGS:
        return Tok(BREAK, raw) if name == "br" else Tok(OBJECT, raw)
    if raw.startswith("</"):
        return Tok(CLOSE, raw, name)
    if raw.endswith("/>"):
        return Tok(OBJECT, raw)
    return Tok(OPEN, raw, name)


def _text_tokens(s: str) -> list[Tok]:
    """Text between markup: escapes and entities decoded, line breaks found."""
    toks: list[Tok] = []
    buf: list[tuple[str, str]] = []  # (raw, decoded)

    def flush() -> None:
        if buf:
            raw = "".join(r for r, _ in buf)
            text = "".join(d for _, d in buf)
            toks.append(Tok(TEXT, raw, text=html.unescape(text) if "&" in raw else text))
            buf.clear()

    i = 0
    while i < len(s):
        ch = s[i]
        if ch == "\\" and i + 1 < len(s) and s[i + 1] in _ESCAPABLE:
            buf.append((s[i : i + 2], s[i + 1]))
            i += 1
        elif ch == "\\" and s.startswith("\n", i + 1):
            flush()
            toks.append(Tok(BREAK, "\\\n"))
            i += 1
        elif ch == "\n":
            spaces = 0
            while spaces < len(buf) and buf[-1 - spaces][0] == " ":
                spaces += 1
            if spaces >= 2:
                del buf[-spaces:]
                flush()
                toks.append(Tok(BREAK, "  \n"))
            else:
                buf.append(("\n", " "))
        else:
            buf.append((ch, ch))
        i += 1
    flush()
    return toks


def _text_ranges(raw: str, label_end: int) -> tuple[tuple[int, int], ...]:
    """Ranges of an image's alt text (``raw`` starts at "![", its label ends at
    ``label_end``) or a link's title (``raw`` starts at "](", ``label_end`` 0)."""
    ranges = []
    if raw.startswith("![") and is_translatable(raw[2:label_end]):
        ranges.append((2, label_end))
    m = _TITLE.match(raw, label_end + 1)
    if m:
        group = next(g for g in (1, 2, 3) if m.group(g) is not None)
        if is_translatable(m.group(group)):
            ranges.append(m.span(group))
    return tuple(ranges)
