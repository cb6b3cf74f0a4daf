"""Condition language for policy eligibility: condition kinds, their checks and their JSON form."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import MISSING, dataclass, fields
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
class SinceGraduation(_Condition):
    """Has left school, and the time since is within the optional month bounds (inclusive)."""

    kind: ClassVar[str] = "since_graduation"
    min_months: int | None = None
    max_months: int | None = None

    def __post_init__(self) -> None:
        """Bounds are non-negative and ordered."""
        validate_count(self.min_months, "离校最少月数")
        validate_count(self.max_months, "离校最多月数")
        if self.min_months is not None and self.max_months is not None and self.min_months > self.max_months:
            raise ValueError("离校最少月数不能大于最多月数")

    def describe(self) -> str:
        low, high = self.min_months, self.max_months
        if low is not None and high is not None:
            return f"离校满{_span(low)}且在{_span(high)}内"
        if high is not None:
            return f"离校{_span(high)}内"
        return f"离校满{_span(low)}" if low is not None else "已毕业离校"

    def check(self, facts: GraduateFacts, *, today: date) -> Outcome:
        left, want = facts.graduation_date, self.describe()
        if left is None:
            return Outcome(UNKNOWN, f"{NEED}毕业（离校）日期（本政策要求{want}）")
        if left > today:
            return Outcome(FAILED, f"尚未毕业（预计{cn_date(left)}离校），本政策要求{want}")
        if self.max_months is not None and today > add_months(left, self.max_months):
            return Outcome(FAILED, f"{cn_date(left)}离校，已超过{_span(self.max_months)}，本政策要求{want}")
        if self.min_months is not None and today < add_months(left, self.min_months):
            return Outcome(FAILED, f"{cn_date(left)}离校，未满{_span(self.min_months)}，本政策要求{want}")
        return Outcome(MET, f"{cn_date(left)}离校，符合{want}")


@dataclass(frozen=True, kw_only=True)
class InGraduationAcademicYear(_Condition):
    """The evaluation date falls in the graduate's final academic year (毕业学年, 1 Sep – 31 Aug)."""

    kind: ClassVar[str] = "graduation_academic_year"

    def describe(self) -> str:
        return "处于毕业学年内"

    def check(self, facts: GraduateFacts, *, today: date) -> Outcome:
        if facts.graduation_date is None:
            return Outcome(UNKNOWN, f"{NEED}毕业时间（本政策仅限毕业学年内）")
        start, end = graduation_academic_year(facts.graduation_date)
        window = f"毕业学年为{cn_date(start)}至{cn_date(end)}"
        if today < start:
            return Outcome(FAILED, f"{window}，尚未进入毕业学年")
        if today > end:
            return Outcome(FAILED, f"{window}，毕业学年已过")
        return Outcome(MET, f"{window}，当前处于毕业学年内")


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
class AgeRange(_Condition):
    """Age in completed years on the evaluation date is within the bounds (inclusive)."""

    kind: ClassVar[str] = "age"
    min_age: int | None = None
    max_age: int | None = None

    def __post_init__(self) -> None:
        """At least one bound, non-negative and ordered."""
        validate_count(self.min_age, "最小年龄")
        validate_count(self.max_age, "最大年龄")
        if self.min_age is None and self.max_age is None:
            raise ValueError("年龄条件至少需要一个上限或下限")
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            raise ValueError("最小年龄不能大于最大年龄")

    def _requirement(self) -> str:
        if self.min_age is not None and self.max_age is not None:
            return f"{self.min_age}至{self.max_age}岁"
        return f"{self.min_age}岁及以上" if self.min_age is not None else f"{self.max_age}岁及以下"

    def describe(self) -> str:
        return f"年龄{self._requirement()}"

    def check(self, facts: GraduateFacts, *, today: date) -> Outcome:
        if facts.birth_date is None:
            return Outcome(UNKNOWN, f"{NEED}出生日期（本政策要求年龄{self._requirement()}）")
        age = age_on(facts.birth_date, today)
        too_young = self.min_age is not None and age < self.min_age
        too_old = self.max_age is not None and age > self.max_age
        if too_young or too_old:
            return Outcome(FAILED, f"年龄{age}岁，本政策要求{self._requirement()}")
        return Outcome(MET, f"年龄{age}岁，符合{self._requirement()}")


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
class SocialInsurance(_Condition):
    """At least `min_months` of social insurance paid, optionally in Weihai."""

    kind: ClassVar[str] = "social_insurance"
    min_months: int
    in_weihai: bool = False

    def __post_init__(self) -> None:
        """Months are a non-negative int and in_weihai a bool."""
        validate_count(self.min_months, "社保缴费月数", optional=False)
        validate_flag(self.in_weihai, "in_weihai")

    def describe(self) -> str:
        return f"{'在威海' if self.in_weihai else ''}缴纳社保满{self.min_months}个月"

    def check(self, facts: GraduateFacts, *, today: date) -> Outcome:
        # A known shortfall or a known wrong place fails even while the other fact is unknown.
        where = "在威海" if self.in_weihai else ""
        months, need = facts.social_insurance_months, self.min_months
        if months is not None and months < need:
            return Outcome(FAILED, f"社保已缴{months}个月，本政策要求{where}缴满{need}个月")
        if self.in_weihai and facts.social_insurance_in_weihai is False:
            return Outcome(FAILED, f"社保不在威海缴纳，本政策要求在威海缴满{need}个月")
        if months is None:
            return Outcome(UNKNOWN, f"{NEED}社保是否已{where}缴满{need}个月")
        if self.in_weihai and facts.social_insurance_in_weihai is None:
            return Outcome(UNKNOWN, f"{NEED}社保是否在威海缴纳（已缴{months}个月）")
        return Outcome(MET, f"已{where}缴纳社保{months}个月，满{need}个月")


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


