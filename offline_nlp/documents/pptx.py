"""PowerPoint ``.pptx``: slide text (shapes, placeholders, tables, groups), speaker notes,
chart and SmartArt text. Slide masters and layouts (prompt texts) are left alone."""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from offline_nlp.documents._package import XmlPackageDocument, by_content_type, main_part_types
from offline_nlp.documents.xmldialects import DRAWINGML
from offline_nlp.documents.xmlruns import XmlUnit, collect

_PARTS = (
    "presentationml.slide+xml",
    "presentationml.notesSlide+xml",
    "drawingml.chart+xml",
    "drawingml.diagramData+xml",
    "drawingml.diagramDrawing+xml",
)


class PptxDocument(XmlPackageDocument):
    KIND = "PowerPoint (.pptx)"
    BILINGUAL = True  # original paragraph above its translation, in the same shape

    def _parts(self, zf: zipfile.ZipFile) -> list[str]:
        markers = ("presentation.main+xml", "slideshow.main+xml",
                   "presentation.macroEnabled.main+xml")
        types = main_part_types(zf, self.path, self.KIND, markers, "presentation")
        parts = by_content_type(types, _PARTS)
        # slides in their natural order: slide2 before slide10
        return sorted(parts, key=_natural)

    def _collect(self, part: str, tree: etree._ElementTree) -> list[XmlUnit]:
        return collect(part, tree.getroot(), [DRAWINGML])


def _natural(name: str) -> tuple:
    import re

    return tuple(int(t) if t.isdigit() else t for t in re.split(r"(\d+)", name))


class PptxHandler:
    NAME = "PowerPoint presentation"
    EXTENSIONS = (".pptx", ".pptm", ".potx")

    def open(self, path: Path) -> PptxDocument:
        return PptxDocument(path)
