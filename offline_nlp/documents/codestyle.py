"""Code in Word and OpenDocument files: paragraphs in code styles, runs in monospaced fonts.

HTML marks code with ``<pre>``/``<code>``; office files only with a style or a font. A
paragraph whose style is code-like (``Code``, ``HTML Preformatted``, ``Preformatted
Text``, ``Source Code``, ``Macro Text``...) or set in a monospaced font is left as it is;
a run in a code character style or a monospaced font (Courier, Consolas, Menlo, anything
named *Mono*, *Code*...) is kept like HTML's inline ``<code>``: an object that moves with
the words around it, never sent to the model. Styles are followed up their ``basedOn``
or parent chain (bounded: the file is untrusted). In a document whose normal text is
itself monospaced (a screenplay in Courier) a font says nothing: only style names count.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree

__all__ = ["is_code_style_name", "is_mono_font", "odf_code", "wml_code"]

_MONO = re.compile(r"mono|code|courier|consolas|menlo|monaco|console|inconsolata|typewriter",
                   re.IGNORECASE)
# Style names and ids without spaces or underscores, lower case: ODF writes "Source_20_Text".
_CODE_STYLE = re.compile(r"code|preformatted|sourcetext|verbatim|macrotext|htmlkeyboard"
                         r"|htmlsample|htmltypewriter|htmlvariable")
_MAX_DEPTH = 16


def is_mono_font(name: str | None) -> bool:
    return bool(name) and bool(_MONO.search(name))  # type: ignore[arg-type]


def is_code_style_name(name: str | None) -> bool:
    if not name:
        return False
    flat = re.sub(r"_20_|[\s_-]", "", name).lower()
    return bool(_CODE_STYLE.search(flat))


class _Styles:
    """Named styles: own code-ness (name or font) and parent, resolved up the chain."""

    def __init__(self) -> None:
        self.own: dict[str, bool] = {}
        self.parent: dict[str, str] = {}
        self._resolved: dict[str, bool] = {}

    def add(self, key: str, code: bool, parent: str | None) -> None:
        self.own[key] = self.own.get(key, False) or code
        if parent:
            self.parent[key] = parent

    def is_code(self, key: str | None) -> bool:
        if not key:
            return False
        if key not in self._resolved:
            found, current = False, key
            for _ in range(_MAX_DEPTH):
                if self.own.get(current):
                    found = True
                    break
                parent = self.parent.get(current)
                if parent is None:
                    break
                current = parent
            self._resolved[key] = found
        return self._resolved[key]


# -- Word (WordprocessingML) ---------------------------------------------------------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


def _fonts_mono(rpr: etree._Element | None) -> bool:
    if rpr is None:
        return False
    fonts = rpr.find(_w("rFonts"))
    if fonts is None:
        return False
    return any(is_mono_font(fonts.get(_w(a))) for a in ("ascii", "hAnsi"))


def wml_code(styles: etree._Element | None
             ) -> tuple[Callable[[etree._Element], bool], Callable[[etree._Element], bool]]:
    """``(code paragraph, code run)`` tests for a Word document with this ``styles.xml``."""
    paragraph_styles, run_styles = _Styles(), _Styles()
    fonts_count = styles is None or not _wml_mono_body(styles)
    if styles is not None:
        for style in styles.iter(_w("style")):
            key = style.get(_w("styleId"))
            if not key:
                continue
            name_el, based = style.find(_w("name")), style.find(_w("basedOn"))
            name = name_el.get(_w("val")) if name_el is not None else ""
            code = (is_code_style_name(key) or is_code_style_name(name)
                    or (fonts_count and _fonts_mono(style.find(_w("rPr")))))
            parent = based.get(_w("val")) if based is not None else None
            kind = style.get(_w("type"))
            if kind == "paragraph":
                paragraph_styles.add(key, code, parent)
            elif kind == "character":
                run_styles.add(key, code, parent)

    def paragraph(p: etree._Element) -> bool:
        style = p.find(f"{_w('pPr')}/{_w('pStyle')}")
        return style is not None and paragraph_styles.is_code(style.get(_w("val")))

    def run(el: etree._Element) -> bool:
        if el.tag != _w("r"):
            return False
        rpr = el.find(_w("rPr"))
        if rpr is None:
            return False
        style = rpr.find(_w("rStyle"))
        return (fonts_count and _fonts_mono(rpr)) or (
            style is not None and run_styles.is_code(style.get(_w("val"))))

    return paragraph, run


def _wml_mono_body(styles: etree._Element) -> bool:
    """Whether the document's normal text is monospaced (defaults or the default style)."""
    defaults = styles.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}")
    if _fonts_mono(defaults):
        return True
    return any(style.get(_w("type")) == "paragraph" and style.get(_w("default")) in ("1", "true")
               and _fonts_mono(style.find(_w("rPr"))) for style in styles.iter(_w("style")))


# -- OpenDocument ------------------------------------------------------------------------

STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
FO = "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
SVG = "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"


def odf_code(*roots: etree._Element
             ) -> tuple[Callable[[etree._Element], bool], Callable[[etree._Element], bool]]:
    """``(code paragraph, code span)`` tests from the styles in ``content.xml`` and
    ``styles.xml`` (automatic styles name their parent: ``P1`` → ``Preformatted_20_Text``)."""
    mono_faces = set()
    for root in roots:
        for face in root.iter(f"{{{STYLE}}}font-face"):
            if is_mono_font(face.get(f"{{{STYLE}}}name")) or \
                    is_mono_font(face.get(f"{{{SVG}}}font-family")):
                mono_faces.add(face.get(f"{{{STYLE}}}name"))

    def mono(props: etree._Element | None) -> bool:
        return props is not None and (
            props.get(f"{{{STYLE}}}font-name") in mono_faces
            or is_mono_font(props.get(f"{{{STYLE}}}font-name"))
            or is_mono_font(props.get(f"{{{FO}}}font-family")))

    # normal text in a monospaced font (the default style, or "Standard"): fonts say nothing
    fonts_count = not any(
        mono(style.find(f"{{{STYLE}}}text-properties"))
        for root in roots for style in root.iter(f"{{{STYLE}}}default-style",
                                                 f"{{{STYLE}}}style")
        if style.get(f"{{{STYLE}}}family") == "paragraph"
        and (style.tag.endswith("default-style") or style.get(f"{{{STYLE}}}name") == "Standard"))
    styles = {"paragraph": _Styles(), "text": _Styles()}
    for root in roots:
        for style in root.iter(f"{{{STYLE}}}style"):
            family = styles.get(style.get(f"{{{STYLE}}}family", ""))
            key = style.get(f"{{{STYLE}}}name")
            if family is None or not key:
                continue
            code = ((fonts_count and mono(style.find(f"{{{STYLE}}}text-properties")))
                    or is_code_style_name(key)
                    or is_code_style_name(style.get(f"{{{STYLE}}}display-name")))
            family.add(key, code, style.get(f"{{{STYLE}}}parent-style-name"))

    def paragraph(p: etree._Element) -> bool:
        return styles["paragraph"].is_code(p.get(f"{{{TEXT}}}style-name"))

    def span(el: etree._Element) -> bool:
        return el.tag == f"{{{TEXT}}}span" and \
            styles["text"].is_code(el.get(f"{{{TEXT}}}style-name"))

    return paragraph, span
