"""Condition language, part 1: vocabularies, shared helpers, the base classes and the yes/no and label-list kinds."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from jobbridge.policies.eligibility import GraduateFacts


DEGREES: tuple[str, ...] = ("专科", "本科", "硕士", "博士")  # lowest first; the index is the rank
_DEGREE_ALIASES = {"大专": "专科", "高职": "专科", "硕士研究生": "硕士", "博士研究生": "博士"}
INTENTS: tuple[str, ...] = ("就业", "创业", "升学", "待定")
HARDSHIPS: tuple[str, ...] = ("低保", "特困", "脱贫家庭", "残疾", "国家助学贷款")
_HARDSHIP_LABELS = {
    "低保": "低保家庭",
    "特困": "特困人员",
    "脱贫家庭": "脱贫家庭",
    "残疾": "残疾人",
    "国家助学贷款": "国家助学贷款获得者",
}
EMPLOYMENT_STATUSES: tuple[str, ...] = ("未就业", "已就业", "灵活就业", "创业")
EMPLOYER_TYPES: tuple[str, ...] = ("非公企业", "国有企业", "机关事业单位", "社会组织", "其他")

MET, FAILED, UNKNOWN = "met", "failed", "unknown"
NEED = "需确认："


def normalize_degree(value: str) -> str:
    """Map a degree label or a common alias (大专, 高职 …) onto DEGREES, rejecting anything else."""
    value = _DEGREE_ALIASES.get(value, value)
    if value not in DEGREES:
        raise ValueError(f"未知学历：{value}（可选：{'、'.join(DEGREES)}）")
    return value


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (2024-02-29 + 12 → 2025-02-28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def age_on(birth: date, today: date) -> int:
    """Age in completed years; a 29 February birthday counts from 1 March in common years."""
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def graduation_academic_year(graduation: date) -> tuple[date, date]:
    """First and last day of the academic year (1 Sep – 31 Aug) that contains the graduation date."""
    start_year = graduation.year if graduation.month >= 9 else graduation.year - 1
    return date(start_year, 9, 1), date(start_year + 1, 8, 31)


def cn_date(day: date) -> str:
    """A date as staff write it, e.g. 2026年6月30日."""
    return f"{day.year}年{day.month}月{day.day}日"


def _either(values: Iterable[str]) -> str:
    """Join alternatives the Chinese way: A、B或C."""
    items = list(values)
    return items[0] if len(items) == 1 else "、".join(items[:-1]) + "或" + items[-1]


def _span(months: int) -> str:
    """A month count as 2年 or 18个月."""
    return f"{months // 12}年" if months and months % 12 == 0 else f"{months}个月"


def validate_labels(
    value: Any, vocabulary: tuple[str, ...], what: str, *, allow_empty: bool = False
) -> tuple[str, ...]:
    """Validate a list of vocabulary labels and return it as a tuple in the caller's order."""
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValueError(f"{what}须为列表")
    items = tuple(value)
    if not items and not allow_empty:
        raise ValueError(f"{what}不能为空")
    unknown = [v for v in items if v not in vocabulary]
    if unknown:
        raise ValueError(f"未知{what}：{'、'.join(map(str, unknown))}（可选：{'、'.join(vocabulary)}）")
    return items


def validate_label(value: Any, vocabulary: tuple[str, ...], what: str) -> None:
    """Reject a single label that is not in the vocabulary (None is allowed)."""
    if value is not None and value not in vocabulary:
        raise ValueError(f"未知{what}：{value}（可选：{'、'.join(vocabulary)}）")


def validate_count(value: Any, what: str, *, optional: bool = True) -> None:
    """Reject anything but a non-negative int (bool is not a number here)."""
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{what}须为非负整数，收到：{value!r}")


def validate_flag(value: Any, what: str) -> None:
    """Reject anything but True/False (None is allowed)."""
    if value is not None and not isinstance(value, bool):
        raise ValueError(f"{what}须为是/否，收到：{value!r}")


@dataclass(frozen=True)
class Outcome:
    """One condition checked against one graduate: state met/failed/unknown and a Chinese reason."""

    state: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class _Condition:
    """Every kind has a `kind` tag, an optional staff note, describe() and check()."""

    kind: ClassVar[str] = ""
    note: str | None = None  # why the encoding is approximate, shown to staff

    def describe(self) -> str:
        """The requirement as a Chinese phrase, e.g. 离校2年内."""
        raise NotImplementedError

    def check(self, facts: GraduateFacts, *, today: date) -> Outcome:
        """Met, failed or unknown for these facts on the evaluation date, with the reason."""
        raise NotImplementedError


@dataclass(frozen=True, kw_only=True)
class _LabelsIn(_Condition):
    """Base for kinds where the fact named like the kind must be one of the listed labels."""

    values: tuple[str, ...]
    _vocabulary: ClassVar[tuple[str, ...]]
    _what: ClassVar[str]

    def __post_init__(self) -> None:
        """Labels come from the kind's vocabulary."""
        object.__setattr__(self, "values", validate_labels(self.values, self._vocabulary, self._what))

    def describe(self) -> str:
        return f"{self._what}为{_either(self.values)}"

    def check(self, facts: GraduateFacts, *, today: date) -> Outcome:
        value = getattr(facts, self.kind)
        if value is None:
            return Outcome(UNKNOWN, f"{NEED}{self._what}（本政策要求{_either(self.values)}）")
        if value in self.values:
            return Outcome(MET, f"{self._what}为{value}")
        return Outcome(FAILED, f"{self._what}为{value}，本政策要求{_either(self.values)}")


