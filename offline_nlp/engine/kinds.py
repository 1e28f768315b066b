"""Model kinds: what each kind of package needs around the tokens it is given.

The package manager records a package's kind (``InstalledPackage.kind``); only this
module acts on it, so the rest of the engine sees a tokenizer and a :class:`Framing`:

=======================  ===========================  ====================  =============
kind                     tokenizer                    source                target prefix
=======================  ===========================  ====================  =============
``argos-sentencepiece``  ``sentencepiece.model``      pieces                metadata's
``argos-bpe``            Moses + BPE (``bpe.model``)  pieces                metadata's
``nllb``                 ``sentencepiece.bpe.model``  ``eng_Latn`` … </s>   ``xzx_Hani``
``m2m100``               ``sentencepiece.bpe.model``  ``__en__`` … </s>     ``__xz__``
``marian``               ``source/target.spm``        (``>>xzx<<``) … </s>  none
=======================  ===========================  ====================  =============
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from offline_nlp.engine.tokenization import (
    BPETokenizer,
    HuggingFaceTokenizer,
    MarianTokenizer,
    SentencePieceTokenizer,
    Tokenizer,
)
from offline_nlp.errors import ModelLoadError
from offline_nlp.packages.metadata import InstalledPackage

__all__ = ["Framing", "framing", "load_tokenizer", "tokenizer_files", "written_in_cjk"]

#: ``metadata.json`` "tokenizer" values naming a Hugging Face ``tokenizer.json``.
_HF_TOKENIZER_NAMES = frozenset({"huggingface", "tokenizer.json", "hf"})
# Tokens a converted Transformers model may write that are never text.
_SPECIALS = frozenset({"</s>", "<s>", "<pad>"})
# Where ct2-transformers-converter's users put NLLB's and M2M-100's sentencepiece model.
_SPM_NAMES = ("sentencepiece.bpe.model", "sentencepiece.model", "spm.model")
# Scripts of a language token (``zho_Hans``) written without spaces, as CJK is.
_CJK_SCRIPTS = frozenset({"Hani", "Hans", "Hant", "Jpan", "Hang", "Kore"})


@dataclass(frozen=True)
class Framing:
    """The tokens a kind puts around one pair's source pieces and before its output.

    ``drop``: tokens that may appear in an output but are never text (language tokens,
    ``</s>``); an output holding one is decoded without it, and without alignment.
    """

    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    prefix: tuple[str, ...] = ()
    drop: frozenset[str] = field(default_factory=frozenset)

    def source(self, pieces: list[str]) -> list[str]:
        if not (self.before or self.after):
            return pieces
        return [*self.before, *pieces, *self.after]


def _token(table: tuple[tuple[str, str], ...], code: str, package: InstalledPackage) -> str:
    for known, token in table:
        if known == code:
            return token
    raise ModelLoadError(f"package {package.info.code} has no token for language {code!r}")


def framing(package: InstalledPackage, source: str, target: str) -> Framing:
    """What ``package`` needs to translate ``source`` into ``target``."""
    info, kind = package.info, package.kind
    if kind in ("nllb", "m2m100"):
        tokens = {token for _, token in info.sources + info.targets}
        return Framing((_token(info.sources, source, package),), ("</s>",),
                       (_token(info.targets, target, package),), _SPECIALS | tokens)
    if kind == "marian":
        # A multi-target model reads the target as a >>xxx<< token at the start of the
        # source; a single-target one has none (its table gives "").
        token = dict(info.targets).get(target, "")
        tokens = {t for _, t in info.targets if t}
        return Framing((token,) if token else (), ("</s>",), (), _SPECIALS | tokens)
    prefix = info.target_prefix
    return Framing(prefix=(prefix,) if prefix else ())


def written_in_cjk(package: InstalledPackage, target: str) -> bool:
    """Whether the package's own token for ``target`` names a CJK script (``xzx_Hani``)."""
    token = dict(package.info.targets).get(target, "")
    return token.rsplit("_", 1)[-1] in _CJK_SCRIPTS if "_" in token else False


def _first_file(folders: tuple[Path, ...], names: tuple[str, ...]) -> Path | None:
    for folder in folders:
        for name in names:
            if (folder / name).is_file():
                return folder / name
    return None


def tokenizer_files(package: InstalledPackage) -> tuple[str, tuple[Path, ...]]:
    """``(tokenizer, files)``: ``sentencepiece``, ``huggingface``, ``bpe`` or ``marian``.

    Raises:
        ModelLoadError: a file the kind needs is missing, or the tokenizer is unknown.
    """
    kind, code = package.kind, package.info.code
    folders = (package.model_dir, package.path)
    if kind in ("nllb", "m2m100"):
        found = _first_file(folders, _SPM_NAMES)
        if found is None:
            raise ModelLoadError(f"package {code} ({kind}) has no sentencepiece model "
                                 f"({' or '.join(_SPM_NAMES)})")
        return "sentencepiece", (found,)
    if kind == "marian":
        files = tuple(_first_file(folders, (name,)) for name in ("source.spm", "target.spm"))
        if None in files:
            raise ModelLoadError(f"package {code} (marian) needs source.spm and target.spm")
        return "marian", files  # type: ignore[return-value]
    if kind == "argos-bpe":
        return "bpe", (package.path / "bpe.model",)
    name = str(package.info.raw.get("tokenizer") or "sentencepiece").lower()
    if name in _HF_TOKENIZER_NAMES:
        found = _first_file((package.path, package.model_dir), ("tokenizer.json",))
        if found is None:
            raise ModelLoadError(f"package {code} declares a Hugging Face tokenizer "
                                 "but has no tokenizer.json")
        return "huggingface", (found,)
    if name != "sentencepiece":
        raise ModelLoadError(f"package {code} has an unknown tokenizer {name!r}; "
                             "expected one of: sentencepiece, huggingface")
    if not package.tokenizer_file.is_file():
        raise ModelLoadError(f"package {code} has neither sentencepiece.model nor bpe.model")
    return "sentencepiece", (package.tokenizer_file,)


def load_tokenizer(package: InstalledPackage) -> Tokenizer:
    """The package's tokenizer, per its kind."""
    name, files = tokenizer_files(package)
    if name == "huggingface":
        return HuggingFaceTokenizer(files[0])
    if name == "marian":
        return MarianTokenizer(files[0], files[1])
    if name == "bpe":
        # Moses's rules follow the package's own pair, as argostranslate's do.
        return BPETokenizer(files[0], package.info.from_code, package.info.to_code)
    return SentencePieceTokenizer(files[0])
