"""Document translation that keeps structure and formatting (no Qt).

Each format is a handler with two phases: ``open(path).segments()`` lists the text units,
``write(dst, translations)`` puts translations back. :func:`translate_documents` sends the
units of all documents to the engine in one call. Optional format libraries are imported
only when a file of that format is opened.
"""

from __future__ import annotations

from offline_nlp.documents.base import Document, DocumentHandler, InlineSpan, Segment
from offline_nlp.documents.pipeline import (
    DocumentResult,
    collect_inputs,
    output_path,
    translate_document,
    translate_documents,
)
from offline_nlp.documents.registry import (
    handler_for,
    is_supported,
    open_document,
    supported_extensions,
)

__all__ = [
    "Document",
    "DocumentHandler",
    "DocumentResult",
    "InlineSpan",
    "Segment",
    "collect_inputs",
    "handler_for",
    "is_supported",
    "open_document",
    "output_path",
    "supported_extensions",
    "translate_document",
    "translate_documents",
]
