"""Visitors: pre-registration with a check-in code, booths worth visiting, check-in at the door, walk-ins."""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from jobbridge.config import get_settings
from jobbridge.db import utcnow
from jobbridge.employers.service import FormErrors
from jobbridge.employers.vacancies import today_local
from jobbridge.errors import Conflict, DomainError, NotFound
from jobbridge.fairs.locks import write_lock
from jobbridge.fairs.models import Fair, FairRegistration, FairWalkIn
from jobbridge.fairs.notify import notify_visitor
from jobbridge.fairs.service import OPEN_FOR_VISITORS, get_fair, when_text
from jobbridge.geo.models import Town
from jobbridge.validation import ValidationError, validate_int_range, validate_mobile

_CODE_ATTEMPTS = 20


@dataclass
class RegistrationInput:
    """What a visitor types: name, mobile, town they live in, and the kinds of work they look for."""

    name: str = ""
    phone: str = ""
    town_code: str = ""
    wanted_work: str = ""


def clean_registration(*, session: Session, data: RegistrationInput) -> tuple[dict, dict[str, str]]:
    """Validate a registration; returns clean values and field → Chinese error."""
    errors: dict[str, str] = {}
    name = "".join(unicodedata.normalize("NFKC", data.name or "").split())
    if not 2 <= len(name) <= 20:
        errors["name"] = "请填写姓名（2到20个字）"
    try:
        phone = validate_mobile(data.phone, field="phone")
    except ValidationError as exc:
        errors["phone"], phone = exc.message, ""
    town_code = (data.town_code or "").strip() or None
    if town_code and session.get(Town, town_code) is None:
        errors["town_code"] = "请选择您所在的镇街"
    wanted = " ".join(re.split(r"[\s,，、;；/]+", (data.wanted_work or "").strip())).strip()
    if len(wanted) > 200:
        errors["wanted_work"] = "想找的工作最多填写200字"
    return {"name": name, "phone": phone, "town_code": town_code, "wanted_work": wanted}, errors


def pass_url(registration: FairRegistration) -> str:
    """The visitor's own page (QR and code); the token is the only key to it."""
    return f"/fairs/{registration.fair_id}/pass/{registration.token}"


def checkin_url(registration: FairRegistration, *, absolute: bool = True) -> str:
    """What the QR code encodes: the staff check-in page with the code filled in."""
    path = f"/staff/fairs/{registration.fair_id}/checkin?code={registration.checkin_code}"
    return get_settings().base_url + path if absolute else path


def register_visitor(*, session: Session, fair_id: int, data: RegistrationInput, user_id: int | None = None,
                     registered_by: int | None = None, today: date | None = None) -> tuple[FairRegistration, bool]:
    """Pre-register a visitor; registering again with the same name and mobile returns the first registration."""
    today = today or today_local()
    write_lock(session=session)
    fair = get_fair(session=session, fair_id=fair_id)
    if fair.status not in OPEN_FOR_VISITORS or fair.end_date < today:
        raise Conflict("该招聘会已结束或已取消，不能报名", code="fair.registration_closed")
    values, errors = clean_registration(session=session, data=data)
    if errors:
        raise FormErrors(errors)
    existing = _by_phone(session=session, fair_id=fair.id, phone=values["phone"])
    if existing is not None:
        return _same_person(existing, values), False
    for _ in range(_CODE_ATTEMPTS):
        registration = FairRegistration(
            fair_id=fair.id, **values, user_id=user_id, registered_by=registered_by,
            checkin_code=f"{secrets.randbelow(10**6):06d}", token=secrets.token_urlsafe(18)[:24],
        )
        try:
            with session.begin_nested():
                session.add(registration)
                session.flush()
        except IntegrityError:
            # Either the same phone registered a moment ago, or the random code was taken: look which.
            existing = _by_phone(session=session, fair_id=fair.id, phone=values["phone"])
            if existing is not None:
                return _same_person(existing, values), False
            continue
        notify_visitor(
            session=session, registration=registration, key=f"fair-registered:{registration.id}",
            subject="招聘会报名成功", link=pass_url(registration),
            body=f"【就业桥】您已报名{fair.title}（{when_text(fair)}，{fair.venue or '线上'}），"
                 f"入场签到码{registration.checkin_code}。",
        )
        return registration, True
    raise DomainError("报名的人太多了，请稍后再试", code="registration.busy")