@dataclass(frozen=True, kw_only=True)
class _YesNo(_Condition):
    """Base for kinds where the yes/no fact named like the kind must equal `required`."""

    required: bool = True
    _texts: ClassVar[tuple[str, str, str]]  # (said when yes, said when no, question when unknown)

    def __post_init__(self) -> None:
        """Required is a real bool."""
        validate_flag(self.required, "required")

    def describe(self) -> str:
        return self._texts[0] if self.required else self._texts[1]

    def check(self, facts: GraduateFacts, *, today: date) -> Outcome:
        value = getattr(facts, self.kind)
        if value is None:
            return Outcome(UNKNOWN, f"{NEED}{self._texts[2]}")
        have = self._texts[0] if value else self._texts[1]
        if value == self.required:
            return Outcome(MET, have)
        return Outcome(FAILED, f"{have}，本政策要求{self.describe()}")


@dataclass(frozen=True, kw_only=True)
class DegreeIn(_Condition):
    """Degree is one of the listed levels (aliases such as 大专 are normalized)."""

    kind: ClassVar[str] = "degree"
    values: tuple[str, ...]

    def __post_init__(self) -> None:
        """Normalize aliases and keep the levels in rank order so equal sets compare equal."""
        given = validate_labels(self.values, DEGREES + tuple(_DEGREE_ALIASES), "学历")
        items = {normalize_degree(v) for v in given}
        object.__setattr__(self, "values", tuple(d for d in DEGREES if d in items))

    def _requirement(self) -> str:
        lowest = DEGREES.index(self.values[0])
        return f"{self.values[0]}及以上" if self.values == DEGREES[lowest:] else _either(self.values)

    def describe(self) -> str:
        return f"学历为{self._requirement()}"

    def check(self, facts: GraduateFacts, *, today: date) -> Outcome:
        if facts.degree is None:
            return Outcome(UNKNOWN, f"{NEED}学历（本政策要求{self._requirement()}）")
        if facts.degree in self.values:
            return Outcome(MET, f"学历为{facts.degree}，符合{self._requirement()}要求")
        return Outcome(FAILED, f"学历为{facts.degree}，本政策要求{self._requirement()}")


@dataclass(frozen=True, kw_only=True)
class HukouInDistrict(_YesNo):
    """Household registration is (or, with required=False, is not) in the district."""

    kind: ClassVar[str] = "hukou_in_district"
    _texts: ClassVar[tuple[str, str, str]] = ("户籍在本区", "户籍不在本区", "户籍是否在本区")


@dataclass(frozen=True, kw_only=True)
class IntentIn(_LabelsIn):
    """Stated intent after graduation is one of the listed ones."""

    kind: ClassVar[str] = "intent"
    _vocabulary: ClassVar[tuple[str, ...]] = INTENTS
    _what: ClassVar[str] = "毕业去向意向"


@dataclass(frozen=True, kw_only=True)
class HardshipAnyOf(_Condition):
    """At least one of the listed hardship facts applies."""

    kind: ClassVar[str] = "hardship_any_of"
    values: tuple[str, ...]

    def __post_init__(self) -> None:
        """Labels come from HARDSHIPS."""
        object.__setattr__(self, "values", validate_labels(self.values, HARDSHIPS, "困难情形"))

    def describe(self) -> str:
        return f"属于{_either(_HARDSHIP_LABELS[v] for v in self.values)}"

    def check(self, facts: GraduateFacts, *, today: date) -> Outcome:
        if facts.hardship is None:
            return Outcome(UNKNOWN, f"{NEED}是否{self.describe()}")
        found = [_HARDSHIP_LABELS[v] for v in self.values if v in facts.hardship]
        if found:
            return Outcome(MET, f"属于{'、'.join(found)}")
        return Outcome(FAILED, f"不{self.describe()}，本政策要求至少符合其一")


@dataclass(frozen=True, kw_only=True)
class EmploymentStatusIn(_LabelsIn):
    """Current employment status is one of the listed ones."""

    kind: ClassVar[str] = "employment_status"
    _vocabulary: ClassVar[tuple[str, ...]] = EMPLOYMENT_STATUSES
    _what: ClassVar[str] = "就业状态"


@dataclass(frozen=True, kw_only=True)
class BusinessRegistered(_YesNo):
    """Is (or, with required=False, is not) the legal representative or principal of a registered business."""

    kind: ClassVar[str] = "business_registered"
    _texts: ClassVar[tuple[str, str, str]] = (
        "本人为已登记经营主体的法定代表人或负责人",
        "本人未登记创办经营主体",
        "是否已登记创办经营主体并担任法定代表人或负责人",
    )


@dataclass(frozen=True, kw_only=True)
class PayingSocialInsurance(_YesNo):
    """Is (or, with required=False, is not) currently contributing to social insurance."""

    kind: ClassVar[str] = "paying_social_insurance"
    _texts: ClassVar[tuple[str, str, str]] = ("目前正在缴纳社保", "目前未缴纳社保", "目前是否正在缴纳社保")


@dataclass(frozen=True, kw_only=True)
class EmployerTypeIn(_LabelsIn):
    """The employer's type is one of the listed ones."""

    kind: ClassVar[str] = "employer_type"
    _vocabulary: ClassVar[tuple[str, ...]] = EMPLOYER_TYPES
    _what: ClassVar[str] = "就业单位类型"


@dataclass(frozen=True, kw_only=True)
class EmployerInWeihai(_YesNo):
    """The employer is (or, with required=False, is not) located in Weihai."""

    kind: ClassVar[str] = "employer_in_weihai"
    _texts: ClassVar[tuple[str, str, str]] = ("就业单位位于威海", "就业单位不在威海", "就业单位是否位于威海")
