"""What the PDF reader (:mod:`.pdf_read`) hands the writer (:mod:`.pdf_write`): each glyph
with the place it was drawn from, and what each page holds for the glyph accounting."""

from __future__ import annotations

from dataclasses import dataclass, field

#: the text-showing operators, counted in the same way by pdfminer and by pikepdf
TEXT_OPERATORS = ("Tj", "TJ", "'", '"')
PAGE_STREAM = 0  # the key of a page's own content (form XObjects use their object number)


@dataclass(slots=True)
class Glyph:
    """One glyph drawn on a page, in pdfminer's page space (see :class:`PageGlyphs`)."""

    text: str
    key: int  # content stream: PAGE_STREAM or a form XObject's object number
    op: int  # index of its text-showing operator among those of the stream
    elem: int  # index of its string in the operator's array (0 for Tj ' ")
    start: int  # its bytes in that string
    end: int
    adv: float  # its advance as a TJ number (thousandths of the font size, negated)
    x0: float
    y0: float
    x1: float
    y1: float
    size: float
    base: float  # baseline
    bold: bool
    italic: bool
    mono: bool
    color: tuple[float, ...]
    #: how the page reached its stream: ``(stream key, n-th Do of that stream)`` for each
    #: form XObject on the way; ``()`` for the page's own content. A form drawn twice
    #: gives its glyphs two uses, so the writer can edit each drawing on its own
    use: tuple[tuple[int, int], ...] = ()
    #: object number of the font's embedded TrueType/OpenType program (0: none), which
    #: the writer may reuse for the translation when it has every character
    program: int = 0


@dataclass
class PageGlyphs:
    """What one page holds, for the writer and for the glyph accounting."""

    number: int  # 0-based
    ctm: tuple[float, float, float, float, float, float]  # user space -> page space
    width: float
    height: float
    glyphs: int = 0  # every glyph drawn
    ink: int = 0  # glyphs that are not white space
    reported: dict[str, int] = field(default_factory=dict)  # reason -> glyphs kept
    images: int = 0
    #: text-showing operators seen per content stream (the writer checks its own count)
    operators: dict[int, int] = field(default_factory=dict)
    #: ``Do`` operators seen per content stream (the writer follows them to each use)
    dos: dict[int, int] = field(default_factory=dict)


__all__ = ["PAGE_STREAM", "TEXT_OPERATORS", "Glyph", "PageGlyphs"]
