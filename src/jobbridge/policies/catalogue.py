"""The policy catalogue in the database: seeding from the YAML files, versioned staff edits, current specs."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from jobbridge.db import utcnow
from jobbridge.employers.service import FormErrors
from jobbridge.errors import Conflict, NotFound
from jobbridge.policies.conditions import INTENTS, condition_from_dict, condition_to_dict
from jobbridge.policies.eligibility import (
    BENEFICIARIES,
    CONFIDENCES,
    PRIORITY_GROUPS,
    PolicySpec,
    load_policy_specs,
)
from jobbridge.policies.models import Policy, PolicyVersion

BENEFICIARY_LABELS = {"graduate": "毕业生本人", "employer": "用人单位"}
CONFIDENCE_LABELS = {"high": "高", "medium": "中", "low": "低"}
# The fields of a version that carry content (everything staff can change, compared when re-seeding).
CONTENT_FIELDS = (
    "name", "category", "beneficiary", "summary", "amount", "conditions", "intents", "priority_group",
    "where_to_apply", "how_to_apply", "materials", "source", "confidence", "effective_from", "effective_to",
    "conditions_stated", "condition_texts", "source_note", "notes",
)


def spec_from_version(*, key: str, version: PolicyVersion) -> PolicySpec:
    """The pure PolicySpec the eligibility rules evaluate, built from one stored version."""
    return PolicySpec(
        key=key,
        name=version.name,
        category=version.category,
        beneficiary=version.beneficiary,
        amount=version.amount,
        conditions=tuple(condition_from_dict(c) for c in version.conditions),
        intents=tuple(version.intents),
        priority_group=version.priority_group,
        how_to_apply=version.how_to_apply,
        materials=tuple(version.materials),
        source=version.source,
        confidence=version.confidence,
        effective_from=version.effective_from,
        effective_to=version.effective_to,
        conditions_stated=version.conditions_stated,
        condition_texts=tuple(version.condition_texts),
        source_note=version.source_note,
        notes=tuple(version.notes),
    )


def _values_from_spec(spec: PolicySpec) -> dict:
    """Version content for a seed spec (summary and where_to_apply are not in the YAML files)."""
    return dict(
        name=spec.name, category=spec.category, beneficiary=spec.beneficiary, summary="", amount=spec.amount,
        conditions=[condition_to_dict(c) for c in spec.conditions], intents=list(spec.intents),
        priority_group=spec.priority_group, where_to_apply="", how_to_apply=spec.how_to_apply,
        materials=list(spec.materials), source=spec.source, confidence=spec.confidence,
        effective_from=spec.effective_from, effective_to=spec.effective_to, conditions_stated=spec.conditions_stated,
        condition_texts=list(spec.condition_texts), source_note=spec.source_note, notes=list(spec.notes),
    )


def _content(version: PolicyVersion) -> dict:
    return {name: getattr(version, name) for name in CONTENT_FIELDS}


def _latest(*, session: Session, policy: Policy) -> PolicyVersion:
    return session.exec(
        select(PolicyVersion).where(PolicyVersion.policy_id == policy.id, PolicyVersion.version == policy.current_version)
    ).one()


def seed_policy_catalogue(*, session: Session) -> dict[str, int]:
    """Load the YAML catalogue idempotently; a policy staff have edited keeps the staff's version."""
    counts = {"inserted": 0, "updated": 0, "unchanged": 0, "kept_staff_edit": 0}
    for spec in load_policy_specs():
        values = _values_from_spec(spec)
        policy = session.exec(select(Policy).where(Policy.key == spec.key)).first()
        if policy is None:
            policy = Policy(key=spec.key, current_version=1)
            session.add(policy)
            session.flush()
            session.add(PolicyVersion(policy_id=policy.id, version=1, origin="seed", change_note="初始导入", **values))
            counts["inserted"] += 1
            continue
        latest = _latest(session=session, policy=policy)
        if latest.origin != "seed":
            counts["kept_staff_edit"] += 1
        elif _content(latest) == values:
            counts["unchanged"] += 1
        else:
            _add_version(session=session, policy=policy, values=values, origin="seed", staff_id=None,
                         change_note="资料文件更新")
            counts["updated"] += 1
    session.flush()
    return counts


