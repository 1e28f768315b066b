"""Words after which a period does not end a sentence, per language (Moses-style).

A period after a word ends the sentence unless the word is in one of three lists:

* ``plain``: never ends a sentence: titles written before a name (``Mr. Smith``,
  ``Dr. Brown``) and abbreviations that cannot close one (``e.g.``, ``bzw.``);
* ``numeric``: does not end one before a number only (``No. 5``, ``p. 12``, ``Fig. 3``),
  as in Moses' ``#NUMERIC_ONLY#`` prefixes, so "My answer is no. The teacher…" splits;
* ``continued``: does not end one before a lower-case word or a number (``etc. and``,
  ``Apple Inc. said``, ``Jan. 5``) but does before a capital (``…, etc. The next``).

Ordinary words (no, sun, sat, mar, co, p, sec…) are never ``plain``: merging two
sentences loses text at the model, while a wrong split only costs some fluency.
Entries are matched case-sensitively, so ``No`` is not ``no`` and ``Sat`` is not
``sat``; an entry in lower case also matches the word capitalised (``E.g.``, ``Cf.``).
The lists follow the idea of the Moses ``nonbreaking_prefix.*`` files, written anew.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

__all__ = ["SPACED_ABBREVIATIONS", "Prefixes", "prefixes_for"]

# Abbreviations of two letters written with a space, which never end a sentence, in any
# language: after "z. B." comes the example. (Not "u. a." or "т. д.": they may end one.)
SPACED_ABBREVIATIONS = frozenset(
    ["z. B", "d. h", "e. g", "i. e", "u. U", "v. a", "o. ä", "s. o", "s. u", "z. T", "m. E",
     "т. е", "т. к", "т. н"])


@dataclass(frozen=True)
class Prefixes:
    """The non-breaking prefixes of one language (see the module docstring)."""

    plain: frozenset[str]
    numeric: frozenset[str]
    continued: frozenset[str]
    # Single capitals that are words, not initials ("So did I. Then…").
    words: frozenset[str] = frozenset()
    # German ordinals: "am 3. Oktober", "im 19. Jahrhundert" (None: no ordinals).
    ordinal_nouns: frozenset[str] | None = None

    def is_plain(self, word: str) -> bool:
        return _member(word, self.plain)

    def is_numeric(self, word: str) -> bool:
        return _member(word, self.numeric)

    def is_continued(self, word: str) -> bool:
        return _member(word, self.continued)


def _member(word: str, entries: frozenset[str]) -> bool:
    return word in entries or (word[:1].isupper() and word[:1].lower() + word[1:] in entries)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# In every Latin-script language: English titles and Latin abbreviations turn up
# everywhere (a German text quoting "Mr. Smith", "e.g." in a French paper).
_COMMON_PLAIN = "Mr Mrs Ms Mx Dr Drs Prof e.g i.e cf viz vs"
_COMMON_CONTINUED = "etc al"
_COMMON_NUMERIC = "N° n° Nº nº "

_ENGLISH = Prefixes(
    plain=_words(_COMMON_PLAIN + """ Messrs Mme Mlle Msgr St Mt Ft Sen Sens Rep Reps Gov
        Gen Lt Col Maj Capt Cmdr Comdr Sgt Cpl Pvt Adm Brig Rev Hon Pres Supt Insp Rt
        Asst v"""),
    numeric=_words(_COMMON_NUMERIC + """No Nos Nr Art art p pp Fig fig Figs figs Sec sec Secs secs Vol vol
        Vols vols Ch ch Chap chap Para para Eq eq Eqs eqs Tab Ref ref Op op Tel tel ext
        Ext pt Pt Est est Rs col"""),
    continued=_words(_COMMON_CONTINUED + """ approx ca dept esp govt Inc Ltd Co Corp Bros Jr
        Sr Ave Blvd Rd Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Mon Tue Tues
        Wed Thu Thur Thurs Fri Sat Sun co st ed eds min max misc ft oz lb lbs yr yrs"""),
    words=_words("I"),
)

_GERMAN_ORDINAL_NOUNS = _words("""Januar Februar März April Mai Juni Juli August September
    Oktober November Dezember Jan Feb Mär Apr Jun Jul Aug Sep Sept Okt Nov Dez Jahrhundert
    Jh Jahrtausend Weltkrieg Mal Platz Rang Klasse Stock Etage Auflage Kapitel Liga
    Bundesliga Runde Tag Woche Geburtstag Jahrestag Spieltag Sinfonie Symphonie Satz
    Akt Band Teil Stufe Grad Reich Armee Division Kompanie Regiment Internationale""")

_GERMAN = Prefixes(
    plain=_words(_COMMON_PLAIN + """ z d u v o s bzw vgl evtl ggf inkl exkl
        zzgl abzgl sog geb gest verh Hr Hrn Fr Frl St Dipl Ing Mag Dipl.-Ing Dr.-Ing
        Dres Gebr Abt Bd Hg Hrsg Jh Co"""),
    numeric=_words(_COMMON_NUMERIC + """Nr Nrn Art Abs Abb Bd S Kap Tab Tel Fax Ziff lit Anm Ausg Aufl
        Jan Feb Mär Apr Jun Jul Aug Sep Sept Okt Nov Dez"""),
    continued=_words(_COMMON_CONTINUED + """ usw u.a ca Mio Mrd Tsd Std Min Sek Str bspw
        insb allg urspr ehem zz zzt dgl Chr KG"""),
    ordinal_nouns=_GERMAN_ORDINAL_NOUNS,
)

_FRENCH = Prefixes(
    plain=_words(_COMMON_PLAIN + """ M MM Mgr Me Mmes Pr St Ste c-à-d"""),
    numeric=_words(_COMMON_NUMERIC + """n no No art Art p pp chap fig vol t tél Tél éd janv févr
        avr juil sept oct nov déc"""),
    continued=_words(_COMMON_CONTINUED + """ env ex av apr hab Cie min max"""),
)

_SPANISH = Prefixes(
    plain=_words(_COMMON_PLAIN + """ Sr Sra Srta Sres Sras Dra Dña Da Dn Ud Uds Vd Vds
        Lic Lcdo Lcda Ing Arq Sto Sta Excmo Excma Ilmo Ilma Gral Mons Pbro EE ej"""),
    numeric=_words(_COMMON_NUMERIC + """núm Núm n nº art Art pág págs p pp cap vol tel Tel fig apdo Apdo
        ene feb mar abr jun jul ago sep sept oct nov dic"""),
    continued=_words(_COMMON_CONTINUED + """ aprox Avda Av UU Cía a.C d.C min máx"""),
)

_ITALIAN = Prefixes(
    plain=_words(_COMMON_PLAIN + """ Sig Sigg Sig.ra Sig.na Sigra Dott Dott.ssa Prof.ssa Ing
        Avv Arch Geom Rag On Sen Egr Gent Spett Mons S.Ecc"""),
    numeric=_words(_COMMON_NUMERIC + """n pag pagg p pp art cap vol fig tel"""),
    continued=_words(_COMMON_CONTINUED + """ ecc es ca Spa S.p.A S.r.l"""),
)

_PORTUGUESE = Prefixes(
    plain=_words(_COMMON_PLAIN + """ Sr Sra Srta Dra Profa Exmo Exma Ilmo Ilma Eng Arq
        Sto Sta"""),
    numeric=_words(_COMMON_NUMERIC + """n nº pág págs p pp art cap vol tel fig"""),
    continued=_words(_COMMON_CONTINUED + """ aprox Ltda Cia ex"""),
)

_RUSSIAN = Prefixes(
    plain=_words(_COMMON_PLAIN + """ им ул пр просп пл пер проф акад доц напр"""),
    numeric=_words(_COMMON_NUMERIC + """стр рис табл гл ст п пп №"""),
    continued=_words(_COMMON_CONTINUED + """ см ср др тыс млн млрд руб коп гг вв"""),
)

_BY_LANGUAGE = {"en": _ENGLISH, "de": _GERMAN, "fr": _FRENCH, "es": _SPANISH,
                "it": _ITALIAN, "pt": _PORTUGUESE, "pb": _PORTUGUESE, "ru": _RUSSIAN}


@lru_cache(maxsize=64)
def prefixes_for(language: str | None) -> Prefixes:
    """The prefixes of an Argos code (``en``, ``de``, ``pt-BR``...); English otherwise.

    English is the generic choice: Latin-script words inside Chinese, Japanese or Korean
    text, and in languages without a list of their own, are most often English.
    """
    if not language:
        return _ENGLISH
    code = language.replace("_", "-").split("-", 1)[0].lower()
    return _BY_LANGUAGE.get(code, _ENGLISH)
