"""Fonts for translated PDF text: pick one per character, measure, embed subsets.

* Latin, Cyrillic and Greek: the bundled Noto Sans (SIL OFL 1.1, ``fonts/``) in regular,
  bold and italic, so the source's weight and slant are kept. When the block's own font
  is an embedded TrueType/OpenType program with a drawn glyph for every character of the
  translation (a whole font rather than a subset), that font is used instead
  (:meth:`FontBank.source_face`).
* Chinese, Japanese, Korean and any other character Noto Sans lacks: a font of the
  system, found through fontconfig (``fc-list``) or the usual font folders (Noto Sans
  CJK, Source Han, Microsoft YaHei, PingFang, Yu Gothic, Malgun Gothic). None found is
  one clear error naming the font to install: a character is never written as tofu.

Each face is embedded once per document as a subset (:mod:`.pdf_embed`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from io import BytesIO
from pathlib import Path

from offline_nlp.documents.pdf_embed import _embed, _subset
from offline_nlp.errors import DocumentParseError

_BUNDLED = {
    (False, False): "NotoSans-Regular.ttf",
    (True, False): "NotoSans-Bold.ttf",
    (False, True): "NotoSans-Italic.ttf",
    (True, True): "NotoSans-Bold.ttf",
}

#: preferred CJK families, best first, and the face of a collection per language
_CJK_FAMILIES = (
    "Noto Sans CJK", "Source Han Sans", "Microsoft YaHei", "PingFang", "Yu Gothic",
    "Malgun Gothic", "Noto Serif CJK", "Source Han Serif", "WenQuanYi", "Droid Sans Fallback",
)
_CJK_FACE = {"zh": "SC", "ja": "JP", "ko": "KR", "zh-tw": "TC", "zh-hant": "TC", "zh-hk": "HK"}
_CJK_FILES = (
    "NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular.otf", "SourceHanSans-Regular.ttc",
    "SourceHanSansSC-Regular.otf", "msyh.ttc", "msyh.ttf", "PingFang.ttc", "YuGothM.ttc",
    "malgun.ttf", "NotoSerifCJK-Regular.ttc",
)
_FONT_DIRS = (
    "/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts",
    "/Library/Fonts", "/System/Library/Fonts", "~/Library/Fonts",
    os.path.join(os.environ.get("WINDIR", r"C:\Windows"), "Fonts"),
)
INSTALL_HINT = (
    "install Noto Sans CJK (Debian/Ubuntu: apt install fonts-noto-cjk; "
    "or from https://github.com/notofonts/noto-cjk)"
)


def is_cjk(ch: str) -> bool:
    o = ord(ch)
    return (
        0x2E80 <= o <= 0x9FFF or 0xAC00 <= o <= 0xD7AF or 0xF900 <= o <= 0xFAFF
        or 0xFF00 <= o <= 0xFFEF or 0x20000 <= o <= 0x3FFFF or 0x3000 <= o <= 0x303F
    )


@dataclass(eq=False)
class Face:
    """One font file (and face of a collection) as used in one output document."""

    path: str
    index: int = 0
    name: str = ""  # resource name in the content streams, e.g. ONLPF1
    codes: dict[str, int] = field(default_factory=dict)  # character -> code (1, 2, ...)
    obj: object = None  # the Type0 font dictionary (pikepdf), filled by embed()
    data: bytes | None = None  # a program embedded in the source PDF, instead of a file

    def __post_init__(self) -> None:
        self.font = self.open()
        self.cmap = self.font.getBestCmap() or {}
        self.upm = self.font["head"].unitsPerEm
        self._hmtx = self.font["hmtx"]
        self._widths: dict[str, float] = {}
        self._ok: dict[str, bool] = {}
        self._glyphs = None  # fontTools' glyph set, when outlines are looked at

    def open(self):
        from fontTools.ttLib import TTFont

        if self.data is not None:
            return TTFont(BytesIO(self.data), lazy=True)
        return TTFont(self.path, fontNumber=self.index, lazy=True)

    def has(self, ch: str) -> bool:
        return ord(ch) in self.cmap

    def has_all(self, text: str) -> bool:
        """Whether every character has a glyph other than .notdef, with an outline
        unless it is a space (a subset program may keep a whole cmap over empty glyphs)."""
        return all(self._drawn(ch) for ch in set(text))

    def _drawn(self, ch: str) -> bool:
        ok = self._ok.get(ch)
        if ok is None:
            from fontTools.pens.boundsPen import BoundsPen

            name = self.cmap.get(ord(ch), ".notdef")
            ok = name != ".notdef"
            if ok and not ch.isspace():
                try:
                    if self._glyphs is None:
                        self._glyphs = self.font.getGlyphSet()
                    glyphs = self._glyphs
                    pen = BoundsPen(glyphs)
                    glyphs[name].draw(pen)
                    ok = pen.bounds is not None
                except Exception:  # noqa: BLE001 - a damaged glyph is not drawn
                    ok = False
            self._ok[ch] = ok
        return ok

    def width(self, ch: str) -> float:
        """Advance of ``ch`` in thousandths of the font size."""
        w = self._widths.get(ch)
        if w is None:
            glyph = self.cmap.get(ord(ch), ".notdef")
            w = self._hmtx[glyph][0] * 1000.0 / self.upm
            self._widths[ch] = w
        return w

    def encode(self, text: str) -> bytes:
        out = bytearray()
        for ch in text:
            code = self.codes.get(ch)
            if code is None:
                code = self.codes[ch] = len(self.codes) + 1
            out += code.to_bytes(2, "big")
        return bytes(out)


class FontBank:
    """The faces of one output document, chosen character by character."""

    def __init__(self, language: str = "") -> None:
        self.language = language.lower()
        self.faces: list[Face] = []
        self._by_key: dict[object, Face] = {}
        self._fallback: dict[str, Face | None] = {}
        self._chosen: dict[tuple[str, bool, bool], Face] = {}
        self._widths: dict[tuple, float] = {}
        self._sources: dict[int, Face | None] = {}
        #: the source's own font a block is set in (it has every character), else None
        self.source: Face | None = None

    def _face(self, key: object, path: str, index: int = 0) -> Face:
        face = self._by_key.get(key)
        if face is None:
            face = Face(path, index, name=f"ONLPF{len(self.faces) + 1}")
            self._by_key[key] = face
            self.faces.append(face)
        return face

    def bundled(self, bold: bool, italic: bool) -> Face:
        name = _BUNDLED[(bold, italic)]
        face = self._by_key.get(name)
        if face is None:
            path = resources.files("offline_nlp.documents") / "fonts" / name
            face = self._face(name, str(path))
        return face

    def source_face(self, number: int, load) -> Face | None:
        """The source PDF's embedded font program ``number`` as a face (``load()`` gives
        its bytes), or None when fontTools cannot use it, its cmap is not Unicode or its
        licence forbids embedding a subset of it."""
        if number not in self._sources:
            self._sources[number] = None
            try:
                data = load()
                face = Face("", name=f"ONLPF{len(self.faces) + 1}", data=data) if data else None
                fs_type = face.font["OS/2"].fsType if face and "OS/2" in face.font else 0
                face.width(" ")  # its metrics can be read
                if face.cmap and not fs_type & 0x0302:  # restricted, bitmap only, no subset
                    trial = Face("", data=data)
                    trial.codes = {ch: i + 1 for i, ch in enumerate(
                        chr(c) for c in sorted(face.cmap)[:8])}
                    # fontTools can subset and write it
                    _subset(trial.open(), trial.codes).save(BytesIO())
                    self._sources[number] = face
                    self.faces.append(face)
            except Exception:  # noqa: BLE001, S110 - an unusable program: Noto Sans is used
                pass
        return self._sources[number]

    def face_for(self, ch: str, bold: bool, italic: bool) -> Face:
        """The face that draws ``ch``: the block's source font when one is set, else
        Noto Sans, else a system font. Raises :class:`DocumentParseError` naming the font
        to install when none has it."""
        if self.source is not None and self.source.has(ch):
            return self.source
        key = (ch, bold, italic)
        face = self._chosen.get(key)
        if face is None:
            face = self._chosen[key] = self._choose(ch, bold, italic)
        return face

    def width(self, text: str, bold: bool, italic: bool) -> float:
        """Advance of ``text`` in thousandths of the font size (each character in the
        face that draws it)."""
        key = (text, bold, italic, id(self.source) if self.source is not None else 0)
        w = self._widths.get(key)
        if w is None:
            w = sum(self.face_for(ch, bold, italic).width(ch) for ch in text)
            if len(self._widths) < 200_000:
                self._widths[key] = w
        return w

    def _choose(self, ch: str, bold: bool, italic: bool) -> Face:
        main = self.bundled(bold, italic)
        if main.has(ch) or ch.isspace() or unicodedata.category(ch).startswith(("C", "Z")):
            return main
        regular = self.bundled(False, False)
        if regular.has(ch):
            return regular
        kind = "cjk" if is_cjk(ch) else ch
        if kind not in self._fallback:
            found = _find_cjk(self.language) if kind == "cjk" else _find_any(ch)
            self._fallback[kind] = self._face(found, *found) if found else None
        face = self._fallback[kind]
        if face is None or not face.has(ch):
            what = "Chinese, Japanese and Korean text" if kind == "cjk" else (
                f"the character {ch!r} (U+{ord(ch):04X})")
            hint = INSTALL_HINT if kind == "cjk" else "install a font that covers it (Noto)"
            raise DocumentParseError(f"no installed font can draw {what}; {hint}")
        return face

    def embed(self, pdf) -> None:
        """Fill each used face's font dictionary with its subset."""
        for face in self.faces:
            if face.codes and face.obj is not None:
                _embed(pdf, face.open(), face.codes, face.obj)


