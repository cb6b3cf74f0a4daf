"""The outbox: claims, retries with backoff against a real local SMS gateway, nothing lost, nothing sent twice."""

import json
from datetime import timedelta

from sqlmodel import Session, select

from jobbridge.db import utcnow
from jobbridge.outreach.delivery import deliver_due, send_claimed
from jobbridge.outreach.models import InboxItem, OutboxMessage
from jobbridge.outreach.outbox import (
    CLAIM_TIMEOUT,
    MAX_ATTEMPTS,
    claim_batch,
    enqueue,
    enqueue_many,
    inbox_channel,
    retry_dead,
    sign_payload,
    sms_channel_factory,
)
from support.outreach import Gateway, closed_port_url

SECRET = "gateway-shared-secret"


def _sms(db: Session, n: int = 1, kind: str = "access_code") -> list[int]:
    for i in range(n):
        enqueue(session=db, dedupe_key=f"t:{i}", kind=kind, body=f"【就业桥】测试短信{i}", channel="sms",
                phone=f"1360000{i:04d}")
    db.commit()
    return list(db.exec(select(OutboxMessage.id).order_by(OutboxMessage.id)))


def _states(db: Session) -> list[str]:
    db.rollback()
    return [m.state for m in db.exec(select(OutboxMessage).order_by(OutboxMessage.id))]


def test_enqueue_refuses_a_repeat_of_the_same_dedupe_key(db):
    assert enqueue(session=db, dedupe_key="same", kind="x", body="a", phone="13600000001")
    assert not enqueue(session=db, dedupe_key="same", kind="x", body="b", phone="13600000001")
    assert enqueue_many(session=db, messages=[dict(dedupe_key="same", kind="x", body="c", phone="13600000001"),
                                              dict(dedupe_key="new", kind="x", body="d", phone="13600000001")]) == 1


def test_gateway_failing_three_times_then_succeeding_delivers_exactly_once(db, engine):
    _sms(db)
    with Gateway(failures=3) as gateway:
        channels = {"sms": sms_channel_factory(url=gateway.url, secret=SECRET)}
        now = utcnow()
        for _ in range(6):
            deliver_due(engine=engine, channels=channels, now=now)
            now += timedelta(hours=2)
    assert len(gateway.requests) == 4 and len(gateway.delivered) == 1
    assert _states(db) == ["sent"]
    assert db.exec(select(OutboxMessage)).one().attempts == 4


def test_gateway_down_all_along_leaves_every_message_queued_or_failed(db, engine):
    ids = _sms(db, 5)
    channels = {"sms": sms_channel_factory(url=closed_port_url(), secret=SECRET, timeout=1)}
    now = utcnow()
    for _ in range(3):
        counts = deliver_due(engine=engine, channels=channels, now=now)
        now += timedelta(minutes=3)
    assert counts["sent"] == 0
    states = _states(db)
    assert len(states) == len(ids) and set(states) <= {"queued", "failed"}
    assert all(m.last_error.startswith("gateway unreachable") for m in db.exec(select(OutboxMessage)))


def test_failed_sends_back_off_and_end_dead_after_the_last_try(db, engine):
    _sms(db)
    with Gateway(failures=100) as gateway:
        channels = {"sms": sms_channel_factory(url=gateway.url, secret=SECRET)}
        now = utcnow()
        deliver_due(engine=engine, channels=channels, now=now)
        db.rollback()
        first = db.exec(select(OutboxMessage)).one()
        assert first.state == "failed" and first.next_attempt_at == now + timedelta(seconds=30)
        assert deliver_due(engine=engine, channels=channels, now=now + timedelta(seconds=29))["claimed"] == 0
        for _ in range(MAX_ATTEMPTS):
            now += timedelta(hours=3)
            deliver_due(engine=engine, channels=channels, now=now)
    assert _states(db) == ["dead"] and len(gateway.requests) == MAX_ATTEMPTS


