"""Reading and writing text files in the encoding they came in."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from offline_nlp.documents.base import parse_error

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


_PREFERRED = ("cp1252", "gb18030", "cp932", "shift_jis", "euc_kr", "big5", "euc_jp", "iso8859-1")


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    bom: bytes = b""

    def encode(self, text: str) -> bytes:
        """``text`` in the source encoding if it fits, else UTF-8 (keeping a BOM)."""
        try:
            return self.bom + text.encode(self.encoding)
        except UnicodeEncodeError:
            return (codecs.BOM_UTF8 if self.bom else b"") + text.encode("utf-8")


def decode_bytes(data: bytes, path: Path) -> Decoded:
    """Detect the encoding: BOM, then UTF-8, then charset-normalizer, then Windows-1252."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data[len(bom) :].decode(enc), enc, bom)
            except UnicodeDecodeError as exc:
                raise parse_error(path, f"invalid {enc} text ({exc.reason})") from None
    if b"\x00" in data[:4096] and _looks_utf16(data):
        enc = "utf-16-le" if data[1:2] == b"\x00" else "utf-16-be"
        try:
            return Decoded(data.decode(enc), enc)
        except UnicodeDecodeError:
            pass
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    try:
        import charset_normalizer
    except ImportError:
        charset_normalizer = None  # type: ignore[assignment]
    if charset_normalizer is not None:
        results = charset_normalizer.from_bytes(data)
        best = results.best()
        if best is not None and best.encoding:
            enc = codecs.lookup(best.encoding).name
            # ties are common on short texts: prefer the most widespread encoding
            tied = {
                codecs.lookup(c).name
                for m in results
                if m.chaos == best.chaos and m.coherence == best.coherence
                for c in m.could_be_from_charset
            }
            enc = next((c for c in _PREFERRED if c in tied), enc)
            if enc in ("gb2312", "gbk"):
                enc = "gb18030"  # superset: never fails on the extra characters
            try:
                return Decoded(data.decode(enc), enc)
            except (UnicodeDecodeError, LookupError):
                pass
    if b"\x00" in data:
        raise parse_error(path, "binary data, not text (wrong extension?)")
    try:
        return Decoded(data.decode("cp1252"), "cp1252")
    except UnicodeDecodeError:
        return Decoded(data.decode("latin-1"), "latin-1")


def _looks_utf16(data: bytes) -> bool:
    sample = data[:4096]
    return sample[1::2].count(0) > len(sample) // 4 or sample[0::2].count(0) > len(sample) // 4


def newline_of(text: str) -> str:
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf >= text.count("\n") - crlf else "\n"


class TextLines:
    """A decoded text file as lines, written back with its own newline and final newline."""

    def __init__(self, decoded: Decoded) -> None:
        self.decoded = decoded
        text = decoded.text
        self.newline = newline_of(text)
        self.ends_with_newline = text.endswith(("\n", "\r"))
        self.lines = re.split(r"\r\n|\r|\n", text)
        if self.ends_with_newline:
            self.lines.pop()

    def encode(self, replaced: dict[int, tuple[int, list[str]]], lines: list[str] | None = None
               ) -> bytes:
        """The file with ``replaced[first] = (count, new)``: ``count`` lines from ``first``
        on become ``new`` (``lines``: the lines to start from, else the file's)."""
        lines = self.lines if lines is None else lines
        out: list[str] = []
        i = 0
        while i < len(lines):
            if i in replaced:
                count, new = replaced[i]
                out.extend(new)
                i += count
            else:
                out.append(lines[i])
                i += 1
        text = self.newline.join(out) + (self.newline if self.ends_with_newline else "")
        return self.decoded.encode(text)
