"""PDF: translated in place as a PDF (the default), or its text written as a new
``.docx`` or ``.txt`` (:mod:`.pdf_docx`).

The modules, in the order the work flows:

* :mod:`.pdf_read`: each glyph with the content stream and operator it was drawn from
  (pdfminer.six), and what else each page holds, for the glyph accounting
  (:mod:`.pdf_glyphs`);
* :mod:`.pdf_lines`: a page's text lines in reading order, column by column;
* :mod:`.pdf_blocks`: lines chained into paragraphs, and paragraphs into blocks that run
  on into the next column or onto the next page;
* here: the blocks as segments (a list marker kept, monospaced code not sent), the title
  and outline titles, and the route to the writer;
* :mod:`.pdf_write`: the source's pages with the translated glyphs taken out
  (:mod:`.pdf_edit`) and each translation set in its block's box (:mod:`.pdf_typeset`),
  in fonts chosen by :mod:`.pdf_fonts` and embedded as subsets by :mod:`.pdf_embed`.

pypdf checks encryption first (its messages are clear). An encrypted PDF (unless it
opens with an empty password) or one without a text layer (scanned pages) raises
:class:`~offline_nlp.errors.DocumentParseError`; OCR is out of scope.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import pikepdf
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
from offline_nlp.documents.pdf_blocks import (
    _block_text,
    _Paragraph,
    _read_pages,
    _runs,
    _split_marker,
    paragraphs_of,
)
from offline_nlp.documents.pdf_docx import _as_text, _write_docx
from offline_nlp.documents.pdf_lines import _INVALID_XML, _MARKER
from offline_nlp.engine.types import Translation

_last_read: list = []  # [(key, result)]: the last PDF read, until it is opened again
_last_lock = threading.Lock()


def _read_pages_once(path: Path):
    """:func:`_read_pages`, kept for the next opening of the same unchanged file: a job
    opens each document twice (to count its sentences, then to translate it), and
    reading a PDF's layout is most of the PDF work. Handed out once, then dropped."""
    st = path.stat()
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    with _last_lock:
        if _last_read and _last_read[0][0] == key:
            return _last_read.pop()[1]
    result = _read_pages(path)
    with _last_lock:
        _last_read[:] = [(key, result)]
    return result


def _monospaced(block: list[_Paragraph]) -> bool:
    """Code: most of the block's glyphs are in a monospaced font. It is not sent."""
    glyphs = [g for p in block for line in p.lines for g in line.glyphs]
    return bool(glyphs) and sum(g.mono for g in glyphs) * 2 > len(glyphs)


def _marker_glyphs(glyphs: list, text: str) -> int:
    """How many of a first line's glyphs draw its list marker (kept in place)."""
    m = _MARKER.match(text)
    if not m:
        return 0
    want = len(m.group().replace(" ", ""))
    seen = n = 0
    for g in glyphs:
        if seen >= want:
            break
        seen += len(g.text.strip())
        n += 1
    return n


def _read_meta(path: Path) -> list[str]:
    """The document title and the outline titles, in that order ("" where absent)."""

    from offline_nlp.documents.pdf_write import outline_items

    try:
        with pikepdf.open(path, password="") as pdf:
            title = pdf.docinfo.get("/Title") if pdf.trailer.get("/Info") is not None else None
            out = [_INVALID_XML.sub("", str(title)) if title is not None else ""]
            out += [_INVALID_XML.sub("", str(item.get("/Title", "")))
                    for item in outline_items(pdf)]
            return [" ".join(t.split()) for t in out]
    except Exception:  # noqa: BLE001 - a damaged outline or title: nothing to translate there
        return [""]


