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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

from offline_nlp.documents.base import InlineSpan, Segment
from offline_nlp.documents.inline import Piece, distribute, source_pieces
from offline_nlp.engine.types import Translation

TEXT, OPEN, CLOSE, OBJECT, BREAK = "text", "open", "close", "object", "break"
P = TypeVar("P")


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


def _partners(toks: Sequence[Tok]) -> dict[int, int]:
    """OPEN index -> its CLOSE index, for the tags that pair inside the region; unpaired
    ones become objects."""
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
    return partner


class _Analysis:
    """The text and spans of one region, built token by token."""

    def __init__(self, toks: list[Tok], partner: dict[int, int], collapse_space: bool):
        self.toks = toks
        self.partner = partner
        self.collapse_space = collapse_space
        self.opened: list[int] = []
        self.parts: list[str] = []
        self.spans: list[InlineSpan] = []
        self.paths: dict[int, tuple[int, ...]] = {}
        self.sig_key: dict[tuple[str, ...], int] = {}
        self.objects: list[tuple[tuple[int, ...], int]] = []
        self.breaks: list[str] = []
        self.pos = 0
        self.last_was_text = False

    def region(self) -> InlineRegion:
        closes = {c: o for o, c in self.partner.items()}
        for i, t in enumerate(self.toks):
            if t.kind == TEXT:
                self.text(t.text)
            elif t.kind == BREAK:
                self.line_break(t.raw)
            elif t.kind == OPEN and i in self.partner:
                self.opened.append(i)
            elif t.kind == CLOSE and i in closes:
                if closes[i] in self.opened:
                    self.opened.remove(closes[i])
            else:
                self.spans.append(InlineSpan(self.pos, self.pos, len(self.objects), True))
                self.objects.append((tuple(self.opened), i))
                self.last_was_text = False
        return InlineRegion("".join(self.parts), tuple(self.spans), self.paths, self.objects,
                            self.toks, self.partner, self.breaks)

    def text(self, text: str) -> None:
        if self.collapse_space:
            text = re.sub(r"[ \t\r\n\f]+", " ", text)  # not \xa0 (&nbsp;)
            if self.last_was_text and self.parts[-1].endswith((" ", "\n")) and text.startswith(" "):
                text = text[1:]
        self.add_text(text)

    def line_break(self, raw: str) -> None:
        self.breaks.append(raw)
        if self.collapse_space and self.last_was_text and self.parts[-1].endswith(" "):
            self.parts[-1] = self.parts[-1][:-1]
            self.pos -= 1
            last = self.spans[-1]
            self.spans[-1] = replace(last, end=last.end - 1)
            if self.spans[-1].end == self.spans[-1].start:
                self.spans.pop()
        self.add_text("\n")

    def add_text(self, text: str) -> None:
        if not text:
            return
        self.last_was_text = True
        path = tuple(self.opened)
        # a run is named by its tags' full bytes, the closing ones too: Markdown links all
        # open with "[" and differ only in "](url)"
        sig = tuple(self.toks[i].raw + "\0" + self.toks[self.partner[i]].raw for i in path)
        key = self.sig_key.setdefault(sig, len(self.sig_key))
        self.paths.setdefault(key, path)
        end = self.pos + len(text)
        spans = self.spans
        if spans and not spans[-1].is_object and spans[-1].key == key and spans[-1].end == self.pos:
            spans[-1] = replace(spans[-1], end=end)
        else:
            link = any(self.toks[j].name == "a" or self.toks[j].name.startswith("link")
                       for j in path)
            spans.append(InlineSpan(self.pos, end, key, link=link))
        self.parts.append(text)
        self.pos = end


def analyse(tokens: Sequence[Tok], collapse_space: bool = False) -> InlineRegion:
    toks = list(tokens)
    return _Analysis(toks, _partners(toks), collapse_space).region()


def render(
    region: InlineRegion,
    pieces: Sequence[Piece],
    escape: Callable[[str], str],
    break_raw: str | None = None,
    spaces_outside: bool = False,
) -> str:
    """The region's markup with ``pieces`` as its text.

    With ``spaces_outside`` (Markdown) the spaces at either end of a piece go outside
    the wrappers it does not share with its neighbour: ``**NOTE: **`` does not close in
    CommonMark (a closing ``**`` after a space is not right-flanking), ``**NOTE:** `` does.
    """
    writer = _Writer(region, escape, break_raw or (region.breaks[0] if region.breaks else None))
    for piece in pieces:
        if piece.is_object:
            path, index = region.objects[piece.key]
            writer.spaces(path)
            writer.open_path(path)
            writer.out.append(region.tokens[index].raw)
            continue
        path = region.paths.get(piece.key, ())
        text = piece.text
        if spaces_outside and path:
            body = text.strip(" ")
            lead = text[:len(text) - len(text.lstrip(" "))] if body else text
            writer.pending += lead
            writer.spaces(path)
            writer.pending = text[len(lead) + len(body):]
            text = body
        else:
            writer.spaces(path)
        if text:
            writer.text(path, text)
    writer.open_path(())
    writer.out.append(writer.pending)
    return "".join(writer.out)


