"""SubRip ``.srt`` and WebVTT ``.vtt`` subtitles.

Only cue text changes: numbers, timing lines, cue settings, ``WEBVTT`` headers and
``NOTE``/``STYLE``/``REGION`` blocks are written back byte for byte, and one cue stays
one cue. A cue's lines are translated as one sentence and the translation is wrapped
back onto the same number of lines; dialogue cues (lines starting with ``-``) keep
their lines. Inline tags (``<i>``, ``<b>``, ``<font>``, ``<c.x>``, ``{\\an8}``) are
carried onto the right words. Bilingual output keeps the original lines above the
translation in the same cue.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from offline_nlp.documents._encoding import Decoded, TextLines, decode_bytes
from offline_nlp.documents.base import (
    Document,
    Segment,
    Sink,
    is_translatable,
    open_sink,
    parse_error,
)
from offline_nlp.documents.markup import (
    BREAK,
    CLOSE,
    OBJECT,
    OPEN,
    TEXT,
    SegmentBuilder,
    Tok,
    analyse,
)
from offline_nlp.engine.types import Translation

_SRT_TIME = re.compile(
    r"^\s*\d{1,3}:\d{1,2}:\d{1,2}[,.]\d{1,3}\s*-->\s*\d{1,3}:\d{1,2}:\d{1,2}[,.]\d{1,3}"
)
_VTT_TIME = re.compile(
    r"^\s*(?:\d+:)?\d{1,2}:\d{1,2}\.\d{3}\s+-->\s+(?:\d+:)?\d{1,2}:\d{1,2}\.\d{3}"
)
_TAG = re.compile(r"<(/?)([A-Za-z][\w.-]*)[^>]*>|\{\\[^}]*\}|<\d+:[\d:.]+>")
_END = re.compile(r"[.!?…:;。！？」』\"]\s*$")


@dataclass
class _Cue:
    text_start: int  # index of its first text line
    lines: list[str]
    dialogue: bool


def _tokens(text: str) -> list[Tok]:
    toks: list[Tok] = []
    pos = 0
    for m in _TAG.finditer(text):
        if m.start() > pos:
            toks.append(Tok(TEXT, text[pos : m.start()], text=text[pos : m.start()]))
        raw = m.group()
        if raw.startswith("{") or m.group(2) is None:
            toks.append(Tok(OBJECT, raw))
        elif m.group(1):
            toks.append(Tok(CLOSE, raw, m.group(2).split(".")[0].lower()))
        else:
            toks.append(Tok(OPEN, raw, m.group(2).split(".")[0].lower()))
        pos = m.end()
    if pos < len(text):
        toks.append(Tok(TEXT, text[pos:], text=text[pos:]))
    return toks


def _continues(previous: str, line: str) -> bool:
    """True when ``line`` carries on the sentence of ``previous`` (join them to translate)."""
    prev_text = _TAG.sub("", previous).strip()
    text = _TAG.sub("", line).strip()
    if not prev_text or not text or _END.search(prev_text) or text.startswith("-"):
        return False
    # a line that is wholly one formatted run stays its own line
    return not (previous.rstrip().endswith(">") or line.lstrip().startswith(("<", "{")))


def _wrap(text: str, n_lines: int) -> str:
    """Split ``text`` into ``n_lines`` lines of similar length at spaces."""
    if n_lines < 2 or "\n" in text:
        return text
    words = text.split(" ")
    if len(words) < n_lines:
        return text
    target = len(text) / n_lines
    lines: list[str] = []
    current = ""
    for w in words:
        if current and len(current) + 1 + len(w) > target * 1.15 and len(lines) < n_lines - 1:
            lines.append(current)
            current = w
        else:
            current = f"{current} {w}" if current else w
    lines.append(current)
    return "\n".join(lines)


class SubtitleDocument(Document):
    def __init__(self, path: Path, decoded: Decoded, vtt: bool) -> None:
        super().__init__(path)
        self._decoded = decoded
        self._file = TextLines(decoded)
        self._lines = self._file.lines
        self._cues: SegmentBuilder[_Cue] = SegmentBuilder()
        (self._parse_vtt if vtt else self._parse_srt)()

    def _blocks(self, start: int = 0) -> list[tuple[int, list[str]]]:
        blocks: list[tuple[int, list[str]]] = []
        current: list[str] = []
        first = start
        for i in range(start, len(self._lines) + 1):
            line = self._lines[i] if i < len(self._lines) else ""
            if line.strip():
                if not current:
                    first = i
                current.append(line)
            elif current:
                blocks.append((first, current))
                current = []
        return blocks

    def _parse_srt(self) -> None:
        blocks = self._blocks()
        if not blocks:
            raise parse_error(self.path, "no subtitles in the file")
        for first, lines in blocks:
            k = 0
            if lines[0].strip().isdigit() and len(lines) > 1:
                k = 1
            if not _SRT_TIME.match(lines[k]):
                raise parse_error(
                    self.path,
                    f"not a valid SubRip file: line {first + k + 1} should be a timing line "
                    f"like '00:00:01,000 --> 00:00:02,500', found {lines[k].strip()[:40]!r}",
                )
            self._add_cue(first + k + 1, lines[k + 1 :])

    def _parse_vtt(self) -> None:
        if not self._lines or not self._lines[0].lstrip("\ufeff").startswith("WEBVTT"):
            raise parse_error(self.path, "not a valid WebVTT file (it must start with 'WEBVTT')")
        for first, lines in self._blocks(1):
            head = lines[0].strip()
            if head.startswith(("NOTE", "STYLE", "REGION")) and "-->" not in head:
                continue
            k = next((j for j, line in enumerate(lines[:2]) if "-->" in line), None)
            if k is None:
                continue  # stray text: left as it is
            if not _VTT_TIME.match(lines[k]):
                raise parse_error(
                    self.path, f"not a valid WebVTT file: bad timing line {first + k + 1}"
                )
            self._add_cue(first + k + 1, lines[k + 1 :])

    def _add_cue(self, text_start: int, lines: list[str]) -> None:
        if not lines or not is_translatable(" ".join(lines)):
            return
        toks: list[Tok] = []
        keep_breaks = False
        for j, line in enumerate(lines):
            if j:
                if _continues(lines[j - 1], line):
                    toks.append(Tok(TEXT, " ", text=" "))
                else:
                    toks.append(Tok(BREAK, "\n"))
                    keep_breaks = True
            toks.extend(_tokens(line))
        self._cues.add_region(analyse(toks), _Cue(text_start, lines, keep_breaks))

    def segments(self) -> list[Segment]:
        return self._cues.segments()

    def write(
        self, dst: Sink, translations: Sequence[Translation], bilingual: bool = False
    ) -> None:
        self._check_count(translations)
        replaced: dict[int, tuple[int, list[str]]] = {}
        for unit, tr in self._cues.translated(translations):
            cue = unit.place
            if not cue.dialogue and tr is not None:
                tr = Translation(_wrap(tr.text, len(cue.lines)), alignment=_rewrap(tr))
            new = unit.render(tr, lambda s: s, "\n").split("\n")
            if bilingual:
                new = [*cue.lines, *new]
            replaced[cue.text_start] = (len(cue.lines), new)
        with open_sink(dst) as fh:
            fh.write(self._file.encode(replaced))


def _rewrap(tr: Translation) -> tuple:
    # wrapping only turns spaces into line breaks: character offsets do not move
    return tr.alignment


class SubtitleHandler:
    NAME = "Subtitles"
    EXTENSIONS = (".srt", ".vtt")

    def open(self, path: Path) -> SubtitleDocument:
        path = Path(path)
        decoded = decode_bytes(path.read_bytes(), path)
        if not decoded.text.strip():
            raise parse_error(path, "the file holds no text")
        return SubtitleDocument(path, decoded, path.suffix.lower() == ".vtt")
