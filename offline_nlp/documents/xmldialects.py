"""The XML vocabularies of office formats, as :class:`Dialect` s for :mod:`.xmlruns`.

Each says how its paragraphs, runs, text, breaks and properties are spelled:
WordprocessingML (``.docx``), DrawingML (slides, shapes, charts), SpreadsheetML shared
strings (``.xlsx``) and OpenDocument text (``.odt``, ``.odp``, ``.ods``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
W_FLDCHAR = f"{{{W}}}fldChar"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
#: what an element of a paragraph is to flattening (:meth:`Dialect.classify`)
PROP, WRAP, TEXT, CHAR, OBJ, DROP = "prop", "wrap", "text", "char", "obj", "drop"


@dataclass
class Dialect:
    """How one XML vocabulary spells paragraphs, runs, text, breaks and properties."""

    paragraph_tags: frozenset[str]
    props: frozenset[str]
    wrappers: frozenset[str]
    text_tag: str | None  # element holding text in a run (None: mixed content, ODF)
    chars: dict[str, str] = field(default_factory=dict)  # tag -> text it stands for
    drop: frozenset[str] = frozenset()
    #: char -> (factory for its element, emitted at paragraph level instead of in the run)
    char_factory: Callable[[str], tuple[str, bool] | None] | None = None
    space_tag: str | None = None  # mixed content: element for runs of spaces (ODF text:s)
    space_count_attr: str = ""
    char_text: Callable[[etree._Element], str | None] | None = None
    run_level_objects: bool = True
    field_tracking: bool = False
    #: the element must stay alone (a spreadsheet cell's string, referred to by index):
    #: bilingual output puts the original inside it, a line above the translation
    one_paragraph: bool = False
    #: makes an original copy unnumbered, so list numbers do not double (bilingual)
    unnumber: Callable[[etree._Element], None] | None = None

    @property
    def mixed(self) -> bool:
        return self.text_tag is None

    def classify(self, el: etree._Element, state: dict[str, int]) -> str:
        tag = el.tag
        if not isinstance(tag, str):  # comments, processing instructions
            return OBJ
        if self.field_tracking:
            if tag == W_FLDCHAR:
                kind = el.get(f"{{{W}}}fldCharType")
                if kind == "begin":
                    state["field"] = state.get("field", 0) + 1
                elif kind == "end":
                    state["field"] = max(0, state.get("field", 0) - 1)
                return OBJ
            if state.get("field", 0) and tag not in self.wrappers and tag not in self.props:
                return OBJ
        if tag in self.props:
            return PROP
        if tag in self.drop:
            return DROP
        if tag in self.wrappers:
            return WRAP
        if tag == self.text_tag:
            return TEXT
        if tag in self.chars:
            if self.char_text is not None and self.char_text(el) is None:
                return OBJ
            return CHAR
        return OBJ

    def char_of(self, el: etree._Element) -> str:
        if self.char_text is not None:
            got = self.char_text(el)
            if got is not None:
                return got
        return self.chars[el.tag]


def _w(*names: str) -> frozenset[str]:
    return frozenset(f"{{{W}}}{n}" for n in names)


def _wml_char_text(el: etree._Element) -> str | None:
    if el.tag == f"{{{W}}}br" and el.get(f"{{{W}}}type") not in (None, "textWrapping"):
        return None  # page and column breaks stay objects
    return {f"{{{W}}}tab": "\t", f"{{{W}}}br": "\n", f"{{{W}}}cr": "\n"}[el.tag]


def _wml_char_factory(ch: str) -> tuple[str, bool] | None:
    if ch == "\t":
        return f"{{{W}}}tab", False
    if ch == "\n":
        return f"{{{W}}}br", False
    return None


# w:pPr children that come before w:numPr (the schema's order; Word rejects others)
_BEFORE_NUMPR = _w("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl")


def _wml_unnumber(p: etree._Element) -> None:
    """numId 0 ("no list") also cancels numbering that comes from the paragraph style."""
    ppr = p.find(f"{{{W}}}pPr")
    if ppr is None:
        return
    numpr = ppr.find(f"{{{W}}}numPr")
    if numpr is None:
        if ppr.find(f"{{{W}}}pStyle") is None:
            return
        at = sum(1 for c in ppr if c.tag in _BEFORE_NUMPR)
        numpr = etree.Element(f"{{{W}}}numPr")
        ppr.insert(at, numpr)
    for child in list(numpr):
        numpr.remove(child)
    etree.SubElement(numpr, f"{{{W}}}ilvl").set(f"{{{W}}}val", "0")
    etree.SubElement(numpr, f"{{{W}}}numId").set(f"{{{W}}}val", "0")


WML = Dialect(
    paragraph_tags=_w("p"),
    props=_w("pPr", "rPr", "sdtPr", "sdtEndPr", "customXmlPr", "smartTagPr"),
    wrappers=_w(
        "r",
        "hyperlink",
        "smartTag",
        "ins",
        "moveTo",
        "sdt",
        "sdtContent",
        "customXml",
        "dir",
        "bdo",
    ),
    text_tag=f"{{{W}}}t",
    chars={f"{{{W}}}tab": "\t", f"{{{W}}}br": "\n", f"{{{W}}}cr": "\n"},
    drop=_w("proofErr", "lastRenderedPageBreak"),
    char_factory=_wml_char_factory,
    char_text=_wml_char_text,
    field_tracking=True,
    unnumber=_wml_unnumber,
)


def _dml_char_factory(ch: str) -> tuple[str, bool] | None:
    if ch == "\n":
        return f"{{{A}}}br", True
    return None


def _dml_unnumber(p: etree._Element) -> None:
    """An auto-numbered slide paragraph's copy gets no number (bullets stay)."""
    ppr = p.find(f"{{{A}}}pPr")
    auto = ppr.find(f"{{{A}}}buAutoNum") if ppr is not None else None
    if auto is not None:
        auto.getparent().replace(auto, etree.Element(f"{{{A}}}buNone"))


