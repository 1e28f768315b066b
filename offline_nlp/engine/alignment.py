"""Word alignment from the attention CTranslate2 returns, as character spans."""

from __future__ import annotations

import unicodedata

import numpy

from offline_nlp.engine.tokenization import piece_spans

__all__ = ["SpanRow", "align_sentence", "target_spans", "uncovered_run"]

# (source_start, source_end, target_start, target_end) inside one sentence.
SpanRow = list[int]

_SPACE = "\u2581"


def _is_punct(piece: str) -> bool:
    """Punctuation that stands between words; ``_`` and ``-`` join the pieces of one
    (``ka_lome``, ``well-known``)."""
    body = piece.replace(_SPACE, "")
    return bool(body) and all(unicodedata.category(c).startswith("P")
                              and unicodedata.category(c) not in ("Pc", "Pd") for c in body)


def _word_groups(pieces: list[str]) -> list[list[int]]:
    """Indices of pieces grouped into words: a new word at ``▁`` or at punctuation."""
    groups: list[list[int]] = []
    for index, piece in enumerate(pieces):
        # a CJK character is a word of its own, and so is what follows it: ``北`` ``23``
        starts_word = piece.startswith(_SPACE) or _is_punct(piece) or (
            groups and (_is_punct(pieces[groups[-1][-1]]) or _is_wide(pieces[groups[-1][-1]])))
        if starts_word or not groups or _is_wide(piece):
            groups.append([index])
        else:
            groups[-1].append(index)
    return [g for g in groups if pieces[g[0]].replace(_SPACE, "") or len(g) > 1]


def _is_wide(piece: str) -> bool:
    body = piece.replace(_SPACE, "")
    return bool(body) and ord(body[0]) >= 0x2E80


def target_spans(pieces: list[str], text: str) -> list[tuple[int, int]] | None:
    """Span of each target piece in the decoded ``text``; ``None`` if decoding changed it."""
    surfaces = [p.replace(_SPACE, " ") for p in pieces]
    joined = "".join(surfaces)
    lead = len(joined) - len(joined.lstrip(" "))
    if joined[lead:] != text:
        return None
    spans, cursor = [], -lead
    for surface in surfaces:
        start = cursor + (len(surface) - len(surface.lstrip(" ")))
        cursor += len(surface)
        spans.append((max(0, start), max(0, cursor)))
    return spans


def align_sentence(
    source: str,
    source_pieces: list[str],
    target: str,
    target_pieces: list[str],
    attention: list[list[float]],
    *,
    detokenized: bool = False,
) -> list[SpanRow] | None:
    """One span row per target word, pointing at the source word it attends to most.

    ``detokenized``: the target was joined by rules of its own (Moses puts ``.`` and
    ``'s`` against the word before), so its pieces are found in it one after the other
    rather than by joining them.
    """
    src_spans = piece_spans(source, source_pieces)
    tgt_spans = (piece_spans(target, target_pieces) if detokenized
                 else target_spans(target_pieces, target))
    if src_spans is None or tgt_spans is None or len(attention) < len(target_pieces):
        return None
    src_word_of = {}
    for group in _word_groups(source_pieces):
        for index in group:
            src_word_of[index] = (src_spans[group[0]][0], src_spans[group[-1]][1])
    rows: list[SpanRow] = []
    for start, end, pieces in _target_words(target, target_pieces, tgt_spans):
        weights = [0.0] * len(source_pieces)
        for index in pieces:
            for src, weight in enumerate(attention[index][: len(source_pieces)]):
                weights[src] += weight
        best = max(range(len(weights)), key=weights.__getitem__, default=None)
        if best is None or best not in src_word_of:
            continue
        src_start, src_end = src_word_of[best]
        rows.append([src_start, src_end, start, end])
    return rows


def _char_class(char: str) -> str:
    if char.isspace():
        return "space"
    if ord(char) >= 0x2E80:
        return "wide"
    category = unicodedata.category(char)
    if category.startswith("P") and category not in ("Pc", "Pd"):
        return "punct"
    return "word"


def _target_words(text: str, pieces: list[str],
                  spans: list[tuple[int, int]]) -> list[tuple[int, int, list[int]]]:
    """The target's words as ``(start, end, pieces)``, read from the characters each
    piece covers: a piece may hold the end of one word and the start of the next
    (``5夫`` after ``23.9``), so words are cut by character, and each word is aligned
    with the attention of every piece it has characters of. A CJK character or a
    punctuation mark is a word; letters and digits run on until a space, a CJK
    character, a punctuation mark or a piece starting with ``▁``."""
    words: list[list[object]] = []      # [start, end, pieces, class]
    for index, ((start, end), piece) in enumerate(zip(spans, pieces)):
        first = True
        for offset in range(start, end):
            kind = _char_class(text[offset])
            if kind == "space":
                first = False       # a space inside a piece ends the word before it
                continue
            last = words[-1] if words else None
            joins = (last is not None and kind == "word" and last[3] == "word"
                     and last[1] == offset and not (first and piece.startswith(_SPACE)))
            if joins:
                last[1] = offset + 1
                if index not in last[2]:  # type: ignore[operator]
                    last[2].append(index)  # type: ignore[union-attr]
            else:
                words.append([offset, offset + 1, [index], kind])
            first = False
    return [(int(w[0]), int(w[1]), list(w[2])) for w in words]  # type: ignore[call-overload]


def uncovered_run(source_pieces: list[str], attention: list[list[float]]) -> float | None:
    """The longest run of source words that no target token attends to, in words (a CJK
    character counts 0.6, as in the guard's other measures).

    A word is covered when it is some target token's strongest source word, or when the
    attention it receives adds up to half a token's. Punctuation neither counts nor ends
    a run. No rows (an empty output): nothing was read. ``None`` when the attention
    says nothing: rows that keep returning to a few words (a head that was never trained
    to align), where every run would look lost.
    """
    groups = [g for g in _word_groups(source_pieces)
              if not _is_punct("".join(source_pieces[i] for i in g))]
    if not groups:
        return None
    if not attention:
        return round(sum(0.6 if _is_wide(source_pieces[g[0]]) else 1.0 for g in groups), 1)
    width = len(source_pieces)
    # numpy (which CTranslate2 needs anyway): this runs on every sentence translated
    try:
        rows = numpy.asarray(attention, dtype=numpy.float32)
    except ValueError:  # rows of different lengths
        return None
    if rows.ndim != 2 or rows.shape[1] < width:
        return None
    rows = rows[:, :width]
    group_of = numpy.full(width, -1)
    for number, group in enumerate(groups):
        group_of[group] = number
    best = group_of[rows.argmax(axis=1)]
    strongest = set(best[best >= 0].tolist())
    received = rows.sum(axis=0)
    mass = [float(received[group].sum()) for group in groups]
    if len(strongest) < 0.5 * min(len(attention), len(groups)):
        return None
    longest = run = 0.0
    for number, group in enumerate(groups):
        if number in strongest or mass[number] >= 0.5:
            run = 0.0
        else:
            run += 0.6 if _is_wide(source_pieces[group[0]]) else 1.0
            longest = max(longest, run)
    return round(longest, 1)