def _add_version(*, session: Session, policy: Policy, values: dict, origin: str, staff_id: int | None,
                 change_note: str) -> PolicyVersion:
    number = policy.current_version + 1
    version = PolicyVersion(policy_id=policy.id, version=number, origin=origin, edited_by=staff_id,
                            change_note=change_note[:300], **values)
    # A savepoint keeps the caller's transaction usable when a concurrent edit took the same number.
    try:
        with session.begin_nested():
            session.add(version)
            session.flush()
    except IntegrityError:
        raise Conflict("该政策刚被其他人修改过，请刷新后再改", code="policy.version_conflict") from None
    policy.current_version, policy.updated_at = number, utcnow()
    session.add(policy)
    session.flush()
    return version


def current_policies(*, session: Session) -> list[tuple[Policy, PolicyVersion]]:
    """Every policy with its current version, in catalogue (seeding) order."""
    rows = session.exec(
        select(Policy, PolicyVersion)
        .join(PolicyVersion, (PolicyVersion.policy_id == Policy.id) & (PolicyVersion.version == Policy.current_version))
        .order_by(col(Policy.id))
    )
    return list(rows.all())


def current_specs(*, session: Session) -> list[PolicySpec]:
    """The catalogue as the eligibility rules need it."""
    return [spec_from_version(key=policy.key, version=version) for policy, version in current_policies(session=session)]


def get_policy(*, session: Session, key: str) -> tuple[Policy, PolicyVersion]:
    """One policy with its current version, or NotFound."""
    policy = session.exec(select(Policy).where(Policy.key == key)).first()
    if policy is None:
        raise NotFound("没有找到该政策", code="policy.not_found")
    return policy, _latest(session=session, policy=policy)


def policy_versions(*, session: Session, key: str) -> list[PolicyVersion]:
    """Every version of a policy, newest first."""
    policy, _ = get_policy(session=session, key=key)
    return list(session.exec(
        select(PolicyVersion).where(PolicyVersion.policy_id == policy.id).order_by(col(PolicyVersion.version).desc())
    ))


@dataclass
class PolicyInput:
    """A policy as staff type it (form or API); lists may be given as text with one item per line."""

    key: str = ""
    name: str = ""
    category: str = ""
    beneficiary: str = "graduate"
    summary: str = ""
    amount: str = ""
    conditions: str | list = "[]"  # JSON text (form) or a list of condition objects (API)
    intents: list[str] = field(default_factory=list)
    priority_group: str = "其他"
    where_to_apply: str = ""
    how_to_apply: str = ""
    materials: str | list = ""
    source: str = ""
    confidence: str = ""
    effective_from: str = ""
    effective_to: str = ""
    conditions_stated: bool = True
    notes: str | list = ""
    change_note: str = ""
    expected_version: int | None = None


def _lines(value: str | list | None) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


