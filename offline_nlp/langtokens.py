"""The language tokens of multilingual models, written down once: NLLB-200 and M2M-100.

Each table maps the code the rest of the program uses (ISO 639-1 where there is one, as
Argos does, with Argos's ``zt`` for Traditional Chinese and ``pb`` for Brazilian
Portuguese; else ISO 639-3) to the model's own token. A token listed under two codes
(``pt`` and ``pb`` are both ``por_Latn``) is read back as the first of them.

Plain data with no imports, so both the engine (which builds model inputs) and the
package manager (which infers a folder's languages at install) use it without either
importing the other.
"""

from __future__ import annotations

__all__ = ["M2M100", "NAMES", "NLLB", "code_for_token"]

# NLLB-200's 202 FLORES-200 codes (the tokenizer's FAIRSEQ_LANGUAGE_CODES), keyed by our code.
NLLB: dict[str, str] = {
    "ace": "ace_Latn", "ace_Arab": "ace_Arab", "acm": "acm_Arab", "acq": "acq_Arab",
    "aeb": "aeb_Arab", "af": "afr_Latn", "ajp": "ajp_Arab", "ak": "aka_Latn",
    "am": "amh_Ethi", "apc": "apc_Arab", "ar": "arb_Arab", "ars": "ars_Arab",
    "ary": "ary_Arab", "arz": "arz_Arab", "as": "asm_Beng", "ast": "ast_Latn",
    "awa": "awa_Deva", "ay": "ayr_Latn", "azb": "azb_Arab", "az": "azj_Latn",
    "ba": "bak_Cyrl", "bm": "bam_Latn", "ban": "ban_Latn", "be": "bel_Cyrl",
    "bem": "bem_Latn", "bn": "ben_Beng", "bho": "bho_Deva", "bjn": "bjn_Latn",
    "bjn_Arab": "bjn_Arab", "bo": "bod_Tibt", "bs": "bos_Latn", "bug": "bug_Latn",
    "bg": "bul_Cyrl", "ca": "cat_Latn", "ceb": "ceb_Latn", "cs": "ces_Latn",
    "cjk": "cjk_Latn", "ckb": "ckb_Arab", "crh": "crh_Latn", "cy": "cym_Latn",
    "da": "dan_Latn", "de": "deu_Latn", "dik": "dik_Latn", "dyu": "dyu_Latn",
    "dz": "dzo_Tibt", "el": "ell_Grek", "en": "eng_Latn", "eo": "epo_Latn",
    "et": "est_Latn", "eu": "eus_Latn", "ee": "ewe_Latn", "fo": "fao_Latn",
    "fa": "pes_Arab", "fj": "fij_Latn", "fi": "fin_Latn", "fon": "fon_Latn",
    "fr": "fra_Latn", "fur": "fur_Latn", "ff": "fuv_Latn", "gd": "gla_Latn",
    "ga": "gle_Latn", "gl": "glg_Latn", "gn": "grn_Latn", "gu": "guj_Gujr",
    "ht": "hat_Latn", "ha": "hau_Latn", "he": "heb_Hebr", "hi": "hin_Deva",
    "hne": "hne_Deva", "hr": "hrv_Latn", "hu": "hun_Latn", "hy": "hye_Armn",
    "ig": "ibo_Latn", "ilo": "ilo_Latn", "id": "ind_Latn", "is": "isl_Latn",
    "it": "ita_Latn", "jv": "jav_Latn", "ja": "jpn_Jpan", "kab": "kab_Latn",
    "kac": "kac_Latn", "kam": "kam_Latn", "kn": "kan_Knda", "ks": "kas_Arab",
    "ks_Deva": "kas_Deva", "ka": "kat_Geor", "kr_Arab": "knc_Arab", "kr": "knc_Latn",
    "kk": "kaz_Cyrl", "kbp": "kbp_Latn", "kea": "kea_Latn", "km": "khm_Khmr",
    "ki": "kik_Latn", "rw": "kin_Latn", "ky": "kir_Cyrl", "kmb": "kmb_Latn",
    "kg": "kon_Latn", "ko": "kor_Hang", "ku": "kmr_Latn", "lo": "lao_Laoo",
    "lv": "lvs_Latn", "lij": "lij_Latn", "li": "lim_Latn", "ln": "lin_Latn",
    "lt": "lit_Latn", "lmo": "lmo_Latn", "ltg": "ltg_Latn", "lb": "ltz_Latn",
    "lua": "lua_Latn", "lg": "lug_Latn", "luo": "luo_Latn", "lus": "lus_Latn",
    "mag": "mag_Deva", "mai": "mai_Deva", "ml": "mal_Mlym", "mr": "mar_Deva",
    "min": "min_Latn", "mk": "mkd_Cyrl", "mg": "plt_Latn", "mt": "mlt_Latn",
    "mni": "mni_Beng", "mn": "khk_Cyrl", "mos": "mos_Latn", "mi": "mri_Latn",
    "ms": "zsm_Latn", "my": "mya_Mymr", "nl": "nld_Latn", "nn": "nno_Latn",
    "nb": "nob_Latn", "ne": "npi_Deva", "nso": "nso_Latn", "nus": "nus_Latn",
    "ny": "nya_Latn", "oc": "oci_Latn", "om": "gaz_Latn", "or": "ory_Orya",
    "pag": "pag_Latn", "pa": "pan_Guru", "pap": "pap_Latn", "pl": "pol_Latn",
    "pt": "por_Latn", "pb": "por_Latn", "prs": "prs_Arab", "ps": "pbt_Arab",
    "qu": "quy_Latn", "ro": "ron_Latn", "rn": "run_Latn", "ru": "rus_Cyrl",
    "sg": "sag_Latn", "sa": "san_Deva", "sat": "sat_Beng", "scn": "scn_Latn",
    "shn": "shn_Mymr", "si": "sin_Sinh", "sk": "slk_Latn", "sl": "slv_Latn",
    "sm": "smo_Latn", "sn": "sna_Latn", "sd": "snd_Arab", "so": "som_Latn",
    "st": "sot_Latn", "es": "spa_Latn", "sq": "als_Latn", "sc": "srd_Latn",
    "sr": "srp_Cyrl", "ss": "ssw_Latn", "su": "sun_Latn", "sv": "swe_Latn",
    "sw": "swh_Latn", "szl": "szl_Latn", "ta": "tam_Taml", "tt": "tat_Cyrl",
    "te": "tel_Telu", "tg": "tgk_Cyrl", "tl": "tgl_Latn", "th": "tha_Thai",
    "ti": "tir_Ethi", "taq": "taq_Latn", "taq_Tfng": "taq_Tfng", "tpi": "tpi_Latn",
    "tn": "tsn_Latn", "ts": "tso_Latn", "tk": "tuk_Latn", "tum": "tum_Latn",
    "tr": "tur_Latn", "tw": "twi_Latn", "tzm": "tzm_Tfng", "ug": "uig_Arab",
    "uk": "ukr_Cyrl", "umb": "umb_Latn", "ur": "urd_Arab", "uz": "uzn_Latn",
    "vec": "vec_Latn", "vi": "vie_Latn", "war": "war_Latn", "wo": "wol_Latn",
    "xh": "xho_Latn", "yi": "ydd_Hebr", "yo": "yor_Latn", "yue": "yue_Hant",
    "zh": "zho_Hans", "zt": "zho_Hant", "zu": "zul_Latn",
}

