"""Registering interest (报名) in a public vacancy, and the employer recording what came of it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from jobbridge.db import utcnow
from jobbridge.employers.models import INTEREST_STATUSES, Employer, Interest, Vacancy
from jobbridge.employers.service import FormErrors
from jobbridge.employers.vacancies import get_vacancy, is_public
from jobbridge.errors import DomainError, NotFound
from jobbridge.geo.models import Village
from jobbridge.validation import ValidationError, validate_mobile

VIAS = {"self": "本人报名", "coordinator": "协理员代报", "staff": "窗口代报"}
# What an employer may record after someone registers; "已报名" is only ever the starting state.
OUTCOMES = INTEREST_STATUSES[1:]
MAX_NAME = 40


@dataclass
class MyInterest:
    """One of a person's registrations, with what they need to recognise it."""

    interest: Interest
    vacancy_title: str
    employer_name: str
    contact_phone: str


def _not_found() -> NotFound:
    return NotFound("没有找到该岗位，可能已招满或已下架", code="vacancy.not_found")


def register_interest(*, session: Session, vacancy_id: int, name: str, phone: str, via: str = "self",
                      user_id: int | None = None, registered_by: int | None = None,
                      village_code: str | None = None) -> tuple[Interest, bool]:
    """Register interest in a public vacancy once per phone; a repeat returns the existing one and False."""
    vacancy = session.get(Vacancy, vacancy_id)
    employer = session.get(Employer, vacancy.employer_id) if vacancy else None
    if vacancy is None or employer is None or not is_public(vacancy=vacancy, employer=employer):
        raise _not_found()
    if via not in VIAS:
        raise DomainError("报名方式只能是本人、协理员代报或窗口代报", code="interest.via", field="via")
    errors: dict[str, str] = {}
    name = " ".join((name or "").split())
    if not name:
        errors["name"] = "请填写姓名"
    elif len(name) > MAX_NAME:
        errors["name"] = f"姓名最多{MAX_NAME}个字"
    try:
        phone = validate_mobile(phone or "", field="phone")
    except ValidationError as exc:
        errors["phone"] = exc.message
    village_code = (village_code or "").strip() or None
    if village_code and session.get(Village, village_code) is None:
        errors["village_code"] = f"没有代码为 {village_code} 的村居"
    if errors:
        raise FormErrors(errors)
    existing = _existing(session=session, vacancy_id=vacancy_id, phone=phone)
    if existing is not None:
        return _attach_user(session=session, interest=existing, user_id=user_id), False
    interest = Interest(vacancy_id=vacancy_id, name=name, phone=phone, via=via, user_id=user_id,
                        registered_by=registered_by, village_code=village_code)
    try:
        # A savepoint, so a concurrent duplicate (the unique key) is answered like any other repeat.
        with session.begin_nested():
            session.add(interest)
            session.flush()
    except IntegrityError:
        existing = _existing(session=session, vacancy_id=vacancy_id, phone=phone)
        if existing is None:
            raise
        return _attach_user(session=session, interest=existing, user_id=user_id), False
    return interest, True


def _existing(*, session: Session, vacancy_id: int, phone: str) -> Interest | None:
    return session.exec(select(Interest).where(Interest.vacancy_id == vacancy_id, Interest.phone == phone)).first()


def _attach_user(*, session: Session, interest: Interest, user_id: int | None) -> Interest:
    """A person who signs in later sees registrations made for their phone before they had an account."""
    if user_id is not None and interest.user_id is None:
        interest.user_id, interest.updated_at = user_id, utcnow()
        session.add(interest)
        session.flush()
    return interest


def _owned_interest(*, session: Session, interest_id: int, employer_id: int | None, is_staff: bool) -> Interest:
    interest = session.get(Interest, interest_id)
    if interest is None:
        raise NotFound("没有找到该报名记录", code="interest.not_found")
    if not is_staff:
        vacancy = session.get(Vacancy, interest.vacancy_id)
        if employer_id is None or vacancy is None or vacancy.employer_id != employer_id:
            # Another employer learns nothing, not even that the record exists.
            raise NotFound("没有找到该报名记录", code="interest.not_found")
    return interest


def set_outcome(*, session: Session, interest_id: int, employer_id: int | None, status: str,
                is_staff: bool = False, note: str | None = None) -> Interest:
    """Record contact, interview or hiring; only the vacancy's own employer (or staff) may, and nothing is deleted."""
    interest = _owned_interest(session=session, interest_id=interest_id, employer_id=employer_id, is_staff=is_staff)
    if status not in OUTCOMES:
        raise DomainError("跟进状态只能是：" + "、".join(OUTCOMES), code="interest.status", field="status")
    interest.status, interest.updated_at = status, utcnow()
    if note is not None:
        interest.note = note.strip()[:500]
    session.add(interest)
    session.flush()
    return interest


def interests_for_vacancy(*, session: Session, vacancy_id: int, employer_id: int | None,
                          is_staff: bool = False) -> list[Interest]:
    """Everyone who registered for one vacancy, oldest first; for its own employer or staff only."""
    vacancy = get_vacancy(session=session, vacancy_id=vacancy_id)
    if not is_staff and (employer_id is None or vacancy.employer_id != employer_id):
        raise NotFound("没有找到该岗位", code="vacancy.not_found")
    query = select(Interest).where(Interest.vacancy_id == vacancy_id).order_by(col(Interest.id))
    return list(session.exec(query))


def my_interests(*, session: Session, user_id: int | None = None, phone: str | None = None) -> list[MyInterest]:
    """A person's registrations (by account, and by phone for ones made on their behalf), newest first."""
    matches = []
    if user_id is not None:
        matches.append(Interest.user_id == user_id)
    if phone:
        matches.append(Interest.phone == phone)
    if not matches:
        return []
    rows = session.exec(
        select(Interest, Vacancy.title, Employer.name, Employer.contact_phone)
        .join(Vacancy, Vacancy.id == Interest.vacancy_id)
        .join(Employer, Employer.id == Vacancy.employer_id)
        .where(or_(*matches))
        .order_by(col(Interest.id).desc())
    ).all()
    return [MyInterest(interest=i, vacancy_title=t, employer_name=n, contact_phone=p) for i, t, n, p in rows]
