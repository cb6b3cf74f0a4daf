"""Vacancies: the review workflow, and who may see or change them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from jobbridge.db import utcnow
from jobbridge.employers.models import Employer, Interest, Vacancy, VacancyBenefit
from jobbridge.employers.reviews import record_review, rejected_since
from jobbridge.employers.service import FormErrors, get_employer, notify_members

# Validation lives in vacancy_input; its names stay importable from here, where callers first found them.
from jobbridge.employers.vacancy_input import MAX_VALID_DAYS, VacancyInput, clean_vacancy, today_local
from jobbridge.errors import Conflict, DomainError, Forbidden, NotFound
from jobbridge.matching.service import notify_vacancy_changed
from jobbridge.occupations.service import find_occupation
from jobbridge.settings_store import get_flag

__all__ = [
    "ENDED_STATUSES", "MAX_VALID_DAYS", "REVIEWED_FIELDS", "ComplianceBlocked", "OccupationSuggestion",
    "VacancyInput", "approve_vacancy", "clean_vacancy", "create_vacancy", "employer_vacancies", "end_vacancy",
    "get_vacancy", "interest_count", "is_public", "occupation_name", "pending_vacancies", "reject_vacancy",
    "submit_for_review", "suggest_occupation", "today_local", "update_vacancy", "vacancy_for_owner",
    "vacancy_input_from",
]

# Changing any of these on a published vacancy sends it back to review.
REVIEWED_FIELDS = ("title", "pay_kind", "pay_low", "pay_high", "pay_unit", "min_education", "experience", "age_min",
                   "age_max", "skills", "description", "benefits", "employment_type", "working_hours")
ENDED_STATUSES = frozenset({"closed", "filled", "expired"})
# An employer whose vacancy staff sent back within this many days is reviewed by a person every time.
CLEAN_RECORD_DAYS = 180


def _search_text(values: dict) -> str:
    return " ".join([values.get("title", ""), values.get("skills", ""), values.get("description", "")]).lower()


@dataclass(frozen=True)
class OccupationSuggestion:
    """The coder's guess for a title, shown next to the occupation code field."""

    code: str | None
    name: str
    level: int | None
    confidence: float | None


def suggest_occupation(*, title: str, description: str = "") -> OccupationSuggestion:
    """The occupation code the coder suggests for a title (code None when it abstains)."""
    from jobbridge.matching.coder import get_coder

    result = get_coder().code(title, description or None)
    if not result.code:
        return OccupationSuggestion(code=None, name=result.name, level=None, confidence=None)
    return OccupationSuggestion(code=result.code, name=result.name, level=result.level, confidence=result.confidence)


def suggest_occupations(items: list[tuple[str, str]]) -> list[OccupationSuggestion]:
    """Suggestions for many (title, description) pairs in one vectorised pass (spreadsheet imports)."""
    from jobbridge.matching.coder import get_coder

    if not items:
        return []
    results = get_coder().code_many([t for t, _ in items], descriptions=[d or None for _, d in items])
    return [OccupationSuggestion(code=r.code or None, name=r.name, level=r.level if r.code else None,
                                 confidence=r.confidence if r.code else None) for r in results]


def occupation_name(*, session: Session, code: str | None) -> str:
    """The classification's name for a code ("" when unknown)."""
    occupation = find_occupation(session=session, code=code) if code else None
    return occupation.name if occupation else ""


def _suggest_occupation(*, session: Session, values: dict, suggested: OccupationSuggestion | None = None) -> None:
    if values.get("occupation_code"):
        occupation = find_occupation(session=session, code=values["occupation_code"])
        values["occupation_level"] = occupation.level if occupation else None
        values["occupation_confidence"] = None
        return
    if not values["title"]:
        return
    suggestion = suggested or suggest_occupation(title=values["title"], description=values.get("description") or "")
    values["occupation_code"] = suggestion.code
    values["occupation_level"], values["occupation_confidence"] = suggestion.level, suggestion.confidence