# M2M-100's 100 languages: its own codes are ISO 639-1 but for a few, written ``__xx__``.
_M2M_OWN = (
    "af am ar ast az ba be bg bn br bs ca ceb cs cy da de el en es et fa ff fi fr fy ga gd gl "
    "gu ha he hi hr ht hu hy id ig ilo is it ja jv ka kk km kn ko lb lg ln lo lt lv mg mk ml "
    "mn mr ms my ne nl no ns oc or pa pl ps pt ro ru sd si sk sl so sq sr ss su sv sw ta th "
    "tl tn tr uk ur uz vi wo xh yi yo zh zu").split()
_M2M_OURS = {"no": "nb", "ns": "nso"}
M2M100: dict[str, str] = {_M2M_OURS.get(c, c): f"__{c}__" for c in _M2M_OWN}
M2M100["pb"] = "__pt__"

#: English names of the codes above that Argos's index does not name for us.
NAMES: dict[str, str] = {
    "af": "Afrikaans", "am": "Amharic", "ar": "Arabic", "as": "Assamese", "ast": "Asturian",
    "ay": "Aymara", "az": "Azerbaijani", "ba": "Bashkir", "be": "Belarusian",
    "bg": "Bulgarian", "bm": "Bambara", "bn": "Bengali", "bo": "Tibetan", "br": "Breton",
    "bs": "Bosnian", "ca": "Catalan", "ceb": "Cebuano", "ckb": "Central Kurdish",
    "cs": "Czech", "cy": "Welsh", "da": "Danish", "de": "German", "dz": "Dzongkha",
    "ee": "Ewe", "el": "Greek", "en": "English", "eo": "Esperanto", "es": "Spanish",
    "et": "Estonian", "eu": "Basque", "fa": "Persian", "ff": "Fula", "fi": "Finnish",
    "fj": "Fijian", "fo": "Faroese", "fr": "French", "fy": "Western Frisian", "ga": "Irish",
    "gd": "Scottish Gaelic", "gl": "Galician", "gn": "Guarani", "gu": "Gujarati",
    "ha": "Hausa", "he": "Hebrew", "hi": "Hindi", "hr": "Croatian", "ht": "Haitian Creole",
    "hu": "Hungarian", "hy": "Armenian", "id": "Indonesian", "ig": "Igbo", "ilo": "Ilocano",
    "is": "Icelandic", "it": "Italian", "ja": "Japanese", "jv": "Javanese",
    "ka": "Georgian", "kk": "Kazakh", "km": "Khmer", "kn": "Kannada", "ko": "Korean",
    "ks": "Kashmiri", "ku": "Kurdish", "ky": "Kyrgyz", "lb": "Luxembourgish",
    "lg": "Ganda", "ln": "Lingala", "lo": "Lao", "lt": "Lithuanian", "lv": "Latvian",
    "mg": "Malagasy", "mi": "Maori", "mk": "Macedonian", "ml": "Malayalam",
    "mn": "Mongolian", "mr": "Marathi", "ms": "Malay", "mt": "Maltese", "my": "Burmese",
    "nb": "Norwegian Bokmål", "ne": "Nepali", "nl": "Dutch", "nn": "Norwegian Nynorsk",
    "nso": "Northern Sotho", "ny": "Chichewa", "oc": "Occitan", "om": "Oromo", "or": "Odia",
    "pa": "Punjabi", "pb": "Portuguese (Brazil)", "pl": "Polish", "prs": "Dari",
    "ps": "Pashto", "pt": "Portuguese", "qu": "Quechua", "rn": "Kirundi", "ro": "Romanian",
    "ru": "Russian", "rw": "Kinyarwanda", "sa": "Sanskrit", "sc": "Sardinian",
    "sd": "Sindhi", "si": "Sinhala", "sk": "Slovak", "sl": "Slovenian", "sm": "Samoan",
    "sn": "Shona", "so": "Somali", "sq": "Albanian", "sr": "Serbian", "ss": "Swati",
    "st": "Southern Sotho", "su": "Sundanese", "sv": "Swedish", "sw": "Swahili",
    "ta": "Tamil", "te": "Telugu", "tg": "Tajik", "th": "Thai", "ti": "Tigrinya",
    "tk": "Turkmen", "tl": "Tagalog", "tn": "Tswana", "tr": "Turkish", "ts": "Tsonga",
    "tt": "Tatar", "tw": "Twi", "ug": "Uyghur", "uk": "Ukrainian", "ur": "Urdu",
    "uz": "Uzbek", "vi": "Vietnamese", "wo": "Wolof", "xh": "Xhosa", "yi": "Yiddish",
    "yo": "Yoruba", "yue": "Cantonese", "zh": "Chinese", "zt": "Chinese (Traditional)",
    "zu": "Zulu", "ak": "Akan", "kab": "Kabyle", "ki": "Kikuyu", "kg": "Kongo",
    "kr": "Kanuri", "li": "Limburgish", "sg": "Sango", "fur": "Friulian", "lij": "Ligurian",
    "lmo": "Lombard", "scn": "Sicilian", "szl": "Silesian", "vec": "Venetian",
    "war": "Waray", "pap": "Papiamento", "tpi": "Tok Pisin", "mai": "Maithili",
    "bho": "Bhojpuri", "awa": "Awadhi", "mag": "Magahi", "sat": "Santali",
    "mni": "Manipuri", "min": "Minangkabau", "ban": "Balinese", "bug": "Buginese",
    "ace": "Acehnese", "bjn": "Banjar", "crh": "Crimean Tatar", "ltg": "Latgalian",
    "arz": "Egyptian Arabic", "ary": "Moroccan Arabic", "apc": "Levantine Arabic",
    "acm": "Mesopotamian Arabic", "aeb": "Tunisian Arabic", "ars": "Najdi Arabic",
    "acq": "Ta'izzi-Adeni Arabic", "ajp": "South Levantine Arabic", "azb": "South Azerbaijani",
    "tzm": "Central Atlas Tamazight", "taq": "Tamasheq", "kea": "Kabuverdianu",
}


def code_for_token(table: dict[str, str], token: str) -> str | None:
    """Our code for one of a table's tokens (the first code listed for it)."""
    for code, own in table.items():
        if own == token:
            return code
    return None
