"""SentencePiece encoding and decoding, with character offsets for alignment.

Decoding always goes through sentencepiece itself: a peer that joins pieces and
replaces ``▁`` *and* ``_`` with spaces breaks every identifier with an underscore.

Summarisation packages converted from Hugging Face (BART's byte-level BPE, T5, Pegasus,
mBART) may instead carry a ``tokenizer.json``, read by :class:`HuggingFaceTokenizer`
with the optional ``tokenizers`` library (no PyTorch), imported only when such a
package is loaded.
"""

from __future__ import annotations

import html
import unicodedata
from pathlib import Path
from typing import Protocol

import sentencepiece as spm

from offline_nlp.errors import ModelLoadError

__all__ = ["BPETokenizer", "HuggingFaceTokenizer", "MarianTokenizer", "SentencePieceTokenizer",
           "Tokenizer", "piece_spans"]

_SPACE = "\u2581"


class SentencePieceTokenizer:
    """One ``sentencepiece.model`` used for both source and target, as Argos does."""

    def __init__(self, model_file: Path) -> None:
        try:
            self._sp = spm.SentencePieceProcessor(model_file=str(model_file))
        except (OSError, RuntimeError) as exc:
            raise ModelLoadError(f"cannot load tokenizer {model_file}: {exc}") from exc

    def encode(self, sentences: list[str]) -> list[list[str]]:
        """Pieces of each sentence, in one call (sentencepiece parallelises it)."""
        return self._sp.encode(sentences, out_type=str)  # type: ignore[no-any-return]

    def decode(self, pieces: list[str]) -> str:
        return self._sp.decode(pieces)  # type: ignore[no-any-return]

    def knows(self, text: str) -> bool:
        """Whether ``text`` encodes without unknown pieces (after the model's normaliser)."""
        return self._sp.unk_id() not in self._sp.encode(text)

    def has_piece(self, piece: str) -> bool:
        """Whether the vocabulary has ``piece`` as one piece (``▁word``: a whole word)."""
        return self._sp.piece_to_id(piece) != self._sp.unk_id()


class Tokenizer(Protocol):
    """What the engine needs of a tokenizer: text to model tokens and back."""

    def encode(self, sentences: list[str]) -> list[list[str]]: ...

    def decode(self, pieces: list[str]) -> str: ...


class HuggingFaceTokenizer:
    """A Hugging Face ``tokenizer.json``, tokens exactly as the converted model expects.

    CTranslate2 adds no special tokens to Transformers models, so :meth:`encode`
    returns the tokenizer's own, specials included (``<s> ... </s>`` for BART,
    ``... </s>`` for T5), and :meth:`decode` drops them again.
    """

    def __init__(self, tokenizer_file: Path) -> None:
        try:
            from tokenizers import Tokenizer as _HFTokenizer
        except ImportError:
            raise ModelLoadError(
                f"{tokenizer_file} needs the 'tokenizers' library; install it with "
                "'pip install tokenizers'") from None
        try:
            self._tok = _HFTokenizer.from_file(str(tokenizer_file))
        except Exception as exc:  # the Rust side raises plain Exception
            raise ModelLoadError(f"cannot load tokenizer {tokenizer_file}: {exc}") from exc
        # A tokenizer saved for training may truncate or pad; the engine decides lengths.
        self._tok.no_truncation()
        self._tok.no_padding()

    def encode(self, sentences: list[str]) -> list[list[str]]:
        return [encoding.tokens for encoding in self._tok.encode_batch(sentences)]

    def decode(self, pieces: list[str]) -> str:
        ids = [self._tok.token_to_id(piece) for piece in pieces]
        return self._tok.decode([i for i in ids if i is not None], skip_special_tokens=True)  # type: ignore[no-any-return]


