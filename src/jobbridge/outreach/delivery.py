"""The deliver-outbox job: claim due messages (the claim commits first), send, commit each outcome alone."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from datetime import datetime
from functools import partial

from sqlalchemy.engine import Engine
from sqlmodel import Session

from jobbridge.config import get_settings
from jobbridge.db import utcnow
from jobbridge.outreach.models import OutboxMessage
from jobbridge.outreach.outbox import (
    Channel,
    SendResult,
    claim_batch,
    hold_claim,
    inbox_channel,
    is_external,
    load_claimed,
    new_claim_token,
    record_outcome,
    sms_channel_factory,
)

_SMS_CHANNELS: dict[tuple[str, str], Channel] = {}
_SQLITE_WRITER = threading.Lock()


def _writer(engine: Engine):  # noqa: ANN202
    """SQLite takes one writer at a time and its busy handler sleeps; queueing our own threads here is faster."""
    return _SQLITE_WRITER if engine.dialect.name == "sqlite" else nullcontext()


def configured_channels() -> dict[str, Channel]:
    """The inbox always; SMS through the HTTP gateway when JOBBRIDGE_SMS_GATEWAY_URL is set."""
    settings = get_settings()
    channels: dict[str, Channel] = {"inbox": inbox_channel}
    if settings.sms_gateway_url:
        key = (settings.sms_gateway_url, settings.sms_gateway_secret or "")
        # One HTTP client per gateway keeps connections alive across runs.
        if key not in _SMS_CHANNELS:
            _SMS_CHANNELS[key] = sms_channel_factory(url=key[0], secret=key[1])
        channels["sms"] = _SMS_CHANNELS[key]
    return channels


def send_one(message: OutboxMessage, *, engine: Engine, channels: dict[str, Channel], now: datetime) -> str:
    """Send one claimed message; an outside channel is called with no transaction open, the outcome commits alone."""
    channel = channels.get(message.channel)
    if channel is None:
        result = SendResult(ok=False, error=f"channel {message.channel} off")
    elif is_external(channel):
        result = channel(None, message)  # type: ignore[arg-type]
    else:
        result = None
    if result is not None:
        # One conditional UPDATE is the whole transaction: it writes first, so SQLite waits for its lock.
        with _writer(engine), engine.begin() as connection:
            return record_outcome(session=connection, message=message, result=result, now=now)
    with _writer(engine), Session(engine, expire_on_commit=False) as session:
        if not hold_claim(session=session, message_id=message.id, claim=message.claimed_by):
            session.rollback()  # another worker took the claim over: leave its record alone
            return "lost"
        state = record_outcome(session=session, message=message, result=channel(session, message), now=now)
        session.commit()
        return state


def send_claimed(message_id: int, *, engine: Engine, channels: dict[str, Channel], now: datetime, claim: str) -> str:
    """Send one message by id under a claim (reads it first); for callers holding only ids."""
    with Session(engine, expire_on_commit=False) as session:
        messages = load_claimed(session=session, message_ids=[message_id])
    if not messages or messages[0].state != "sending" or messages[0].claimed_by != claim:
        return "lost"
    return send_one(messages[0], engine=engine, channels=channels, now=now)


def deliver_due(*, engine: Engine, now: datetime | None = None, channels: dict[str, Channel] | None = None,
                batch_size: int = 200, max_messages: int = 20000, workers: int = 8) -> dict[str, int]:
    """Deliver due messages until none are left (or max_messages); returns counts by outcome.

    Owns its transactions: each claim commits before any send, and each send's outcome commits separately,
    so a crash mid-batch leaves every message either recorded or claimed (taken back after a timeout).
    """
    channels = channels or configured_channels()
    counts = {"claimed": 0, "sent": 0, "failed": 0, "dead": 0, "lost": 0}
    with ThreadPoolExecutor(max_workers=max(workers, 1), thread_name_prefix="outbox") as pool:
        while counts["claimed"] < max_messages:
            moment = now or utcnow()
            claim = new_claim_token()
            with Session(engine, expire_on_commit=False) as session:
                limit = min(batch_size, max_messages - counts["claimed"])
                ids = claim_batch(session=session, now=moment, limit=limit, claim=claim)
                messages = load_claimed(session=session, message_ids=ids)
                session.commit()
            if not ids:
                break
            counts["claimed"] += len(ids)
            sends = pool.map(partial(send_one, engine=engine, channels=channels, now=moment), messages)
            for state in sends:
                counts[state] = counts.get(state, 0) + 1
    return counts
