"""PDF: text extracted page by page with pypdf and written as a new ``.docx`` (default) or
``.txt``, keeping paragraphs and page order (a page break between pages).

Lines are joined into paragraphs: a line that fills the page's usual width wrapped and
continues on the next; a shorter line ends its paragraph; hyphenated words are joined.
An encrypted PDF (unless it opens with an empty password) or one without a text layer
(scanned pages) raises :class:`~offline_nlp.errors.DocumentParseError`; OCR is out of scope.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

import pypdf
from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

from offline_nlp.documents.base import (
    Document,
    Segment,
    Sink,
    is_translatable,
    open_sink,
    parse_error,
)
from offline_nlp.engine.types import Translation

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def paragraphs_of(text: str) -> list[str]:
    """Rebuild paragraphs from a page's extracted lines."""
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines()]
    filled = sorted(len(line) for line in lines if line)
    if not filled:
        return []
    typical = filled[int(0.9 * (len(filled) - 1))]
    paras: list[str] = []
    current = ""
    previous_full = False
    for line in lines:
        if not line:
            if current:
                paras.append(current)
            current, previous_full = "", False
            continue
        if current and previous_full:
            if current.endswith("-") and line[:1].islower():
                current = current[:-1] + line
            else:
                current = f"{current} {line}"
        else:
            if current:
                paras.append(current)
            current = line
        previous_full = len(line) >= max(0.75 * typical, 40)
    if current:
        paras.append(current)
    return paras


class PdfDocument(Document):
    output_suffix = ".docx"

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        #: ".docx" or ".txt"; the pipeline sets it from the output name
        self.target_suffix = ".docx"
        try:
            reader = pypdf.PdfReader(str(path))
            if reader.is_encrypted:
                try:
                    ok = reader.decrypt("")
                except (DependencyError, NotImplementedError):
                    ok = 0
                if not ok:
                    raise parse_error(
                        path, "the PDF is encrypted (password-protected); decrypt it first"
                    )
            pages = [page.extract_text() or "" for page in reader.pages]
        except DependencyError:
            raise parse_error(
                path, "the PDF is encrypted (password-protected); decrypt it first"
            ) from None
        except FileNotDecryptedError:
            raise parse_error(
                path, "the PDF is encrypted (password-protected); decrypt it first"
            ) from None
        except PdfReadError as exc:
            raise parse_error(path, f"damaged PDF file ({exc})") from None
        self._pages = [[_INVALID_XML.sub("", p) for p in paragraphs_of(text)] for text in pages]
        if not any(is_translatable(p) for page in self._pages for p in page):
            raise parse_error(
                path, "the PDF has no text layer (scanned or image-only pages); OCR it first"
            )
        self._index = [
            (pi, k)
            for pi, page in enumerate(self._pages)
            for k, p in enumerate(page)
            if is_translatable(p)
        ]

    def segments(self) -> list[Segment]:
        return [Segment(self._pages[pi][k], (pi, k)) for pi, k in self._index]

    def write(
        self, dst: Sink, translations: Sequence[Translation], bilingual: bool = False
    ) -> None:
        self._check_count(translations)
        done = {loc: tr.text for loc, tr in zip(self._index, translations, strict=True)}
        pages = [
            [(p, done.get((pi, k))) for k, p in enumerate(page)]
            for pi, page in enumerate(self._pages)
        ]
        suffix = Path(dst).suffix.lower() if isinstance(dst, (str, Path)) else self.target_suffix
        with open_sink(dst) as fh:
            if suffix == ".txt":
                fh.write(_as_text(pages, bilingual).encode("utf-8"))
            else:
                _write_docx(fh, pages, bilingual)


def _as_text(pages: list[list[tuple[str, str | None]]], bilingual: bool) -> str:
    out = []
    for page in pages:
        paras = []
        for original, tr in page:
            if tr is None:
                paras.append(original)
            elif bilingual:
                paras.append(f"{original}\n\n{tr}")
            else:
                paras.append(tr)
        out.append("\n\n".join(paras))
    return "\n\n\f".join(out) + "\n"


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    "</Relationships>"
)
_DOC_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    "</Relationships>"
)
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<w:styles {_W}><w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val="22"/></w:rPr></w:rPrDefault>'
    '<w:pPrDefault><w:pPr><w:spacing w:after="160"/></w:pPr></w:pPrDefault></w:docDefaults>'
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'
    '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:tblPr><w:tblBorders>'
    + "".join(
        f'<w:{b} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
        for b in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    + "</w:tblBorders></w:tblPr></w:style></w:styles>"
)


def _para(text: str) -> str:
    runs = []
    for k, line in enumerate(text.split("\n")):
        if k:
            runs.append("<w:br/>")
        runs.append(f'<w:t xml:space="preserve">{escape(line)}</w:t>')
    return f"<w:p><w:r>{''.join(runs)}</w:r></w:p>"


def _write_docx(fh, pages: list[list[tuple[str, str | None]]], bilingual: bool) -> None:
    body: list[str] = []
    for n, page in enumerate(pages):
        if n:
            body.append('<w:p><w:r><w:br w:type="page"/></w:r></w:p>')
        if bilingual:
            rows = "".join(
                f'<w:tr><w:tc><w:tcPr><w:tcW w:w="4500" w:type="dxa"/></w:tcPr>{_para(o)}</w:tc>'
                f'<w:tc><w:tcPr><w:tcW w:w="4500" w:type="dxa"/></w:tcPr>{_para(t if t is not None else o)}</w:tc></w:tr>'
                for o, t in page
            )
            if rows:
                body.append(
                    '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="9000" w:type="dxa"/></w:tblPr>'
                    f'<w:tblGrid><w:gridCol w:w="4500"/><w:gridCol w:w="4500"/></w:tblGrid>{rows}</w:tbl>'
                    "<w:p/>"
                )
        else:
            body.extend(_para(t if t is not None else o) for o, t in page)
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f"<w:document {_W}><w:body>{''.join(body)}"
        '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
        '<w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" w:header="708" w:footer="708" w:gutter="0"/>'
        "</w:sectPr></w:body></w:document>"
    )
    with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("word/_rels/document.xml.rels", _DOC_RELS)
        z.writestr("word/document.xml", document)
        z.writestr("word/styles.xml", _STYLES)


class PdfHandler:
    NAME = "PDF"
    EXTENSIONS = (".pdf",)

    def open(self, path: Path) -> PdfDocument:
        return PdfDocument(Path(path))


__all__ = ["PdfDocument", "PdfHandler", "paragraphs_of"]
