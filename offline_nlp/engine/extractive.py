"""Extractive summaries without a model: TextRank over sentence similarity, pure Python.

The summary is made of the source's own sentences, kept in source order. Sentences are
compared by shared terms: lower-cased words for space-separated languages, character
bigrams for Chinese, Japanese and Korean, whose words have no spaces between them.
A sentence similar to many others is central to the text (TextRank, Mihalcea & Tarau
2004: PageRank on the similarity graph); the most central ones are kept while they fit
the length, which is a share of the source's *characters* (a share of its sentences
would let a few long sentences make the summary far longer than asked). The summary
keeps the source's paragraph and line breaks between the sentences it keeps.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from offline_nlp.engine.segmentation import Piece, join_sentences, split_text

__all__ = [
    "CJK_LANGUAGES",
    "LENGTHS",
    "ExtractedSentence",
    "Length",
    "extract_sentences",
    "is_cjk_text",
    "join_summary",
    "length_share",
    "sentence_layout",
    "sentence_terms",
    "summarize_extractive",
    "summary_sentences",
    "unwrap_lines",
]

#: A length preset or a ratio in (0, 1].
Length = str | float

#: Share of the source's characters an extractive summary keeps for each preset.
LENGTHS: dict[str, float] = {"short": 0.15, "medium": 0.30, "long": 0.50}

#: Language codes (before any ``-region``) written without spaces between words, or
#: whose words are better compared by character bigrams (Korean's are agglutinated).
CJK_LANGUAGES = frozenset({"zh", "zt", "ja", "ko", "yue", "lzh", "wuu", "cmn"})

_DAMPING = 0.85
_MAX_ITERATIONS = 100
_TOLERANCE = 1e-6

# Function words carry no topic; TextRank on raw words lets "the" link everything.
_STOPWORDS = frozenset(
    ["a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "me", "more", "most", "my", "myself", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours", "yourself", "yourselves", "also", "may", "might", "must", "shall", "us"]
)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return (
        0x3040 <= code <= 0x30FF  # hiragana, katakana
        or 0x3400 <= code <= 0x4DBF
        or 0x4E00 <= code <= 0x9FFF  # CJK ideographs
        or 0xF900 <= code <= 0xFAFF
        or 0xAC00 <= code <= 0xD7AF  # hangul syllables
        or 0x1100 <= code <= 0x11FF
        or 0x3130 <= code <= 0x318F
        or 0x20000 <= code <= 0x2FFFF
    )


def is_cjk_text(text: str) -> bool:
    """True when at least a third of the letters are Chinese, Japanese or Korean."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return False
    return sum(map(_is_cjk, letters)) * 3 >= len(letters)


def _uses_bigrams(text: str, language: str | None) -> bool:
    if language:
        return language.lower().split("-")[0].split("_")[0] in CJK_LANGUAGES
    return is_cjk_text(text)


# A line break inside a sentence: the line does not end a sentence and the next goes on
# in lower case (or in CJK script, which has no case).
_WRAPPED = re.compile(r"(?<=[^\s.!?:;。！？：；\n])[ \t]*\n[ \t]*(?=[a-z\u3040-\u30ff\u3400-\u9fff])")


def unwrap_lines(text: str) -> str:
    """Join hard-wrapped lines, which :func:`split_text` would take for sentence ends.

    Blank lines (paragraphs), headings and list lines, whose next line starts in upper
    case or with a marker, stay as they are.
    """
    def join(match: re.Match[str]) -> str:
        before, after = text[match.start() - 1], text[match.end()]
        return "" if _is_cjk(before) and _is_cjk(after) else " "

    return _WRAPPED.sub(join, text)


#: The breaks a sentence can follow, weakest first: none (the first sentence), the same
#: line, a line break, a blank line (a new paragraph).
_BREAKS = ("", " ", "\n", "\n\n")


def sentence_layout(text: str) -> list[tuple[str, str]]:
    """Each sentence of ``text`` (:func:`split_text` on unwrapped lines) and the break
    before it: one of ``"", " ", "\\n", "\\n\\n"`` (see :data:`_BREAKS`)."""
    out: list[tuple[str, str]] = []
    gap = ""
    for piece in split_text(unwrap_lines(text)):
        if piece.is_sentence:
            out.append((piece.text, gap if out else ""))
            gap = " "
        elif "\n" in piece.text:
            gap = "\n\n" if piece.text.count("\n") >= 2 else max(gap, "\n", key=_BREAKS.index)
    return out


def summary_sentences(text: str) -> list[str]:
    """The sentences a summary is chosen from: :func:`split_text` on unwrapped lines."""
    return [sentence for sentence, _ in sentence_layout(text)]


def length_share(length: Length) -> float:
    """The share of the source a length setting keeps.

    Raises:
        ValueError: an unknown preset, or a ratio outside (0, 1].
    """
    if isinstance(length, str):
        try:
            return LENGTHS[length]
        except KeyError:
            raise ValueError(f"unknown length {length!r}; expected one of: "
                             f"{', '.join(LENGTHS)}, or a ratio in (0, 1]") from None
    if isinstance(length, bool) or not isinstance(length, (int, float)) or not 0 < length <= 1:
        raise ValueError(f"summary ratio must be in (0, 1], got {length!r}")
    return float(length)