def test_staff_retry_sends_a_dead_message_again(db, engine):
    _sms(db)
    db.exec(select(OutboxMessage)).one().state = "dead"
    db.commit()
    assert retry_dead(session=db) == 1
    db.commit()
    with Gateway() as gateway:
        deliver_due(engine=engine, channels={"sms": sms_channel_factory(url=gateway.url, secret=SECRET)})
    assert _states(db) == ["sent"] and len(gateway.delivered) == 1


def test_sms_payload_is_signed_with_the_shared_secret(db, engine):
    _sms(db)
    with Gateway() as gateway:
        deliver_due(engine=engine, channels={"sms": sms_channel_factory(url=gateway.url, secret=SECRET)})
    payload = gateway.delivered[0]
    signature = payload.pop("signature")
    body = json.dumps(payload, ensure_ascii=False).encode()
    assert signature == sign_payload(secret=SECRET, body=body) and payload["phone"] == "13600000000"


def test_delivering_twice_sends_nothing_twice(db, engine):
    _sms(db, 3)
    enqueue(session=db, dedupe_key="inbox:1", kind="vacancy", body="站内信", phone="13600000009")
    db.commit()
    with Gateway() as gateway:
        channels = {"sms": sms_channel_factory(url=gateway.url, secret=SECRET), "inbox": inbox_channel}
        assert deliver_due(engine=engine, channels=channels)["sent"] == 4
        assert deliver_due(engine=engine, channels=channels)["claimed"] == 0
    assert len(gateway.delivered) == 3 and len(db.exec(select(InboxItem)).all()) == 1


def test_a_claimed_message_cannot_be_claimed_again_until_the_claim_times_out(db, engine):
    _sms(db)
    now = utcnow()
    assert claim_batch(session=db, now=now, limit=10, claim="a") != []
    db.commit()
    assert claim_batch(session=db, now=now + timedelta(minutes=1), limit=10, claim="b") == []
    assert claim_batch(session=db, now=now + CLAIM_TIMEOUT + timedelta(seconds=1), limit=10, claim="c") != []
    db.commit()


def test_a_worker_whose_claim_was_taken_over_records_nothing(db, engine):
    [message_id] = _sms(db)
    now = utcnow()
    claim_batch(session=db, now=now, limit=10, claim="slow")
    db.commit()
    claim_batch(session=db, now=now + CLAIM_TIMEOUT + timedelta(seconds=1), limit=10, claim="fast")
    db.commit()
    with Gateway() as gateway:
        channels = {"sms": sms_channel_factory(url=gateway.url, secret=SECRET)}
        assert send_claimed(message_id, engine=engine, channels=channels, now=now, claim="slow") == "lost"
        assert send_claimed(message_id, engine=engine, channels=channels, now=now, claim="fast") == "sent"
    assert len(gateway.delivered) == 1 and _states(db) == ["sent"]


def test_inbox_delivery_reaches_the_person_by_phone(db, engine):
    enqueue(session=db, dedupe_key="hello", kind="welcome", body="欢迎", subject="您好", phone="13600000001")
    db.commit()
    deliver_due(engine=engine, channels={"inbox": inbox_channel})
    item = db.exec(select(InboxItem)).one()
    assert item.phone == "13600000001" and item.body == "欢迎"


def test_an_outcome_is_not_recorded_once_the_claim_was_taken_over(db, engine):
    from jobbridge.outreach.delivery import send_one
    from jobbridge.outreach.outbox import load_claimed

    [message_id] = _sms(db)
    now = utcnow()
    claim_batch(session=db, now=now, limit=10, claim="slow")
    [stale] = load_claimed(session=db, message_ids=[message_id])
    db.commit()
    claim_batch(session=db, now=now + CLAIM_TIMEOUT + timedelta(seconds=1), limit=10, claim="fast")
    db.commit()
    with Gateway() as gateway:
        state = send_one(stale, engine=engine, channels={"sms": sms_channel_factory(url=gateway.url, secret=SECRET)},
                         now=now)
    assert state == "lost" and _states(db) == ["sending"]
    assert db.exec(select(OutboxMessage)).one().claimed_by == "fast"
