"""Employer registration, verification and suspension."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from jobbridge.db import utcnow
from jobbridge.employers.models import Employer, Interest, Vacancy
from jobbridge.errors import Conflict, DomainError, Forbidden, NotFound
from jobbridge.geo.models import Town, Village
from jobbridge.validation import ValidationError, validate_phone, validate_uscc
from jobbridge.vocab import EMPLOYER_SIZES


class FormErrors(DomainError):
    """Several fields are wrong at once; `errors` maps field → Chinese message."""

    def __init__(self, errors: dict[str, str]) -> None:
        first = next(iter(errors.values()))
        super().__init__(f"有{len(errors)}处需要修改：{first}", code="form.invalid", field=next(iter(errors)))
        self.errors = errors


@dataclass
class EmployerInput:
    """What an employer fills in to register."""

    name: str = ""
    uscc: str = ""
    industry: str = ""
    size: str = ""
    town_code: str = ""
    village_code: str = ""
    address: str = ""
    contact_name: str = ""
    contact_phone: str = ""


def clean_employer(*, session: Session, data: EmployerInput) -> tuple[dict, dict[str, str]]:
    """Validate registration input; returns clean values and field errors."""
    errors: dict[str, str] = {}
    clean: dict = {}
    name = data.name.strip()
    if not 2 <= len(name) <= 100:
        errors["name"] = "请填写单位全称（2到100个字）"
    clean["name"] = name
    try:
        clean["uscc"] = validate_uscc(data.uscc, field="uscc")
    except ValidationError as exc:
        errors["uscc"] = exc.message
    clean["industry"] = data.industry.strip()[:60]
    if data.size and data.size not in EMPLOYER_SIZES:
        errors["size"] = "请选择单位规模"
    clean["size"] = data.size
    if not data.town_code or session.get(Town, data.town_code) is None:
        errors["town_code"] = "请选择单位所在镇街"
    clean["town_code"] = data.town_code
    village = data.village_code.strip() or None
    if village:
        row = session.get(Village, village)
        if row is None or row.town_code != data.town_code:
            errors["village_code"] = "所选村居不在该镇街"
    clean["village_code"] = village
    clean["address"] = data.address.strip()[:200]
    contact = data.contact_name.strip()
    if not contact:
        errors["contact_name"] = "请填写联系人"
    clean["contact_name"] = contact[:40]
    try:
        clean["contact_phone"] = validate_phone(data.contact_phone, field="contact_phone")
    except ValidationError as exc:
        errors["contact_phone"] = exc.message
    if "uscc" in clean and session.exec(select(Employer).where(Employer.uscc == clean["uscc"])).first():
        errors["uscc"] = "该统一社会信用代码已注册，请联系本单位已有账号的同事或到窗口办理"
    return clean, errors


def register_employer(*, session: Session, data: EmployerInput, is_demo: bool = False) -> Employer:
    """Create an employer awaiting staff verification."""
    clean, errors = clean_employer(session=session, data=data)
    if errors:
        raise FormErrors(errors)
    employer = Employer(**clean, status="pending", is_demo=is_demo)
    session.add(employer)
    session.flush()
    return employer


def get_employer(*, session: Session, employer_id: int) -> Employer:
    """One employer or NotFound."""
    employer = session.get(Employer, employer_id)
    if employer is None:
        raise NotFound("没有找到该单位", code="employer.not_found")
    return employer


def verify_employer(*, session: Session, employer_id: int, staff_id: int | None) -> Employer:
    """Staff confirm an employer is genuine."""
    employer = get_employer(session=session, employer_id=employer_id)
    if employer.status == "verified":
        return employer
    employer.status, employer.reject_reason = "verified", ""
    employer.verified_at, employer.verified_by, employer.updated_at = utcnow(), staff_id, utcnow()
    session.add(employer)
    return employer


def reject_employer(*, session: Session, employer_id: int, reason: str) -> Employer:
    """Staff refuse a registration with a reason the employer sees."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写不通过的原因，单位会看到它", code="reason.required", field="reason")
    employer = get_employer(session=session, employer_id=employer_id)
    if employer.status == "verified":
        raise Conflict("该单位已认证；如需停用请使用“暂停”", code="employer.already_verified")
    employer.status, employer.reject_reason, employer.updated_at = "rejected", reason[:500], utcnow()
    session.add(employer)
    return employer


def suspend_employer(*, session: Session, employer_id: int, reason: str) -> Employer:
    """Suspend an employer: its vacancies leave public view at once (the public query requires verified)."""
    employer = get_employer(session=session, employer_id=employer_id)
    employer.status, employer.reject_reason, employer.updated_at = "suspended", (reason or "").strip()[:500], utcnow()
    session.add(employer)
    return employer


def reinstate_employer(*, session: Session, employer_id: int, staff_id: int | None) -> Employer:
    """Lift a suspension."""
    employer = get_employer(session=session, employer_id=employer_id)
    if employer.status != "suspended":
        raise Conflict("该单位未被暂停", code="employer.not_suspended")
    return verify_employer(session=session, employer_id=employer_id, staff_id=staff_id)


def list_employers(*, session: Session, status: str | None = None, limit: int = 200) -> list[Employer]:
    """Employers, newest first, optionally by status."""
    query = select(Employer).order_by(col(Employer.id).desc()).limit(limit)
    if status:
        query = query.where(Employer.status == status)
    return list(session.exec(query))


def require_member(*, employer_id: int | None, target_employer_id: int) -> None:
    """Refuse access to another employer's data."""
    if employer_id != target_employer_id:
        raise Forbidden("只能查看和管理本单位的信息", code="employer.not_member")


def staff_queue_counts(*, session: Session) -> dict[str, int]:
    """Counts for the staff console's work queues."""

    def count(query) -> int:  # noqa: ANN001
        return session.exec(select(func.count()).select_from(query.subquery())).one()

    return {
        "employers_pending": count(select(Employer.id).where(Employer.status == "pending")),
        "vacancies_pending": count(select(Vacancy.id).where(Vacancy.status == "pending")),
        "vacancies_published": count(select(Vacancy.id).where(Vacancy.status == "published")),
        "interests_open": count(select(Interest.id).where(Interest.status == "已报名")),
    }