DRAWINGML = Dialect(
    paragraph_tags=frozenset({f"{{{A}}}p"}),
    props=frozenset({f"{{{A}}}pPr", f"{{{A}}}endParaRPr", f"{{{A}}}rPr"}),
    wrappers=frozenset({f"{{{A}}}r"}),
    text_tag=f"{{{A}}}t",
    chars={f"{{{A}}}br": "\n"},
    char_factory=_dml_char_factory,
    unnumber=_dml_unnumber,
)

SPREADSHEETML = Dialect(
    paragraph_tags=frozenset({f"{{{S}}}si", f"{{{S}}}is", f"{{{S}}}text"}),
    props=frozenset({f"{{{S}}}rPr", f"{{{S}}}phoneticPr"}),
    wrappers=frozenset({f"{{{S}}}r"}),
    text_tag=f"{{{S}}}t",
    one_paragraph=True,
)


def _t(*names: str) -> frozenset[str]:
    return frozenset(f"{{{TEXT_NS}}}{n}" for n in names)


def _odf_char_text(el: etree._Element) -> str | None:
    if el.tag == f"{{{TEXT_NS}}}s":
        try:
            return " " * max(1, int(el.get(f"{{{TEXT_NS}}}c", "1")))
        except ValueError:
            return " "
    return {f"{{{TEXT_NS}}}tab": "\t", f"{{{TEXT_NS}}}line-break": "\n"}[el.tag]


def _odf_char_factory(ch: str) -> tuple[str, bool] | None:
    if ch == "\t":
        return f"{{{TEXT_NS}}}tab", False
    if ch == "\n":
        return f"{{{TEXT_NS}}}line-break", False
    return None


def _odf_unnumber(p: etree._Element) -> None:
    """A numbered heading's copy is not numbered (a second paragraph of a list item
    never is)."""
    if p.tag == f"{{{TEXT_NS}}}h":
        p.set(f"{{{TEXT_NS}}}is-list-header", "true")


ODF = Dialect(
    paragraph_tags=_t("p", "h"),
    props=frozenset(),
    wrappers=_t("span", "a", "meta"),
    text_tag=None,
    chars={f"{{{TEXT_NS}}}s": " ", f"{{{TEXT_NS}}}tab": "\t", f"{{{TEXT_NS}}}line-break": "\n"},
    char_factory=_odf_char_factory,
    char_text=_odf_char_text,
    space_tag=f"{{{TEXT_NS}}}s",
    space_count_attr=f"{{{TEXT_NS}}}c",
    unnumber=_odf_unnumber,
)