@dataclass(frozen=True, kw_only=True)
class FirstJobYear(_Condition):
    """The first job started in `min_year` or later."""

    kind: ClassVar[str] = "first_job_year"
    min_year: int

    def __post_init__(self) -> None:
        """The year is a non-negative int."""
        validate_count(self.min_year, "首次就业年份", optional=False)

    def describe(self) -> str:
        return f"{self.min_year}年及以后首次就业"

    def check(self, facts: GraduateFacts, *, today: date) -> Outcome:
        year = facts.first_job_year
        if year is None:
            return Outcome(UNKNOWN, f"{NEED}首次就业年份（本政策要求{self.min_year}年及以后）")
        if year < self.min_year:
            return Outcome(FAILED, f"首次就业年份为{year}年，本政策要求{self.min_year}年及以后")
        return Outcome(MET, f"首次就业年份为{year}年，符合{self.min_year}年及以后")


@dataclass(frozen=True, kw_only=True)
class AnyOf(_Condition):
    """At least one nested condition holds: met by any met branch, failed only when all failed."""

    kind: ClassVar[str] = "any_of"
    conditions: tuple[Condition, ...]

    def __post_init__(self) -> None:
        """Needs at least one nested condition."""
        object.__setattr__(self, "conditions", _nested(self.conditions))

    def describe(self) -> str:
        return "，或".join(c.describe() for c in self.conditions)

    def check(self, facts: GraduateFacts, *, today: date) -> Outcome:
        outcomes = [c.check(facts, today=today) for c in self.conditions]
        for outcome in outcomes:
            if outcome.state == MET:
                return outcome
        if all(o.state == FAILED for o in outcomes):
            return Outcome(FAILED, "以下条件均不满足：" + "；".join(o.reason for o in outcomes))
        return Outcome(UNKNOWN, f"{NEED}是否满足以下任一条件：" + "；".join(c.describe() for c in self.conditions))


@dataclass(frozen=True, kw_only=True)
class AllOf(_Condition):
    """Every nested condition holds (for use inside AnyOf; a policy's own list is already all-of)."""

    kind: ClassVar[str] = "all_of"
    conditions: tuple[Condition, ...]

    def __post_init__(self) -> None:
        """Needs at least one nested condition."""
        object.__setattr__(self, "conditions", _nested(self.conditions))

    def describe(self) -> str:
        return "且".join(c.describe() for c in self.conditions)

    def check(self, facts: GraduateFacts, *, today: date) -> Outcome:
        outcomes = [c.check(facts, today=today) for c in self.conditions]
        for state in (FAILED, UNKNOWN):
            hits = [o.reason.removeprefix(NEED) for o in outcomes if o.state == state]
            if hits:
                return Outcome(state, (NEED if state == UNKNOWN else "") + "；".join(hits))
        return Outcome(MET, "；".join(o.reason for o in outcomes))


Condition = (
    DegreeIn | SinceGraduation | InGraduationAcademicYear | HukouInDistrict | IntentIn | HardshipAnyOf
    | EmploymentStatusIn | AgeRange | BusinessRegistered | SocialInsurance | PayingSocialInsurance
    | EmployerTypeIn | EmployerInWeihai | FirstJobYear | AnyOf | AllOf
)
CONDITION_KINDS: dict[str, type] = {cls.kind: cls for cls in Condition.__args__}


def _nested(value: Any) -> tuple:
    """Validate the children of a composite condition."""
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValueError("组合条件须包含条件列表")
    items = tuple(value)
    if not items or not all(isinstance(c, _Condition) for c in items):
        raise ValueError("组合条件须包含至少一个有效条件")
    return items


def condition_to_dict(condition: Condition) -> dict[str, Any]:
    """JSON-ready dict for one condition (kind first, lists for tuples, note only when set)."""
    data: dict[str, Any] = {"kind": condition.kind}
    for f in fields(condition):
        if f.name == "note":
            continue
        value = getattr(condition, f.name)
        if f.name == "conditions":
            value = [condition_to_dict(c) for c in value]
        elif isinstance(value, tuple):
            value = list(value)
        data[f.name] = value
    if condition.note is not None:
        data["note"] = condition.note
    return data


def condition_from_dict(data: Mapping[str, Any]) -> Condition:
    """Build a condition from its dict form, rejecting unknown kinds, unknown keys and bad values."""
    if not isinstance(data, Mapping):
        raise ValueError(f"条件须为对象，收到：{data!r}")
    kind = data.get("kind")
    cls = CONDITION_KINDS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise ValueError(f"未知条件类型：{data.get('kind')!r}（可选：{'、'.join(CONDITION_KINDS)}）")
    allowed = {f.name for f in fields(cls)}
    extra = sorted(set(data) - allowed - {"kind"})
    if extra:
        raise ValueError(f"条件 {cls.kind} 不支持字段：{'、'.join(map(str, extra))}")
    missing = [f.name for f in fields(cls) if f.default is MISSING and f.name not in data]
    if missing:
        raise ValueError(f"条件 {cls.kind} 缺少必填字段：{'、'.join(missing)}")
    if data.get("note") is not None and not isinstance(data["note"], str):
        raise ValueError("条件说明（note）须为文字")
    kwargs: dict[str, Any] = {}
    for name, value in data.items():
        if name == "kind":
            continue
        if name == "conditions":
            if isinstance(value, str) or not isinstance(value, Iterable):
                raise ValueError("组合条件须包含条件列表")
            value = tuple(condition_from_dict(c) for c in value)
        elif isinstance(value, list):
            value = tuple(value)
        kwargs[name] = value
    return cls(**kwargs)
