"""Deterministic multi-paragraph English-like text for benchmarks."""

from __future__ import annotations

import random

_WORDS = """the of and to in is was for on that with as by at from it this be are an or
which have has had not but all were when we there can more one their if will about into
time people year way day man thing woman life child world school state family student group
country problem hand part place case week company system program question work government
number night point home water room mother area money story fact month lot right study book
eye job word business issue side kind head house service friend father power hour game line
end member law car city community name president team minute idea kid body information back
parent face others level office door health person art war history party result change
morning reason research girl guy moment air teacher force education good new first last long
great little own other old right big high different small large next early young important
few public bad same able""".split()


def make_sentence(rng: random.Random) -> str:
    length = max(3, min(60, int(rng.lognormvariate(2.8, 0.45))))
    words = [rng.choice(_WORDS) for _ in range(length)]
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words)), str(rng.randrange(1, 3000)))
    if length > 8 and rng.random() < 0.5:
        words[rng.randrange(2, length - 2)] += ","
    return " ".join(words).capitalize() + rng.choice(".....?!")


def make_corpus(sentences: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    return [make_sentence(rng) for _ in range(sentences)]


def make_document(sentences: int, seed: int = 0) -> str:
    """Paragraphs of 1-6 sentences separated by blank lines, like real documents."""
    rng = random.Random(seed)
    corpus = make_corpus(sentences, seed)
    paragraphs, i = [], 0
    while i < len(corpus):
        n = rng.randint(1, 6)
        paragraphs.append(" ".join(corpus[i:i + n]))
        i += n
    return "\n\n".join(paragraphs)
