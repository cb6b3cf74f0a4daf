"""Policy eligibility: graduate facts, the seeded policy catalogue, evaluation with reasons and ordering."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any

import yaml

from jobbridge.policies.conditions import (
    EMPLOYER_TYPES,
    EMPLOYMENT_STATUSES,
    FAILED,
    HARDSHIPS,
    INTENTS,
    MET,
    UNKNOWN,
    Condition,
    condition_from_dict,
    normalize_degree,
    validate_count,
    validate_flag,
    validate_label,
    validate_labels,
)

__all__ = [
    "Eligibility",
    "GraduateFacts",
    "PolicySpec",
    "build_policy_specs",
    "evaluate",
    "evaluate_all",
    "load_policy_specs",
]

STATUSES: tuple[str, ...] = ("符合", "可能符合", "不符合")
ELIGIBLE, MAYBE, INELIGIBLE = STATUSES
PRIORITY_GROUPS: tuple[str, ...] = ("创业", "就业", "人才", "其他")
# The priority group a stated intent pulls to the top; 升学 and 待定 pull nothing.
INTENT_PRIORITY_GROUP: dict[str, str] = {"创业": "创业", "就业": "就业"}
BENEFICIARIES: tuple[str, ...] = ("graduate", "employer")
CONFIDENCES: tuple[str, ...] = ("high", "medium", "low")
OUT_OF_EFFECT = "政策不在有效期内"
CONDITIONS_NOT_STATED = "需确认：政策资料未列明申请条件，请向经办机构核实"

FACTS_FILE = "policy_facts.yaml"
CONDITIONS_FILE = "policy_conditions.yaml"
_FACT_KEYS = {
    "key", "name", "category", "beneficiary", "amount", "conditions", "note", "source", "confidence",
}
_CONDITION_KEYS = {
    "intents", "priority_group", "conditions", "conditions_stated", "how_to_apply", "materials",
    "effective_from", "effective_to", "notes",
}


@dataclass(frozen=True, kw_only=True)
class GraduateFacts:
    """What staff know about one graduate; every None means not yet asked or unknown."""

    degree: str | None = None
    graduation_date: date | None = None  # leaving school (离校); a future date for final-year students
    hukou_in_district: bool | None = None
    intent: str | None = None
    hardship: frozenset[str] | None = None  # the complete known set; frozenset() means none apply
    employment_status: str | None = None
    birth_date: date | None = None
    business_registered: bool | None = None  # legal representative or principal of a registered business
    social_insurance_months: int | None = None
    social_insurance_in_weihai: bool | None = None  # the counted months were paid in Weihai
    paying_social_insurance: bool | None = None  # currently contributing
    employer_type: str | None = None  # the (first) employer's type
    employer_in_weihai: bool | None = None
    first_job_year: int | None = None

    def __post_init__(self) -> None:
        """Normalize degree and hardship, and reject labels outside the vocabularies."""
        if self.degree is not None:
            object.__setattr__(self, "degree", normalize_degree(self.degree))
        if self.hardship is not None:
            labels = validate_labels(self.hardship, HARDSHIPS, "困难情形", allow_empty=True)
            object.__setattr__(self, "hardship", frozenset(labels))
        validate_label(self.intent, INTENTS, "毕业去向意向")
        validate_label(self.employment_status, EMPLOYMENT_STATUSES, "就业状态")
        validate_label(self.employer_type, EMPLOYER_TYPES, "就业单位类型")
        validate_count(self.social_insurance_months, "社保缴费月数")
        validate_count(self.first_job_year, "首次就业年份")
        for name in ("hukou_in_district", "business_registered", "social_insurance_in_weihai",
                     "paying_social_insurance", "employer_in_weihai"):
            validate_flag(getattr(self, name), name)
        for name in ("graduation_date", "birth_date"):
            if getattr(self, name) is not None and not isinstance(getattr(self, name), date):
                raise ValueError(f"{name} 须为日期")


@dataclass(frozen=True, kw_only=True)
class PolicySpec:
    """One catalogue policy: the reference facts plus its machine-checkable conditions."""

    key: str
    name: str
    category: str
    beneficiary: str  # graduate, or employer when the money goes to the host unit
    amount: str | None = None
    conditions: tuple[Condition, ...] = ()
    intents: tuple[str, ...] = ()
    priority_group: str = "其他"
    how_to_apply: str | None = None
    materials: tuple[str, ...] = ()
    source: str | None = None
    confidence: str | None = None
    effective_from: date | None = None
    effective_to: date | None = None
    conditions_stated: bool = True  # False when the source lists no conditions: never better than 可能符合
    condition_texts: tuple[str, ...] = ()  # the reference's free-text conditions, kept for audit
    source_note: str | None = None  # the reference's own note, verbatim
    notes: tuple[str, ...] = ()  # caveats for staff, in Chinese

    def __post_init__(self) -> None:
        """Coerce lists to tuples and reject values the evaluator or the ordering would misread."""
        for name in ("conditions", "intents", "materials", "condition_texts", "notes"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        if not self.key or not self.name:
            raise ValueError("政策须有编码和名称")
        if not all(isinstance(c, Condition) for c in self.conditions):
            raise ValueError(f"政策 {self.key} 含无效条件")
        validate_labels(self.intents, INTENTS, "毕业去向意向", allow_empty=True)
        validate_label(self.priority_group, PRIORITY_GROUPS, "优先分组")
        validate_label(self.beneficiary, BENEFICIARIES, "受益对象")
        validate_label(self.confidence, CONFIDENCES, "可信度")
        validate_flag(self.conditions_stated, "conditions_stated")
        if self.effective_from and self.effective_to and self.effective_from > self.effective_to:
            raise ValueError(f"政策 {self.key} 的生效日期晚于失效日期")

    def in_effect(self, today: date) -> bool:
        """Whether the evaluation date lies within the (inclusive, open-ended when unset) effective dates."""
        starts_ok = self.effective_from is None or self.effective_from <= today
        return starts_ok and (self.effective_to is None or today <= self.effective_to)


@dataclass(frozen=True)
class Eligibility:
    """Outcome of one policy for one graduate, with Chinese reasons grouped by met/missing/failed."""

    status: str
    met: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()


def evaluate(policy: PolicySpec, facts: GraduateFacts, *, today: date) -> Eligibility:
    """Check every condition: any failure → 不符合, any unknown fact → 可能符合, else 符合."""
    if not policy.in_effect(today):
        # Nothing else matters for a policy that cannot be granted on this date.
        return Eligibility(status=INELIGIBLE, failed=(OUT_OF_EFFECT,))
    buckets: dict[str, list[str]] = {MET: [], UNKNOWN: [], FAILED: []}
    for condition in policy.conditions:
        outcome = condition.check(facts, today=today)
        buckets[outcome.state].append(outcome.reason)
    if not policy.conditions_stated:
        buckets[UNKNOWN].append(CONDITIONS_NOT_STATED)
    status = INELIGIBLE if buckets[FAILED] else MAYBE if buckets[UNKNOWN] else ELIGIBLE
    return Eligibility(
        status=status, met=tuple(buckets[MET]), missing=tuple(buckets[UNKNOWN]), failed=tuple(buckets[FAILED])
    )


def evaluate_all(
    policies: Iterable[PolicySpec], facts: GraduateFacts, *, today: date
) -> list[tuple[PolicySpec, Eligibility]]:
    """Evaluate every policy, the intent's priority group first, then 符合 / 可能符合 / 不符合."""
    # Within one group and status, policies tagged with the graduate's intent come first; the sort is
    # stable, so remaining ties keep catalogue order.
    results = [(policy, evaluate(policy, facts, today=today)) for policy in policies]
    first_group = INTENT_PRIORITY_GROUP.get(facts.intent or "")
    rank = {status: index for index, status in enumerate(STATUSES)}

    def order(item: tuple[PolicySpec, Eligibility]) -> tuple[bool, int, bool]:
        policy, result = item
        return (policy.priority_group != first_group, rank[result.status], facts.intent not in policy.intents)

    return sorted(results, key=order)