class BPETokenizer:
    """argostranslate 1.11's BPE path, step for step: Moses punctuation normalising and
    tokenising (``sacremoses``), then subword-nmt's BPE codes (``bpe.model``); decoding
    joins ``@@`` pieces and Moses-detokenises for the target language.

    Both libraries (MIT) are imported only when such a package is loaded.
    """

    def __init__(self, codes_file: Path, source: str, target: str) -> None:
        try:
            from sacremoses import MosesDetokenizer, MosesPunctNormalizer, MosesTokenizer
            from subword_nmt.apply_bpe import BPE
        except ImportError:
            raise ModelLoadError(f"{codes_file} needs the 'sacremoses' and 'subword-nmt' "
                                 "libraries; install them with "
                                 "'pip install sacremoses subword-nmt'") from None
        try:
            with open(codes_file, encoding="utf-8") as codes:
                self._bpe = BPE(codes)
        except (OSError, ValueError, IndexError, SystemExit) as exc:
            # subword-nmt calls sys.exit on a malformed codes line
            raise ModelLoadError(f"cannot load BPE codes {codes_file}: {exc}") from None
        self._normalizer = MosesPunctNormalizer(source)
        self._tokenizer = MosesTokenizer(source)
        self._detokenizer = MosesDetokenizer(target)

    def encode(self, sentences: list[str]) -> list[list[str]]:
        out = []
        for sentence in sentences:
            words = " ".join(self._tokenizer.tokenize(self._normalizer.normalize(sentence)))
            out.append(self._bpe.segment_tokens(words.strip("\r\n ").split(" ")))
        return out

    def decode(self, pieces: list[str]) -> str:
        return self._detokenizer.detokenize(" ".join(pieces).replace("@@ ", "").split(" "))  # type: ignore[no-any-return]

    @staticmethod
    def word_pieces(pieces: list[str]) -> list[str]:
        """The pieces as sentencepiece would write them (``▁`` starts a word, Moses's
        ``&amp;`` escapes undone), so alignment and the coverage check can read them;
        where they still do not line up with the text, alignment is left out."""
        out: list[str] = []
        word: list[str] = []
        for piece in pieces:
            word.append(piece[:-2] if piece.endswith("@@") else piece)
            if piece.endswith("@@"):
                continue
            whole = "".join(word)
            if "&" in whole and html.unescape(whole) != whole:
                # an escape cut into pieces (&@@ ap@@ os@@ ;): the word's first piece
                # carries the whole word, the others nothing
                out.extend([_SPACE + html.unescape(whole)] + [""] * (len(word) - 1))
            else:
                out.extend([_SPACE + word[0], *word[1:]])
            word = []
        if word:  # a last piece still ending in @@ (cut off): as it is
            out.extend([_SPACE + word[0], *word[1:]])
        return out


class MarianTokenizer:
    """OPUS-MT (Marian): ``source.spm`` cuts the source, ``target.spm`` joins the output."""

    def __init__(self, source_file: Path, target_file: Path) -> None:
        self._source = SentencePieceTokenizer(source_file)
        #: The output side: what measures an output in the model's own tokens (the
        #: source model cuts a target-language text into far more pieces).
        self.target = SentencePieceTokenizer(target_file)
        self._target = self.target

    def encode(self, sentences: list[str]) -> list[list[str]]:
        return self._source.encode(sentences)

    def decode(self, pieces: list[str]) -> str:
        return self._target.decode(pieces)

    def knows(self, text: str) -> bool:
        return self._source.knows(text)

    def has_piece(self, piece: str) -> bool:
        return self._target.has_piece(piece)


def piece_spans(text: str, pieces: list[str]) -> list[tuple[int, int]] | None:
    """Character range of each piece within ``text``, or ``None`` if they do not line up.

    sentencepiece normalises (NFKC, collapsed spaces) before cutting, so a piece's
    surface is matched against the normalised text while remembering, for each
    normalised character, which original character it came from.
    """
    normalised: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for norm_char in unicodedata.normalize("NFKC", char):
            normalised.append(norm_char)
            origin.append(index)
    spans: list[tuple[int, int]] = []
    cursor = 0
    for piece in pieces:
        surface = piece.replace(_SPACE, " ").strip(" ")
        while cursor < len(normalised) and normalised[cursor].isspace():
            cursor += 1
        if not surface:
            spans.append((origin[cursor] if cursor < len(origin) else len(text),) * 2)
            continue
        end = cursor + len(surface)
        if "".join(normalised[cursor:end]) != surface:
            return None
        spans.append((origin[cursor], origin[end - 1] + 1))
        cursor = end
    return spans