def _sync_benefits(*, session: Session, vacancy: Vacancy, new: bool = False) -> None:
    query = select(VacancyBenefit).where(VacancyBenefit.vacancy_id == vacancy.id)
    existing = {} if new else {row.benefit: row for row in session.exec(query)}
    for name, row in existing.items():
        if name not in vacancy.benefits:
            session.delete(row)
    for name in vacancy.benefits:
        if name not in existing:
            session.add(VacancyBenefit(vacancy_id=vacancy.id, benefit=name))


def create_vacancy(*, session: Session, employer_id: int, data: VacancyInput, source_ref: str | None = None,
                   is_demo: bool = False, today: date | None = None,
                   suggested: OccupationSuggestion | None = None) -> Vacancy:
    """Save a new vacancy as a draft (the occupation code is suggested when left blank, or `suggested` used)."""
    _require_active_employer(get_employer(session=session, employer_id=employer_id))
    values, errors = clean_vacancy(session=session, data=data, today=today)
    if errors:
        raise FormErrors(errors)
    _suggest_occupation(session=session, values=values, suggested=suggested)
    vacancy = Vacancy(**values, employer_id=employer_id, status="draft", source_ref=source_ref, is_demo=is_demo,
                      search_text=_search_text(values))
    session.add(vacancy)
    session.flush()
    _sync_benefits(session=session, vacancy=vacancy, new=True)
    return vacancy


def _require_active_employer(employer: Employer) -> None:
    if employer.status in {"rejected", "suspended"}:
        raise Forbidden("单位未通过认证或已被暂停，不能发布或修改岗位", code="employer.not_allowed")


def vacancy_input_from(vacancy: Vacancy) -> VacancyInput:
    """The form values of a stored vacancy (for editing)."""
    def number(value: float | None) -> str:
        return "" if value is None else (f"{value:.0f}" if float(value).is_integer() else f"{value:g}")

    return VacancyInput(
        title=vacancy.title, occupation_code=vacancy.occupation_code or "", headcount=vacancy.headcount,
        employment_type=vacancy.employment_type, pay_kind=vacancy.pay_kind, pay_low=number(vacancy.pay_low),
        pay_high=number(vacancy.pay_high), pay_unit=vacancy.pay_unit or "", min_education=vacancy.min_education,
        experience=vacancy.experience, age_min="" if vacancy.age_min is None else vacancy.age_min,
        age_max="" if vacancy.age_max is None else vacancy.age_max, skills=vacancy.skills,
        description=vacancy.description, benefits=list(vacancy.benefits), town_code=vacancy.town_code,
        village_code=vacancy.village_code or "", address=vacancy.address, working_hours=vacancy.working_hours,
        valid_until=vacancy.valid_until, push_scope=vacancy.push_scope, push_codes=list(vacancy.push_codes),
    )


def get_vacancy(*, session: Session, vacancy_id: int) -> Vacancy:
    """One vacancy or NotFound."""
    vacancy = session.get(Vacancy, vacancy_id)
    if vacancy is None:
        raise NotFound("没有找到该岗位", code="vacancy.not_found")
    return vacancy


def is_public(*, vacancy: Vacancy, employer: Employer, today: date | None = None) -> bool:
    """Whether anyone may see the vacancy."""
    today = today or today_local()
    return vacancy.status == "published" and employer.status == "verified" and vacancy.valid_until >= today


def vacancy_for_owner(*, session: Session, vacancy_id: int, employer_id: int | None) -> Vacancy:
    """A vacancy its own employer's member may read or change; others get NotFound."""
    vacancy = get_vacancy(session=session, vacancy_id=vacancy_id)
    if employer_id is None or vacancy.employer_id != employer_id:
        raise NotFound("没有找到该岗位", code="vacancy.not_found")
    return vacancy


def _compliance(*, session: Session, vacancy: Vacancy) -> tuple[list[dict], list[dict]]:
    from jobbridge.employers.compliance_store import check_against_rules

    return check_against_rules(session=session, vacancy=vacancy)


