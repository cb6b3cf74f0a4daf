"""Write API for employers and vacancies: registration, verification, posting, review, editing and closing."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import msgspec
from litestar import Request, Response, Router, post, put
from msgspec import UNSET, UnsetType
from sqlmodel import Session

from jobbridge.employers.models import EMPLOYER_STATUS_LABELS, VACANCY_STATUS_LABELS, Employer, Vacancy
from jobbridge.employers.pay import Pay
from jobbridge.employers.service import (
    EmployerInput,
    FormErrors,
    MemberInput,
    register_employer_with_member,
    reject_employer,
    verify_employer,
)
from jobbridge.employers.vacancies import (
    ComplianceBlocked,
    VacancyInput,
    approve_vacancy,
    create_vacancy,
    end_vacancy,
    get_vacancy,
    occupation_name,
    reject_vacancy,
    submit_for_review,
    update_vacancy,
    vacancy_for_owner,
    vacancy_input_from,
)
from jobbridge.vocab import Role
from jobbridge_web.deps import current_user, requires, staff_only
from jobbridge_web.routes.employer_common import member_of

TAGS = ["用工单位与岗位"]
employer_only = requires(Role.EMPLOYER)
owner_or_staff = requires(Role.EMPLOYER, Role.STAFF)


class EmployerRegistration(msgspec.Struct, kw_only=True):
    """An employer registering itself with its first member account (the employer waits for staff review)."""

    name: str = ""
    uscc: str = ""
    industry: str = ""
    size: str = ""
    town_code: str = ""
    village_code: str = ""
    address: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    member_name: str = ""
    member_phone: str = ""
    password: str = ""


@dataclass
class EmployerCreated:
    """Ids of the new employer and its member account."""

    employer_id: int
    user_id: int
    status: str
    status_label: str


class EmployerVerification(msgspec.Struct, kw_only=True):
    """A staff decision on a registration: approve, or refuse with a reason."""

    approve: bool
    reason: str = ""


@dataclass
class EmployerOut:
    """An employer's review state."""

    id: int
    name: str
    uscc: str
    status: str
    status_label: str
    reject_reason: str


class VacancyWrite(msgspec.Struct, kw_only=True):
    """Vacancy fields; on PUT only the fields sent change. `submit` also submits a draft for review."""

    title: str | UnsetType = UNSET
    occupation_code: str | UnsetType = UNSET
    headcount: int | str | UnsetType = UNSET
    employment_type: str | UnsetType = UNSET
    pay_kind: str | UnsetType = UNSET
    pay_low: float | str | None | UnsetType = UNSET
    pay_high: float | str | None | UnsetType = UNSET
    pay_unit: str | UnsetType = UNSET
    min_education: str | UnsetType = UNSET
    experience: str | UnsetType = UNSET
    age_min: int | str | None | UnsetType = UNSET
    age_max: int | str | None | UnsetType = UNSET
    skills: str | UnsetType = UNSET
    description: str | UnsetType = UNSET
    benefits: list[str] | UnsetType = UNSET
    town_code: str | UnsetType = UNSET
    village_code: str | None | UnsetType = UNSET
    address: str | UnsetType = UNSET
    working_hours: str | UnsetType = UNSET
    valid_until: str | UnsetType = UNSET
    push_scope: str | UnsetType = UNSET
    push_codes: list[str] | UnsetType = UNSET
    submit: bool = False


@dataclass
class ComplianceFinding:
    """A rule the posting breaks or that staff should check."""

    rule_id: str
    category: str
    severity: str
    message: str
    law: str
    matched: str


@dataclass
class VacancyOut:
    """A vacancy's state after a write."""

    id: int
    employer_id: int
    title: str
    status: str
    status_label: str
    occupation_code: str | None
    occupation_name: str
    pay: str
    valid_until: str
    reject_reason: str
    compliance_flags: list[ComplianceFinding] = field(default_factory=list)


class ReasonBody(msgspec.Struct, kw_only=True):
    """A reason the other side will read."""

    reason: str = ""


class CloseBody(msgspec.Struct, kw_only=True):
    """How a vacancy ends: closed early, or filled."""

    outcome: str = ""


def _employer_out(employer: Employer) -> EmployerOut:
    return EmployerOut(id=employer.id, name=employer.name, uscc=employer.uscc, status=employer.status,
                       status_label=EMPLOYER_STATUS_LABELS.get(employer.status, employer.status),
                       reject_reason=employer.reject_reason)


def _finding(f: dict) -> ComplianceFinding:
    return ComplianceFinding(rule_id=str(f.get("rule_id", "")), category=str(f.get("category", "")),
                             severity=str(f.get("severity", "")), message=str(f.get("message", "")),
                             law=str(f.get("law", "")), matched=str(f.get("matched", "")))


def _vacancy_out(db: Session, vacancy: Vacancy) -> VacancyOut:
    pay = Pay(kind=vacancy.pay_kind, low=vacancy.pay_low, high=vacancy.pay_high, unit=vacancy.pay_unit)
    return VacancyOut(
        id=vacancy.id, employer_id=vacancy.employer_id, title=vacancy.title, status=vacancy.status,
        status_label=VACANCY_STATUS_LABELS.get(vacancy.status, vacancy.status),
        occupation_code=vacancy.occupation_code, occupation_name=occupation_name(session=db, code=vacancy.occupation_code),
        pay=pay.display(), valid_until=vacancy.valid_until.isoformat(), reject_reason=vacancy.reject_reason,
        compliance_flags=[_finding(f) for f in vacancy.compliance_flags],
    )


def _form_errors(_request: Request, exc: FormErrors) -> Response:
    """Every field error at once (the request's writes were rolled back when the exception left the handler)."""
    return Response({"error": {"code": exc.code, "message": exc.message, "fields": exc.errors}}, status_code=400)


