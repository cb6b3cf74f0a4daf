"""Messages about fairs to employers, visitors and staff, always through the outbox with a dedupe key."""

from __future__ import annotations

from sqlmodel import Session, col, select

from jobbridge.accounts.models import User
from jobbridge.employers.models import Employer
from jobbridge.fairs.models import FairRegistration
from jobbridge.outreach.outbox import enqueue
from jobbridge.validation import ValidationError, validate_mobile
from jobbridge.vocab import Role


def notify_employer(*, session: Session, employer_id: int, key: str, subject: str, body: str, link: str = "",
                    kind: str = "fair") -> int:
    """Tell every active account of an employer (or its contact mobile when it has none); returns messages added."""
    users = session.exec(
        select(User).where(User.employer_id == employer_id, col(User.is_active).is_(True)).order_by(col(User.id))
    ).all()
    added = 0
    for user in users:
        added += enqueue(session=session, dedupe_key=f"{key}:u{user.id}", kind=kind, body=body, subject=subject,
                         link=link, user_id=user.id, phone=user.phone, channel="inbox")
    if users:
        return added
    employer = session.get(Employer, employer_id)
    try:
        phone = validate_mobile(employer.contact_phone) if employer else None
    except ValidationError:
        phone = None  # a landline cannot take a text message; staff see the booking on the console
    if phone:
        added += enqueue(session=session, dedupe_key=f"{key}:sms", kind=kind, body=body, subject=subject, link=link,
                         phone=phone, channel="sms")
    return added


def notify_visitor(*, session: Session, registration: FairRegistration, key: str, subject: str, body: str,
                   link: str = "", kind: str = "fair") -> int:
    """Text a registered visitor (they gave only a mobile number)."""
    return int(enqueue(session=session, dedupe_key=key, kind=kind, body=body, subject=subject, link=link,
                       phone=registration.phone, user_id=registration.user_id, channel="sms"))


def alert_staff(*, session: Session, key: str, subject: str, body: str, link: str = "") -> int:
    """An alert in the inbox of every active staff member and admin (kind "staff_alert")."""
    users = session.exec(
        select(User).where(col(User.role).in_((Role.STAFF, Role.ADMIN)), col(User.is_active).is_(True))
        .order_by(col(User.id))
    ).all()
    return sum(
        enqueue(session=session, dedupe_key=f"{key}:u{user.id}", kind="staff_alert", body=body, subject=subject,
                link=link, user_id=user.id, channel="inbox")
        for user in users
    )