def _fc_list(pattern: str) -> list[tuple[str, int, str]]:
    if shutil.which("fc-list") is None:
        return []
    try:
        out = subprocess.run(
            ["fc-list", pattern, "file", "index", "family", "style"],
            capture_output=True, text=True, timeout=20, check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    found = []
    for line in out.splitlines():
        # "/path/font.ttc: Family,Other:style=Regular:index=2"  (order of fields varies)
        path, _, rest = line.partition(": ")
        attrs = dict(a.split("=", 1) for a in rest.split(":") if "=" in a)
        family = rest.split(":")[0]
        try:
            index = int(attrs.get("index", "0"))
        except ValueError:
            index = 0
        found.append((path, index, f"{family} {attrs.get('style', '')}"))
    return found


def _rank(family: str) -> tuple[int, int]:
    fam = family.lower()
    order = next((i for i, f in enumerate(_CJK_FAMILIES) if f.lower() in fam), len(_CJK_FAMILIES))
    regular = 0 if "regular" in fam or "normal" in fam else 1
    return order, regular


def _find_cjk(language: str) -> tuple[str, int] | None:
    lang = language.split("_")[0] if language not in _CJK_FACE else language
    face = _CJK_FACE.get(language) or _CJK_FACE.get(lang, "SC")
    fc_lang = {"ja": "ja", "ko": "ko"}.get(lang, "zh-cn")
    candidates = [c for c in _fc_list(f":lang={fc_lang}") if _rank(c[2])[0] < len(_CJK_FAMILIES)]
    if candidates:
        # the face for the language in a collection ("Noto Sans CJK SC"), regular weight
        candidates.sort(key=lambda c: (_rank(c[2]), f" {face}" not in c[2]))
        return candidates[0][0], candidates[0][1]
    for folder in _FONT_DIRS:
        root = Path(os.path.expanduser(folder))
        if not root.is_dir():
            continue
        for name in _CJK_FILES:
            hit = next(iter(root.rglob(name)), None)
            if hit is not None:
                return str(hit), _collection_index(str(hit), face)
    return None


def _collection_index(path: str, face: str) -> int:
    """Index of the face named ``face`` (SC, JP...) in a .ttc, else 0."""
    if not path.lower().endswith(".ttc"):
        return 0
    from fontTools.ttLib import TTCollection

    try:
        for i, font in enumerate(TTCollection(path, lazy=True).fonts):
            if f" {face}" in font["name"].getDebugName(1) or "":
                return i
    except Exception:  # noqa: BLE001 - an odd collection: its first face
        return 0
    return 0


def _find_any(ch: str) -> tuple[str, int] | None:
    found = _fc_list(f":charset={ord(ch):x}")
    found.sort(key=lambda c: ("noto" not in c[2].lower(), "regular" not in c[2].lower()))
    return (found[0][0], found[0][1]) if found else None


__all__ = ["INSTALL_HINT", "Face", "FontBank", "is_cjk"]
