"""Taking translated glyphs out of a PDF's content streams, with pikepdf.

Each glyph (:class:`~.pdf_read.Glyph`) knows its content stream, its text-showing
operator there and its bytes in that operator's string. A removed glyph becomes a ``TJ``
displacement of its own advance, so the glyphs kept around it stay where they were. Only
a stream that pikepdf reads with the same text and ``Do`` operators pdfminer saw is
edited (:func:`_parse_streams`); a form XObject is edited per drawing (:class:`_Forms`).

Why pikepdf (qpdf, MPL-2.0/Apache-2.0) and not pypdf for this: on four sample PDFs
pikepdf parsed and rewrote every page's content stream 10-17x faster, copies pages between files
for ``--bilingual`` without losing shared resources, and keeps every object it is not
asked to change byte for byte. pypdf stays for the one-line encryption checks.
"""

from __future__ import annotations

from collections.abc import Sequence

from offline_nlp.documents.pdf_glyphs import PAGE_STREAM, TEXT_OPERATORS, Glyph, PageGlyphs


def _parse_streams(pdf, pages: list[PageGlyphs]):
    """``(parsed, broken)``: the instructions of each content stream that pikepdf reads
    with the text and ``Do`` operators pdfminer saw, by ``(page, PAGE_STREAM)`` or
    ``(-1, form object number)``, and the keys of those it does not."""
    import pikepdf

    parsed: dict[tuple[int, int], list] = {}
    broken: set[tuple[int, int]] = set()
    for info in pages:
        page = pdf.pages[info.number]
        found: dict[int, object] = {}
        _xobjects(_page_resources(page.obj), found, set())
        for key, count in info.operators.items():
            where = (info.number, PAGE_STREAM) if key == PAGE_STREAM else (-1, key)
            if where in parsed or where in broken:
                continue
            target = page if key == PAGE_STREAM else found.get(key)
            try:
                ins = pikepdf.parse_content_stream(target) if target is not None else None
            except pikepdf.PdfError:
                ins = None
            if (ins is None or _count_ops(ins, TEXT_OPERATORS) != count
                    or _count_ops(ins, ("Do",)) != info.dos.get(key, 0)):
                broken.add(where)
            else:
                parsed[where] = ins
    return parsed, broken


def _xobjects(resources, found: dict[int, object], seen: set) -> None:
    """Form XObjects reachable from ``resources``, by object number."""
    import pikepdf

    try:
        xobjects = resources.get("/XObject")
    except Exception:  # noqa: BLE001 - damaged resources: nothing to find
        return
    if not isinstance(xobjects, pikepdf.Dictionary):
        return
    for xo in xobjects.values():
        if not isinstance(xo, pikepdf.Stream) or xo.get("/Subtype") != pikepdf.Name.Form:
            continue
        num = xo.objgen[0]
        if num in seen:
            continue
        seen.add(num)
        found[num] = xo
        inner = xo.get("/Resources")
        if isinstance(inner, pikepdf.Dictionary):
            _xobjects(inner, found, seen)


def _count_ops(instructions, operators: Sequence[str]) -> int:
    return sum(1 for ins in instructions if str(ins.operator) in operators)


def _page_resources(page):
    """A page's resources, its own or inherited from the page tree."""
    import pikepdf

    node, depth = page, 0
    while isinstance(node, pikepdf.Dictionary) and depth < 64:
        res = node.get("/Resources")
        if isinstance(res, pikepdf.Dictionary):
            return res
        node, depth = node.get("/Parent"), depth + 1
    return pikepdf.Dictionary()


