"""File extension -> format handler, with optional libraries imported only when needed.

``.txt``, ``.srt`` and ``.vtt`` need nothing beyond the standard library; every other
format needs the ``documents`` extra, and asking for one without it raises
:class:`~offline_nlp.errors.UnsupportedFormatError` telling what to install.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from offline_nlp.documents.base import Document, DocumentHandler, parse_error
from offline_nlp.errors import DocumentParseError, UnsupportedFormatError

__all__ = [
    "FormatInfo",
    "handler_for",
    "is_supported",
    "open_document",
    "supported_extensions",
]

_EXTRA = "offline-nlp[documents]"


@dataclass(frozen=True)
class FormatInfo:
    """Where a format's handler lives and which optional modules it needs."""

    name: str
    module: str
    cls: str
    extensions: tuple[str, ...]
    requires: tuple[str, ...] = ()
    zip_based: bool = False


FORMATS: tuple[FormatInfo, ...] = (
    FormatInfo("Plain text", "txt", "TxtHandler", (".txt",)),
    FormatInfo("Subtitles", "subtitles", "SubtitleHandler", (".srt", ".vtt")),
    FormatInfo("Markdown", "markdown", "MarkdownHandler", (".md", ".markdown"), ("markdown_it",)),
    FormatInfo("HTML", "html", "HtmlHandler", (".html", ".htm", ".xhtml")),
    FormatInfo(
        "Word document", "docx", "DocxHandler", (".docx", ".docm", ".dotx"), ("lxml",), True
    ),
    FormatInfo("PowerPoint", "pptx", "PptxHandler", (".pptx", ".pptm", ".potx"), ("lxml",), True),
    FormatInfo("Excel", "xlsx", "XlsxHandler", (".xlsx", ".xlsm"), ("lxml",), True),
    FormatInfo(
        "OpenDocument", "odf", "OdfHandler", (".odt", ".odp", ".ods", ".ott"), ("lxml",), True
    ),
    FormatInfo("EPUB", "epub", "EpubHandler", (".epub",), ("lxml",), True),
    FormatInfo("PDF", "pdf", "PdfHandler", (".pdf",), ("pypdf", "pdfminer", "pikepdf", "fontTools")),
)

_BY_EXT = {ext: info for info in FORMATS for ext in info.extensions}


def supported_extensions() -> list[str]:
    """Every extension with a handler (whether or not its optional library is installed)."""
    return sorted(_BY_EXT)


def is_supported(path: str | Path) -> bool:
    """True when the file's extension has a handler."""
    return Path(path).suffix.lower() in _BY_EXT


def handler_for(path: str | Path) -> DocumentHandler:
    """The handler for ``path``'s extension, importing its libraries now."""
    ext = Path(path).suffix.lower()
    info = _BY_EXT.get(ext)
    if info is None:
        raise UnsupportedFormatError(
            f"{Path(path).name}: unsupported file type {ext or '(no extension)'!r}; "
            f"supported: {', '.join(supported_extensions())}"
        )
    try:
        module = importlib.import_module(f"offline_nlp.documents.{info.module}")
    except ModuleNotFoundError as exc:
        missing = (exc.name or "").split(".")[0]
        if missing and missing in {r.split(".")[0] for r in _all_optional()}:
            raise UnsupportedFormatError(
                f"{Path(path).name}: {info.name} files need the '{missing}' library; "
                f"install {_EXTRA}"
            ) from None
        raise
    handler: DocumentHandler = getattr(module, info.cls)()
    return handler


def _all_optional() -> set[str]:
    return {r for info in FORMATS for r in info.requires} | {"charset_normalizer", "markdown_it"}


_ZIP_MAGIC = b"PK\x03\x04"


def open_document(path: str | Path) -> Document:
    """Open ``path`` with its format's handler.

    Raises:
        UnsupportedFormatError: unknown extension or missing optional library.
        DocumentParseError: missing, empty, damaged, encrypted file, or one whose
            content does not match its extension.
    """
    path = Path(path)
    handler = handler_for(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DocumentParseError(f"{path.name}: cannot read the file ({exc.strerror})") from None
    if not path.is_file():
        raise parse_error(path, "not a file")
    if size == 0:
        raise parse_error(path, "the file is empty (0 bytes)")
    info = _BY_EXT[path.suffix.lower()]
    with path.open("rb") as fh:
        head = fh.read(1024)
    if info.zip_based and not head.startswith(_ZIP_MAGIC):
        raise parse_error(
            path,
            f"not a valid {info.name} file (it is not a zip archive: wrong extension or damaged)",
        )
    if info.module == "pdf" and b"%PDF-" not in head:
        raise parse_error(path, "not a PDF file (no %PDF header: wrong extension or damaged)")
    try:
        return handler.open(path)
    except (DocumentParseError, UnsupportedFormatError):
        raise
    except MemoryError:
        raise
    except Exception as exc:  # a library choking on a damaged file: one clear line
        raise parse_error(
            path, f"could not read it as {info.name} ({type(exc).__name__}: {exc})"
        ) from exc