def _date(value: str, *, key: str, label: str, errors: dict) -> date | None:
    text = (value or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[key] = f"{label}应为日期，如 2026-12-31"
        return None


def clean_policy(data: PolicyInput) -> tuple[dict, dict[str, str]]:
    """Validate staff input into version values; returns values and field → Chinese error."""
    errors: dict[str, str] = {}
    values: dict = {}
    key = data.key.strip()
    if not key or not all(ch.isascii() and (ch.isalnum() or ch == "_") for ch in key) or len(key) > 60:
        errors["key"] = "政策编码只能用英文字母、数字和下划线（最多60个字符）"
    values["name"] = data.name.strip()
    if not 2 <= len(values["name"]) <= 120:
        errors["name"] = "请填写政策名称（2到120个字）"
    values["category"] = data.category.strip()
    if not 1 <= len(values["category"]) <= 20:
        errors["category"] = "请填写政策类别，如 创业、就业、社保、人才"
    if data.beneficiary not in BENEFICIARIES:
        errors["beneficiary"] = "受益对象只能是毕业生本人或用人单位"
    values["beneficiary"] = data.beneficiary
    values["summary"] = data.summary.strip()
    values["amount"] = data.amount.strip() or None
    conditions = data.conditions
    if isinstance(conditions, str):
        try:
            conditions = json.loads(conditions.strip() or "[]")
        except json.JSONDecodeError as exc:
            errors["conditions"] = f"申请条件不是有效的 JSON：第{exc.lineno}行第{exc.colno}列附近有误"
            conditions = []
    if not isinstance(conditions, list):
        errors.setdefault("conditions", "申请条件须为条件列表（JSON 数组）")
        conditions = []
    try:
        values["conditions"] = [condition_to_dict(condition_from_dict(c)) for c in conditions]
    except ValueError as exc:
        errors.setdefault("conditions", f"申请条件有误：{exc}")
        values["conditions"] = conditions
    unknown = [i for i in data.intents if i not in INTENTS]
    if unknown:
        errors["intents"] = f"未知的毕业去向：{'、'.join(unknown)}"
    values["intents"] = [i for i in INTENTS if i in set(data.intents)]
    if data.priority_group not in PRIORITY_GROUPS:
        errors["priority_group"] = f"优先分组只能是{'、'.join(PRIORITY_GROUPS)}"
    values["priority_group"] = data.priority_group
    values["where_to_apply"] = data.where_to_apply.strip()[:300]
    values["how_to_apply"] = data.how_to_apply.strip() or None
    values["materials"] = _lines(data.materials)
    values["source"] = data.source.strip() or None
    confidence = data.confidence.strip() or None
    if confidence is not None and confidence not in CONFIDENCES:
        errors["confidence"] = "可信度只能是高、中、低"
    values["confidence"] = confidence
    values["effective_from"] = _date(data.effective_from, key="effective_from", label="生效日期", errors=errors)
    values["effective_to"] = _date(data.effective_to, key="effective_to", label="失效日期", errors=errors)
    start, end = values["effective_from"], values["effective_to"]
    if start and end and start > end:
        errors["effective_to"] = "失效日期不能早于生效日期"
    values["conditions_stated"] = bool(data.conditions_stated)
    values["notes"] = _lines(data.notes)
    return values, errors


def save_policy(*, session: Session, data: PolicyInput, staff_id: int | None) -> PolicyVersion:
    """Create a policy or add a new version of it; the previous versions stay untouched."""
    values, errors = clean_policy(data)
    if errors:
        raise FormErrors(errors)
    key = data.key.strip()
    policy = session.exec(select(Policy).where(Policy.key == key)).first()
    if policy is None:
        policy = Policy(key=key, current_version=0)
        try:
            with session.begin_nested():
                session.add(policy)
                session.flush()
        except IntegrityError:
            raise Conflict("该政策编码刚被创建，请刷新后再改", code="policy.version_conflict") from None
        kept = {"condition_texts": [], "source_note": None}
    else:
        if data.expected_version is not None and data.expected_version != policy.current_version:
            raise Conflict(
                f"该政策已被修改为第{policy.current_version}版，您编辑的是第{data.expected_version}版，请刷新后再改",
                code="policy.version_conflict",
            )
        latest = _latest(session=session, policy=policy)
        # The reference's own free-text conditions and note are history, not something staff retype.
        kept = {"condition_texts": latest.condition_texts, "source_note": latest.source_note}
    return _add_version(session=session, policy=policy, values={**values, **kept}, origin="staff",
                        staff_id=staff_id, change_note=data.change_note.strip() or "工作人员修改")


def input_from_version(*, key: str, version: PolicyVersion) -> PolicyInput:
    """A form pre-filled from a stored version."""
    return PolicyInput(
        key=key, name=version.name, category=version.category, beneficiary=version.beneficiary,
        summary=version.summary, amount=version.amount or "",
        conditions=json.dumps(version.conditions, ensure_ascii=False, indent=2), intents=list(version.intents),
        priority_group=version.priority_group, where_to_apply=version.where_to_apply,
        how_to_apply=version.how_to_apply or "", materials="\n".join(version.materials), source=version.source or "",
        confidence=version.confidence or "",
        effective_from=version.effective_from.isoformat() if version.effective_from else "",
        effective_to=version.effective_to.isoformat() if version.effective_to else "",
        conditions_stated=version.conditions_stated, notes="\n".join(version.notes),
        expected_version=version.version,
    )
