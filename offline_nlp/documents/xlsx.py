"""Excel ``.xlsx``: text cells (shared and inline strings, with rich-text runs), comments,
drawing text boxes and chart titles. Numbers, dates, booleans and formulas (and their
cached results) are never touched; sheet names stay, so formulas keep working."""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from offline_nlp.documents._package import XmlPackageDocument, by_content_type, main_part_types
from offline_nlp.documents.xmldialects import DRAWINGML, SPREADSHEETML, S
from offline_nlp.documents.xmlruns import XmlUnit, collect

_PARTS = (
    "spreadsheetml.sharedStrings+xml",
    "spreadsheetml.worksheet+xml",
    "spreadsheetml.comments+xml",
    "drawing+xml",
    "drawingml.chart+xml",
)


def _not_formula(el: etree._Element) -> bool:
    for a in el.iterancestors(f"{{{S}}}c"):
        return a.find(f"{{{S}}}f") is None
    return True


class XlsxDocument(XmlPackageDocument):
    KIND = "Excel (.xlsx)"
    BILINGUAL = True  # original line above the translation, in the same cell

    def _parts(self, zf: zipfile.ZipFile) -> list[str]:
        markers = ("spreadsheetml.sheet.main+xml", "ms-excel.sheet.macroEnabled.main+xml",
                   "spreadsheetml.template.main+xml")
        types = main_part_types(zf, self.path, self.KIND, markers, "workbook")
        return by_content_type(types, _PARTS)

    def _collect(self, part: str, tree: etree._ElementTree) -> list[XmlUnit]:
        return collect(part, tree.getroot(), [SPREADSHEETML, DRAWINGML], accept=_not_formula)


class XlsxHandler:
    NAME = "Excel workbook"
    EXTENSIONS = (".xlsx", ".xlsm")

    def open(self, path: Path) -> XlsxDocument:
        return XlsxDocument(path)
