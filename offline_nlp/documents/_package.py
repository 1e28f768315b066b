"""Shared code for zip-based formats (OOXML, ODF, EPUB): open, pick parts, rewrite parts."""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

from lxml import etree

from offline_nlp.documents.base import Document, Segment, Sink, open_sink, parse_error
from offline_nlp.documents.xmlruns import XmlUnit, apply, parse_xml, serialize_xml, unit_segment
from offline_nlp.engine.types import Translation

CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
# What reading a damaged member raises: zlib and unknown compression methods included.
_DAMAGE = (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error, NotImplementedError)


def _why(exc: BaseException) -> str:
    """The reason, short: zipfile quotes raw header bytes (kilobytes) in some messages."""
    text = re.sub(r"""b(['"])(?:\\.|(?!\1).)*\1?""", "(raw bytes)", str(exc))
    text = " ".join(text.split()) or type(exc).__name__
    return text if len(text) <= 100 else text[:97] + "..."


def open_zip(path: Path, kind: str) -> zipfile.ZipFile:
    """Open ``path`` as a zip, or raise a one-line DocumentParseError."""
    path = Path(path)
    if path.stat().st_size == 0:
        raise parse_error(path, "the file is empty (0 bytes)")
    if not zipfile.is_zipfile(path):
        raise parse_error(
            path, f"not a valid {kind} file (not a zip archive: wrong extension or damaged)"
        )
    try:
        zf = zipfile.ZipFile(path)
        zf.infolist()
    except _DAMAGE as exc:
        raise parse_error(path, f"damaged {kind} file ({_why(exc)})") from None
    return zf


def read_member(zf: zipfile.ZipFile, name: str, path: Path, kind: str) -> bytes:
    try:
        return zf.read(name)
    except KeyError:
        raise parse_error(path, f"not a {kind} file (no {name[:80]} inside)") from None
    except _DAMAGE as exc:
        raise parse_error(path, f"damaged {kind} file ({name[:80]}: {_why(exc)})") from None


def parse_member(zf: zipfile.ZipFile, name: str, path: Path, kind: str) -> etree._ElementTree:
    data = read_member(zf, name, path, kind)
    try:
        return parse_xml(data)
    except etree.XMLSyntaxError as exc:
        raise parse_error(path, f"damaged {kind} file ({name[:80]}: {_why(exc)})") from None


def content_types(zf: zipfile.ZipFile, path: Path, kind: str) -> dict[str, str]:
    """OOXML ``[Content_Types].xml`` as part name (no leading slash) -> content type."""
    tree = parse_member(zf, "[Content_Types].xml", path, kind)
    defaults = {
        d.get("Extension", "").lower(): d.get("ContentType", "")
        for d in tree.getroot().iter(f"{{{CT_NS}}}Default")
    }
    types: dict[str, str] = {}
    for name in zf.namelist():
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if ext in defaults:
            types[name] = defaults[ext]
    for o in tree.getroot().iter(f"{{{CT_NS}}}Override"):
        types[o.get("PartName", "").lstrip("/")] = o.get("ContentType", "")
    return types


def write_zip(src: Path, dst: Sink, replaced: dict[str, bytes], path: Path, kind: str) -> None:
    """Copy ``src`` member by member (same order, dates, compression), replacing some."""
    with zipfile.ZipFile(src) as zin, open_sink(dst) as raw, zipfile.ZipFile(raw, "w") as zout:
        for info in zin.infolist():
            data = replaced.get(info.filename)
            if data is None:
                try:
                    data = zin.read(info)
                except _DAMAGE as exc:
                    raise parse_error(
                        path, f"damaged {kind} file ({info.filename[:80]}: {_why(exc)})"
                    ) from None
            new = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            new.compress_type = info.compress_type
            new.external_attr = info.external_attr
            new.create_system = info.create_system
            new.comment = info.comment
            new.extra = info.extra
            zout.writestr(new, data)


class XmlPackageDocument(Document):
    """A zip of XML parts whose paragraphs are translated in place (docx, pptx, xlsx, odf)."""

    KIND = "document"
    BILINGUAL = False

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self._units: list[XmlUnit] = []
        self._trees: dict[str, etree._ElementTree] = {}
        self._fresh = False
        self._load()

    # subclasses: which parts, which dialects, optional paragraph filter
    def _parts(self, zf: zipfile.ZipFile) -> list[str]:
        raise NotImplementedError

    def _collect(self, part: str, tree: etree._ElementTree) -> list[XmlUnit]:
        raise NotImplementedError

    def _load(self) -> None:
        with open_zip(self.path, self.KIND) as zf:
            parts = self._parts(zf)
            self._trees = {p: parse_member(zf, p, self.path, self.KIND) for p in parts}
        self._units = [u for p, t in self._trees.items() for u in self._collect(p, t)]
        self._segments = [unit_segment(u, i) for i, u in enumerate(self._units)]
        self._fresh = True

    def segments(self) -> list[Segment]:
        return list(self._segments)

    def write(
        self, dst: Sink, translations: Sequence[Translation], bilingual: bool = False
    ) -> None:
        self._check_count(translations)
        if not self._fresh:  # written once already: start again from the file
            self._load()
        self._fresh = False
        for unit, tr in zip(self._units, translations, strict=True):
            apply(unit, tr, bilingual and self.BILINGUAL)
        self._finish()
        replaced = {p: serialize_xml(t) for p, t in self._trees.items()}
        write_zip(self.path, dst, replaced, self.path, self.KIND)

    def _finish(self) -> None:
        """Hook run after the paragraphs are rewritten, before serialising."""


def by_content_type(types: dict[str, str], suffixes: Sequence[str]) -> list[str]:
    return sorted(n for n, ct in types.items() if ct.endswith(tuple(suffixes)))


def ancestor_ok(check: Callable[[etree._Element], bool]) -> Callable[[etree._Element], bool]:
    def accept(el: etree._Element) -> bool:
        return all(check(a) for a in el.iterancestors())

    return accept