class PdfDocument(Document):
    """A PDF: written as a translated PDF (the default), or as a new ``.docx``/``.txt``.

    After :meth:`write` to a PDF, :attr:`accounting` holds one dict per source page:
    ``page`` (1-based), ``glyphs``, ``translated``, ``kept``, ``reported`` (these three add
    up to ``glyphs``), ``notes`` (one line each) and ``boxes``, the regions where
    translated text was set, in the page's user space (points, before /Rotate).
    """

    output_suffix = ".pdf"

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        #: ".pdf", ".docx" or ".txt"; the pipeline sets it from the output name
        self.target_suffix = ".pdf"
        #: the target language code (the PDF's /Lang); the pipeline sets it
        self.target_language = ""
        self.accounting: list[dict] = []
        _check_readable(path)
        self._blocks, self._infos = _read_pages_once(path)
        # PUA bullets of the Symbol font become "•"; paragraph text = marker + " " + words
        self._pages = [
            [f"{m} {t}" if m else t for m, t in map(_split_marker, map(_block_text, page))]
            for page in self._blocks
        ]
        if not any(is_translatable(p) for page in self._pages for p in page):
            reported = sorted({r for i in self._infos for r in i.reported})
            why = f" (its text is {', '.join(reported)})" if reported else ""
            raise parse_error(
                path,
                f"the PDF has no text layer{why or ' (scanned or image-only pages)'}; "
                "OCR it first",
            )
        self._index: list[tuple[int, int]] = [
            (pi, k)
            for pi, page in enumerate(self._pages)
            for k, p in enumerate(page)
            if is_translatable(p) and not _monospaced(self._blocks[pi][k])
        ]
        self._meta = _read_meta(path)
        # the title is (-1, 0), outline item j is (-1, j + 1)
        self._index += [(-1, j) for j, t in enumerate(self._meta) if is_translatable(t)]

    def _text(self, pi: int, k: int) -> str:
        return self._meta[k] if pi < 0 else _split_marker(self._pages[pi][k])[1]

    def segments(self) -> list[Segment]:
        return [Segment(self._text(pi, k), (pi, k)) for pi, k in self._index]

    def write(
        self, dst: Sink, translations: Sequence[Translation], bilingual: bool = False
    ) -> None:
        self._check_count(translations)
        suffix = Path(dst).suffix.lower() if isinstance(dst, (str, Path)) else self.target_suffix
        if suffix not in (".docx", ".txt"):
            with open_sink(dst) as fh:
                self._write_pdf(fh, translations, bilingual)
            return
        done = {}
        for (pi, k), tr in zip(self._index, translations, strict=True):
            if pi < 0:
                continue
            marker = _split_marker(self._pages[pi][k])[0]
            done[(pi, k)] = f"{marker} {tr.text}" if marker else tr.text
        pages = [
            [(p, done.get((pi, k))) for k, p in enumerate(page)]
            for pi, page in enumerate(self._pages)
        ]
        with open_sink(dst) as fh:
            if suffix == ".txt":
                fh.write(_as_text(pages, bilingual).encode("utf-8"))
            else:
                _write_docx(fh, pages, bilingual)

    def _write_pdf(self, fh, translations: Sequence[Translation], bilingual: bool) -> None:
        from offline_nlp.documents.pdf_write import Block, Meta, Part, write_pdf

        meta = Meta(outline=[None] * max(0, len(self._meta) - 1))
        blocks = []
        done = dict(zip(self._index, translations, strict=True))
        for pi, page in enumerate(self._blocks):
            for k, parts in enumerate(page):
                tr = done.get((pi, k))
                text = tr.text if tr is not None else None
                if text is not None and text.strip() == self._text(pi, k).strip():
                    text = None  # nothing changed (another script, a name): keep the glyphs
                first = parts[0].lines[0] if parts[0].lines else None
                keep = _marker_glyphs(first.glyphs, first.text) if first is not None else 0
                block = Block(
                    [Part(pi + n, [ln.glyphs for ln in run if ln.glyphs],
                          max(ln.right for ln in run), max(p.rooms[k : k + 1] or [0.0]))
                     for n, p in enumerate(parts) if p.lines
                     for k, run in enumerate(_runs(p.lines))],
                    text, keep,
                )
                block.parts = [p for p in block.parts if p.lines]
                if not block.parts:
                    continue
                marker = block.parts[0].lines[0][:keep]
                block.glyphs = [g for p in block.parts for line in p.lines for g in line
                                if not any(g is m for m in marker)]
                blocks.append(block)
        for (pi, k), tr in done.items():
            if pi < 0 and tr.text.strip() != self._meta[k].strip():
                if k == 0:
                    meta.title = tr.text
                else:
                    meta.outline[k - 1] = tr.text
        self.accounting = write_pdf(
            str(self.path), fh, self._infos, blocks, meta, self.target_language, bilingual
        )


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
