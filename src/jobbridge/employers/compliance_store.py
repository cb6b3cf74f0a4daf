"""Compliance rules as data: the packaged defaults plus rules staff add, applied to a vacancy."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import JSON, Column
from sqlmodel import Field, Session, SQLModel, col, select

from jobbridge.db import aware_field, utcnow
from jobbridge.employers.models import Vacancy
from jobbridge.employers.pay import Pay
from jobbridge.errors import DomainError, NotFound

log = logging.getLogger(__name__)
# Only postings others can see or staff are about to see count as an earlier copy of the same job.
_LIVE_STATUSES = ("pending", "published")


class ComplianceRule(SQLModel, table=True):
    """A rule staff added (same shape as the packaged YAML rules)."""

    __tablename__ = "compliance_rule"

    id: int | None = Field(default=None, primary_key=True)
    rule: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    is_active: bool = True
    created_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = aware_field(now=True)


def staff_rules(*, session: Session) -> list[ComplianceRule]:
    """Every rule staff added, newest first (active or not)."""
    return list(session.exec(select(ComplianceRule).order_by(col(ComplianceRule.id).desc())))


def active_rules(*, session: Session) -> list:
    """Packaged rules plus the active staff rules (a stored rule that no longer loads is skipped and logged)."""
    from jobbridge.employers.compliance import load_rules, validate_rule_dict

    seen = {rule.id for rule in load_rules()}
    extra = []
    for row in session.exec(select(ComplianceRule).where(ComplianceRule.is_active == True)):  # noqa: E712
        problems = validate_rule_dict(row.rule)
        rule_id = row.rule.get("id") if isinstance(row.rule, dict) else None
        if problems or rule_id in seen:
            # One bad staff rule must not stop every employer from submitting vacancies.
            log.warning("skipping staff compliance rule %s: %s", row.id, "; ".join(problems) or "duplicate id")
            continue
        seen.add(rule_id)
        extra.append(row.rule)
    return load_rules(extra=extra)


def add_rule(*, session: Session, rule: dict, staff_id: int | None) -> ComplianceRule:
    """Store a staff rule after checking it compiles and its id is new."""
    from jobbridge.employers.compliance import load_rules, validate_rule_dict

    problems = validate_rule_dict(rule)
    if problems:
        raise DomainError("；".join(problems), code="rule.invalid", field="rule")
    taken = {r.id for r in load_rules()} | {row.rule.get("id") for row in staff_rules(session=session)}
    if rule["id"] in taken:
        raise DomainError(f"规则编号“{rule['id']}”已存在，请换一个编号", code="rule.duplicate", field="id")
    row = ComplianceRule(rule=rule, created_by=staff_id)
    session.add(row)
    session.flush()
    return row


def set_rule_active(*, session: Session, rule_id: int, active: bool) -> ComplianceRule:
    """Switch a staff rule on or off (rules are kept, never deleted, so past findings stay explained)."""
    row = session.get(ComplianceRule, rule_id)
    if row is None:
        raise NotFound("没有找到该规则", code="rule.not_found")
    row.is_active = active
    session.add(row)
    session.flush()
    return row


def _finding_dict(finding) -> dict:  # noqa: ANN001
    return {"rule_id": finding.rule_id, "category": finding.category, "severity": finding.severity,
            "message": finding.message, "law": finding.law, "matched": finding.matched_text}


def check_against_rules(*, session: Session, vacancy: Vacancy) -> tuple[list[dict], list[dict]]:
    """Blocking and flagged findings for a vacancy, including reposts by the same employer within 30 days."""
    from jobbridge.employers.compliance import check_vacancy, find_near_duplicates

    pay = Pay(kind=vacancy.pay_kind, low=vacancy.pay_low, high=vacancy.pay_high, unit=vacancy.pay_unit)
    report = check_vacancy(
        title=vacancy.title, description=vacancy.description, requirements=vacancy.skills,
        benefits=tuple(vacancy.benefits), pay=pay, hours=vacancy.working_hours or None,
        rules=active_rules(session=session),
    )
    now = utcnow()
    recent = [
        (v.id, v.title, f"{v.title} {v.description}", v.created_at)
        for v in session.exec(
            select(Vacancy).where(
                Vacancy.employer_id == vacancy.employer_id, Vacancy.id != vacancy.id,
                col(Vacancy.status).in_(_LIVE_STATUSES), col(Vacancy.created_at) >= now - timedelta(days=30),
            )
        )
    ]
    duplicates = find_near_duplicates(text=f"{vacancy.title} {vacancy.description}", recent=recent, now=now)
    blocks = [_finding_dict(f) for f in report.blocks]
    flags = [_finding_dict(f) for f in list(report.flags) + list(duplicates)]
    return blocks, flags
