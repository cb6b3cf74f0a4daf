"""Chinese text normalisation and character n-gram vectorisation shared by the coder and the ranking core."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

__all__ = ["char_tfidf", "normalize_text", "split_segments", "strip_rank"]

# Places that job boards paste into titles; Wendeng's towns are listed because our postings name them.
_PLACES = (
    "文登营镇 大水泊镇 张家产镇 高村镇 泽库镇 侯家镇 宋村镇 泽头镇 小观镇 葛家镇 米山镇 界石镇 "
    "龙山街道 天福街道 环山街道 文登区 文登 威海市 威海 荣成 乳山 环翠 山东省 山东 烟台 青岛 济南 潍坊 "
    "武汉市 武汉 湖北省 湖北 汉口 汉阳 武昌 光谷 北京 上海 广州 深圳 杭州 南京 苏州 成都 重庆 天津 "
    "西安 长沙 郑州 合肥 厦门 宁波 东莞 佛山 华中 华东 华南 华北 全国"
).split()

# Recruiting and welfare boilerplate; removed as whole words because none of them names an occupation.
_NOISE_WORDS = (
    "五险一金 六险一金 六险两金 五险二金 五险 六险 社保 入职社保 周末双休 双休 单休 大小休 做六休一 "
    "朝九晚六 早九晚六 不加班 弹性上班 弹性打卡 包吃住 包住宿 包吃 包住 提供住宿 提供宿舍 免费住宿 "
    "带薪培训 免费培训 带薪年假 年终奖 十三薪 13薪 底薪 无责底薪 无责 保底 高提成 提成 高薪 月薪过万 "
    "轻松过万 急聘 急招 诚聘 直招 热招 长期招 高薪诚聘 寻找 广招 接受小白 可接受小白 小白 年底双薪 双薪 "
    "接受应届生 接受应届毕业生 可接受应届生 应届生 应届毕业生 应届 校招 校园招聘 社招 实习生 实习 "
    "兼职 全职 居家办公 远程 坐班 可转正 可晋升 不外出 地铁口 双地铁口 入职礼包 团建 年休 周末休 日结 月结 周结 长白班 白班 夜班 两班倒 倒班"
).split()

_INSURANCE = re.compile(r"[五六\d][险]\s*[一二两\d]?\s*金?|\d+\s*薪")
# Recruiting verbs at the start of a segment; the look-ahead keeps real titles such as 招聘专员, 招生老师, 招商经理.
_HIRING_PREFIX = re.compile(
    r"^(?:高薪)?(?:招聘|聘请|聘|招)(?!聘|生|商|标|投|募|专员|主管|经理|助理|总监|顾问|师|官|文员)"
)
_FILLER_SEGMENT = re.compile(r"^(?:[年月天日薪起元人%]|\d+人|.*优先)$")
_BRACKETS = re.compile(
    r"[(\[{【〔〖「『<《][^)\]}】〕〗」』>》(\[{【〔〖「『<《]*[)\]}】〕〗」』>》]"
)  # innermost pairs
_UNCLOSED = re.compile(
    r"[(\[{【〔〖「『<《][^)\]}】〕〗」』>》(\[{【〔〖「『<《]*$"
)  # openers excluded: linear time
_PAY = re.compile(
    r"(?:年薪|月薪|月入|底薪|无责|保底|起薪|薪资)?\s*\d+(?:\.\d+)?\s*[kw千万]?\s*(?:[-~至到]\s*\d+(?:\.\d+)?\s*[kw千万]?)?"
    r"\s*(?:元|块)?\s*(?:/?(?:月|天|日|小时|时|年))?\s*(?:起步|起|以上|\+)?(?=[^a-z0-9]|$)"
)
_PAY_CONTEXT = re.compile(r"[kw千万元]|起步|年薪|月薪|月入|底薪|无责|保底|/")
_JOB_ID = re.compile(r"\b(?=[a-z]*\d)(?=\d*[a-z])[a-z0-9]{4,}\b")
_SEPARATORS = re.compile(r"[\s\-—–_|/\\+＋·•、,，;；:：!！?？~～*#@&=\"'“”‘’。…]+")
_DEPARTMENT = re.compile(r"(?:事业部|分公司|公司|集团|本部|分行|支行|营销中心|研究院)$")
_RANK_PREFIX = re.compile(r"^(?:高级|资深|初级|中级|首席|见习|储备|助理|副)")
_RANK_SUFFIX = re.compile(r"(?:助理|专员|主管|经理|总监|组长|领班|学徒|师傅|岗位|岗|人员|实习生|储备)$")


def _place_pattern() -> re.Pattern[str]:
    """Regex that removes place names (longest first so 武汉市 wins over 武汉)."""
    words = sorted(set(_PLACES), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words)))


def _noise_pattern() -> re.Pattern[str]:
    """Regex that removes recruiting boilerplate (longest first)."""
    words = sorted(set(_NOISE_WORDS), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words)))


_PLACE_RE = _place_pattern()
_NOISE_RE = _noise_pattern()


def _drop_pay(text: str) -> str:
    """Remove salary fragments such as "10k-15k", "月入8000", "8000起步" but keep "3d" or "4s店"."""

    def repl(match: re.Match[str]) -> str:
        chunk = match.group(0)
        digits = sum(ch.isdigit() for ch in chunk)
        return " " if digits >= 2 or _PAY_CONTEXT.search(chunk) else chunk

    return _PAY.sub(repl, text)


@lru_cache(maxsize=32768)
def normalize_text(text: str) -> str:
    """Canonical form of a job title or short text: half-width, lowercase, noise removed, single spaces."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).lower()
    inner = " ".join(m.group(0)[1:-1] for m in _BRACKETS.finditer(text))
    stripped = _UNCLOSED.sub(" ", _BRACKETS.sub(" ", _BRACKETS.sub(" ", text)))
    # A title that is only a bracketed phrase keeps its content rather than vanishing.
    if not re.search(r"[\w\u4e00-\u9fff]", stripped):
        stripped = inner
    stripped = _JOB_ID.sub(" ", stripped)
    stripped = _drop_pay(stripped)
    out = _clean(stripped)
    # Noise removal may have consumed everything (e.g. "应届生（采编）"); the bracketed words are then the title.
    return out or _clean(inner)