def _as_date(value: Any, what: str) -> date | None:
    """Accept a YAML date, an ISO string or nothing."""
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValueError(f"{what}须为日期（YYYY-MM-DD），收到：{value!r}") from exc


def _policy_spec(entry: Mapping[str, Any], encoded: Mapping[str, Any]) -> PolicySpec:
    """One spec from a facts entry and its encoded-conditions entry."""
    key = entry["key"]
    unknown = sorted(set(entry) - _FACT_KEYS) + sorted(set(encoded) - _CONDITION_KEYS)
    if unknown:
        raise ValueError(f"政策 {key} 含未知字段：{'、'.join(map(str, unknown))}")
    try:
        conditions = tuple(condition_from_dict(c) for c in encoded.get("conditions") or ())
    except ValueError as exc:
        raise ValueError(f"政策 {key} 的条件有误：{exc}") from exc
    return PolicySpec(
        key=key,
        name=entry["name"],
        category=entry["category"],
        beneficiary=entry["beneficiary"],
        amount=entry.get("amount"),
        conditions=conditions,
        intents=tuple(encoded.get("intents") or ()),
        priority_group=encoded.get("priority_group", "其他"),
        how_to_apply=encoded.get("how_to_apply"),
        materials=tuple(encoded.get("materials") or ()),
        source=entry.get("source"),
        confidence=entry.get("confidence"),
        effective_from=_as_date(encoded.get("effective_from"), "生效日期"),
        effective_to=_as_date(encoded.get("effective_to"), "失效日期"),
        conditions_stated=encoded.get("conditions_stated", True),
        condition_texts=tuple(entry.get("conditions") or ()),
        source_note=entry.get("note"),
        notes=tuple(encoded.get("notes") or ()),
    )


def build_policy_specs(
    *, facts: Iterable[Mapping[str, Any]], conditions: Mapping[str, Mapping[str, Any] | None]
) -> list[PolicySpec]:
    """Merge reference facts with their encoded conditions, keeping the facts file's order."""
    entries = list(facts)
    keys = [entry.get("key") for entry in entries]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise ValueError(f"政策编码重复：{'、'.join(duplicates)}")
    unencoded = [k for k in keys if k not in conditions]
    orphans = [k for k in conditions if k not in keys]
    if unencoded or orphans:
        raise ValueError(f"条件文件与政策资料不一致：缺少 {unencoded}，多出 {orphans}")
    return [_policy_spec(entry, conditions[entry["key"]] or {}) for entry in entries]


def load_policy_specs() -> list[PolicySpec]:
    """The seeded catalogue: policy_facts.yaml merged with policy_conditions.yaml from the package data."""
    folder = resources.files("jobbridge").joinpath("data", "policies")
    facts = yaml.safe_load(folder.joinpath(FACTS_FILE).read_text(encoding="utf-8"))
    conditions = yaml.safe_load(folder.joinpath(CONDITIONS_FILE).read_text(encoding="utf-8"))
    return build_policy_specs(facts=facts, conditions=conditions)
