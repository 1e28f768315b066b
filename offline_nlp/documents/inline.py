"""Carry inline formatting (runs, tags, inline objects) from a source text to its translation.

A paragraph such as ``Press <b>Save</b> to keep <a>the file</a>.`` is translated as ONE
plain text, never run by run. Its handler describes the runs as :class:`InlineSpan` s
(``key`` names a run's formatting; zero-width ``is_object`` spans mark images, fields,
note references). With the engine's word alignment (each output token -> the source
characters it came from) :func:`distribute` cuts the translation into :class:`Piece` s:

1. every aligned target character takes the run that covers most of its source range;
2. a word (``\\w+``, outside CJK scripts where a token is the unit) takes its majority run,
   so a subword split never puts half a word in bold;
3. whitespace and unaligned characters between two runs go to the neighbour whose source
   run had whitespace on that side, else to the paragraph's dominant run (most
   characters), else to the left one;
4. an object glued to the end of a source word follows that word's translation; any other
   object goes before the translation of the next source word; objects stay in order.

When the alignment is missing, out of range or covers under half of the translation, the
whole translation goes into the dominant run and objects keep their relative place.
Either way, a link (a run marked ``link``) with words in the source that got no
character of the translation (the alignment placed none of its words) takes the words
of the translation at its relative position: as many links come out as went in.
The pieces concatenate to exactly the translation (plus, next to an object that stood
between two spaces, the one space the model merged away), and every object appears
once: nothing is dropped or duplicated. This module is pure and has no format knowledge.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from offline_nlp.documents.base import InlineSpan
from offline_nlp.engine.types import Span

__all__ = ["Piece", "distribute", "dominant_key", "source_pieces"]

_WORD = re.compile(r"\w+")
# Scripts written without spaces: a subword token there is already a word.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")
#: Below this share of aligned non-space target characters the alignment is "unclear".
MIN_COVERAGE = 0.5


@dataclass(frozen=True)
class Piece:
    """Part of the rebuilt paragraph: text in run ``key``, or the object numbered ``key``."""

    key: int
    text: str = ""
    is_object: bool = False


def _runs(spans: Sequence[InlineSpan]) -> list[InlineSpan]:
    return sorted((s for s in spans if not s.is_object and s.end > s.start), key=lambda s: s.start)


def _objects(spans: Sequence[InlineSpan]) -> list[InlineSpan]:
    # stable: objects at the same offset keep their order
    return sorted((s for s in spans if s.is_object), key=lambda s: s.start)


def dominant_key(source: str, spans: Sequence[InlineSpan]) -> int:
    """The run key with most non-space characters (ties: the earliest); 0 without runs."""
    counts: Counter[int] = Counter()
    order: list[int] = []
    for s in _runs(spans):
        if s.key not in counts:
            order.append(s.key)
        counts[s.key] += sum(1 for ch in source[s.start : s.end] if not ch.isspace()) or 0
    if not order:
        return 0
    best = max(counts.values())
    return next(k for k in order if counts[k] == best)


def source_pieces(source: str, spans: Sequence[InlineSpan]) -> list[Piece]:
    """The source paragraph itself as pieces (for rebuilding an untranslated copy)."""
    return _assemble(
        source, _source_keys(source, spans), _objects(spans), [s.start for s in _objects(spans)]
    )


def _source_keys(source: str, spans: Sequence[InlineSpan]) -> list[int]:
    dom = dominant_key(source, spans)
    keys = [dom] * len(source)
    for s in _runs(spans):
        for i in range(s.start, min(s.end, len(source))):
            keys[i] = s.key
    return keys


def _range_key(lo: int, hi: int, source: str, src_keys: list[int]) -> int | None:
    """The run covering most non-space characters of ``source[lo:hi]``."""
    if not src_keys:
        return None
    hi = min(hi, len(source))
    lo = max(0, min(lo, len(source) - 1))
    window = src_keys[lo:hi]
    if window and window.count(window[0]) == len(window):  # the usual case: one run
        return window[0]
    counts: Counter[int] = Counter(src_keys[i] for i in range(lo, hi) if not source[i].isspace())
    if not counts:
        counts = Counter(src_keys[i] for i in range(lo, max(hi, lo + 1)))
    return counts.most_common(1)[0][0] if counts else None


def _valid(alignment: Sequence[Span], n_src: int, n_tgt: int) -> bool:
    return bool(alignment) and all(
        0 <= a.source_start <= a.source_end <= n_src
        and 0 <= a.target_start <= a.target_end <= n_tgt
        for a in alignment
    )


def distribute(
    source: str, spans: Sequence[InlineSpan], target: str, alignment: Sequence[Span]
) -> list[Piece]:
    """Cut ``target`` into run pieces and place the objects (see the module docstring)."""
    runs = _runs(spans)
    objects = _objects(spans)
    dom = dominant_key(source, spans)
    if len({r.key for r in runs}) <= 1 and not objects:  # one run: links and all
        return [Piece(runs[0].key if runs else dom, target)] if target else []
    if not target:
        return [Piece(o.key, is_object=True) for o in objects]

    keys = _map_keys(source, spans, target, alignment, dom)
    if keys is None:  # unclear alignment: everything in the dominant run
        keys = [dom] * len(target)
        positions = [_proportional(o.start, len(source), target) for o in objects]
    else:
        positions = [_place_object(o.start, source, target, alignment) for o in objects]
    _keep_every_run(keys, source, runs, target)
    _one_piece_per_link(keys, target, {r.key for r in runs if r.link})
    positions = [_inside_its_link(p, o.start, runs, keys) for p, o in zip(positions, objects)]
    # objects keep their original order
    for i in range(1, len(positions)):
        positions[i] = max(positions[i], positions[i - 1])
    pieces = _assemble(target, keys, objects, positions)
    assert "".join(p.text for p in pieces) == target
    assert sum(p.is_object for p in pieces) == len(objects)
    return _pad_objects(pieces, source, objects)


# A CJK character or CJK/full-width punctuation mark (``，`` in ``办，8``) is a word of its own.
_TARGET_WORD = re.compile(
    r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
    r"\U00020000-\U0002fa1f]"
    r"|[^\s\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
    r"\U00020000-\U0002fa1f]+")


def _keep_every_run(keys: list[int], source: str, runs: Sequence[InlineSpan],
                    target: str) -> None:
    """Give each link run with words in the source that owns no character of ``target``
    the words at its relative position (in place), never taking another link's last word
    (plain text or bold may lose its only word to a link: a lost link is worse)."""
    extent: dict[int, list[int]] = {}
    for run in runs:
        if run.link and _WORD.search(source[run.start:run.end]):
            lo, hi = extent.setdefault(run.key, [run.start, run.end])
            extent[run.key] = [min(lo, run.start), max(hi, run.end)]
    # characters per run, spaces not counted: a run holding only a space is gone
    counts = Counter(k for k, ch in zip(keys, target) if not ch.isspace())
    missing = [k for k in extent if not counts[k]]
    if not missing or not target.strip():
        return
    words = [(m.start(), m.end()) for m in _TARGET_WORD.finditer(target)]
    scale = len(target) / max(1, len(source))

    links = {r.key for r in runs if r.link}

    def spare(word: tuple[int, int]) -> bool:  # taking it empties no other link
        inside = Counter(keys[i] for i in range(*word) if not target[i].isspace())
        return all(counts[k] > n for k, n in inside.items() if k in links)

    for key in sorted(missing, key=lambda k: extent[k][0]):
        lo, hi = (round(x * scale) for x in extent[key])
        free = [w for w in words if spare(w)]
        if not free:
            continue
        inside = [w for w in free if w[0] < hi and lo < w[1]]
        chosen = inside or [min(free, key=lambda w: abs((w[0] + w[1]) / 2 - (lo + hi) / 2))]
        end = chosen[0][0]
        for word in chosen:  # word by word, so no run is emptied on the way
            if not spare((end, word[1])):
                break
            for i in range(end, word[1]):
                if not target[i].isspace():
                    counts[keys[i]] -= 1
                    counts[key] += 1
                keys[i] = key
            end = word[1]


def _one_piece_per_link(keys: list[int], target: str, links: set[int]) -> None:
    """A link whose characters are apart (another run's word, or a lone space, between
    them) would come out as two links: it covers what lies between, unless that empties
    another run; then its smaller pieces go to the run on their left (in place)."""
    for key in links:
        pieces = _pieces_of(keys, key)
        if len(pieces) < 2:
            continue
        first, last = pieces[0][0], pieces[-1][1]
        between = Counter(keys[i] for i in range(first, last)
                          if keys[i] != key and not target[i].isspace())
        total = Counter(k for k, ch in zip(keys, target) if not ch.isspace())
        if all(total[k] > n for k, n in between.items()):
            keys[first:last] = [key] * (last - first)
            continue
        largest = max(pieces, key=lambda p: sum(not c.isspace() for c in target[p[0]:p[1]]))
        for start, end in pieces:
            if (start, end) != largest:
                other = keys[start - 1] if start > 0 else keys[end] if end < len(keys) else key
                keys[start:end] = [other] * (end - start)


def _inside_its_link(position: int, offset: int, runs: Sequence[InlineSpan],
                     keys: list[int]) -> int:
    """An object that sat inside a link (a bookmark or field between two runs of it)
    stays inside that link's translation: placed elsewhere, it would take a copy of the
    link with it, and one link would come out as two."""
    before = [r for r in runs if r.end == offset]
    after = [r for r in runs if r.start == offset]
    if not (before and after and before[0].link and before[0].key == after[0].key):
        return position
    inside = [i for i, k in enumerate(keys) if k == before[0].key]
    return min(max(position, inside[0]), inside[-1] + 1) if inside else position


def _pieces_of(keys: list[int], key: int) -> list[tuple[int, int]]:
    pieces: list[tuple[int, int]] = []
    for i, k in enumerate(keys):
        if k != key:
            continue
        if pieces and pieces[-1][1] == i:
            pieces[-1] = (pieces[-1][0], i + 1)
        else:
            pieces.append((i, i + 1))
    return pieces


def _pad_objects(
    pieces: list[Piece], source: str, objects: Sequence[InlineSpan]
) -> list[Piece]:
    """Give back the space an object stood between when the model merged two into one.

    ``Day <field/> of ten.`` is sent as "Day  of ten."; the model writes one space, so the
    field would end up glued to a word. Where the source object had whitespace on both
    sides and the translation has it on one side only, one space is added on the other
    (never in text without spaces, such as Chinese).
    """
    spaced = {
        o.key
        for o in objects
        if 0 < o.start < len(source) and source[o.start - 1].isspace() and source[o.start].isspace()
    }
    if not spaced:
        return pieces
    out = list(pieces)
    i = 0
    while i < len(out):
        if not out[i].is_object:
            i += 1
            continue
        j = i  # a field is several objects in a row (begin, code, result, end)
        while j < len(out) and out[j].is_object:
            j += 1
        left = out[i - 1] if i > 0 else None
        right = out[j] if j < len(out) else None
        if left and right and left.text and right.text and any(
            p.key in spaced for p in out[i:j]
        ):
            left_space, right_space = left.text[-1].isspace(), right.text[0].isspace()
            if left_space and not right_space:
                out[j] = Piece(right.key, " " + right.text)
            elif right_space and not left_space:
                out[i - 1] = Piece(left.key, left.text + " ")
        i = j
    return out


def _copied_ends(
    source: str, target: str, src_keys: Sequence[int], assigned: list[int | None]
) -> None:
    """Characters the engine copies instead of translating, at either end (a heading's
    ``3.1.``, a list marker, a footnote number), are never aligned: where the translation
    begins or ends with exactly the source's non-letters, they keep the source's runs, so
    ``<span>3.1. </span>`` survives instead of melting into the dominant run."""
    limit = min(len(source), len(target))
    n = 0
    while n < limit and source[n] == target[n] and not source[n].isalpha():
        n += 1
    for i in range(n):
        if assigned[i] is None and not target[i].isspace():
            assigned[i] = src_keys[i]
    m = 0
    while m < limit - n and source[-1 - m] == target[-1 - m] and not source[-1 - m].isalpha():
        m += 1
    for k in range(1, m + 1):
        if assigned[-k] is None and not target[-k].isspace():
            assigned[-k] = src_keys[len(source) - k]


def _map_keys(
    source: str, spans: Sequence[InlineSpan], target: str, alignment: Sequence[Span], dom: int
) -> list[int] | None:
    """The run key of each target character, or None where too little of it is aligned."""
    if not _valid(alignment, len(source), len(target)):
        return None
    src_keys = _source_keys(source, spans)
    assigned = _aligned_keys(source, target, alignment, src_keys)
    solid = [i for i, ch in enumerate(target) if not ch.isspace()]
    if not solid or sum(assigned[i] is not None for i in solid) < MIN_COVERAGE * len(solid):
        return None
    _words_take_majority(target, assigned, dom)
    out = _fill_gaps(source, spans, assigned, dom)
    _breaks_keep_runs(source, target, src_keys, out)
    return out


def _aligned_keys(
    source: str, target: str, alignment: Sequence[Span], src_keys: list[int]
) -> list[int | None]:
    """The run key of each target character its alignment gives (None: no word of it)."""
    assigned: list[int | None] = [None] * len(target)
    for a in alignment:
        if a.target_end <= a.target_start:
            continue
        k = _range_key(a.source_start, a.source_end, source, src_keys)
        if k is None:
            continue
        for i in range(a.target_start, a.target_end):
            if not target[i].isspace():
                assigned[i] = k
    _copied_ends(source, target, src_keys, assigned)
    return assigned


def _words_take_majority(target: str, assigned: list[int | None], dom: int) -> None:
    """A word takes its majority run (no half-bold words from subword tokens)."""
    for m in _WORD.finditer(target):
        if _CJK.search(m.group()):
            continue
        votes = Counter(k for k in assigned[m.start() : m.end()] if k is not None)
        if votes:
            best = max(votes.values())
            winner = (
                dom
                if votes.get(dom) == best
                else next(
                    k for k in assigned[m.start() : m.end()] if k is not None and votes[k] == best
                )
            )
            for i in range(m.start(), m.end()):
                assigned[i] = winner


def _fill_gaps(
    source: str, spans: Sequence[InlineSpan], assigned: list[int | None], dom: int
) -> list[int]:
    """Gaps (spaces, unaligned punctuation) take a neighbour's run: the one that held the
    space in the source (a link's text rarely includes the space before it), else the
    dominant run, else the left one."""
    trailing_ws = {r.key for r in _runs(spans) if source[r.end - 1].isspace()}
    leading_ws = {r.key for r in _runs(spans) if source[r.start].isspace()}
    owners = trailing_ws | leading_ws
    out: list[int] = []
    i = 0
    n = len(assigned)
    while i < n:
        if assigned[i] is not None:
            out.append(assigned[i])  # type: ignore[arg-type]
            i += 1
            continue
        j = i
        while j < n and assigned[j] is None:
            j += 1
        left = out[-1] if out else None
        right = assigned[j] if j < n else None
        if left is None and right is None:
            k = dom
        elif left is None or right is None:
            k = left if right is None else right  # type: ignore[assignment]
        elif left == right or left in trailing_ws and right not in leading_ws:
            k = left
        elif right in leading_ws and left not in trailing_ws:
            k = right
        elif (left in owners) != (right in owners):  # only one run ever held spaces
            k = left if left in owners else right
        elif dom in (left, right):
            k = dom
        else:
            k = left
        out.extend([k] * (j - i))  # type: ignore[list-item]
        i = j
    return out


def _breaks_keep_runs(source: str, target: str, src_keys: list[int], out: list[int]) -> None:
    """Line breaks and tabs: the n-th one sits in the run the n-th one of the source had."""
    for ch in "\n\t":
        src_pos = [i for i, c in enumerate(source) if c == ch]
        tgt_pos = [i for i, c in enumerate(target) if c == ch]
        if src_pos and len(src_pos) == len(tgt_pos):
            for s_i, t_i in zip(src_pos, tgt_pos, strict=True):
                out[t_i] = src_keys[s_i]


def _place_object(offset: int, source: str, target: str, alignment: Sequence[Span]) -> int:
    if offset <= 0 or not source[:offset].strip():
        return 0
    if offset >= len(source) or not source[offset:].strip():
        return len(target)
    pos = _aligned_place(offset, source, target, alignment)
    if pos in (0, len(target)) and _WORD.search(source[:offset]) and _WORD.search(source[offset:]):
        # words on both sides in the source, none on one side here: the attention of
        # one token went astray (it can, with the batch's other sentences); keep the
        # object's relative place instead of moving it over every word
        return _proportional(offset, len(source), target)
    return pos


def _aligned_place(offset: int, source: str, target: str, alignment: Sequence[Span]) -> int:
    real = [a for a in alignment if a.target_end > a.target_start]
    if not source[offset - 1].isspace():
        # glued to the end of the previous word: go right after its translation
        before = [a for a in real if a.source_end <= offset]
        if before:
            last = max(before, key=lambda a: (a.source_end, a.target_end))
            pos = _snap_word_end(target, last.target_end)
            gap = source[last.source_end : offset]  # e.g. punctuation no token covered
            return pos + len(gap) if gap and target.startswith(gap, pos) else pos
    after = [a for a in real if a.source_start >= offset]
    if not after:
        return len(target)
    first = min(after, key=lambda a: (a.source_start, a.target_start))
    pos = _snap_word_start(target, first.target_start)
    gap = source[offset : first.source_start]  # "Header<tab/>[page]<tab/>Test": keep between
    return pos - len(gap) if gap and target[:pos].endswith(gap) else pos


def _snap_word_end(target: str, pos: int) -> int:
    while 0 < pos < len(target) and target[pos - 1].isalnum() and target[pos].isalnum():
        if _CJK.match(target[pos]):
            break
        pos += 1
    return pos


def _snap_word_start(target: str, pos: int) -> int:
    while 0 < pos < len(target) and target[pos - 1].isalnum() and target[pos].isalnum():
        if _CJK.match(target[pos]):
            break
        pos -= 1
    return pos


def _proportional(offset: int, n_src: int, target: str) -> int:
    if offset <= 0 or n_src == 0:
        return 0
    if offset >= n_src:
        return len(target)
    pos = round(offset / n_src * len(target))
    # move to the nearest word boundary
    best = pos
    for d in range(len(target) + 1):
        for cand in (pos - d, pos + d):
            if 0 <= cand <= len(target) and (
                cand in (0, len(target)) or target[cand - 1].isspace() or target[cand].isspace()
            ):
                return cand
    return best


def _assemble(
    text: str, keys: list[int], objects: Sequence[InlineSpan], positions: Sequence[int]
) -> list[Piece]:
    pieces: list[Piece] = []
    obj_iter = iter(sorted(zip(positions, range(len(objects)), strict=True)))
    pending = next(obj_iter, None)
    start = 0
    for i in range(len(text) + 1):
        boundary = i == len(text) or (i > 0 and keys[i] != keys[i - 1])
        has_obj = pending is not None and pending[0] == i
        if (boundary or has_obj) and i > start:
            pieces.append(Piece(keys[start], text[start:i]))
            start = i
        while pending is not None and pending[0] == i:
            pieces.append(Piece(objects[pending[1]].key, is_object=True))
            pending = next(obj_iter, None)
    while pending is not None:  # positions past the end
        pieces.append(Piece(objects[pending[1]].key, is_object=True))
        pending = next(obj_iter, None)
    return pieces
