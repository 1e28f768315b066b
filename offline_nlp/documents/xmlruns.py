"""Paragraphs of XML office formats as one text with runs (OOXML, ODF), and back.

A paragraph element (``w:p``, ``a:p``, ``si``, ``text:p``) is *flattened* into leaves: text
(with the path of wrapper elements above it: hyperlink, run, span), line breaks and tabs
(as ``\\n``/``\\t``), and opaque *objects* (drawings, fields, note references, bookmarks),
which are never translated and are moved back unchanged. Runs whose wrappers carry the
same formatting share a key, so Word's rsid-split runs merge into one.

*Rebuilding* empties the paragraph (its property children stay in place) and re-creates
the content from :class:`~offline_nlp.documents.inline.Piece` s: each text piece goes into
a shallow clone (tag, attributes, property children) of its run's wrappers; neighbouring
pieces with the same wrappers share the clones; objects are moved, not copied, so nested
paragraphs inside them (text boxes, footnotes) keep their identity and get translated too.

How each vocabulary spells these is its :class:`~offline_nlp.documents.xmldialects.Dialect`.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from lxml import etree

from offline_nlp.documents.base import InlineSpan, Segment, is_translatable
from offline_nlp.documents.inline import Piece, distribute, dominant_key, source_pieces
from offline_nlp.documents.xmldialects import (
    CHAR,
    DROP,
    OBJ,
    PROP,
    TEXT,
    TEXT_NS,
    WRAP,
    XML_SPACE,
    A,
    Dialect,
    W,
)
from offline_nlp.engine.types import Translation

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def parse_xml(data: bytes) -> etree._ElementTree:
    return etree.ElementTree(etree.fromstring(data, _PARSER))


def serialize_xml(tree: etree._ElementTree) -> bytes:
    standalone = tree.docinfo.standalone
    kwargs = {"standalone": standalone} if standalone is not None else {}
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", **kwargs)


@dataclass
class Leaf:
    path: tuple[etree._Element, ...]
    text: str = ""
    elem: etree._Element | None = None  # object or char element
    is_object: bool = False


@dataclass
class FlatParagraph:
    element: etree._Element
    leaves: list[Leaf]
    text: str
    spans: tuple[InlineSpan, ...]
    rep_paths: dict[int, tuple[etree._Element, ...]]
    objects: list[Leaf]


def _signature(el: etree._Element, dialect: Dialect) -> tuple:
    attrs = tuple(sorted((k, v) for k, v in el.attrib.items() if "rsid" not in k))
    props = tuple(
        etree.tostring(c) for c in el if isinstance(c.tag, str) and c.tag in dialect.props
    )
    return (el.tag, attrs, props)


def flatten(p: etree._Element, dialect: Dialect, state: dict[str, int],
            code: Callable[[etree._Element], bool] | None = None) -> FlatParagraph:
    """``code`` says which wrappers (runs, spans) hold code: they become objects, kept."""
    leaves: list[Leaf] = []

    def walk(node: etree._Element, path: tuple[etree._Element, ...]) -> None:
        if dialect.mixed and node.text:
            leaves.append(Leaf(path, node.text))
        for child in node:
            kind = dialect.classify(child, state)
            if kind == WRAP and code is not None and code(child):
                kind = OBJ
            if kind == WRAP:
                walk(child, (*path, child))
            elif kind == TEXT:
                if child.text:
                    leaves.append(Leaf(path, child.text, child))
            elif kind == CHAR:
                leaves.append(Leaf(path, dialect.char_of(child), child))
            elif kind == OBJ:
                leaves.append(Leaf(path, elem=child, is_object=True))
            elif kind == DROP:
                leaves.append(Leaf(path, elem=child, is_object=True))  # kept; harmless
            if dialect.mixed and child.tail and kind != PROP:
                leaves.append(Leaf(path, child.tail))

    walk(p, ())
    sig_keys: dict[tuple, int] = {}
    rep_paths: dict[int, tuple[etree._Element, ...]] = {}
    sig_cache: dict[int, tuple] = {}
    spans: list[InlineSpan] = []
    objects: list[Leaf] = []
    parts: list[str] = []
    pos = 0
    for leaf in leaves:
        if leaf.is_object:
            spans.append(InlineSpan(pos, pos, len(objects), True))
            objects.append(leaf)
            continue
        sig = tuple(sig_cache.setdefault(id(e), _signature(e, dialect)) for e in leaf.path)
        key = sig_keys.setdefault(sig, len(sig_keys))
        rep_paths.setdefault(key, leaf.path)
        end = pos + len(leaf.text)
        if spans and not spans[-1].is_object and spans[-1].key == key and spans[-1].end == pos:
            spans[-1] = InlineSpan(spans[-1].start, end, key, link=spans[-1].link)
        else:
            spans.append(InlineSpan(pos, end, key, link=any(_is_link(e) for e in leaf.path)))
        parts.append(leaf.text)
        pos = end
    return FlatParagraph(p, leaves, "".join(parts), tuple(spans), rep_paths, objects)


def _is_link(el: etree._Element) -> bool:
    """A hyperlink wrapper (Word, ODF) or a slide run with a click-through link."""
    if el.tag in (f"{{{W}}}hyperlink", f"{{{TEXT_NS}}}a"):
        return True
    return el.tag == f"{{{A}}}r" and el.find(f"{{{A}}}rPr/{{{A}}}hlinkClick") is not None


class _Builder:
    """Re-creates paragraph content from pieces (see module docstring)."""

    def __init__(self, dialect: Dialect, flat: FlatParagraph, root: etree._Element, reuse: bool):
        self.d = dialect
        self.flat = flat
        self.root = root
        self.stack: list[tuple[etree._Element, etree._Element]] = []
        self.pool: dict[str, list[etree._Element]] = {}
        if reuse:
            for leaf in flat.leaves:
                if (
                    leaf.elem is not None
                    and not leaf.is_object
                    and leaf.elem.tag != dialect.text_tag
                ):
                    self.pool.setdefault(leaf.text, []).append(leaf.elem)

    def container(self) -> etree._Element:
        return self.stack[-1][1] if self.stack else self.root

    def open(self, path: tuple[etree._Element, ...]) -> None:
        common = 0
        while (
            common < len(self.stack)
            and common < len(path)
            and self.stack[common][0] is path[common]
        ):
            common += 1
        del self.stack[common:]
        for orig in path[common:]:
            clone = etree.SubElement(self.container(), orig.tag, attrib=dict(orig.attrib))
            for child in orig:
                if isinstance(child.tag, str) and child.tag in self.d.props:
                    clone.append(copy.deepcopy(child))
            self.stack.append((orig, clone))

    def _append_text(self, el: etree._Element, text: str) -> None:
        if len(el):
            el[-1].tail = (el[-1].tail or "") + text
        else:
            el.text = (el.text or "") + text

    def text(self, key: int, text: str) -> None:
        path = self.flat.rep_paths.get(key, ())
        self.open(path)
        for chunk in re.split(r"(\t|\n)", text):
            if not chunk:
                continue
            made = self.d.char_factory(chunk) if self.d.char_factory and chunk in "\t\n" else None
            if made is None:
                self.plain(chunk)
                continue
            tag, paragraph_level = made
            if paragraph_level:
                self.stack.clear()
            box = self.container()
            pooled = self.pool.get(chunk)
            if pooled:
                el = pooled.pop(0)
                el.tail = None
                box.append(el)
            else:
                etree.SubElement(box, tag)
            if paragraph_level:
                self.open(path)

    def plain(self, text: str) -> None:
        box = self.container()
        if self.d.mixed:
            if self.d.space_tag and "  " in text:
                for i, part in enumerate(re.split(r"( {2,})", text)):
                    if i % 2:
                        self._append_text(box, " ")
                        etree.SubElement(
                            box, self.d.space_tag, {self.d.space_count_attr: str(len(part) - 1)}
                        )
                    elif part:
                        self._append_text(box, part)
                return
            self._append_text(box, text)
            return
        assert self.d.text_tag is not None
        last = box[-1] if len(box) else None
        if last is not None and last.tag == self.d.text_tag and not last.tail:
            last.text = (last.text or "") + text
        else:
            last = etree.SubElement(box, self.d.text_tag)
            last.text = text
        if last.text != last.text.strip() or "  " in last.text:
            last.set(XML_SPACE, "preserve")

    def object(self, index: int) -> None:
        leaf = self.flat.objects[index]
        self.open(leaf.path)
        assert leaf.elem is not None
        tail = leaf.elem.tail
        leaf.elem.tail = None
        self.container().append(leaf.elem)
        if tail and not self.d.mixed:
            leaf.elem.tail = tail  # indentation whitespace, harmless


def _content_children(p: etree._Element, dialect: Dialect) -> list[etree._Element]:
    return [c for c in p if not (isinstance(c.tag, str) and c.tag in dialect.props)]


def rebuild(flat: FlatParagraph, dialect: Dialect, pieces: Sequence[Piece]) -> None:
    """Replace the paragraph's content by ``pieces`` (objects are moved back)."""
    p = flat.element
    content = _content_children(p, dialect)
    children = list(p)
    if content:
        index = children.index(content[0])
    else:
        index = 0
        while (
            index < len(children)
            and children[index].tag in dialect.props
            and (children[index].tag != f"{{{A}}}endParaRPr")
        ):
            index += 1
    for c in content:
        p.remove(c)
    tmp = etree.Element(p.tag, nsmap=p.nsmap)
    builder = _Builder(dialect, flat, tmp, reuse=True)
    for piece in pieces:
        if piece.is_object:
            builder.object(piece.key)
        elif piece.text:
            builder.text(piece.key, piece.text)
    if dialect.mixed:
        p.text = tmp.text
    for offset, child in enumerate(list(tmp)):
        p.insert(index + offset, child)


