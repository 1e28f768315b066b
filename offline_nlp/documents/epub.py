"""EPUB 2/3: every XHTML document of the manifest (chapters and the EPUB 3 ``nav``), the
NCX table of contents and the OPF metadata title, each rewritten byte-preservingly with
the HTML handler; every other member (images, CSS, fonts) is copied as it is, with the
``mimetype`` member first and stored, so readers and ebooklib still open the book."""

from __future__ import annotations

import io
import posixpath
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from offline_nlp.documents._package import open_zip, parse_member, read_member, write_zip
from offline_nlp.documents.base import Document, Segment, Sink, parse_error
from offline_nlp.documents.html import HtmlDocument, decode_html
from offline_nlp.engine.types import Translation

_CONTAINER = "urn:oasis:names:tc:opendocument:xmlns:container"
_OPF = "http://www.idpf.org/2007/opf"
_XHTML_TYPES = ("application/xhtml+xml", "text/html")
_NCX_TYPE = "application/x-dtbncx+xml"
KIND = "EPUB"


@dataclass
class _Member:
    name: str
    doc: HtmlDocument
    count: int


class EpubDocument(Document):
    def __init__(self, path: Path) -> None:
        super().__init__(path)
        with open_zip(self.path, KIND) as zf:
            names = set(zf.namelist())
            if "mimetype" in names:
                mimetype = read_member(zf, "mimetype", self.path, KIND).strip()
                if mimetype != b"application/epub+zip":
                    raise parse_error(self.path, "not an EPUB file (its mimetype member is not "
                                                 "application/epub+zip)")
            container = parse_member(zf, "META-INF/container.xml", self.path, KIND)
            rootfile = container.getroot().find(f".//{{{_CONTAINER}}}rootfile")
            if rootfile is None or not rootfile.get("full-path"):
                raise parse_error(
                    self.path, "damaged EPUB file (no package document in container.xml)"
                )
            opf_name = rootfile.get("full-path", "")
            opf = parse_member(zf, opf_name, self.path, KIND)
            base = posixpath.dirname(opf_name)
            members: list[tuple[str, frozenset[str] | None]] = []
            for item in opf.getroot().iter(f"{{{_OPF}}}item"):
                href = item.get("href", "")
                name = posixpath.normpath(posixpath.join(base, _unquote(href)))
                media = item.get("media-type", "")
                if name not in names:
                    continue
                if media in _XHTML_TYPES:
                    members.append((name, None))
                elif media == _NCX_TYPE:
                    members.append((name, frozenset({"text"})))
            members.append((opf_name, frozenset({"dc:title"})))
            self._members: list[_Member] = []
            for name, only in members:
                data = read_member(zf, name, self.path, KIND)
                text, enc, bom = decode_html(data, self.path)
                doc = HtmlDocument(self.path, text, enc, bom, xhtml=True, only_blocks=only)
                self._members.append(_Member(name, doc, len(doc.segments())))

    def segments(self) -> list[Segment]:
        segs: list[Segment] = []
        for m in self._members:
            for s in m.doc.segments():
                segs.append(Segment(s.text, (m.name, s.locator), s.spans))
        return segs

    def write(
        self, dst: Sink, translations: Sequence[Translation], bilingual: bool = False
    ) -> None:
        self._check_count(translations)
        replaced: dict[str, bytes] = {}
        pos = 0
        for m in self._members:
            part = translations[pos : pos + m.count]
            pos += m.count
            if not part:
                continue
            buf = io.BytesIO()
            # bilingual only in the chapters: a TOC or title holds the translation alone
            m.doc.write(buf, part, bilingual and m.name.endswith((".xhtml", ".html", ".htm")))
            replaced[m.name] = buf.getvalue()
        write_zip(self.path, dst, replaced, self.path, KIND)


def _unquote(href: str) -> str:
    from urllib.parse import unquote

    return unquote(href.split("#", 1)[0])


class EpubHandler:
    NAME = "EPUB"
    EXTENSIONS = (".epub",)

    def open(self, path: Path) -> EpubDocument:
        return EpubDocument(path)


__all__ = ["EpubDocument", "EpubHandler"]