def sentence_terms(sentence: str, bigrams: bool) -> set[str]:
    """The terms sentences are compared by.

    Words (lower-cased, without stop words) for space-separated text; runs of CJK
    characters become their character bigrams (a lone character stays a unigram), and
    Latin words inside CJK text stay words.
    """
    terms: set[str] = set()
    for token in _WORD.findall(sentence.lower()):
        if not bigrams:
            if token not in _STOPWORDS and not token.isdigit():
                terms.add(_fold_plural(token))
            continue
        terms.update(_cjk_terms(token))
    return terms


def _fold_plural(word: str) -> str:
    """``cats`` and ``cat`` are one term (a crude fold, harmless for other languages)."""
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _cjk_terms(run: str) -> list[str]:
    terms: list[str] = []
    start = 0
    for index in range(len(run) + 1):
        boundary = index == len(run) or _is_cjk(run[index]) != _is_cjk(run[start])
        if not boundary:
            continue
        part = run[start:index]
        if part and _is_cjk(part[0]):
            terms.extend([part] if len(part) == 1 else
                         [part[i:i + 2] for i in range(len(part) - 1)])
        elif part and part not in _STOPWORDS and not part.isdigit():
            terms.append(_fold_plural(part))
        start = index
    return terms


def _similarities(term_sets: list[set[str]]) -> list[dict[int, float]]:
    """Sparse TextRank similarity: shared terms over the log of the sentence lengths.

    Only pairs sharing a term are visited (an inverted index). In long texts, terms in
    more than 5% of the sentences are skipped: they carry no topic and make the graph
    dense (quadratic time) without changing which sentences are central.
    """
    count = len(term_sets)
    postings: dict[str, list[int]] = defaultdict(list)
    for index, terms in enumerate(term_sets):
        for term in terms:
            postings[term].append(index)
    too_common = max(30, count // 20)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for members in postings.values():
        if len(members) > too_common:
            continue
        for a_pos, a in enumerate(members):
            for b in members[a_pos + 1:]:
                shared[(a, b)] += 1
    edges: list[dict[int, float]] = [{} for _ in range(count)]
    for (a, b), overlap in shared.items():
        weight = overlap / (math.log(1 + len(term_sets[a])) + math.log(1 + len(term_sets[b])))
        edges[a][b] = edges[b][a] = weight
    return edges


def _textrank(edges: list[dict[int, float]]) -> list[float]:
    count = len(edges)
    out_weight = [sum(row.values()) for row in edges]
    scores = [1.0] * count
    for _ in range(_MAX_ITERATIONS):
        new = [
            (1 - _DAMPING) + _DAMPING * sum(w * scores[j] / out_weight[j] for j, w in row.items())
            for row in edges
        ]
        change = max((abs(a - b) for a, b in zip(new, scores)), default=0.0)
        scores = new
        if change < _TOLERANCE:
            break
    return scores


@dataclass(frozen=True)
class ExtractedSentence:
    """A sentence kept in the summary: its position among the source's sentences."""

    index: int
    text: str
    score: float


def extract_sentences(text: str, *, length: Length = "medium",
                      language: str | None = None) -> list[ExtractedSentence]:
    """The most central sentences of ``text`` that fit the length, in source order.

    Args:
        text: any length; sentences are found by :func:`summary_sentences`.
        length: ``short``/``medium``/``long`` (15/30/50% of the characters of the
            source's sentences) or a ratio of them. Sentences are taken most central
            first until the next would overrun; the most central one is kept even when
            it alone is longer (a summary is at least one sentence).
        language: a code such as ``en`` or ``zh``; ``None`` guesses from the script.

    Raises:
        ValueError: an unknown length.
    """
    return _extract(summary_sentences(text), text, length, language)


def _extract(sentences: list[str], text: str, length: Length,
             language: str | None) -> list[ExtractedSentence]:
    share = length_share(length)
    if not sentences:
        return []
    bigrams = _uses_bigrams(text, language)
    scores = _textrank(_similarities([sentence_terms(s, bigrams) for s in sentences]))
    ranked = sorted(range(len(sentences)), key=lambda i: (-scores[i], i))
    budget = share * sum(len(s) for s in sentences)
    chosen: list[int] = []
    seen: set[str] = set()
    used = 0
    for index in ranked:
        sentence = sentences[index]
        if sentence in seen:  # a repeated sentence is said once
            continue
        if used + len(sentence) > budget:  # filling up with less central ones reads as noise
            break
        seen.add(sentence)
        chosen.append(index)
        used += len(sentence)
    return [ExtractedSentence(i, sentences[i], scores[i]) for i in sorted(chosen or ranked[:1])]


def join_summary(sentences: Sequence[str], breaks: Sequence[str] | None = None) -> str:
    """Sentences joined by one space (none after a CJK full stop), or by ``breaks``:
    the break before each sentence after the first, a line break or blank line kept."""
    layout: list[Piece] = []
    for index, sentence in enumerate(sentences):
        if layout:
            gap = breaks[index] if breaks else " "
            layout.append(Piece(gap if "\n" in gap else " ", False))
        layout.append(Piece(sentence, True))
    return join_sentences(layout, list(sentences))


def summarize_extractive(text: str, *, length: Length = "medium",
                         language: str | None = None) -> str:
    """:func:`extract_sentences` joined with the strongest break the source had between
    each two kept sentences (a paragraph or a line break, else a space)."""
    layout = sentence_layout(text)
    breaks = [gap for _, gap in layout]
    picked = _extract([sentence for sentence, _ in layout], text, length, language)
    gaps = [max(breaks[a.index + 1:b.index + 1], key=_BREAKS.index)
            for a, b in itertools.pairwise(picked)]
    return join_summary([p.text for p in picked], [""] + gaps)
