"""Checking the filters a person sets when browsing vacancies (every refusal names its field in Chinese)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from sqlmodel import Session, select

from jobbridge.errors import DomainError
from jobbridge.geo.models import Town, Village
from jobbridge.occupations.models import Occupation
from jobbridge.vocab import BENEFITS, EDUCATION_LEVELS, EMPLOYMENT_TYPES, education_rank

SORTS = {"relevance": "综合排序", "newest": "最新发布", "pay": "工资最高"}
POSTED_WITHIN_CHOICES = (1, 3, 7, 30)
MAX_POSTED_WITHIN = 90
MAX_PAGE_SIZE = 50
MAX_MIN_PAY = 100_000
MAX_KEYWORD = 40
MAX_TERMS = 5
_CODE = re.compile(r"[0-9](?:-[0-9]{2}){0,3}")


@dataclass
class VacancyFilters:
    """Filters as typed into the form or the query string (strings are checked by `clean_filters`)."""

    town: str = ""
    village: str = ""
    near: str = ""  # the person's village code: nearer vacancies first
    occupation: str = ""  # a classification code prefix ("6", "6-01") or a keyword
    q: str = ""
    employment_type: str = ""
    min_pay: str | int | None = None  # yuan per month
    education: str = ""  # the person's own education: vacancies asking no more than this
    benefits: list[str] = field(default_factory=list)
    posted_within: str | int | None = None  # days
    sort: str = ""


@dataclass(frozen=True)
class CleanFilters:
    """Filters after checking, ready for the query."""

    town: str | None = None
    village: str | None = None
    near_village: str | None = None
    near_town: str | None = None
    occupation_prefix: str | None = None  # "6-01-" style prefix, or a full code for an exact match
    occupation_exact: bool = False
    occupation_keyword: str | None = None
    terms: tuple[str, ...] = ()
    employment_type: str | None = None
    min_pay: int | None = None
    education_levels: tuple[str, ...] | None = None
    benefits: tuple[str, ...] = ()
    posted_within: int | None = None
    sort: str = "relevance"


def _text(value: object) -> str:
    """NFKC-normalised, trimmed text (full-width digits typed with a Chinese IME count as ASCII)."""
    return unicodedata.normalize("NFKC", str(value or "")).strip()


def _int(value: object, *, field_name: str, label: str, low: int, high: int) -> int | None:
    text = _text(value).replace(",", "").removesuffix("元")
    if not text:
        return None
    if not re.fullmatch(r"[0-9]+", text):
        raise DomainError(f"{label}应填写整数", code="filter.invalid", field=field_name)
    number = int(text)
    if not low <= number <= high:
        raise DomainError(f"{label}应在{low}到{high}之间", code="filter.out_of_range", field=field_name)
    return number


def clean_filters(*, session: Session, filters: VacancyFilters) -> CleanFilters:
    """Check every filter value; unknown codes and out-of-range numbers raise DomainError naming the field."""
    values: dict = {}
    town = _text(filters.town)
    if town:
        if session.get(Town, town) is None:
            raise DomainError(f"没有代码为 {town} 的镇街", code="filter.town", field="town")
        values["town"] = town
    village = _text(filters.village)
    if village:
        row = session.get(Village, village)
        if row is None:
            raise DomainError(f"没有代码为 {village} 的村居", code="filter.village", field="village")
        if town and row.town_code != town:
            raise DomainError("所选村居不在所选镇街", code="filter.village", field="village")
        values["village"] = village
    near = _text(filters.near)
    if near:
        row = session.get(Village, near)
        if row is None:
            raise DomainError(f"“离我近”需要村居代码，没有代码为 {near} 的村居", code="filter.near", field="near")
        values["near_village"], values["near_town"] = near, row.town_code
    values.update(_clean_occupation(session=session, value=_text(filters.occupation)))
    q = _text(filters.q).lower()
    if len(q) > MAX_KEYWORD:
        raise DomainError(f"关键词最多{MAX_KEYWORD}个字", code="filter.q", field="q")
    terms = tuple(dict.fromkeys(q.split()))
    if len(terms) > MAX_TERMS:
        raise DomainError(f"关键词最多{MAX_TERMS}个，用空格隔开", code="filter.q", field="q")
    values["terms"] = terms
    employment_type = _text(filters.employment_type)
    if employment_type:
        if employment_type not in EMPLOYMENT_TYPES:
            raise DomainError("用工形式只能是：" + "、".join(EMPLOYMENT_TYPES), code="filter.employment_type",
                              field="employment_type")
        values["employment_type"] = employment_type
    values["min_pay"] = _int(filters.min_pay, field_name="min_pay", label="最低月薪", low=0, high=MAX_MIN_PAY) or None
    education = _text(filters.education)
    if education:
        rank = education_rank(education)
        if rank == 0 and education != "不限":
            raise DomainError("学历只能是：" + "、".join(EDUCATION_LEVELS), code="filter.education", field="education")
        values["education_levels"] = tuple(level for level in EDUCATION_LEVELS if education_rank(level) <= rank)
    benefits = [_text(b) for b in filters.benefits if _text(b)]
    unknown = [b for b in benefits if b not in BENEFITS]
    if unknown:
        raise DomainError(f"不认识的福利：{'、'.join(unknown)}", code="filter.benefits", field="benefits")
    values["benefits"] = tuple(b for b in BENEFITS if b in benefits)
    values["posted_within"] = _int(filters.posted_within, field_name="posted_within", label="发布天数", low=1,
                                   high=MAX_POSTED_WITHIN)
    sort = _text(filters.sort) or "relevance"
    if sort not in SORTS:
        raise DomainError("排序方式只能是：综合排序、最新发布或工资最高", code="filter.sort", field="sort")
    values["sort"] = sort
    return CleanFilters(**values)


def _clean_occupation(*, session: Session, value: str) -> dict:
    if not value:
        return {}
    if _CODE.fullmatch(value) or re.fullmatch(r"[0-9][-0-9]*", value):
        if not _CODE.fullmatch(value):
            raise DomainError(f"职业代码 {value} 格式不正确，应如 6 或 6-01 或 6-01-02-01",
                              code="filter.occupation", field="occupation")
        prefix, exact = code_prefix(value)
        known = occupation_codes(session=session)
        if not any(code == prefix if exact else code.startswith(prefix) for code in known):
            raise DomainError(f"职业代码 {value} 不在2022版职业分类大典中", code="filter.occupation",
                              field="occupation")
        return {"occupation_prefix": prefix, "occupation_exact": exact}
    if len(value) > MAX_KEYWORD:
        raise DomainError(f"职业关键词最多{MAX_KEYWORD}个字", code="filter.occupation", field="occupation")
    return {"occupation_keyword": value.lower()}


def code_prefix(code: str) -> tuple[str, bool]:
    """("6-01-", False) for "6-01" or "6-01-00-00"; ("6-01-02-03", True) for a full 细类 code."""
    parts = code.split("-")
    while len(parts) > 1 and parts[-1] == "00":
        parts.pop()
    if len(parts) == 4:
        return code, True
    return "-".join(parts) + "-", False


@dataclass(frozen=True)
class _Classification:
    codes: frozenset[str]
    names: tuple[tuple[str, str], ...]  # (code, lower-cased name)
    majors: dict[str, str]  # 大类 digit -> name


_CLASSIFICATION: dict[str, _Classification] = {}


def _classification(session: Session) -> _Classification:
    """The occupational classification (static reference data), read once per database."""
    url = str(session.get_bind().url)
    cached = _CLASSIFICATION.get(url)
    if cached is not None:
        return cached
    rows = session.exec(select(Occupation.code, Occupation.name, Occupation.level)).all()
    loaded = _Classification(
        codes=frozenset(code for code, _name, _level in rows),
        names=tuple((code, name.lower()) for code, name, _level in rows),
        majors={code[0]: name for code, name, level in sorted(rows) if level == 1},
    )
    if rows:  # never remember an empty table: reference data may not be loaded yet
        _CLASSIFICATION[url] = loaded
    return loaded


def occupation_codes(*, session: Session) -> frozenset[str]:
    """Every code of the classification."""
    return _classification(session).codes


def occupation_keyword_prefixes(*, session: Session, keyword: str) -> list[tuple[str, bool]]:
    """Code prefixes of the classes whose name contains the keyword (narrower classes folded into wider)."""
    hits = sorted({code_prefix(code) for code, name in _classification(session).names if keyword in name})
    kept: list[tuple[str, bool]] = []
    for prefix, exact in hits:
        if not any(not wide_exact and prefix.startswith(wide) for wide, wide_exact in kept):
            kept.append((prefix, exact))
    return kept


def major_names(*, session: Session) -> dict[str, str]:
    """大类 digit → its name."""
    return _classification(session).majors
