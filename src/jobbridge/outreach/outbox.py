"""Writing messages to the outbox and delivering them: claimed atomically, retried with backoff, never lost."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy import or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from jobbridge.db import utcnow
from jobbridge.outreach.models import InboxItem, OutboxMessage

MAX_ATTEMPTS = 6
BACKOFF_SECONDS = (30, 120, 600, 1800, 3600)
CLAIM_TIMEOUT = timedelta(minutes=10)
WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"


def enqueue(
    *,
    session: Session,
    dedupe_key: str,
    kind: str,
    body: str,
    channel: str = "inbox",
    phone: str | None = None,
    user_id: int | None = None,
    subject: str = "",
    link: str = "",
    vacancy_id: int | None = None,
    village_code: str | None = None,
    not_before: datetime | None = None,
) -> bool:
    """Add a message unless one with the same dedupe key ever existed; True when it was added."""
    if phone is None and user_id is None:
        raise ValueError("a message needs a phone number or a user")
    values = dict(
        dedupe_key=dedupe_key, kind=kind, body=body, channel=channel, phone=phone, user_id=user_id, subject=subject,
        link=link, vacancy_id=vacancy_id, village_code=village_code, state="queued", attempts=0,
        next_attempt_at=not_before or utcnow(), created_at=utcnow(), last_error="",
    )
    table = OutboxMessage.__table__
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    result = session.execute(insert.values(**values).on_conflict_do_nothing(index_elements=["dedupe_key"]))
    return bool(result.rowcount)


@dataclass(frozen=True)
class SendResult:
    """What a channel reports for one message."""

    ok: bool
    error: str = ""


Channel = Callable[[Session, OutboxMessage], SendResult]


def inbox_channel(session: Session, message: OutboxMessage) -> SendResult:
    """Deliver into the in-app inbox (idempotent per outbox message)."""
    if session.exec(select(InboxItem).where(InboxItem.outbox_id == message.id)).first() is None:
        session.add(InboxItem(outbox_id=message.id, user_id=message.user_id, phone=message.phone,
                              subject=message.subject, body=message.body, link=message.link))
    return SendResult(ok=True)


def sign_payload(*, secret: str, body: bytes) -> str:
    """HMAC-SHA256 signature the SMS gateway checks."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def sms_channel_factory(*, url: str, secret: str, timeout: float = 5.0) -> Channel:
    """A channel posting JSON to an SMS gateway webhook signed with a shared secret."""
    client = httpx.Client(timeout=timeout)

    def send(_session: Session, message: OutboxMessage) -> SendResult:
        if not message.phone:
            return SendResult(ok=False, error="no phone number")
        payload = json.dumps(
            {"id": message.dedupe_key, "phone": message.phone, "text": message.body}, ensure_ascii=False
        ).encode()
        try:
            response = client.post(url, content=payload, headers={
                "content-type": "application/json", "x-jobbridge-signature": sign_payload(secret=secret, body=payload),
                "idempotency-key": message.dedupe_key,
            })
        except httpx.HTTPError as exc:
            return SendResult(ok=False, error=f"gateway unreachable: {exc.__class__.__name__}")
        if response.status_code >= 300:
            return SendResult(ok=False, error=f"gateway answered {response.status_code}")
        return SendResult(ok=True)

    return send


def claim_batch(*, session: Session, now: datetime, limit: int, worker: str = WORKER_ID) -> list[int]:
    """Atomically claim due messages for this worker; a claim left by a dead worker is taken back after a timeout."""
    due = (
        select(OutboxMessage.id)
        .where(
            or_(
                col(OutboxMessage.state).in_(("queued", "failed")),
                (OutboxMessage.state == "sending") & (col(OutboxMessage.claimed_at) < now - CLAIM_TIMEOUT),
            ),
            col(OutboxMessage.next_attempt_at) <= now,
        )
        .order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
        .limit(limit)
    )
    ids = list(session.exec(due))
    claimed: list[int] = []
    for message_id in ids:
        # The conditional update is the claim: of two workers racing for one row, exactly one changes it.
        result = session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message_id,
                or_(col(OutboxMessage.state).in_(("queued", "failed")),
                    (OutboxMessage.state == "sending") & (col(OutboxMessage.claimed_at) < now - CLAIM_TIMEOUT)),
            )
            .values(state="sending", claimed_by=worker, claimed_at=now)
        )
        if result.rowcount:
            claimed.append(message_id)
    return claimed


def deliver_claimed(*, session: Session, message_id: int, channels: dict[str, Channel], now: datetime) -> str:
    """Send one claimed message and record the outcome; returns the new state."""
    message = session.get(OutboxMessage, message_id)
    channel = channels.get(message.channel)
    result = channel(session, message) if channel else SendResult(ok=False, error=f"channel {message.channel} off")
    message.attempts += 1
    message.claimed_by = None
    if result.ok:
        message.state, message.sent_at, message.last_error = "sent", now, ""
    elif message.attempts >= MAX_ATTEMPTS:
        message.state, message.last_error = "dead", result.error[:500]
    else:
        delay = BACKOFF_SECONDS[min(message.attempts - 1, len(BACKOFF_SECONDS) - 1)]
        message.state, message.last_error = "failed", result.error[:500]
        message.next_attempt_at = now + timedelta(seconds=delay)
    session.add(message)
    return message.state