def original_copy(flat: FlatParagraph, dialect: Dialect) -> etree._Element:
    """A text-only copy of the paragraph before translation (for bilingual output)."""
    p = flat.element
    new = etree.Element(p.tag, attrib=dict(p.attrib), nsmap=p.nsmap)
    for child in p:
        if isinstance(child.tag, str) and child.tag in dialect.props:
            new.append(copy.deepcopy(child))
    props = list(new)
    tmp = etree.Element(p.tag, nsmap=p.nsmap)
    builder = _Builder(dialect, flat, tmp, reuse=False)
    for piece in source_pieces(flat.text, flat.spans):
        if not piece.is_object and piece.text:
            builder.text(piece.key, piece.text)
    trailing = [c for c in props if c.tag == f"{{{A}}}endParaRPr"]
    for c in trailing:
        new.remove(c)
    if dialect.mixed:
        new.text = tmp.text
    for child in list(tmp):
        new.append(child)
    for c in trailing:
        new.append(c)
    if dialect.unnumber is not None:
        dialect.unnumber(new)
    return new


@dataclass
class XmlUnit:
    """A paragraph to translate, found in a part of a zip package."""

    part: str
    flat: FlatParagraph
    dialect: Dialect


def collect(
    part: str,
    root: etree._Element,
    dialects: Sequence[Dialect],
    accept: Callable[[etree._Element], bool] | None = None,
    code: Callable[[etree._Element], bool] | None = None,
) -> list[XmlUnit]:
    """Every translatable paragraph of ``root`` for the given dialects, in document order;
    ``code`` marks runs kept as code (see :mod:`.codestyle`)."""
    tags = {t: d for d in dialects for t in d.paragraph_tags}
    state: dict[str, int] = {}
    units: list[XmlUnit] = []
    for el in root.iter(*tags):
        dialect = tags[el.tag]
        flat = flatten(el, dialect, state, code)
        if not is_translatable(flat.text):
            continue
        if accept is not None and not accept(el):
            continue
        units.append(XmlUnit(part, flat, dialect))
    return units


def unit_segment(unit: XmlUnit, locator: object) -> Segment:
    spans = unit.flat.spans
    return Segment(unit.flat.text, locator, spans if len(spans) > 1 else ())


def apply(unit: XmlUnit, translation: Translation, bilingual: bool = False) -> None:
    """Write ``translation`` into the unit's paragraph (and the original before it)."""
    flat = unit.flat
    pieces = distribute(flat.text, flat.spans, translation.text, translation.alignment)
    if bilingual and unit.dialect.one_paragraph:
        original = [p for p in source_pieces(flat.text, flat.spans) if not p.is_object]
        line = Piece(dominant_key(flat.text, flat.spans), "\n")
        pieces = [*original, line, *pieces]
    elif bilingual:
        flat.element.addprevious(original_copy(flat, unit.dialect))
    rebuild(flat, unit.dialect, pieces)
