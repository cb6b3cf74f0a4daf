"""Writing messages to the outbox and delivering them: claimed atomically, retried with backoff, never lost."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import socket
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy import and_, bindparam, func, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from jobbridge.db import utcnow
from jobbridge.outreach.bulk import insert_ignoring
from jobbridge.outreach.models import InboxItem, OutboxMessage
from jobbridge.outreach.timing import QUIET_KINDS, in_quiet_hours, outside_quiet_hours

MAX_ATTEMPTS = 6
BACKOFF_SECONDS = (30, 120, 600, 1800, 3600)
CLAIM_TIMEOUT = timedelta(minutes=10)
WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"[:48]


def _insert(session: Session):  # noqa: ANN202
    table = OutboxMessage.__table__
    return postgresql.insert(table) if session.get_bind().dialect.name == "postgresql" else sqlite.insert(table)


def _row(*, dedupe_key: str, kind: str, body: str, channel: str = "inbox", phone: str | None = None,
         user_id: int | None = None, subject: str = "", link: str = "", vacancy_id: int | None = None,
         village_code: str | None = None, not_before: datetime | None = None, now: datetime | None = None) -> dict:
    if phone is None and user_id is None:
        raise ValueError("a message needs a phone number or a user")
    if channel == "sms" and not phone:
        raise ValueError("an SMS needs a phone number")
    now = now or utcnow()
    return dict(
        dedupe_key=dedupe_key, kind=kind, body=body, channel=channel, phone=phone, user_id=user_id,
        subject=subject[:120], link=link[:300], vacancy_id=vacancy_id, village_code=village_code, state="queued",
        attempts=0, next_attempt_at=not_before or now, created_at=now, last_error="",
    )


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
    values = _row(dedupe_key=dedupe_key, kind=kind, body=body, channel=channel, phone=phone, user_id=user_id,
                  subject=subject, link=link, vacancy_id=vacancy_id, village_code=village_code,
                  not_before=not_before)
    # Ask for the new id explicitly: rowcount is -1 on PostgreSQL once SQLAlchemy adds RETURNING by itself.
    statement = _insert(session).values(**values).on_conflict_do_nothing(index_elements=["dedupe_key"]).returning(
        OutboxMessage.__table__.c.id)
    return session.execute(statement).first() is not None


def enqueue_many(*, session: Session, messages: Iterable[dict]) -> int:
    """Add many messages at once (each a dict of enqueue's keyword arguments); returns how many were new."""
    now = utcnow()
    rows = [_row(now=now, **message) for message in messages]
    return len(insert_ignoring(session, OutboxMessage.__table__, rows, conflict=["dedupe_key"], returning=["id"]))


@dataclass(frozen=True)
class SendResult:
    """What a channel reports for one message."""

    ok: bool
    error: str = ""


Channel = Callable[[Session, OutboxMessage], SendResult]


def inbox_channel(session: Session, message: OutboxMessage) -> SendResult:
    """Deliver into the in-app inbox (idempotent per outbox message)."""
    if session.exec(select(InboxItem.id).where(InboxItem.outbox_id == message.id)).first() is None:
        session.add(InboxItem(outbox_id=message.id, user_id=message.user_id, phone=message.phone,
                              subject=message.subject, body=message.body, link=message.link))
    return SendResult(ok=True)


def sign_payload(*, secret: str, body: bytes) -> str:
    """HMAC-SHA256 signature the SMS gateway checks."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def sms_channel_factory(*, url: str, secret: str, timeout: float = 5.0, connections: int = 16) -> Channel:
    """A channel posting JSON to an SMS gateway webhook signed with a shared secret.

    The dedupe key travels as the idempotency key, so a gateway that received a message whose answer was lost
    (a timeout) can drop the retry.
    """
    client = httpx.Client(timeout=timeout, limits=httpx.Limits(max_connections=connections,
                                                               max_keepalive_connections=connections))

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

    send.external = True  # type: ignore[attr-defined]
    return send


def new_claim_token(worker: str = WORKER_ID) -> str:
    """A token naming one claim (unique per batch, so two threads of one process never confuse claims)."""
    return f"{worker}:{uuid.uuid4().hex[:12]}"


def _claimable(now: datetime):  # noqa: ANN202
    claimable = or_(
        col(OutboxMessage.state).in_(("queued", "failed")),
        and_(OutboxMessage.state == "sending", col(OutboxMessage.claimed_at) < now - CLAIM_TIMEOUT),
    )
    due = and_(claimable, col(OutboxMessage.next_attempt_at) <= now)
    if in_quiet_hours(now):
        # Held messages were scheduled for morning; this also catches any enqueued without that care.
        due = and_(due, col(OutboxMessage.kind).not_in(sorted(QUIET_KINDS)))
    return due


def claim_batch(*, session: Session, now: datetime, limit: int, claim: str | None = None) -> list[int]:
    """Atomically claim up to `limit` due messages under one claim token; a stale claim is taken back.

    One conditional UPDATE is the claim: of two workers racing for a row exactly one changes it (PostgreSQL
    skips rows another claim has locked; SQLite runs one writer at a time).
    """
    claim = claim or new_claim_token()
    due = select(OutboxMessage.id).where(_claimable(now)).order_by(
        col(OutboxMessage.next_attempt_at), col(OutboxMessage.id)).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    statement = (
        update(OutboxMessage)
        .where(col(OutboxMessage.id).in_(due.scalar_subquery()), _claimable(now))
        .values(state="sending", claimed_by=claim, claimed_at=now)
        .returning(OutboxMessage.__table__.c.id)
        .execution_options(synchronize_session=False)
    )
    return sorted(session.execute(statement).scalars().all())


def hold_claim(*, session: Session, message_id: int, claim: str) -> bool:
    """Confirm the claim is still ours, with a write as the transaction's first statement.

    Writing first makes SQLite take its write lock now (a transaction that reads first cannot wait for it
    later) and on PostgreSQL locks the row until the outcome commits.
    """
    return bool(session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.state == "sending", OutboxMessage.claimed_by == claim)
        .values(claimed_at=OutboxMessage.claimed_at)
        .execution_options(synchronize_session=False)
    ).rowcount)


def outcome_values(message: OutboxMessage, result: SendResult, now: datetime) -> dict:
    """The columns to write after one send: sent, failed (retry later, never in quiet hours) or dead."""
    values: dict = {"attempts": message.attempts + 1, "claimed_by": None}
    if result.ok:
        values.update(state="sent", sent_at=now, last_error="")
    elif message.attempts + 1 >= MAX_ATTEMPTS:
        values.update(state="dead", last_error=result.error[:500])
    else:
        delay = BACKOFF_SECONDS[min(message.attempts, len(BACKOFF_SECONDS) - 1)]
        retry_at = now + timedelta(seconds=delay)
        if message.kind in QUIET_KINDS:
            retry_at = outside_quiet_hours(retry_at)
        values.update(state="failed", last_error=result.error[:500], next_attempt_at=retry_at)
    return values


_OUTCOME_STATEMENTS: dict[tuple[str, ...], object] = {}


def _outcome_statement(keys: tuple[str, ...]):  # noqa: ANN202
    # Built once per shape: compiling a fresh UPDATE for each of thousands of sends costs more than the send.
    if keys not in _OUTCOME_STATEMENTS:
        t = OutboxMessage.__table__.c
        _OUTCOME_STATEMENTS[keys] = (
            update(OutboxMessage)
            .where(t.id == bindparam("m_id"), t.state == "sending", t.claimed_by == bindparam("m_claim"))
            .values({key: bindparam(f"v_{key}") for key in keys})
            .execution_options(synchronize_session=False)
        )
    return _OUTCOME_STATEMENTS[keys]


def record_outcome(*, session, message: OutboxMessage, result: SendResult, now: datetime) -> str:  # noqa: ANN001
    """Write what happened to a claimed message (session or connection); "lost" if the claim is no longer ours.

    Conditional on still holding the claim, so a worker whose claim timed out changes nothing.
    """
    values = outcome_values(message, result, now)
    keys = tuple(sorted(values))
    params = {f"v_{key}": values[key] for key in keys} | {"m_id": message.id, "m_claim": message.claimed_by}
    changed = session.execute(_outcome_statement(keys), params).rowcount
    return values["state"] if changed else "lost"


def load_claimed(*, session: Session, message_ids: list[int]) -> list[OutboxMessage]:
    """The claimed messages, detached, read in one query so sending needs no further reads."""
    if not message_ids:
        return []
    messages = list(session.exec(select(OutboxMessage).where(col(OutboxMessage.id).in_(message_ids))
                                 .order_by(col(OutboxMessage.id))))
    for message in messages:
        session.expunge(message)
    return messages


def is_external(channel: Channel | None) -> bool:
    """Whether a channel talks to the outside world (then it is called outside any transaction)."""
    return bool(getattr(channel, "external", False))


def deliver_claimed(*, session: Session, message_id: int, channels: dict[str, Channel], now: datetime,
                    claim: str | None = None) -> str:
    """Send one claimed message and record the outcome in this session; returns the new state.

    "lost" means the claim was no longer ours: the caller must roll back.
    """
    message = session.get(OutboxMessage, message_id)
    if message is None or message.state != "sending" or (claim and message.claimed_by != claim):
        return "lost"
    if not hold_claim(session=session, message_id=message_id, claim=message.claimed_by):
        return "lost"
    channel = channels.get(message.channel)
    result = channel(session, message) if channel else SendResult(ok=False, error=f"channel {message.channel} off")
    state = record_outcome(session=session, message=message, result=result, now=now)
    session.expire(message)
    return state


def release_claims(*, session: Session, claim: str, message_ids: Iterable[int]) -> int:
    """Give unsent claimed messages back to the queue (a worker stopping early)."""
    ids = list(message_ids)
    if not ids:
        return 0
    return session.execute(
        update(OutboxMessage)
        .where(col(OutboxMessage.id).in_(ids), OutboxMessage.state == "sending", OutboxMessage.claimed_by == claim)
        .values(state="queued", claimed_by=None, claimed_at=None)
        .execution_options(synchronize_session=False)
    ).rowcount or 0


def retry_dead(*, session: Session, message_ids: Iterable[int] | None = None) -> int:
    """Staff send given-up messages again from scratch (all of them when no ids are given)."""
    statement = update(OutboxMessage).where(OutboxMessage.state == "dead")
    if message_ids is not None:
        statement = statement.where(col(OutboxMessage.id).in_(list(message_ids)))
    return session.execute(
        statement.values(state="queued", attempts=0, next_attempt_at=utcnow(), claimed_by=None)
        .execution_options(synchronize_session=False)
    ).rowcount or 0


def state_counts(*, session: Session) -> dict[str, int]:
    """Messages per outbox state."""
    rows = session.exec(select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)).all()
    return {state: count for state, count in rows}


def list_messages(*, session: Session, state: str | None = None, limit: int = 100) -> list[OutboxMessage]:
    """Recent outbox messages, newest first, optionally in one state."""
    query = select(OutboxMessage).order_by(col(OutboxMessage.id).desc()).limit(limit)
    if state:
        query = query.where(OutboxMessage.state == state)
    return list(session.exec(query))
