"""Word ``.docx``: body, tables, headers, footers, footnotes, endnotes, comments,
text boxes, charts and SmartArt text, translated paragraph by paragraph in place.
Paragraphs in code styles and runs in monospaced fonts are kept (see :mod:`.codestyle`)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from offline_nlp.documents._package import (
    XmlPackageDocument,
    by_content_type,
    content_types,
    parse_member,
)
from offline_nlp.documents.base import parse_error
from offline_nlp.documents.codestyle import wml_code
from offline_nlp.documents.xmldialects import DRAWINGML, WML
from offline_nlp.documents.xmlruns import XmlUnit, collect

_WORD_PARTS = (
    "document.main+xml",
    "template.main+xml",
    "document.macroEnabled.main+xml",
    "template.macroEnabledTemplate.main+xml",
    "wordprocessingml.header+xml",
    "wordprocessingml.footer+xml",
    "wordprocessingml.footnotes+xml",
    "wordprocessingml.endnotes+xml",
    "wordprocessingml.comments+xml",
)
_DRAWING_PARTS = (
    "drawingml.chart+xml",
    "drawingml.diagramData+xml",
    "drawingml.diagramDrawing+xml",
)


class DocxDocument(XmlPackageDocument):
    KIND = "Word (.docx)"
    BILINGUAL = True

    def _parts(self, zf: zipfile.ZipFile) -> list[str]:
        types = content_types(zf, self.path, self.KIND)
        word = by_content_type(types, _WORD_PARTS)
        if not any(types[p].endswith("main+xml") for p in word):
            raise parse_error(self.path, f"not a {self.KIND} file (no main document part)")
        main = [p for p in word if types[p].endswith("main+xml")]
        rest = [p for p in word if p not in main]
        styles = by_content_type(types, ("wordprocessingml.styles+xml",))
        self._code_paragraph, self._code_run = wml_code(
            parse_member(zf, styles[0], self.path, self.KIND).getroot() if styles else None)
        return main + rest + by_content_type(types, _DRAWING_PARTS)

    def _collect(self, part: str, tree: etree._ElementTree) -> list[XmlUnit]:
        return collect(part, tree.getroot(), [WML, DRAWINGML],
                       accept=lambda p: not self._code_paragraph(p), code=self._code_run)


class DocxHandler:
    NAME = "Word document"
    EXTENSIONS = (".docx", ".docm", ".dotx")

    def open(self, path: Path) -> DocxDocument:
        return DocxDocument(path)
