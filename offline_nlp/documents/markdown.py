"""Markdown (CommonMark + GFM tables), rewritten line by line.

markdown-it-py finds the blocks; only paragraphs, headings and table cells are
translated. Fenced and indented code, HTML blocks, link reference definitions and
YAML/TOML front matter are written back byte for byte. Inside a paragraph, inline code,
autolinks, images, link destinations and raw HTML tags are objects that are never
translated; ``*em*``, ``**strong**``, ``~~strike~~`` and link texts are runs carried onto
the translated words. A translated paragraph comes back on one line (soft line breaks
become spaces, hard breaks stay). Reference-style links whose text is their label
(``[text]``, ``[text][]``) are kept untranslated so the reference still resolves.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt

from offline_nlp.documents._encoding import Decoded, decode_bytes, newline_of
from offline_nlp.documents.base import Document, Segment, Sink, is_translatable, open_sink
from offline_nlp.documents.markup import (
    BREAK,
    CLOSE,
    OBJECT,
    OPEN,
    TEXT,
    InlineRegion,
    Tok,
    analyse,
    region_segment,
    translate_region,
)
from offline_nlp.engine.types import Translation

_INLINE_HTML = re.compile(r"<!--.*?-->|</?[A-Za-z][\w-]*(?:\s[^<>]*)?/?>", re.DOTALL)
_AUTOLINK = re.compile(
    r"<[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*>|<[\w.!#$%&'*+/=?^`{|}~-]+@[\w.-]+>"
)
_ESCAPABLE = "\\`*_{}[]()#+-.!|~<>\"'"
_INLINE_TAGS = {
    "b",
    "i",
    "em",
    "strong",
    "span",
    "a",
    "u",
    "s",
    "sub",
    "sup",
    "mark",
    "small",
    "kbd",
    "abbr",
}


def _escape(text: str) -> str:
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


# the title of an inline link or image: `(dest "title")`, `(dest 'title')`, `(dest (title))`
_TITLE = re.compile(
    r"""\(\s*(?:<[^<>\n]*>|[^\s<]\S*?)\s+"""
    r"""(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|\(((?:[^()\\]|\\.)*)\))\s*\)\Z""",
    re.DOTALL,
)


def _text_ranges(raw: str, start: int) -> tuple[tuple[int, int], ...]:
    """Ranges of an image's alt text (``start`` at "![") or a link's title (at "](")."""
    ranges = []
    if raw.startswith("!["):
        close = _match_bracket(raw, 1, "[", "]")
        if close < 0:
            return ()
        if is_translatable(raw[2:close]):
            ranges.append((2, close))
        start = close + 1
    m = _TITLE.match(raw, start)
    if m:
        group = next(g for g in (1, 2, 3) if m.group(g) is not None)
        if is_translatable(m.group(group)):
            ranges.append(m.span(group))
    return tuple(ranges)


def _unescape(raw: str) -> str:
    return html.unescape(re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", raw))


def _escape_title(text: str, quote: str) -> str:
    """A translated title inside ``quote`` ("... " or '...' or (...))."""
    specials = "\\" + ("()" if quote == "(" else quote)
    return "".join("\\" + ch if ch in specials else ch for ch in text).replace("\n", " ")


def _match_bracket(s: str, i: int, open_ch: str, close_ch: str) -> int:
    depth = 0
    j = i
    while j < len(s):
        ch = s[j]
        if ch == "\\":
            j += 2
            continue
        if ch == "`":
            run = re.match(r"`+", s[j:]).group()  # type: ignore[union-attr]
            end = s.find(run, j + len(run))
            j = end + len(run) if end >= 0 else j + len(run)
            continue
        if ch == open_ch:
            depth += 1
        elif ch == close_ch:
            depth -= 1
            if depth == 0:
                return j
        j += 1
    return -1


def inline_tokens(s: str, references: set[str]) -> list[Tok]:
    """Tokens of one inline Markdown string (see the module docstring)."""
    toks: list[Tok] = []
    text_buf: list[tuple[str, str]] = []  # (raw, decoded)
    links = 0

    def flush() -> None:
        if text_buf:
            toks.append(
                Tok(TEXT, "".join(r for r, _ in text_buf), text="".join(d for _, d in text_buf))
            )
            text_buf.clear()

    def emit(tok: Tok) -> None:
        flush()
        toks.append(tok)

    delims: list[int] = []  # indices of emphasis candidate tokens
    i = 0
    n = len(s)
    while i < n:
        ch = s[i]
        if ch == "\\" and i + 1 < n and s[i + 1] in _ESCAPABLE:
            text_buf.append((s[i : i + 2], s[i + 1]))
            i += 2
            continue
        if ch == "\\" and i + 1 < n and s[i + 1] == "\n":
            emit(Tok(BREAK, "\\\n"))
            i += 2
            continue
        if ch == "\n":
            spaces = 0
            while spaces < len(text_buf) and text_buf[-1 - spaces][0] == " ":
                spaces += 1
            if spaces >= 2:
                del text_buf[-spaces:]
                emit(Tok(BREAK, "  \n"))
            else:
                text_buf.append(("\n", " "))
            i += 1
            continue
        if ch == "`":
            run = re.match(r"`+", s[i:]).group()  # type: ignore[union-attr]
            end = s.find(run, i + len(run))
            while end >= 0 and end + len(run) < n and s[end + len(run)] == "`":
                end = s.find(run, end + len(run) + 1)
            if end >= 0:
                emit(Tok(OBJECT, s[i : end + len(run)]))
                i = end + len(run)
            else:
                text_buf.append((run, run))
                i += len(run)
            continue
        if ch == "<":
            m = _AUTOLINK.match(s, i) or _INLINE_HTML.match(s, i)
            if m:
                raw = m.group()
                tag = re.match(r"</?([A-Za-z][\w-]*)", raw)
                if raw.startswith("<!--") or not tag or tag.group(1).lower() not in _INLINE_TAGS:
                    emit(
                        Tok(BREAK, raw)
                        if tag and tag.group(1).lower() == "br"
                        else Tok(OBJECT, raw)
                    )
                elif raw.startswith("</"):
                    emit(Tok(CLOSE, raw, tag.group(1).lower()))
                elif raw.endswith("/>"):
                    emit(Tok(OBJECT, raw))
                else:
                    emit(Tok(OPEN, raw, tag.group(1).lower()))
                i = m.end()
                continue
        if ch == "!" and s.startswith("![", i):
            close = _match_bracket(s, i + 1, "[", "]")
            if close > 0 and close + 1 < n and s[close + 1] in "([":
                end = _match_bracket(
                    s, close + 1, s[close + 1], ")" if s[close + 1] == "(" else "]"
                )
                if end > 0:
                    raw = s[i : end + 1]
                    emit(Tok(OBJECT, raw, texts=_text_ranges(raw, 0)))
                    i = end + 1
                    continue
        if ch == "[":
            close = _match_bracket(s, i, "[", "]")
            if close > 0:
                label = s[i + 1 : close]
                after = s[close + 1 : close + 2]
                if after == "(":
                    end = _match_bracket(s, close + 1, "(", ")")
                    if end > 0:
                        links += 1
                        name = f"link{links}"
                        emit(Tok(OPEN, "[", name))
                        toks.extend(inline_tokens(label, references))
                        raw = s[close : end + 1]
                        emit(Tok(CLOSE, raw, name, texts=_text_ranges(raw, 1)))
                        i = end + 1
                        continue
                if after == "[":
                    end = s.find("]", close + 1)
                    if end > 0 and end > close + 2:  # full reference [text][label]
                        links += 1
                        name = f"link{links}"
                        emit(Tok(OPEN, "[", name))
                        toks.extend(inline_tokens(label, references))
                        emit(Tok(CLOSE, s[close : end + 1], name))
                        i = end + 1
                        continue
                    if end == close + 2:  # collapsed [text][]: the text is the label
                        emit(Tok(OBJECT, s[i : end + 1]))
                        i = end + 1
                        continue
                if _norm(label) in references:  # shortcut reference [text]
                    emit(Tok(OBJECT, s[i : close + 1]))
                    i = close + 1
                    continue
        if ch in "*_~":
            run = re.match(r"\*+|_+|~~", s[i:])
            if run:
                d = run.group()
                before = s[i - 1] if i else " "
                after_ch = s[i + len(d)] if i + len(d) < n else " "
                left = not after_ch.isspace()
                right = not before.isspace()
                if ch == "_" and before.isalnum() and after_ch.isalnum():
                    left = right = False
                if left or right:
                    flush()
                    delims.append(len(toks))
                    toks.append(
                        Tok(TEXT, d, name=("L" if left else "") + ("R" if right else ""), text=d)
                    )
                    i += len(d)
                    continue
                text_buf.append((d, d))
                i += len(d)
                continue
        text_buf.append((ch, html.unescape(ch) if ch != "&" else ch))
        i += 1
    flush()
    _pair_emphasis(toks, delims)
    # entities (&amp;) decoded in whole text tokens
    for t in toks:
        if t.kind == TEXT and "&" in t.raw and not t.name:
            t.text = html.unescape(t.text)
    return toks


def _pair_emphasis(toks: list[Tok], delims: list[int]) -> None:
    stack: list[int] = []
    count = 0
    for idx in delims:
        t = toks[idx]
        flags = t.name
        t.name = ""
        if "R" in flags:
            for depth in range(len(stack) - 1, -1, -1):
                if toks[stack[depth]].raw == t.raw:
                    opener = stack[depth]
                    count += 1
                    toks[opener].kind, toks[opener].name = OPEN, f"em{count}"
                    t.kind, t.name = CLOSE, f"em{count}"
                    del stack[depth:]
                    break
            else:
                if "L" in flags:
                    stack.append(idx)
                    t.name = "L"
            if t.kind == CLOSE:
                continue
        elif "L" in flags:
            stack.append(idx)
    for t in toks:
        if t.kind == TEXT and t.name == "L":
            t.name = ""


def _norm(label: str) -> str:
    return " ".join(label.lower().split())


@dataclass
class _Para:
    first: int  # first line index
    count: int  # lines replaced
    prefix: str
    suffix: str
    cont: str  # prefix of continuation lines
    region: InlineRegion
    top_level: bool


@dataclass
class _Cell:
    line: int
    start: int
    end: int
    region: InlineRegion


@dataclass
class _Text:
    """An image's alt text or a link's title, inside the bytes of ``tok``."""

    tok: Tok
    original: str  # the token's bytes as read
    start: int
    end: int

    @property
    def text(self) -> str:
        return _unescape(self.original[self.start : self.end])

    def escape(self, text: str) -> str:
        quote = self.original[self.start - 1]
        return _escape(text) if quote == "[" else _escape_title(text, quote)


def _front_matter(lines: list[str]) -> int:
    """Number of front-matter lines at the top (YAML ``---`` or TOML ``+++``)."""
    if not lines or lines[0].strip() not in ("---", "+++"):
        return 0
    fence = lines[0].strip()
    for i in range(1, len(lines)):
        if lines[i].strip() in (fence, "...") and (fence == "---" or lines[i].strip() == fence):
            return i + 1
    return 0


def _split_row(line: str) -> list[tuple[int, int]]:
    """Cell content ranges of a GFM table row (pipes escaped or in code do not split)."""
    i = 0
    in_code = ""
    starts = []
    while i < len(line):
        ch = line[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "`":
            run = re.match(r"`+", line[i:]).group()  # type: ignore[union-attr]
            in_code = "" if in_code == run else (run if not in_code else in_code)
            i += len(run)
            continue
        if ch == "|" and not in_code:
            starts.append(i)
        i += 1
    stripped = line.strip()
    cells = []
    lead = 0 if stripped.startswith("|") else None
    positions = (
        ([-1] if lead is None else []) + starts + ([len(line)] if not stripped.endswith("|") else [])
    )
    for a, b in itertools.pairwise(positions):
        cells.append((a + 1, b))
    return [(a, b) for a, b in cells if b > a]


class MarkdownDocument(Document):
    def __init__(self, path: Path, decoded: Decoded) -> None:
        super().__init__(path)
        self._decoded = decoded
        text = decoded.text
        self._newline = newline_of(text)
        self._ends = text.endswith(("\n", "\r"))
        self._lines = re.split(r"\r\n|\r|\n", text)
        if self._ends:
            self._lines.pop()
        skip = _front_matter(self._lines)
        feed = [""] * skip + self._lines[skip:]
        md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
        env: dict = {}
        tokens = md.parse("\n".join(feed), env)
        references = {_norm(k) for k in env.get("references", {})}
        self._units: list[_Para | _Cell | _Text] = []
        depth_containers = 0
        for k, tok in enumerate(tokens):
            if tok.type in ("blockquote_open", "bullet_list_open", "ordered_list_open"):
                depth_containers += 1
            elif tok.type in ("blockquote_close", "bullet_list_close", "ordered_list_close"):
                depth_containers -= 1
            if tok.type == "tr_open" and tok.map:
                self._add_row(tok.map[0], references)
            if tok.type != "inline" or not tok.map or k == 0:
                continue
            parent = tokens[k - 1]
            if parent.type not in ("paragraph_open", "heading_open"):
                continue
            self._add_para(tok.map, tok.content, parent, references, depth_containers == 0)

    def _add_para(
        self, span: list[int], content: str, parent, references: set[str], top: bool
    ) -> None:
        if not is_translatable(content):
            return
        first = span[0]
        content_lines = content.split("\n")
        line0 = self._lines[first]
        c0 = content_lines[0]
        at = line0.find(c0) if c0 else -1
        if at < 0:
            return  # cannot locate safely: leave the block as it is
        prefix = line0[:at]
        suffix = ""
        count = len(content_lines)
        if parent.type == "heading_open" and parent.markup.startswith("#"):
            suffix = line0[at + len(c0) :]
            count = 1
        last = self._lines[first + count - 1]
        if count > 1 and not last.rstrip().endswith(content_lines[-1].rstrip()):
            return
        cont = re.sub(r"[-*+](?=\s)|\d+[.)](?=\s)|#+(?=\s)", lambda m: " " * len(m.group()), prefix)
        region = analyse(inline_tokens(content, references), collapse_space=False)
        self._units.append(_Para(first, count, prefix, suffix, cont, region, top))
        self._add_texts(region)

    def _add_texts(self, region: InlineRegion) -> None:
        for tok in region.tokens:
            for start, end in tok.texts:
                self._units.append(_Text(tok, tok.raw, start, end))

    def _add_row(self, line_no: int, references: set[str]) -> None:
        line = self._lines[line_no]
        for a, b in _split_row(line):
            cell = line[a:b]
            content = cell.strip()
            if not is_translatable(content):
                continue
            start = a + (len(cell) - len(cell.lstrip()))
            region = analyse(inline_tokens(content, references))
            self._units.append(_Cell(line_no, start, start + len(content), region))
            self._add_texts(region)

    def segments(self) -> list[Segment]:
        return [
            Segment(u.text, i) if isinstance(u, _Text) else region_segment(u.region, i)
            for i, u in enumerate(self._units)
            if _sent(u)
        ]

    def _set_texts(self, translations: Sequence[Translation | None]) -> None:
        """Put translated alt texts and titles into their tokens' bytes (bilingual output
        keeps them in the original copy of their paragraph)."""
        changes: dict[int, list[tuple[_Text, str]]] = {}
        for unit, tr in zip(self._units, translations, strict=True):
            if isinstance(unit, _Text) and tr is not None:
                changes.setdefault(id(unit.tok), []).append((unit, tr.text))
        for edits in changes.values():
            raw = edits[0][0].original
            for unit, text in sorted(edits, key=lambda e: e[0].start, reverse=True):
                raw = raw[: unit.start] + unit.escape(text) + raw[unit.end :]
            edits[0][0].tok.raw = raw

    def write(
        self, dst: Sink, translations: Sequence[Translation], bilingual: bool = False
    ) -> None:
        self._check_count(translations)
        given = iter(translations)
        per_unit = [next(given) if _sent(u) else None for u in self._units]
        self._set_texts(per_unit)
        lines = list(self._lines)
        replace: dict[int, tuple[int, list[str]]] = {}
        cells: dict[int, list[tuple[int, int, str]]] = {}
        for unit, tr in zip(self._units, per_unit, strict=True):
            if isinstance(unit, _Text):
                continue
            if isinstance(unit, _Cell):
                rendered = translate_region(
                    unit.region, tr, lambda t: _escape(t).replace("|", "\\|")
                )
                if bilingual:
                    rendered = lines[unit.line][unit.start : unit.end] + "<br>" + rendered
                cells.setdefault(unit.line, []).append((unit.start, unit.end, rendered))
                continue
            rendered = translate_region(unit.region, tr, _escape)
            body = rendered.split("\n")
            new = [unit.prefix + body[0] + (unit.suffix if len(body) == 1 else "")]
            new += [unit.cont + b for b in body[1:]]
            if len(body) > 1:
                new[-1] += unit.suffix
            if bilingual:
                original = lines[unit.first : unit.first + unit.count]
                if unit.top_level:
                    new = [*original, "", *new]
                else:
                    new = [
                        *original,
                        unit.cont.rstrip(),
                        *[
                            unit.cont + x[len(unit.prefix) :] if i == 0 else x
                            for i, x in enumerate(new)
                        ],
                    ]
            replace[unit.first] = (unit.count, new)
        for line_no, changes in cells.items():
            line = lines[line_no]
            for start, end, text in sorted(changes, reverse=True):
                line = line[:start] + text + line[end:]
            lines[line_no] = line
        out: list[str] = []
        i = 0
        while i < len(lines):
            if i in replace:
                count, new = replace[i]
                out.extend(new)
                i += count
            else:
                out.append(lines[i])
                i += 1
        text = self._newline.join(out) + (self._newline if self._ends else "")
        with open_sink(dst) as fh:
            fh.write(self._decoded.encode(text))


def _sent(unit: _Para | _Cell | _Text) -> bool:
    """False for a paragraph or cell holding only an image: rewritten for its alt text."""
    return isinstance(unit, _Text) or is_translatable(unit.region.text)


class MarkdownHandler:
    NAME = "Markdown"
    EXTENSIONS = (".md", ".markdown")

    def open(self, path: Path) -> MarkdownDocument:
        path = Path(path)
        return MarkdownDocument(path, decode_bytes(path.read_bytes(), path))
