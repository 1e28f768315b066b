"""Inline markup kept in text formats (HTML, Markdown, subtitles): tags become runs.

A region of a text file is given as a flat list of :class:`Tok`: text, opening and
closing tags (``<b>``/``</b>``, ``**``/``**``, ``[``/``](url)``) and opaque objects
(``<img>``, inline code, comments). Pairs of tags that open and close inside the region
are *wrappers*: the text under them forms runs. A tag without its partner inside the
region stays an object, so nothing is ever lost. Rendering writes the original tag
bytes around the translated pieces; text is escaped by the format's function.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from offline_nlp.documents.base import InlineSpan, Segment
from offline_nlp.documents.inline import Piece, distribute, source_pieces
from offline_nlp.engine.types import Translation

TEXT, OPEN, CLOSE, OBJECT, BREAK = "text", "open", "close", "object", "break"


@dataclass
class Tok:
    kind: str  # TEXT, OPEN, CLOSE, OBJECT, BREAK (a line break tag: "\n" in the text)
    raw: str
    name: str = ""  # tag name for pairing OPEN/CLOSE
    text: str = ""  # decoded text for TEXT
    #: ranges of ``raw`` holding words of their own (a Markdown image's alt text, a link's
    #: title): translated as separate segments and put back into the tag bytes
    texts: tuple[tuple[int, int], ...] = ()


@dataclass
class InlineRegion:
    """A region's text, spans, and what is needed to render it back."""

    text: str
    spans: tuple[InlineSpan, ...]
    paths: dict[int, tuple[int, ...]]  # run key -> indices of OPEN tokens around it
    objects: list[tuple[tuple[int, ...], int]]  # (path, token index) per object
    tokens: list[Tok]
    closes: dict[int, int]  # OPEN index -> index of its CLOSE
    breaks: list[str]


def analyse(tokens: Sequence[Tok], collapse_space: bool = False) -> InlineRegion:
    toks = list(tokens)
    # pair tags inside the region; unpaired ones become objects
    partner: dict[int, int] = {}
    stack: list[int] = []
    for i, t in enumerate(toks):
        if t.kind == OPEN:
            stack.append(i)
        elif t.kind == CLOSE:
            for depth in range(len(stack) - 1, -1, -1):
                if toks[stack[depth]].name == t.name:
                    for j in stack[depth + 1 :]:  # crossing tags: the inner ones lose
                        partner.pop(j, None)
                    partner[stack[depth]] = i
                    del stack[depth:]
                    break
    closes = set(partner.values())
    opened: list[int] = []
    parts: list[str] = []
    spans: list[InlineSpan] = []
    paths: dict[int, tuple[int, ...]] = {}
    sig_key: dict[tuple[str, ...], int] = {}
    objects: list[tuple[tuple[int, ...], int]] = []
    breaks: list[str] = []
    pos = 0
    last_was_text = False

    def add_text(text: str) -> None:
        nonlocal pos, last_was_text
        if not text:
            return
        last_was_text = True
        path = tuple(opened)
        # a run is named by its tags' full bytes, the closing ones too: Markdown links all
        # open with "[" and differ only in "](url)"
        sig = tuple(toks[i].raw + "\0" + toks[partner[i]].raw for i in path)
        key = sig_key.setdefault(sig, len(sig_key))
        paths.setdefault(key, path)
        end = pos + len(text)
        if spans and not spans[-1].is_object and spans[-1].key == key and spans[-1].end == pos:
            spans[-1] = replace(spans[-1], end=end)
        else:
            link = any(toks[j].name == "a" or toks[j].name.startswith("link") for j in path)
            spans.append(InlineSpan(pos, end, key, link=link))
        parts.append(text)
        pos = end

    for i, t in enumerate(toks):
        if t.kind == TEXT:
            text = t.text
            if collapse_space:
                text = re.sub(r"[ \t\r\n\f]+", " ", text)  # not \xa0 (&nbsp;)
                if last_was_text and parts[-1].endswith((" ", "\n")) and text.startswith(" "):
                    text = text[1:]
            add_text(text)
        elif t.kind == BREAK:
            breaks.append(t.raw)
            if collapse_space and last_was_text and parts[-1].endswith(" "):
                parts[-1] = parts[-1][:-1]
                pos -= 1
                last = spans[-1]
                spans[-1] = replace(last, end=last.end - 1)
                if spans[-1].end == spans[-1].start:
                    spans.pop()
            add_text("\n")
        elif t.kind == OPEN and i in partner:
            opened.append(i)
        elif t.kind == CLOSE and i in closes:
            opener = next(j for j, c in partner.items() if c == i)
            if opener in opened:
                opened.remove(opener)
        else:
            spans.append(InlineSpan(pos, pos, len(objects), True))
            objects.append((tuple(opened), i))
            last_was_text = False
    return InlineRegion("".join(parts), tuple(spans), paths, objects, toks, partner, breaks)


def render(
    region: InlineRegion,
    pieces: Sequence[Piece],
    escape: Callable[[str], str],
    break_raw: str | None = None,
) -> str:
    """The region's markup with ``pieces`` as its text."""
    out: list[str] = []
    stack: list[int] = []
    default_break = break_raw or (region.breaks[0] if region.breaks else None)

    def open_path(path: tuple[int, ...]) -> None:
        common = 0
        while common < len(stack) and common < len(path) and stack[common] == path[common]:
            common += 1
        while len(stack) > common:
            # read at render time: a handler may have translated words in it (a link title)
            out.append(region.tokens[region.closes[stack.pop()]].raw)
        for i in path[common:]:
            out.append(region.tokens[i].raw)
            stack.append(i)

    for piece in pieces:
        if piece.is_object:
            path, index = region.objects[piece.key]
            open_path(path)
            out.append(region.tokens[index].raw)
            continue
        open_path(region.paths.get(piece.key, ()))
        if default_break is None:
            out.append(escape(piece.text))
            continue
        for j, line in enumerate(piece.text.split("\n")):
            if j:
                out.append(default_break)
            out.append(escape(line))
    open_path(())
    return "".join(out)


def translate_region(
    region: InlineRegion,
    translation: Translation | None,
    escape: Callable[[str], str],
    break_raw: str | None = None,
) -> str:
    """Render ``translation`` into the region (``None``: the original text again)."""
    if translation is None:
        pieces = source_pieces(region.text, region.spans)
    else:
        pieces = distribute(region.text, region.spans, translation.text, translation.alignment)
    return render(region, pieces, escape, break_raw)


def region_segments(regions: Iterable[InlineRegion]) -> list[Segment]:
    """One segment per region; inline spans only where there is formatting to carry."""
    return [region_segment(r, i) for i, r in enumerate(regions)]


def region_segment(region: InlineRegion, locator: object) -> Segment:
    return Segment(region.text, locator, region.spans if len(region.spans) > 1 else ())