def submit_for_review(*, session: Session, vacancy: Vacancy) -> Vacancy:
    """Run the compliance check; blocked postings stay drafts, others go to review (or straight out)."""
    if vacancy.status not in {"draft", "rejected", "pending"}:
        raise Conflict("只有草稿或未通过的岗位可以提交审核", code="vacancy.state")
    employer = get_employer(session=session, employer_id=vacancy.employer_id)
    _require_active_employer(employer)
    blocks, flags = _compliance(session=session, vacancy=vacancy)
    if blocks:
        vacancy.compliance_flags = blocks + flags
        session.add(vacancy)
        session.flush()
        raise ComplianceBlocked(blocks)
    vacancy.compliance_flags = flags
    vacancy.status, vacancy.reject_reason, vacancy.updated_at = "pending", "", utcnow()
    session.add(vacancy)
    session.flush()
    if not flags and _may_auto_approve(session=session, employer=employer):
        _publish(session=session, vacancy=vacancy, action="auto_approved", staff_id=None)
        session.flush()
    return vacancy


class ComplianceBlocked(DomainError):
    """The posting breaks a rule that blocks it; each finding says which law."""

    def __init__(self, findings: list[dict]) -> None:
        text = "；".join(f"{f['message']}（{f['law']}）" if f.get("law") else f["message"] for f in findings)
        super().__init__(f"岗位信息不合规，请修改后再提交：{text}", code="vacancy.compliance", field="description")
        self.findings = findings


def _may_auto_approve(*, session: Session, employer: Employer) -> bool:
    if employer.status != "verified" or not get_flag(session=session, key="auto_approve_verified_employers"):
        return False
    since = utcnow() - timedelta(days=CLEAN_RECORD_DAYS)
    # A clean record: nothing sent back recently (the history survives a rejected vacancy being edited later).
    if rejected_since(session=session, employer_id=employer.id, since=since):
        return False
    rejected = session.exec(
        select(Vacancy.id).where(Vacancy.employer_id == employer.id, Vacancy.status == "rejected",
                                 col(Vacancy.updated_at) >= since)
    ).first()
    return rejected is None


def _publish(*, session: Session, vacancy: Vacancy, action: str, staff_id: int | None) -> None:
    vacancy.status = "published"
    vacancy.published_at = vacancy.published_at or utcnow()
    vacancy.updated_at = utcnow()
    session.add(vacancy)
    record_review(session=session, vacancy=vacancy, action=action, staff_id=staff_id)
    notify_members(session=session, employer_id=vacancy.employer_id,
                   dedupe_key=f"vacancy:{vacancy.id}:published:{vacancy.updated_at.timestamp():.0f}",
                   kind="vacancy.published", subject="岗位已发布",
                   body=f"您的岗位“{vacancy.title}”已审核通过并发布，求职者现在可以看到并报名。",
                   link=f"/employer/vacancies/{vacancy.id}/interests", vacancy_id=vacancy.id)
    notify_vacancy_changed(session=session, vacancy_id=vacancy.id)


def approve_vacancy(*, session: Session, vacancy_id: int, staff_id: int | None = None) -> Vacancy:
    """Staff publish a vacancy under review."""
    vacancy = get_vacancy(session=session, vacancy_id=vacancy_id)
    if vacancy.status == "published":
        return vacancy
    if vacancy.status != "pending":
        raise Conflict("只有待审核的岗位可以通过", code="vacancy.state")
    employer = get_employer(session=session, employer_id=vacancy.employer_id)
    if employer.status != "verified":
        raise Conflict("该单位尚未认证或已被暂停，请先审核单位", code="employer.not_verified")
    _publish(session=session, vacancy=vacancy, action="approved", staff_id=staff_id)
    session.flush()
    return vacancy


