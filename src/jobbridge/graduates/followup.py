"""Policies a graduate qualifies for, next steps with dates, and everything the 明白纸 follow-up sheet prints."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from jobbridge.config import get_settings
from jobbridge.graduates.contact import ContactCard, contact_card
from jobbridge.graduates.matches import FairItem, Recommendation, graduate_fairs, recommendations
from jobbridge.graduates.models import Graduate, GraduateEvent, GraduateHardship
from jobbridge.policies.catalogue import current_policies, spec_from_version
from jobbridge.policies.eligibility import ELIGIBLE, MAYBE, GraduateFacts, evaluate_all

FILE_NEXT_STEP = {
    "待转入": "办理档案转入：请联系毕业院校将档案转递至文登区人力资源公共服务中心（档案托管免费）",
    "已接收": "档案已接收：如需在库托管或办理转正定级，请带身份证到窗口办理（免费）",
    "在库托管": "档案在库托管（免费）：需要调档、政审或开具证明时，请带身份证到窗口办理",
}
# From the reference facts: since 2023 no 报到证 is issued; files move on the basis of the destination record.
NO_REPORT_CARD = "自2023年起不再发放《报到证》，档案转递以毕业去向登记为依据，请确认已在学校完成毕业去向登记。"


@dataclass(frozen=True)
class PolicyResult:
    """One policy's status for one graduate, with its reasons and how to apply."""

    key: str
    name: str
    category: str
    beneficiary: str
    amount: str | None
    status: str
    met: tuple[str, ...]
    missing: tuple[str, ...]
    failed: tuple[str, ...]
    how_to_apply: str | None
    where_to_apply: str
    materials: tuple[str, ...]
    summary: str
    notes: tuple[str, ...]
    confidence: str | None
    version: int


@dataclass(frozen=True)
class Step:
    """A next step; `on` is the date by which (or on which) to do it, when there is one."""

    text: str
    on: date | None = None


def graduate_facts(graduate: Graduate, hardship: GraduateHardship | None) -> GraduateFacts:
    """The pure facts the rules evaluate; hardship stays unknown unless given with consent (and visible)."""
    known = hardship is not None and hardship.consent and hardship.facts is not None
    return GraduateFacts(
        degree=graduate.degree, graduation_date=graduate.graduation_date, hukou_in_district=graduate.hukou_in_district,
        intent=graduate.intent, hardship=frozenset(hardship.facts) if known else None,
        employment_status=graduate.employment_status, birth_date=graduate.birth_date,
        business_registered=graduate.business_registered, social_insurance_months=graduate.social_insurance_months,
        social_insurance_in_weihai=graduate.social_insurance_in_weihai,
        paying_social_insurance=graduate.paying_social_insurance, employer_type=graduate.employer_type,
        employer_in_weihai=graduate.employer_in_weihai, first_job_year=graduate.first_job_year,
    )


def policy_results(*, session: Session, graduate: Graduate, hardship: GraduateHardship | None,
                   today: date) -> list[PolicyResult]:
    """Every current catalogue policy evaluated for the graduate, ordered by intent then status."""
    # Callers pass hardship=None for a viewer who may not see it: the hardship conditions then read 需确认, so
    # the reasons never reveal what the viewer is not allowed to know.
    stored = {policy.key: (policy, version) for policy, version in current_policies(session=session)}
    specs = [spec_from_version(key=key, version=version) for key, (_, version) in stored.items()]
    results = []
    for spec, result in evaluate_all(specs, graduate_facts(graduate, hardship), today=today):
        version = stored[spec.key][1]
        results.append(PolicyResult(
            key=spec.key, name=spec.name, category=spec.category, beneficiary=spec.beneficiary, amount=spec.amount,
            status=result.status, met=result.met, missing=result.missing, failed=result.failed,
            how_to_apply=spec.how_to_apply, where_to_apply=version.where_to_apply, materials=spec.materials,
            summary=version.summary, notes=spec.notes, confidence=spec.confidence, version=version.version,
        ))
    return results


def next_steps(*, graduate: Graduate, policies: list[PolicyResult], fairs: list[FairItem], today: date) -> list[Step]:
    """What the graduate should do next, dated where a date is known, soonest first."""
    steps: list[Step] = []
    if graduate.next_action:
        steps.append(Step(graduate.next_action, graduate.next_action_on))
    if graduate.file_status in FILE_NEXT_STEP:
        due = graduate.file_expected_on if graduate.file_status == "待转入" else None
        steps.append(Step(FILE_NEXT_STEP[graduate.file_status], due))
    for policy in policies:
        if policy.status == ELIGIBLE:
            how = policy.how_to_apply or policy.where_to_apply or "请到窗口咨询办理"
            steps.append(Step(f"申请“{policy.name}”：{how}", None))
    maybe = [p for p in policies if p.status == MAYBE and p.missing][:3]
    for policy in maybe:
        steps.append(Step(f"为“{policy.name}”补充确认：{policy.missing[0].removeprefix('需确认：')}", None))
    for fair in fairs[:2]:
        steps.append(Step(f"参加{fair.title}（{fair.time}，{fair.venue or '地点见通知'}）", fair.fair_date))
    steps.append(Step("一个月内回访：如就业状态、联系方式有变化，请及时告诉首问负责人", today + timedelta(days=30)))
    return sorted(steps, key=lambda s: (s.on is None, s.on or date.max))


def events_on(*, session: Session, graduate: Graduate, day: date) -> list[GraduateEvent]:
    """What was done on the case on one local day (the sheet's 今日办理)."""
    tz = get_settings().tz
    start = datetime(day.year, day.month, day.day, tzinfo=tz)
    rows = session.exec(
        select(GraduateEvent).where(GraduateEvent.graduate_id == graduate.id, col(GraduateEvent.at) >= start,
                                    col(GraduateEvent.at) < start + timedelta(days=1))
        .order_by(col(GraduateEvent.at), col(GraduateEvent.id))
    )
    return list(rows)


def recent_events(*, session: Session, graduate: Graduate, limit: int = 20) -> list[GraduateEvent]:
    """The case history, newest first."""
    return list(session.exec(
        select(GraduateEvent).where(GraduateEvent.graduate_id == graduate.id)
        .order_by(col(GraduateEvent.at).desc(), col(GraduateEvent.id).desc()).limit(limit)
    ))


@dataclass(frozen=True)
class FollowUp:
    """Everything the graduate's page and the printed sheet show."""

    graduate: Graduate
    card: ContactCard
    policies: list[PolicyResult]
    recommendations: list[Recommendation]
    fairs: list[FairItem]
    steps: list[Step]
    today_events: list[GraduateEvent]
    today: date
    note: str = NO_REPORT_CARD


def follow_up(*, session: Session, graduate: Graduate, hardship: GraduateHardship | None, today: date,
              k: int = 10) -> FollowUp:
    """Assemble the follow-up for a graduate (hardship=None when the viewer may not see it)."""
    policies = policy_results(session=session, graduate=graduate, hardship=hardship, today=today)
    fairs = graduate_fairs(session=session, today=today)
    return FollowUp(
        graduate=graduate, card=contact_card(session=session, graduate=graduate), policies=policies,
        recommendations=recommendations(session=session, graduate=graduate, k=k), fairs=fairs,
        steps=next_steps(graduate=graduate, policies=policies, fairs=fairs, today=today),
        today_events=events_on(session=session, graduate=graduate, day=today), today=today,
    )