def _blocked(_request: Request, exc: ComplianceBlocked) -> Response:
    """Every rule the posting breaks, with its legal basis."""
    body: dict[str, Any] = {"code": exc.code, "message": exc.message, "fields": {exc.field: exc.message},
                            "findings": [asdict(_finding(f)) for f in exc.findings]}
    return Response({"error": body}, status_code=400)


# Handlers raise and return plain dataclasses: the exception leaves through the session dependency (rollback),
# and a dataclass return stays correct even if Litestar wraps the handler twice (see employer_portal).
API_ERRORS = {FormErrors: _form_errors, ComplianceBlocked: _blocked}


def _merge(base: VacancyInput, data: VacancyWrite) -> VacancyInput:
    for name in base.__dataclass_fields__:
        value = getattr(data, name, UNSET)
        if value is not UNSET:
            setattr(base, name, "" if value is None and name == "village_code" else value)
    return base


@post("/api/v1/employers", sync_to_thread=True, tags=TAGS, status_code=201)
def api_register_employer(db: Session, data: EmployerRegistration) -> EmployerCreated:
    """Register an employer and its first member account (no sign-in needed; staff verify the employer)."""
    employer_input = EmployerInput(name=data.name, uscc=data.uscc, industry=data.industry, size=data.size,
                                   town_code=data.town_code, village_code=data.village_code, address=data.address,
                                   contact_name=data.contact_name, contact_phone=data.contact_phone)
    member = MemberInput(name=data.member_name, phone=data.member_phone, password=data.password)
    employer, user = register_employer_with_member(session=db, data=employer_input, member=member)
    return EmployerCreated(employer_id=employer.id, user_id=user.id, status=employer.status,
                           status_label=EMPLOYER_STATUS_LABELS[employer.status])


@post("/api/v1/employers/{employer_id:int}/verify", sync_to_thread=True, tags=TAGS, guards=[staff_only],
      status_code=200)
def api_verify_employer(request: Request, db: Session, employer_id: int, data: EmployerVerification) -> EmployerOut:
    """Staff approve an employer, or refuse it with a reason the employer sees."""
    if data.approve:
        employer = verify_employer(session=db, employer_id=employer_id, staff_id=current_user(request).id)
    else:
        employer = reject_employer(session=db, employer_id=employer_id, reason=data.reason)
    return _employer_out(employer)


@post("/api/v1/vacancies", sync_to_thread=True, tags=TAGS, guards=[employer_only], status_code=201)
def api_create_vacancy(request: Request, db: Session, data: VacancyWrite) -> VacancyOut:
    """Post a vacancy for the member's own employer: a draft, or submitted for review with `submit: true`."""
    user = member_of(request)
    vacancy = create_vacancy(session=db, employer_id=user.employer_id, data=_merge(VacancyInput(), data))
    if data.submit:
        submit_for_review(session=db, vacancy=vacancy)
    return _vacancy_out(db, vacancy)


@put("/api/v1/vacancies/{vacancy_id:int}", sync_to_thread=True, tags=TAGS, guards=[employer_only])
def api_update_vacancy(request: Request, db: Session, vacancy_id: int, data: VacancyWrite) -> VacancyOut:
    """Change the fields sent; a published vacancy whose pay, requirements or text change goes back to review."""
    user = member_of(request)
    vacancy = vacancy_for_owner(session=db, vacancy_id=vacancy_id, employer_id=user.employer_id)
    update_vacancy(session=db, vacancy=vacancy, data=_merge(vacancy_input_from(vacancy), data))
    if data.submit and vacancy.status in {"draft", "rejected"}:
        submit_for_review(session=db, vacancy=vacancy)
    return _vacancy_out(db, vacancy)


@post("/api/v1/vacancies/{vacancy_id:int}/approve", sync_to_thread=True, tags=TAGS, guards=[staff_only],
      status_code=200)
def api_approve_vacancy(request: Request, db: Session, vacancy_id: int) -> VacancyOut:
    """Staff publish a vacancy under review."""
    vacancy = approve_vacancy(session=db, vacancy_id=vacancy_id, staff_id=current_user(request).id)
    return _vacancy_out(db, vacancy)


@post("/api/v1/vacancies/{vacancy_id:int}/reject", sync_to_thread=True, tags=TAGS, guards=[staff_only],
      status_code=200)
def api_reject_vacancy(request: Request, db: Session, vacancy_id: int, data: ReasonBody) -> VacancyOut:
    """Staff send a vacancy back with a reason the employer sees."""
    vacancy = reject_vacancy(session=db, vacancy_id=vacancy_id, reason=data.reason, staff_id=current_user(request).id)
    return _vacancy_out(db, vacancy)


@post("/api/v1/vacancies/{vacancy_id:int}/close", sync_to_thread=True, tags=TAGS, guards=[owner_or_staff],
      status_code=200)
def api_close_vacancy(request: Request, db: Session, vacancy_id: int, data: CloseBody) -> VacancyOut:
    """End a vacancy early (`closed`) or as filled (`filled`); its own employer or staff only."""
    user = current_user(request)
    if user.is_staff:
        vacancy = get_vacancy(session=db, vacancy_id=vacancy_id)
    else:
        vacancy = vacancy_for_owner(session=db, vacancy_id=vacancy_id, employer_id=user.employer_id)
    end_vacancy(session=db, vacancy=vacancy, outcome=data.outcome)
    return _vacancy_out(db, vacancy)


handlers = [Router(path="/", route_handlers=[api_register_employer, api_verify_employer, api_create_vacancy,
                                             api_update_vacancy, api_approve_vacancy, api_reject_vacancy,
                                             api_close_vacancy], exception_handlers=API_ERRORS)]