def reject_vacancy(*, session: Session, vacancy_id: int, reason: str, staff_id: int | None = None) -> Vacancy:
    """Staff send a vacancy back with a reason the employer sees."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写不通过的原因，单位会看到它", code="reason.required", field="reason")
    vacancy = get_vacancy(session=session, vacancy_id=vacancy_id)
    if vacancy.status != "pending":
        raise Conflict("只有待审核的岗位可以退回", code="vacancy.state")
    vacancy.status, vacancy.reject_reason, vacancy.updated_at = "rejected", reason[:500], utcnow()
    session.add(vacancy)
    record_review(session=session, vacancy=vacancy, action="rejected", staff_id=staff_id, reason=reason)
    notify_members(session=session, employer_id=vacancy.employer_id,
                   dedupe_key=f"vacancy:{vacancy.id}:rejected:{vacancy.updated_at.timestamp():.0f}",
                   kind="vacancy.rejected", subject="岗位审核未通过",
                   body=f"您的岗位“{vacancy.title}”未通过审核，原因：{vacancy.reject_reason}。请修改后重新提交。",
                   link=f"/employer/vacancies/{vacancy.id}/edit", vacancy_id=vacancy.id)
    session.flush()
    return vacancy


def update_vacancy(*, session: Session, vacancy: Vacancy, data: VacancyInput, today: date | None = None) -> Vacancy:
    """Edit a vacancy; changing what was reviewed on a published one sends it back to review."""
    if vacancy.status in ENDED_STATUSES:
        raise Conflict("已结束的岗位不能修改，请重新发布", code="vacancy.state")
    _require_active_employer(get_employer(session=session, employer_id=vacancy.employer_id))
    values, errors = clean_vacancy(session=session, data=data, today=today)
    if errors:
        raise FormErrors(errors)
    if values["occupation_code"] and values["occupation_code"] == vacancy.occupation_code:
        values["occupation_level"] = vacancy.occupation_level
        values["occupation_confidence"] = vacancy.occupation_confidence
    else:
        _suggest_occupation(session=session, values=values)
    reviewed_change = any(getattr(vacancy, name) != values.get(name, getattr(vacancy, name)) for name in REVIEWED_FIELDS)
    for name, value in values.items():
        setattr(vacancy, name, value)
    vacancy.search_text = _search_text(values)
    vacancy.updated_at = utcnow()
    session.add(vacancy)
    session.flush()
    _sync_benefits(session=session, vacancy=vacancy)
    if vacancy.status == "published" and reviewed_change:
        vacancy.status = "draft"
        submit_for_review(session=session, vacancy=vacancy)
    elif vacancy.status == "pending":
        # The compliance check ran on the old text; staff must see findings for what they will approve.
        submit_for_review(session=session, vacancy=vacancy)
    notify_vacancy_changed(session=session, vacancy_id=vacancy.id)
    return vacancy


def end_vacancy(*, session: Session, vacancy: Vacancy, outcome: str) -> Vacancy:
    """Close a vacancy early or mark it filled."""
    if outcome not in {"closed", "filled"}:
        raise DomainError("结束方式只能是关闭或已招满", code="vacancy.outcome", field="outcome")
    if vacancy.status in ENDED_STATUSES:
        return vacancy
    vacancy.status, vacancy.closed_at, vacancy.updated_at = outcome, utcnow(), utcnow()
    session.add(vacancy)
    session.flush()
    notify_vacancy_changed(session=session, vacancy_id=vacancy.id)
    return vacancy


def employer_vacancies(*, session: Session, employer_id: int) -> list[Vacancy]:
    """All of one employer's vacancies, newest first."""
    return list(session.exec(select(Vacancy).where(Vacancy.employer_id == employer_id).order_by(col(Vacancy.id).desc())))


def pending_vacancies(*, session: Session) -> list[tuple[Vacancy, Employer]]:
    """The review queue, oldest first."""
    rows = session.exec(
        select(Vacancy, Employer).join(Employer, Employer.id == Vacancy.employer_id)
        .where(Vacancy.status == "pending").order_by(col(Vacancy.updated_at))
    )
    return list(rows.all())


def interest_count(*, session: Session, vacancy_id: int) -> int:
    """How many people registered interest."""
    return session.exec(select(func.count()).where(Interest.vacancy_id == vacancy_id)).one()
