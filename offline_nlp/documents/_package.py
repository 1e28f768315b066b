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
from offline_nlp.ziplimits import ZipLimits, zip_refusal

CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
# Zip bombs: a 1 MB document must not take gigabytes. Parts are parsed whole, so one XML
# part is bounded on its own; other members (pictures, fonts, video) are copied in
# blocks. Real XML parts compress 10-30-fold; a thousandfold one is a bomb.
DOCUMENT_LIMITS = ZipLimits(total=4 * 1024**3, ratio=200, ratio_floor=4 * 1024**2,
                            entries=20_000)
MAX_PART = 256 * 1024**2
_COPY_BLOCK = 1 << 20
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
        infos = zf.infolist()
    except _DAMAGE as exc:
        raise parse_error(path, f"damaged {kind} file ({_why(exc)})") from None
    refusal = zip_refusal(infos, DOCUMENT_LIMITS, f"a {kind} file")
    if refusal is not None:
        zf.close()
        raise parse_error(path, refusal)
    return zf


def read_member(zf: zipfile.ZipFile, name: str, path: Path, kind: str) -> bytes:
    """One part, read whole (it is parsed whole): bounded by :data:`MAX_PART`."""
    try:
        info = zf.getinfo(name)
    except KeyError:
        raise parse_error(path, f"not a {kind} file (no {name[:80]} inside)") from None
    if info.file_size > MAX_PART:
        raise parse_error(path, f"{name[:80]} unpacks to {info.file_size / 1024**2:.0f} MiB, "
                                f"more than the {MAX_PART // 1024**2} MiB one part of a {kind} "
                                "file may take; refusing it")
    try:
        return zf.read(info)
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


def main_part_types(zf: zipfile.ZipFile, path: Path, kind: str, markers: Sequence[str],
                    what: str) -> dict[str, str]:
    """The package's content types; a package whose parts have none of ``markers`` (a zip
    of another kind under this one's extension) is refused, naming the ``what`` part."""
    types = content_types(zf, path, kind)
    if not any(marker in ct for ct in types.values() for marker in markers):
        raise parse_error(path, f"not a {kind} file (no {what} part)")
    return types


def write_zip(src: Path, dst: Sink, replaced: dict[str, bytes], path: Path, kind: str) -> None:
    """Copy ``src`` member by member (same order, dates, compression), replacing some."""
    with open_zip(src, kind) as zin, open_sink(dst) as raw, zipfile.ZipFile(raw, "w") as zout:
        for info in zin.infolist():
            new = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            new.compress_type = info.compress_type
            new.external_attr = info.external_attr
            new.create_system = info.create_system
            new.comment = info.comment
            new.extra = info.extra
            data = replaced.get(info.filename)
            if data is not None:
                zout.writestr(new, data)
                continue
            try:
                _copy_member(zin, info, zout, new)
            except _DAMAGE as exc:
                raise parse_error(
                    path, f"damaged {kind} file ({info.filename[:80]}: {_why(exc)})"
                ) from None


def _copy_member(zin: zipfile.ZipFile, info: zipfile.ZipInfo, zout: zipfile.ZipFile,
                 new: zipfile.ZipInfo) -> None:
    """Copy one member in blocks: a picture or a video is never held whole in memory."""
    new.file_size = info.file_size
    with zin.open(info) as src, zout.open(new, "w", force_zip64=info.file_size > 2**31) as out:
        while block := src.read(_COPY_BLOCK):
            out.write(block)


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
