"""Folding the vacancies beyond a person's daily messages into one digest per day (or week)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from jobbridge.db import utcnow
from jobbridge.outreach import links, texts
from jobbridge.outreach.feeds import Geo, items_for
from jobbridge.outreach.models import PushReceipt, Subscription
from jobbridge.outreach.outbox import enqueue
from jobbridge.outreach.subscriptions import default_channel, token_for
from jobbridge.outreach.targeting import bump_unanswered
from jobbridge.outreach.timing import outside_quiet_hours

MAX_ITEMS = 10


def digest_key(person: str, period_start) -> str:  # noqa: ANN001
    """The outbox dedupe key of a person's digest for one period."""
    return f"digest:{person}:{period_start.isoformat()}"


def assemble_digests(*, session: Session, now: datetime | None = None, channel: str | None = None) -> int:
    """Write every digest whose time has come to the outbox; returns digests written. Safe to run twice."""
    now = now or utcnow()
    rows = session.exec(
        select(PushReceipt).where(PushReceipt.mode == "digest", col(PushReceipt.message_key).is_(None),
                                  col(PushReceipt.digest_due_at) <= now)
        .order_by(col(PushReceipt.person_key), col(PushReceipt.day), col(PushReceipt.id))
    ).all()
    groups: dict[tuple[str, object], list[PushReceipt]] = defaultdict(list)
    for row in rows:
        groups[(row.person_key, row.day)].append(row)
    if not groups:
        return 0
    people = {s.person_key: s for s in session.exec(
        select(Subscription).where(col(Subscription.person_key).in_(sorted({k for k, _ in groups}))))}
    geo = Geo.load(session)
    written, told = 0, []
    for (person, day), receipts in groups.items():
        key = digest_key(person, day)
        subscription = people.get(person)
        items = items_for(session=session, vacancy_ids=[r.vacancy_id for r in receipts],
                          village_code=receipts[0].village_code, geo=geo)[:MAX_ITEMS] if subscription else []
        if subscription is not None and items:
            written += _write(session=session, subscription=subscription, receipt=receipts[0], key=key,
                              items=items, now=now, channel=channel or default_channel(),
                              village=geo.village_name.get(subscription.village_code, ""))
            told.append(subscription.id)
        session.execute(
            update(PushReceipt).where(col(PushReceipt.id).in_([r.id for r in receipts]))
            .values(message_key=key if subscription is not None and items else None,
                    mode="digest" if subscription is not None and items else "dropped")
            .execution_options(synchronize_session=False)
        )
    bump_unanswered(session=session, subscription_ids=told)
    return written


def _write(*, session: Session, subscription: Subscription, receipt: PushReceipt, key: str, items: list,
           now: datetime, channel: str, village: str) -> int:
    url = links.short_url(links.message_code(receipt.id, digest=True))
    unsubscribe = links.unsubscribe_url(token_for(subscription))
    facts = [item.facts() for item in items]
    subject, body = texts.digest_inbox(village=village, items=facts, url=url, unsubscribe=unsubscribe)
    if channel == "sms":
        body = texts.digest_sms(village=village, count=len(facts), first=facts[0], url=url)
    added = enqueue(session=session, dedupe_key=key, kind="digest", body=body, subject=subject, channel=channel,
                    phone=subscription.phone, user_id=subscription.user_id, link=url,
                    village_code=subscription.village_code, not_before=outside_quiet_hours(now))
    return int(added)
