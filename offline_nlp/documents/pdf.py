"""PDF: text extracted page by page and written as a new ``.docx`` (default) or ``.txt``,
keeping paragraphs, list items and page order (a page break between pages).

pdfminer.six's layout analysis gives each text line with its box on the page, grouped
into text blocks (a table cell, a frame, a column of text). Lines are then chained into
paragraphs by geometry, not by characters per line: a line continues onto the line right
below it (same font size, no paragraph gap, not left of it) only when it is *full*, that
is when the next line's first word would not have fitted before the block's right edge.
A rule drawn between two lines (a table border) separates them too. So a table cell,
a frame or a short line ends its paragraph, and a list item wrapped
with a hanging indent stays one sentence. A list marker (``•``, ``1.``, ``a)``) is kept
in front and not sent to the model. Paragraphs come in page order (top to bottom, left
to right, so a table is read row by row; a page set in two columns is read across);
hyphenated words are joined, and so is a paragraph cut by a page break (it stays on
its first page).

Why pdfminer.six (MIT) and not pypdf's ``extraction_mode="layout"``: pypdf's layout
mode prints the page as a text grid, so two table cells side by side share one line of
text and must be cut apart again by runs of spaces; pdfminer gives the lines' positions
and blocks themselves. pypdf still checks encryption (clear messages) first. Page
analysis is linear in the page's characters: the O(n²) hierarchical grouping of blocks
(``boxes_flow``) is switched off.

An encrypted PDF (unless it opens with an empty password) or one without a text layer
(scanned pages) raises :class:`~offline_nlp.errors.DocumentParseError`; OCR is out of scope.
"""

from __future__ import annotations

import bisect
import itertools
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
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
#: a list marker at the start of a paragraph: bullets (with the private-use bullets of
#: the Symbol and Wingdings fonts), "1." "1)" "(1)" "a)" "iv."
_MARKER = re.compile(
    r"^(?:[•●○◦▪■□►▸‣⁃∙·–—*\-\uf0b7\uf0a7\uf076\uf0d8\uf0fc]"
    r"|\(?\d{1,3}[.)]|\(\d{1,3}\)|[a-z][.)]|[ivx]{1,4}[.)])(?=\s)"
)
_PRIVATE_BULLETS = {
    "\uf0b7": "•",
    "\uf0a7": "▪",
    "\uf076": "❖",
    "\uf0d8": "➢",
    "\uf0fc": "✓",
}
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uff00-\uffef]")


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    top: float  # distance from the top of the page
    bottom: float
    block: int  # index of its text block on the page
    right: float = 0.0  # right edge of the text around it (see _set_right_edges)

    @property
    def height(self) -> float:
        return self.bottom - self.top


def _text_blocks(layout) -> Iterator:
    """Text blocks of a page, also those inside figures (form XObjects)."""
    from pdfminer.layout import LTFigure, LTTextBox

    for item in layout:
        if isinstance(item, LTTextBox):
            yield item
        elif isinstance(item, LTFigure):
            yield from _text_blocks(item)


_RTL = "\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff"  # Hebrew, Arabic, Syriac... and their forms
_RTL_RUN = re.compile(f"[{_RTL}](?:[{_RTL}\\s]*[{_RTL}])?")


def _logical(text: str) -> str:
    """Arabic and Hebrew come out of a PDF in visual order (left to right on the page):
    each right-to-left run is turned back into reading order."""
    return _RTL_RUN.sub(lambda m: m.group()[::-1], text)


def _rules(layout, page_top: float) -> list[tuple[float, float, float]]:
    """Horizontal rules drawn on the page as (y from the top, x0, x1): table borders and
    frame edges. A rectangle counts by its top and bottom edges."""
    from pdfminer.layout import LTCurve, LTFigure

    rules = []
    for item in layout:
        if isinstance(item, LTFigure):
            rules.extend(_rules(item, page_top))
        elif isinstance(item, LTCurve):  # LTLine and LTRect are curves too
            if item.height < 3:
                rules.append((page_top - (item.y0 + item.y1) / 2, item.x0, item.x1))
            elif item.width >= 3:
                rules.append((page_top - item.y1, item.x0, item.x1))
                rules.append((page_top - item.y0, item.x0, item.x1))
    return sorted(rules)