def _clean(text: str) -> str:
    """Remove boilerplate, places and department segments from bracket-free text."""
    text = _INSURANCE.sub(" ", text)
    text = _NOISE_RE.sub(" ", text)
    text = _PLACE_RE.sub(" ", text)
    words = [_HIRING_PREFIX.sub("", p) for p in _SEPARATORS.split(text) if p]
    parts = [p for p in words if p and not _DEPARTMENT.search(p) and not _FILLER_SEGMENT.match(p)]
    # Department stripping may have removed everything; fall back to the unfiltered words.
    return " ".join(parts) or " ".join(p for p in words if p)


def split_segments(normalized: str) -> list[str]:
    """Split a normalised title into its role segments ("新媒体运营 网络推广" → two roles)."""
    return [s for s in normalized.split(" ") if s]


def strip_rank(segment: str) -> list[str]:
    """Variants of a segment without its seniority/grade affixes ("资深会计助理" → ["会计助理", "资深会计", "会计"])."""
    no_prefix = _RANK_PREFIX.sub("", segment)
    no_suffix = _RANK_SUFFIX.sub("", segment)
    both = _RANK_SUFFIX.sub("", no_prefix)
    out: list[str] = []
    for variant in (no_prefix, no_suffix, both):
        if len(variant) >= 2 and variant != segment and variant not in out:
            out.append(variant)
    return out


def char_tfidf(**overrides) -> TfidfVectorizer:
    """A TfidfVectorizer over character 1–3-grams, normalising with normalize_text (override any parameter)."""
    params = {
        "analyzer": "char_wb",
        "ngram_range": (1, 3),
        "lowercase": False,
        "sublinear_tf": True,
        "min_df": 1,
        "dtype": np.float32,
        "preprocessor": normalize_text,
    }
    params.update(overrides)
    return TfidfVectorizer(**params)
