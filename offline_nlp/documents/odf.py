"""OpenDocument ``.odt``/``.odp``/``.ods``: every ``text:p``/``text:h`` in content.xml
(and embedded objects) and styles.xml (headers, footers), including tables, lists,
notes, frames and speaker notes. Spreadsheet cells that hold a formula or a non-text
value (number, date, currency...) are left alone, and so are paragraphs in code styles
and spans in monospaced fonts (see :mod:`.codestyle`)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from offline_nlp.documents._package import XmlPackageDocument, read_member
from offline_nlp.documents.base import parse_error
from offline_nlp.documents.codestyle import odf_code
from offline_nlp.documents.xmldialects import ODF
from offline_nlp.documents.xmlruns import XmlUnit, collect

TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_MIMETYPES = {
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ott": "application/vnd.oasis.opendocument.text-template",
    ".odp": "application/vnd.oasis.opendocument.presentation",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
}


def _text_cell(el: etree._Element) -> bool:
    for cell in el.iterancestors(f"{{{TABLE_NS}}}table-cell", f"{{{TABLE_NS}}}covered-table-cell"):
        if cell.get(f"{{{TABLE_NS}}}formula") is not None:
            return False
        return cell.get(f"{{{OFFICE_NS}}}value-type", "string") == "string"
    return True


class OdfDocument(XmlPackageDocument):
    KIND = "OpenDocument"

    #: original paragraph above its translation: in the text, the frame, the cell
    BILINGUAL = True

    def _parts(self, zf: zipfile.ZipFile) -> list[str]:
        kind = f"OpenDocument ({self.path.suffix.lower()})"
        mimetype = read_member(zf, "mimetype", self.path, kind).decode("ascii", "replace").strip()
        if not mimetype.startswith("application/vnd.oasis.opendocument."):
            raise parse_error(self.path, f"not an {kind} file (mimetype {mimetype!r})")
        names = set(zf.namelist())
        if "content.xml" not in names:
            raise parse_error(self.path, f"not an {kind} file (no content.xml inside)")
        embedded = sorted(n for n in names if n.endswith(("/content.xml", "/styles.xml")))
        return ["content.xml"] + (["styles.xml"] if "styles.xml" in names else []) + embedded

    def _collect(self, part: str, tree: etree._ElementTree) -> list[XmlUnit]:
        # A part's styles are in its own folder's content.xml and styles.xml (the
        # document's, or an embedded object's); both are among the parsed parts.
        folder = part.rsplit("/", 1)[0] + "/" if "/" in part else ""
        paragraph, span = odf_code(*(self._trees[f"{folder}{n}"].getroot()
                                     for n in ("content.xml", "styles.xml")
                                     if f"{folder}{n}" in self._trees))
        return collect(part, tree.getroot(), [ODF],
                       accept=lambda p: _text_cell(p) and not paragraph(p), code=span)


class OdfHandler:
    NAME = "OpenDocument"
    EXTENSIONS = (".odt", ".odp", ".ods", ".ott")

    def open(self, path: Path) -> OdfDocument:
        return OdfDocument(path)
