"""Condition language, part 2: date, age and count kinds, composites, and the JSON form of every kind."""

# The simple yes/no and label-list kinds live in basic_conditions and are re-exported here, so callers keep
# importing everything from jobbridge.policies.conditions.

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import MISSING, dataclass, fields
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from jobbridge.policies.basic_conditions import (
    DEGREES,
    EMPLOYER_TYPES,
    EMPLOYMENT_STATUSES,
    FAILED,
    HARDSHIPS,
    INTENTS,
    MET,
    NEED,
    UNKNOWN,
    BusinessRegistered,
    DegreeIn,
    EmployerInWeihai,
    EmployerTypeIn,
    EmploymentStatusIn,
    HardshipAnyOf,
    HukouInDistrict,
    IntentIn,
    Outcome,
    PayingSocialInsurance,
    _Condition,
    _span,
    add_months,
    age_on,
    cn_date,
    graduation_academic_year,
    normalize_degree,
    validate_count,
    validate_flag,
    validate_label,
    validate_labels,
)

if TYPE_CHECKING:
    from jobbridge.policies.eligibility import GraduateFacts

__all__ = [
    "CONDITION_KINDS", "DEGREES", "EMPLOYER_TYPES", "EMPLOYMENT_STATUSES", "FAILED", "HARDSHIPS", "INTENTS", "MET",
    "NEED", "UNKNOWN", "AgeRange", "AllOf", "AnyOf", "BusinessRegistered", "Condition", "DegreeIn",
    "EmployerInWeihai", "EmployerTypeIn", "EmploymentStatusIn", "FirstJobYear", "HardshipAnyOf", "HukouInDistrict",
    "InGraduationAcademicYear", "IntentIn", "Outcome", "PayingSocialInsurance", "SinceGraduation", "SocialInsurance",
    "add_months", "age_on", "cn_date", "condition_from_dict", "condition_to_dict", "graduation_academic_year",
    "normalize_degree", "validate_count", "validate_flag", "validate_label", "validate_labels",
]


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