_MAX_RULES_BETWEEN = 64


def _ruled_apart(a: _Line, b: _Line, rules: list[tuple[float, float, float]]) -> bool:
    """True when a drawn rule runs between line ``a`` and line ``b`` below it."""
    left, right = max(a.x0, b.x0), min(a.x1, b.x1)
    i = bisect.bisect_left(rules, (a.top + a.height / 2,))
    for y, x0, x1 in itertools.islice(rules, i, i + _MAX_RULES_BETWEEN):
        if y > b.top + b.height / 2:
            return False
        if x0 <= right and x1 >= left:
            return True
    # more rules than that between two lines (a hatched drawing): they are apart, and
    # a hostile page with thousands of rules stays linear
    return i + _MAX_RULES_BETWEEN < len(rules)


def _page_lines(page) -> list[_Line]:
    from pdfminer.layout import LTTextLine

    lines = []
    for b, block in enumerate(_text_blocks(page)):
        for line in block:
            if not isinstance(line, LTTextLine):
                continue
            text = _logical(re.sub(r"\s+", " ", _INVALID_XML.sub("", line.get_text())).strip())
            if text:
                top, bottom = page.y1 - line.y1, page.y1 - line.y0
                lines.append(_Line(text, line.x0, line.x1, top, bottom, b))
    lines = _attach_markers(lines)
    _set_right_edges(lines)
    return lines


def _set_right_edges(lines: list[_Line]) -> None:
    """A line's right edge is the rightmost end of the two lines above it, itself and
    the line below, in its block; not the block's right edge: pdfminer may put a table
    column and the text under the table in one block."""
    for i, line in enumerate(lines):
        near = lines[max(0, i - 2) : i + 2]
        line.right = max(n.x1 for n in near if n.block == line.block)


def _attach_markers(lines: list[_Line]) -> list[_Line]:
    """A list marker set apart by a tab is a line of its own: it joins the line to its
    right on the same row."""
    rows: dict[int, list[_Line]] = {}
    for line in lines:
        rows.setdefault(round(line.top / 2), []).append(line)
    gone: set[int] = set()
    for line in lines:
        alone = _MARKER.match(line.text + " ")  # the marker and nothing else
        if alone is None or alone.end() != len(line.text):
            continue
        key = round(line.top / 2)
        row = [o for k in (key - 1, key, key + 1) for o in rows.get(k, ()) if id(o) not in gone]
        right = [
            o
            for o in row
            if o is not line and o.x0 >= line.x1 and abs(o.top - line.top) < 0.5 * line.height
        ]
        if right:
            text = min(right, key=lambda o: o.x0)
            text.text = f"{line.text} {text.text}"
            text.x0 = line.x0
            gone.add(id(line))
    return [line for line in lines if id(line) not in gone]


def _continues(a: _Line, b: _Line) -> bool:
    """True when line ``b`` carries on the paragraph of line ``a`` (see the docstring)."""
    h = max(a.height, 1.0)
    if a.block != b.block and b.x0 < a.x0 + 0.5 * h:
        return False  # across blocks only a hanging indent (list items, references)
    gap = b.top - a.bottom
    if not -0.3 * h <= gap <= 0.6 * h:
        return False
    if b.x0 < a.x0 - 4 * h or b.x0 > a.x0 + 0.5 * (a.x1 - a.x0):
        return False
    return _full(a, b)


def _full(a: _Line, b: _Line) -> bool:
    """Line ``a`` is full: ``b``'s first word would not have fitted after it (same size)."""
    h = max(a.height, 1.0)
    if abs(a.height - b.height) > 0.12 * h or _MARKER.match(b.text):
        return False
    if a.text.endswith("-") or _CJK.match(a.text[-1]):
        return a.x1 + 2 * h > a.right
    per_char = (a.x1 - a.x0) / max(len(a.text), 1)
    first_word = len(b.text.split(" ", 1)[0]) + 1
    return a.x1 + first_word * per_char > a.right


def _join(a: str, b: str) -> str:
    if a.endswith("-") and b[:1].islower():
        return a[:-1] + b
    if _CJK.match(a[-1]) and _CJK.match(b[0]):
        return a + b
    return f"{a} {b}"


@dataclass
class _Paragraph:
    text: str
    first: _Line
    last: _Line