class _Writer:
    """The markup written so far, with the wrappers open at its end."""

    def __init__(self, region: InlineRegion, escape: Callable[[str], str],
                 line_break: str | None) -> None:
        self.region = region
        self.escape = escape
        self.line_break = line_break
        self.out: list[str] = []
        self.stack: list[int] = []
        self.pending = ""  # a piece's trailing spaces, written once the next path is known

    def _common(self, path: tuple[int, ...]) -> int:
        common = 0
        while (common < len(self.stack) and common < len(path)
               and self.stack[common] == path[common]):
            common += 1
        return common

    def spaces(self, path: tuple[int, ...]) -> None:
        """The pending spaces, inside only the wrappers the next piece shares."""
        if self.pending:
            self.open_path(path[:self._common(path)])
            self.out.append(self.pending)
            self.pending = ""

    def open_path(self, path: tuple[int, ...]) -> None:
        common = self._common(path)
        while len(self.stack) > common:
            # read at render time: a handler may have translated words in it (a link title)
            self.out.append(self.region.tokens[self.region.closes[self.stack.pop()]].raw)
        for i in path[common:]:
            self.out.append(self.region.tokens[i].raw)
            self.stack.append(i)

    def text(self, path: tuple[int, ...], text: str) -> None:
        self.open_path(path)
        if self.line_break is None:
            self.out.append(self.escape(text))
            return
        for j, line in enumerate(text.split("\n")):
            if j:
                self.out.append(self.line_break)
            self.out.append(self.escape(line))


def translate_region(
    region: InlineRegion,
    translation: Translation | None,
    escape: Callable[[str], str],
    break_raw: str | None = None,
    spaces_outside: bool = False,
) -> str:
    """Render ``translation`` into the region (``None``: the original text again)."""
    if translation is None:
        pieces = source_pieces(region.text, region.spans)
    else:
        pieces = distribute(region.text, region.spans, translation.text, translation.alignment)
    return render(region, pieces, escape, break_raw, spaces_outside)


def region_segment(region: InlineRegion, locator: object) -> Segment:
    """The region's text; inline spans only where there is formatting to carry."""
    return Segment(region.text, locator, region.spans if len(region.spans) > 1 else ())


@dataclass(eq=False)
class Unit(Generic[P]):
    """One translatable thing of a markup document: a region of inline markup (a
    paragraph, a table cell, a cue) or the words of a tag (an HTML attribute, a Markdown
    image's alt text); ``place`` is what its format needs to write it back."""

    place: P
    region: InlineRegion | None = None
    words: str = ""
    sent: bool = True  # False: kept in order, not translated (an image-only paragraph)

    def render(self, translation: Translation | None, escape: Callable[[str], str],
               break_raw: str | None = None, spaces_outside: bool = False) -> str:
        """The region's markup with ``translation`` as its text (``None``: the original)."""
        assert self.region is not None
        return translate_region(self.region, translation, escape, break_raw, spaces_outside)


class SegmentBuilder(Generic[P]):
    """The segments of a markup document (HTML, Markdown, subtitles), in document order.

    A format adds each region of inline markup it finds (as :class:`Tok` s) and each
    tag's words of their own; it gets the segments, and at writing one translation per
    unit (``None`` for a unit that was not sent) to render back.
    """

    def __init__(self) -> None:
        self.units: list[Unit[P]] = []

    def add_region(self, region: InlineRegion, place: P, sent: bool = True) -> Unit[P]:
        unit = Unit(place, region=region, sent=sent)
        self.units.append(unit)
        return unit

    def add_words(self, words: str, place: P) -> Unit[P]:
        unit = Unit(place, words=words)
        self.units.append(unit)
        return unit

    def segments(self) -> list[Segment]:
        """One segment per unit sent, located by the unit's index."""
        return [
            Segment(u.words, i) if u.region is None else region_segment(u.region, i)
            for i, u in enumerate(self.units)
            if u.sent
        ]

    def translated(
        self, translations: Sequence[Translation]
    ) -> list[tuple[Unit[P], Translation | None]]:
        """Each unit with its translation (``None`` where it was not sent)."""
        given = iter(translations)
        return [(u, next(given) if u.sent else None) for u in self.units]