class _Forms:
    """Form XObjects edited per use. A form drawn more than once (a header on every page,
    a logo twice on one page) has one set of glyphs to remove per drawing, so each drawing
    whose glyphs are removed gets a copy of the form of its own (and of every form on the
    way to it); drawings with the same removals share one copy, and drawings with none
    keep the original, which is never changed."""

    def __init__(self, pdf, parsed: dict[tuple[int, int], list]) -> None:
        self.pdf = pdf
        self.parsed = parsed
        self.unreadable: set[int] = set()  # pages with a drawing that could not be followed
        self._reach: dict[tuple[int, tuple], object] = {}
        self._copies: dict[tuple, object] = {}
        self._page = -1  # the page being rewritten

    def _step(self, ins, resources, d: int):
        """The form drawn by the ``d``-th Do of ``ins`` and the resources it uses."""
        import pikepdf

        n = -1
        for i in ins:
            if str(i.operator) != "Do":
                continue
            n += 1
            if n < d:
                continue
            if not i.operands or not isinstance(resources.get("/XObject"), pikepdf.Dictionary):
                return None
            form = resources.XObject.get(str(i.operands[0]))
            if not isinstance(form, pikepdf.Stream) or form.get("/Subtype") != pikepdf.Name.Form:
                return None
            own = form.get("/Resources")
            return form, own if isinstance(own, pikepdf.Dictionary) else resources
        return None

    def reaches(self, page: int, use: tuple, key: int) -> bool:
        """Whether following ``use`` from the page's content arrives at form ``key``, every
        stream on the way one pikepdf reads as pdfminer did."""
        found = self._reach.get((page, use))
        if found is None:
            found = self._follow(page, use)
            self._reach[(page, use)] = found
            if found is False:
                self.unreadable.add(page)
        return found is not False and found.objgen[0] == key

    def _follow(self, page: int, use: tuple):
        ins = self.parsed.get((page, PAGE_STREAM))
        resources = _page_resources(self.pdf.pages[page].obj)
        form = None
        for _, d in use:
            step = self._step(ins, resources, d) if ins is not None else None
            if step is None:
                return False
            form, resources = step
            ins = self.parsed.get((-1, form.objgen[0]))
        return form if form is not None and ins is not None else False

    def rewrite(self, number: int, edits: dict[tuple, dict[int, list[Glyph]]]) -> list:
        """Page ``number``'s content with its glyphs removed and each edited form drawn
        as its copy (named in the page's resources)."""
        import pikepdf

        page = self.pdf.pages[number]
        resources = _page_resources(page.obj)
        taken = resources.get("/XObject")
        taken = set(taken.keys()) if isinstance(taken, pikepdf.Dictionary) else set()

        def name_of(copy) -> str:
            n = len(taken)
            while f"/ONLPX{n}" in taken:
                n += 1
            taken.add(f"/ONLPX{n}")
            return str(page.add_resource(copy, pikepdf.Name.XObject, pikepdf.Name(f"/ONLPX{n}")))

        self._page = number
        return self._rewrite(self.parsed[(number, PAGE_STREAM)], PAGE_STREAM, (), resources,
                             edits, name_of)

    def _rewrite(self, ins, key: int, use: tuple, resources, edits, name_of) -> list:
        import pikepdf

        out = _edited(ins, edits.get(use, {}))
        below = {u[len(use)][1] for u in edits if len(u) > len(use) and u[: len(use)] == use}
        if not below:
            return out
        d = -1
        for k, i in enumerate(out):
            if str(i.operator) != "Do":
                continue
            d += 1
            if d in below:
                form, inner = self._step(out[k:], resources, 0)
                copy = self._copy(form, inner, (*use, (key, d)), edits)
                out[k] = pikepdf.ContentStreamInstruction(
                    [pikepdf.Name(name_of(copy))], pikepdf.Operator("Do"))
        return out

    def _copy(self, form, resources, use: tuple, edits):
        """The form with this use's removals (and its forms' copies): one per distinct
        set of removals."""
        import pikepdf

        mine = sorted(
            (u[len(use):], op, tuple(sorted((g.elem, g.start, g.end) for g in gs)))
            for u, ops in edits.items() if u[: len(use)] == use for op, gs in ops.items()
        )
        # a form without resources of its own uses those of the page it is drawn on
        inherits = not isinstance(form.get("/Resources"), pikepdf.Dictionary)
        cache = (form.objgen, repr(mine), self._page if inherits else None)
        copy = self._copies.get(cache)
        if copy is not None:
            return copy
        own = pikepdf.Dictionary({k: v for k, v in resources.items()})
        if isinstance(resources.get("/XObject"), pikepdf.Dictionary):
            own.XObject = pikepdf.Dictionary({k: v for k, v in resources.XObject.items()})
        else:
            own.XObject = pikepdf.Dictionary()
        added = [0]

        def name_of(inner_copy) -> str:
            added[0] += 1
            name = f"/ONLPX{added[0]}"
            while name in own.XObject:
                added[0] += 1
                name = f"/ONLPX{added[0]}"
            own.XObject[name] = inner_copy
            return name

        ins = self._rewrite(self.parsed[(-1, form.objgen[0])], form.objgen[0], use, resources,
                            edits, name_of)
        copy = pikepdf.Stream(self.pdf, pikepdf.unparse_content_stream(ins))
        for k, v in form.stream_dict.items():
            if k not in ("/Length", "/Filter", "/DecodeParms", "/Resources"):
                copy[k] = v
        copy.Resources = own
        copy = self.pdf.make_indirect(copy)
        self._copies[cache] = copy
        return copy


def _edited(instructions, removals: dict[int, list[Glyph]]):
    """The instructions with the listed glyphs of each text operator replaced by their
    advance, so the glyphs kept around them stay in place."""
    import pikepdf

    out = []
    n = -1
    for ins in instructions:
        op = str(ins.operator)
        if op not in TEXT_OPERATORS:
            out.append(ins)
            continue
        n += 1
        gone = removals.get(n)
        if not gone:
            out.append(ins)
            continue
        operands = list(ins.operands)
        seq = list(operands[0]) if op == "TJ" and operands else operands[-1:]
        by_elem: dict[int, list[Glyph]] = {}
        for g in gone:
            by_elem.setdefault(g.elem, []).append(g)
        array: list = []
        for k, el in enumerate(seq):
            if not isinstance(el, pikepdf.String):
                _push_number(array, float(el))
                continue
            data = bytes(el)
            pos = 0
            for g in sorted(by_elem.get(k, ()), key=lambda g: g.start):
                if g.start > pos:
                    array.append(pikepdf.String(data[pos : g.start]))
                _push_number(array, g.adv)
                pos = max(pos, g.end)
            if pos < len(data):
                array.append(pikepdf.String(data[pos:]))
        if op == "'":
            out.append(pikepdf.ContentStreamInstruction([], pikepdf.Operator("T*")))
        elif op == '"':
            out.append(pikepdf.ContentStreamInstruction([operands[0]], pikepdf.Operator("Tw")))
            out.append(pikepdf.ContentStreamInstruction([operands[1]], pikepdf.Operator("Tc")))
            out.append(pikepdf.ContentStreamInstruction([], pikepdf.Operator("T*")))
        out.append(pikepdf.ContentStreamInstruction([pikepdf.Array(array)], pikepdf.Operator("TJ")))
    return out


def _push_number(array: list, value: float) -> None:
    if array and isinstance(array[-1], float):
        array[-1] += value
    else:
        array.append(value)


def _raw_contents(page) -> bytes:
    import pikepdf

    contents = page.obj.get("/Contents")
    if isinstance(contents, pikepdf.Array):
        return b"\n".join(s.read_bytes() for s in contents if isinstance(s, pikepdf.Stream))
    if isinstance(contents, pikepdf.Stream):
        return contents.read_bytes()
    return b""