def _paragraphs(
    lines: Sequence[_Line], rules: list[tuple[float, float, float]] = ()  # type: ignore[assignment]
) -> list[_Paragraph]:
    """Chain a page's lines (in block order, top to bottom) into paragraphs.

    A line may continue onto the next line of its block or onto the first line of the
    next block when that one is indented (a hanging indent, as in list items, often
    makes two blocks). Linear: each line looks at one candidate, then a sort.
    """
    paras: list[_Paragraph] = []
    current = ""
    first = lines[0] if lines else None
    for i, line in enumerate(lines):
        if not current:
            first = line
        current = _join(current, line.text) if current else line.text
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        if nxt is None or not _continues(line, nxt) or _ruled_apart(line, nxt, rules):
            paras.append(_Paragraph(current, first, line))  # type: ignore[arg-type]
            current = ""
    # top to bottom, then left to right: the cells of a table row in order
    return sorted(paras, key=lambda p: (p.first.top, p.first.x0))


def paragraphs_of(lines: Sequence[_Line]) -> list[str]:
    return [p.text for p in _paragraphs(lines)]


def _across_pages(pages: list[list[_Paragraph]]) -> list[list[str]]:
    """Join a paragraph cut by a page break: its last line is full, it ends without a
    sentence end, and the next page starts in lower case. It stays on its first page."""
    out: list[list[str]] = [[p.text for p in page] for page in pages]
    for n in range(len(pages) - 1):
        if not pages[n] or not pages[n + 1] or not out[n + 1]:
            continue
        a, b = pages[n][-1], pages[n + 1][0]
        if (
            out[n][-1].rstrip()[-1:] not in ".!?:;。！？\"”’)"
            and b.text[:1].islower()
            and _full(a.last, b.first)
        ):
            out[n][-1] = _join(out[n][-1], out[n + 1].pop(0))
    return out


def _split_marker(paragraph: str) -> tuple[str, str]:
    """(marker, text): the list marker is kept as it is, not translated."""
    m = _MARKER.match(paragraph)
    if not m:
        return "", paragraph
    marker = _PRIVATE_BULLETS.get(m.group(), m.group())
    return marker, paragraph[m.end() :].lstrip()


def _read_pages(path: Path) -> list[list[str]]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams

    params = LAParams(boxes_flow=None, all_texts=True)
    try:
        pages = extract_pages(str(path), "", laparams=params)
        return _across_pages(
            [_paragraphs(_page_lines(page), _rules(page, page.y1)) for page in pages]
        )
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds on damaged files
        raise parse_error(path, f"damaged PDF file ({type(exc).__name__}: {exc})") from None


class PdfDocument(Document):
    output_suffix = ".docx"

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        #: ".docx" or ".txt"; the pipeline sets it from the output name
        self.target_suffix = ".docx"
        _check_readable(path)
        # PUA bullets of the Symbol font become "•"; paragraph text = marker + " " + words
        self._pages = [
            [f"{m} {t}" if m else t for m, t in map(_split_marker, page)]
            for page in _read_pages(path)
        ]
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
        return [Segment(_split_marker(self._pages[pi][k])[1], (pi, k)) for pi, k in self._index]

    def write(
        self, dst: Sink, translations: Sequence[Translation], bilingual: bool = False
    ) -> None:
        self._check_count(translations)
        done = {}
        for (pi, k), tr in zip(self._index, translations, strict=True):
            marker = _split_marker(self._pages[pi][k])[0]
            done[(pi, k)] = f"{marker} {tr.text}" if marker else tr.text
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


def _check_readable(path: Path) -> None:
    """One clear line for an encrypted or damaged file (pypdf's messages are precise)."""
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
        len(reader.pages)
    except (DependencyError, FileNotDecryptedError):
        raise parse_error(
            path, "the PDF is encrypted (password-protected); decrypt it first"
        ) from None
    except PdfReadError as exc:
        raise parse_error(path, f"damaged PDF file ({exc})") from None


class PdfHandler:
    NAME = "PDF"
    EXTENSIONS = (".pdf",)

    def open(self, path: Path) -> PdfDocument:
        return PdfDocument(Path(path))


__all__ = ["PdfDocument", "PdfHandler", "paragraphs_of"]
