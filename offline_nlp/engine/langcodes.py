"""Language codes as people write them, as the codes Argos packages use.

``EN``, ``en-US``, ``en_GB`` → ``en``; ``zh-Hans``, ``zh-CN``, ``zh_SG`` → ``zh``;
``zh-Hant``, ``zh_TW``, ``zh-HK`` → ``zt``; ``pt-BR`` → ``pb``; ``eng``, ``deu`` → ``en``,
``de``. A code that an installed package uses exactly is always taken as it is.
"""

from __future__ import annotations

from collections.abc import Collection

__all__ = ["is_plain", "normalize_code"]

_TRADITIONAL = frozenset({"hant", "tw", "hk", "mo"})
# ISO 639-2/3 and old codes for languages Argos has, and Argos's own spellings.
_ALIASES = {
    "eng": "en", "deu": "de", "ger": "de", "fra": "fr", "fre": "fr", "spa": "es",
    "ita": "it", "por": "pt", "nld": "nl", "dut": "nl", "rus": "ru", "ukr": "uk",
    "pol": "pl", "ces": "cs", "cze": "cs", "swe": "sv", "dan": "da", "fin": "fi",
    "ell": "el", "gre": "el", "tur": "tr", "ara": "ar", "heb": "he", "hin": "hi",
    "jpn": "ja", "kor": "ko", "zho": "zh", "chi": "zh", "cmn": "zh", "vie": "vi",
    "tha": "th", "ind": "id", "msa": "ms", "may": "ms", "fas": "fa", "per": "fa",
    "hun": "hu", "ron": "ro", "rum": "ro", "bul": "bg", "cat": "ca", "est": "et",
    "iw": "he", "in": "id", "ji": "yi", "jw": "jv", "fil": "tl", "tgl": "tl",
    "no": "nb", "nob": "nb", "nn": "nb", "nno": "nb",
}


def is_plain(code: str) -> bool:
    """Already an Argos-style code (``en``, ``zt``): nothing to look up."""
    return code.isascii() and code.isalpha() and code.islower() and code not in _ALIASES


def normalize_code(code: str, known: Collection[str] = ()) -> str:
    """The Argos code for ``code``; ``known`` (the installed codes) wins when it has it.

    Unknown codes come back lower-cased without their region, so the error that no
    package translates them names what the user meant.
    """
    raw = code.strip().lower().replace("_", "-")
    if raw in known:
        return raw
    language, *rest = raw.split("-")
    language = _ALIASES.get(language, language)
    if language == "zh":
        return "zt" if _TRADITIONAL & set(rest) else "zh"
    if language == "pt" and "br" in rest:
        return "pt" if "pb" not in known and "pt" in known else "pb"
    if language == "nb" and "nb" not in known and "no" in known:
        return "no"
    return language