def _by_phone(*, session: Session, fair_id: int, phone: str) -> FairRegistration | None:
    return session.exec(select(FairRegistration).where(
        FairRegistration.fair_id == fair_id, FairRegistration.phone == phone)).first()


def _same_person(existing: FairRegistration, values: dict) -> FairRegistration:
    # Only the person who registered (same name and phone) is shown the code again.
    if existing.name != values["name"]:
        raise FormErrors({"phone": "该手机号已报名本场招聘会；如需更改请到现场服务台"})
    return existing


def registration_by_token(*, session: Session, fair_id: int, token: str) -> FairRegistration:
    """A visitor's registration from the secret link."""
    registration = session.exec(select(FairRegistration).where(FairRegistration.token == token)).first()
    if registration is None or registration.fair_id != fair_id:
        raise NotFound("没有找到该报名记录", code="registration.not_found")
    return registration


def normalise_code(code: str) -> str:
    """Digits only, from typed or scanned input (full-width digits and spaces allowed)."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", code or "") if ch.isdigit())


def check_in(*, session: Session, fair_id: int, code: str, staff_id: int | None) -> tuple[FairRegistration, bool]:
    """Check a registered visitor in by their 6-digit code; returns (registration, already checked in)."""
    write_lock(session=session)
    fair = get_fair(session=session, fair_id=fair_id)
    if fair.status in {"cancelled", "archived"}:
        raise Conflict("该招聘会已取消或已归档", code="fair.state")
    digits = normalise_code(code)
    if len(digits) != 6:
        raise DomainError("签到码是6位数字", code="checkin.code_format", field="code")
    registration = session.exec(select(FairRegistration).where(
        FairRegistration.fair_id == fair.id, FairRegistration.checkin_code == digits)).first()
    if registration is None or registration.status != "registered":
        raise NotFound(f"签到码 {digits} 不是本场招聘会的报名", code="checkin.not_found", field="code")
    # The conditional update makes two scans of the same code at two doors count once.
    result = session.execute(
        update(FairRegistration)
        .where(col(FairRegistration.id) == registration.id, col(FairRegistration.checked_in_at).is_(None))
        .values(checked_in_at=utcnow(), checked_in_by=staff_id)
    )
    session.refresh(registration)
    return registration, not result.rowcount


def record_walk_ins(*, session: Session, fair_id: int, count: int | str, town_code: str | None,
                    staff_id: int | None) -> FairWalkIn:
    """Count visitors who came without registering."""
    write_lock(session=session)
    fair: Fair = get_fair(session=session, fair_id=fair_id)
    if fair.status in {"cancelled", "archived"}:
        raise Conflict("该招聘会已取消或已归档", code="fair.state")
    try:
        number = validate_int_range(count, field="count", minimum=1, maximum=500, label="现场来访人数")
    except ValidationError as exc:
        raise DomainError(exc.message, code=exc.code, field="count") from None
    town = (town_code or "").strip() or None
    if town and session.get(Town, town) is None:
        raise DomainError("请选择镇街", code="town.not_found", field="town_code")
    row = FairWalkIn(fair_id=fair.id, count=number, town_code=town, recorded_by=staff_id)
    session.add(row)
    session.flush()
    return row


def registrations(*, session: Session, fair_id: int) -> list[FairRegistration]:
    """A fair's registrations, newest first (staff only; callers log the read)."""
    return list(session.exec(select(FairRegistration).where(FairRegistration.fair_id == fair_id)
                             .order_by(col(FairRegistration.id).desc())))
