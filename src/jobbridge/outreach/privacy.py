"""A person's right to see and delete what outreach holds about them (个人信息保护法), proven by a one-time code."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from jobbridge.accounts.models import User
from jobbridge.config import get_settings
from jobbridge.db import utcnow
from jobbridge.errors import DomainError
from jobbridge.outreach import links, texts
from jobbridge.outreach.models import (
    AccessCode,
    InboxItem,
    OutboxMessage,
    PushReceipt,
    ReachEvent,
    Subscription,
)
from jobbridge.outreach.outbox import enqueue
from jobbridge.outreach.subscriptions import default_channel
from jobbridge.validation import validate_mobile

CODE_TTL = timedelta(minutes=10)
CODES_PER_HOUR = 3
MAX_TRIES = 5


class TooManyCodes(DomainError):
    """Codes asked for too often."""

    status = 429


def _hash(person: str, code: str) -> str:
    return hmac.new(get_settings().secret_key.encode(), f"{person}:{code}".encode(), hashlib.sha256).hexdigest()


def request_access_code(*, session: Session, phone: str, now: datetime | None = None,
                        channel: str | None = None) -> None:
    """Send a one-time code to a phone through the outbox (the same answer whether or not we hold anything)."""
    now = now or utcnow()
    phone = validate_mobile(phone, field="phone")
    person = links.person_key(phone)
    recent = session.exec(select(func.count()).where(AccessCode.person_key == person,
                                                     AccessCode.created_at >= now - timedelta(hours=1))).one()
    if recent >= CODES_PER_HOUR:
        raise TooManyCodes("验证码发送太频繁，请一小时后再试", code="code.too_many", field="phone")
    code = f"{secrets.randbelow(10**6):06d}"
    row = AccessCode(person_key=person, code_hash=_hash(person, code), created_at=now, expires_at=now + CODE_TTL)
    session.add(row)
    session.flush()
    user_id = session.exec(select(User.id).where(User.phone == phone)).first()
    body = texts.access_code_sms(code)
    enqueue(session=session, dedupe_key=f"code:{person}:{row.id}", kind="access_code", body=body,
            subject="查询个人信息的验证码", channel=channel or default_channel(), phone=phone, user_id=user_id)


def verify_access_code(*, session: Session, phone: str, code: str, now: datetime | None = None) -> bool:
    """Check a one-time code (each code works once, within 10 minutes, and allows 5 tries)."""
    now = now or utcnow()
    try:
        person = links.person_key(validate_mobile(phone, field="phone"))
    except ValueError:
        return False
    row = session.exec(select(AccessCode).where(AccessCode.person_key == person, col(AccessCode.used_at).is_(None),
                                                AccessCode.expires_at > now)
                       .order_by(col(AccessCode.id).desc())).first()
    if row is None or row.attempts >= MAX_TRIES:
        return False
    row.attempts += 1
    ok = hmac.compare_digest(row.code_hash, _hash(person, (code or "").strip()))
    if ok:
        row.used_at = now
    session.add(row)
    session.flush()
    return ok


@dataclass
class HeldData:
    """Everything outreach holds about one phone."""

    phone: str
    subscription: Subscription | None = None
    messages: list[OutboxMessage] = field(default_factory=list)
    inbox: list[InboxItem] = field(default_factory=list)
    interests: list = field(default_factory=list)
    vacancies_told: int = 0


def held_data(*, session: Session, phone: str) -> HeldData:
    """What is held about a phone: the subscription, messages, inbox items, registrations."""
    from jobbridge.employers.interest import my_interests

    person = links.person_key(phone)
    return HeldData(
        phone=phone,
        subscription=session.exec(select(Subscription).where(Subscription.phone == phone)).first(),
        messages=list(session.exec(select(OutboxMessage).where(OutboxMessage.phone == phone)
                                   .order_by(col(OutboxMessage.id).desc()).limit(200))),
        inbox=list(session.exec(select(InboxItem).where(InboxItem.phone == phone)
                                .order_by(col(InboxItem.id).desc()).limit(200))),
        interests=my_interests(session=session, phone=phone),
        vacancies_told=session.exec(select(func.count()).where(PushReceipt.person_key == person)).one(),
    )


def erase_person(*, session: Session, phone: str) -> dict[str, int]:
    """Delete what outreach holds about a phone; only the keyed hash that prevents repeats remains."""
    person = links.person_key(phone)
    counts = {"subscriptions": 0, "messages": 0, "inbox": 0}
    subscription = session.exec(select(Subscription).where(Subscription.phone == phone)).first()
    if subscription is not None:
        session.delete(subscription)
        counts["subscriptions"] = 1
    counts["inbox"] = session.execute(
        delete(InboxItem).where(InboxItem.phone == phone).execution_options(synchronize_session=False)).rowcount or 0
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.phone == phone, col(OutboxMessage.state).in_(("queued", "failed", "dead")))
        .values(state="cancelled", last_error="本人要求删除")
        .execution_options(synchronize_session=False))
    # A message being sent this very moment keeps its number until the send finishes.
    counts["messages"] = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.phone == phone, OutboxMessage.state != "sending")
        .values(phone=None, body="（已应本人要求删除）", link="")
        .execution_options(synchronize_session=False)).rowcount or 0
    session.execute(delete(AccessCode).where(AccessCode.person_key == person)
                    .execution_options(synchronize_session=False))
    session.execute(update(ReachEvent).where(ReachEvent.person_key == person).values(person_key=None)
                    .execution_options(synchronize_session=False))
    session.flush()
    return counts
