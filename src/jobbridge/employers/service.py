"""Employer registration, verification and suspension."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from jobbridge.accounts.models import User
from jobbridge.accounts.service import AccountError, check_password_strength, create_user
from jobbridge.db import utcnow
from jobbridge.employers.models import Employer, Interest, Vacancy
from jobbridge.errors import Conflict, DomainError, Forbidden, NotFound
from jobbridge.geo.models import Town, Village
from jobbridge.outreach.outbox import enqueue
from jobbridge.validation import ValidationError, validate_mobile, validate_phone, validate_uscc
from jobbridge.vocab import EMPLOYER_SIZES, Role


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
    notify_members(session=session, employer_id=employer.id, dedupe_key=_event_key(employer, "verified"),
                   kind="employer.verified", subject="单位认证已通过",
                   body=f"{employer.name}已通过文登区人力资源公共服务中心认证，现在可以发布岗位了。")
    return employer


def _event_key(employer: Employer, event: str) -> str:
    # Each status change is its own logical message, so a later re-verification is announced again.
    return f"employer:{employer.id}:{event}:{employer.updated_at.timestamp():.0f}"


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
    notify_members(session=session, employer_id=employer.id, dedupe_key=_event_key(employer, "rejected"),
                   kind="employer.rejected", subject="单位认证未通过",
                   body=f"{employer.name}的认证申请未通过，原因：{employer.reject_reason}。修改后请联系服务大厅窗口。")
    return employer


def suspend_employer(*, session: Session, employer_id: int, reason: str) -> Employer:
    """Suspend an employer: its vacancies leave public view at once (the public query requires verified)."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写暂停的原因，单位会看到它", code="reason.required", field="reason")
    employer = get_employer(session=session, employer_id=employer_id)
    if employer.status != "verified":
        raise Conflict("只有已认证的单位可以暂停", code="employer.not_verified")
    employer.status, employer.reject_reason, employer.updated_at = "suspended", reason[:500], utcnow()
    session.add(employer)
    notify_members(session=session, employer_id=employer.id, dedupe_key=_event_key(employer, "suspended"),
                   kind="employer.suspended", subject="单位已被暂停",
                   body=f"{employer.name}已被暂停发布岗位，原因：{employer.reject_reason}。如有疑问请联系服务大厅窗口。")
    return employer


def reinstate_employer(*, session: Session, employer_id: int, staff_id: int | None) -> Employer:
    """Lift a suspension."""
    employer = get_employer(session=session, employer_id=employer_id)
    if employer.status != "suspended":
        raise Conflict("该单位未被暂停", code="employer.not_suspended")
    return verify_employer(session=session, employer_id=employer_id, staff_id=staff_id)


@dataclass
class MemberInput:
    """An employer member's account: the person who logs in for the employer."""

    name: str = ""
    phone: str = ""
    password: str = ""


MEMBER_FIELDS = {"name": "member_name", "phone": "member_phone", "password": "password"}


def clean_member(*, session: Session, data: MemberInput) -> dict[str, str]:
    """Field errors (keyed member_name/member_phone/password) for a new member account."""
    errors: dict[str, str] = {}
    name = (data.name or "").strip()
    if not 2 <= len(name) <= 40:
        errors["member_name"] = "请填写联系人姓名（2到40个字）"
    try:
        phone = validate_mobile(data.phone, field="member_phone")
    except ValidationError as exc:
        errors["member_phone"] = exc.message
    else:
        if session.exec(select(User.id).where(User.phone == phone)).first() is not None:
            errors["member_phone"] = "该手机号已注册账号，请直接登录或换一个手机号"
    try:
        check_password_strength(data.password or "")
    except AccountError as exc:
        errors["password"] = exc.message
    return errors


def _create_member(*, session: Session, employer_id: int, data: MemberInput, is_demo: bool = False) -> User:
    try:
        return create_user(session=session, role=Role.EMPLOYER, name=data.name.strip(), phone=data.phone,
                           password=data.password, employer_id=employer_id, is_demo=is_demo)
    except AccountError as exc:
        raise FormErrors({MEMBER_FIELDS.get(exc.field, exc.field or "member_phone"): exc.message}) from exc


def register_employer_with_member(*, session: Session, data: EmployerInput, member: MemberInput,
                                  is_demo: bool = False) -> tuple[Employer, User]:
    """Self-registration: the employer (pending review) and its first member account, every field checked at once."""
    _, errors = clean_employer(session=session, data=data)
    errors.update(clean_member(session=session, data=member))
    if errors:
        raise FormErrors(errors)
    employer = register_employer(session=session, data=data, is_demo=is_demo)
    return employer, _create_member(session=session, employer_id=employer.id, data=member, is_demo=is_demo)


def add_member(*, session: Session, employer_id: int, member: MemberInput) -> User:
    """Another login for the same employer (e.g. a second HR clerk)."""
    employer = get_employer(session=session, employer_id=employer_id)
    errors = clean_member(session=session, data=member)
    if errors:
        raise FormErrors(errors)
    return _create_member(session=session, employer_id=employer.id, data=member, is_demo=employer.is_demo)


def employer_members(*, session: Session, employer_id: int) -> list[User]:
    """The accounts that act for an employer, oldest first."""
    query = select(User).where(User.employer_id == employer_id).order_by(col(User.id))
    return list(session.exec(query))


def notify_members(*, session: Session, employer_id: int, dedupe_key: str, kind: str, subject: str, body: str,
                   link: str = "/employer", vacancy_id: int | None = None) -> int:
    """Put one inbox message per active member in the outbox; returns how many were new."""
    added = 0
    for user in employer_members(session=session, employer_id=employer_id):
        if user.is_active:
            added += enqueue(session=session, dedupe_key=f"{dedupe_key}:u{user.id}", kind=kind, body=body,
                             channel="inbox", user_id=user.id, subject=subject, link=link, vacancy_id=vacancy_id)
    return added


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
