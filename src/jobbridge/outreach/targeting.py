"""Targeting: a newly published vacancy goes into the feeds of its villages, then to the people it suits.

Rules: one vacancy reaches a person at most once ever (a receipt keyed by person and vacancy, and the outbox
dedupe key); at most 3 messages a person a day, the rest folded into one daily digest; nothing between 21:00
and 08:00; people who never answer hear less (daily digest only after 5 unanswered, weekly after 10).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Integer, Text, any_, bindparam, func, or_, text, type_coerce, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from jobbridge.db import session_scope, utcnow
from jobbridge.employers.models import Employer, Vacancy
from jobbridge.employers.vacancies import is_public, today_local
from jobbridge.outreach import links, texts
from jobbridge.outreach.bulk import insert_ignoring
from jobbridge.outreach.feeds import RANGE_REACH, Geo, add_to_feeds, target_villages, within_reach
from jobbridge.outreach.models import PushReceipt, Subscription, VacancyPush
from jobbridge.outreach.outbox import enqueue_many
from jobbridge.outreach.subscriptions import WORK_KINDS, default_channel, work_kind
from jobbridge.outreach.timing import digest_period, local_day, outside_quiet_hours

DAILY_CAP = 3
REDUCED_AFTER = 5  # unanswered messages before only a daily digest is sent
WEEKLY_AFTER = 10  # unanswered messages before only a weekly digest is sent
MESSAGE_WINDOW = timedelta(days=7)  # older vacancies still join feeds but are not messaged about
_PUSH_LOCK = 0x4A0B_0507  # serialises the daily-cap arithmetic between concurrent pushes on PostgreSQL
_CHUNK = 2000


@dataclass(frozen=True)
class Candidate:
    """A subscriber who might be told of a vacancy."""

    id: int
    phone: str
    person_key: str
    name: str
    village_code: str
    travel_range: str
    employment_types: tuple[str, ...]
    work_kinds: tuple[str, ...]
    pay_floor: float | None
    unanswered: int
    user_id: int | None
    distance: int


Scorer = Callable[..., dict[int, float]]


def preference_scorer(*, session: Session, vacancy: Vacancy, candidates: list[Candidate]) -> dict[int, float]:
    """Default score from stated preferences alone: explicit matches and nearness count."""
    kind = work_kind(vacancy.occupation_code)
    return {
        c.id: 0.5 + 0.2 * (kind in c.work_kinds) + 0.1 * (vacancy.employment_type in c.employment_types)
        + 0.2 * (3 - c.distance) / 3
        for c in candidates
    }


def matching_scorer(*, session: Session, vacancy: Vacancy, candidates: list[Candidate]) -> dict[int, float]:
    """Scores from the matching core, falling back to preferences when it is not installed."""
    try:
        from jobbridge.matching.service import score_people_for_vacancy
    except ImportError:
        return preference_scorer(session=session, vacancy=vacancy, candidates=candidates)
    # Imported only once the service exists: the ranking core pulls in scikit-learn.
    from jobbridge.matching.ranking import Profile

    profiles = [
        Profile(id=c.id, text=" ".join(c.work_kinds), occupation_codes=_codes(c.work_kinds),
                village_code=c.village_code, town_code=c.village_code[:9], pay_expectation_monthly=c.pay_floor,
                employment_types=c.employment_types, travel_range=c.travel_range)
        for c in candidates
    ]
    scored = score_people_for_vacancy(session=session, vacancy_id=vacancy.id, profiles=profiles)
    return _score_map(scored)


def _codes(kinds: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(prefix for kind in kinds for prefix in WORK_KINDS.get(kind, ()))


def _score_map(scored) -> dict[int, float]:  # noqa: ANN001
    if isinstance(scored, dict):
        return {int(k): float(getattr(v, "score", v)) for k, v in scored.items()}
    return {int(getattr(m, "profile_id", None) or m.id): float(m.score) for m in scored}


def prefers(candidate: Candidate, *, vacancy: Vacancy, kind: str) -> bool:
    """Whether a vacancy meets the person's stated preferences (an empty preference accepts anything)."""
    if not within_reach(candidate.travel_range, candidate.distance):
        return False
    if candidate.employment_types and vacancy.employment_type not in candidate.employment_types:
        return False
    if candidate.work_kinds and kind not in candidate.work_kinds:
        return False
    best = vacancy.pay_monthly_max or vacancy.pay_monthly_min
    return not (candidate.pay_floor and best is not None and best < candidate.pay_floor)


def _json_list(raw: object) -> tuple[str, ...]:
    # Most people state no preference: skip decoding the empty list 50,000 times.
    if raw is None or raw == "[]" or raw == []:
        return ()
    return tuple(json.loads(raw) if isinstance(raw, str) else raw)


def _candidates(*, session: Session, targets: dict[str, int], vacancy: Vacancy) -> list[Candidate]:
    t = Subscription.__table__.c
    query = select(t.id, t.phone, t.person_key, t.name, t.village_code, t.travel_range,
                   type_coerce(t.employment_types, Text), type_coerce(t.work_kinds, Text), t.pay_floor, t.unanswered,
                   t.user_id)
    best = vacancy.pay_monthly_max or vacancy.pay_monthly_min
    if best is not None:
        query = query.where(or_(t.pay_floor.is_(None), t.pay_floor <= best))
    if len(targets) < 700:  # the whole district needs no filter
        query = query.where(t.village_code.in_(sorted(targets)))
    kind, etype = work_kind(vacancy.occupation_code), vacancy.employment_type
    reach = RANGE_REACH
    out = []
    for (sid, phone, person, name, village, travel, etypes, kinds, floor, unanswered,
         user_id) in session.execute(query).tuples():
        distance = targets.get(village)
        if distance is None or distance > reach.get(travel, 1):
            continue
        etypes, kinds = _json_list(etypes), _json_list(kinds)
        if (etypes and etype not in etypes) or (kinds and kind not in kinds):
            continue
        out.append(Candidate(id=sid, phone=phone, person_key=person, name=name, village_code=village,
                             travel_range=travel, employment_types=etypes, work_kinds=kinds, pay_floor=floor,
                             unanswered=unanswered, user_id=user_id, distance=distance))
    return out


@dataclass
class PushOutcome:
    """What pushing one vacancy did."""

    vacancy_id: int
    feed_villages: int = 0
    candidates: int = 0
    messages: int = 0
    digested: int = 0
    note: str = ""


def _insert(session: Session, table):  # noqa: ANN001, ANN202
    return postgresql.insert(table) if session.get_bind().dialect.name == "postgresql" else sqlite.insert(table)


def claim_push(*, session: Session, vacancy_id: int, now: datetime) -> bool:
    """Claim a vacancy's push marker; exactly one of two racing runs gets True."""
    table = VacancyPush.__table__
    statement = _insert(session, table).values(vacancy_id=vacancy_id, pushed_at=now).on_conflict_do_nothing(
        index_elements=["vacancy_id"]).returning(table.c.vacancy_id)
    return session.execute(statement).first() is not None


def push_vacancy(*, session: Session, vacancy_id: int, now: datetime | None = None, scorer: Scorer | None = None,
                 channel: str | None = None, min_score: float | None = None, max_recipients: int | None = None,
                 geo: Geo | None = None) -> PushOutcome | None:
    """Push one vacancy if nobody has yet: feeds first, then messages or digest entries; None if already pushed."""
    now = now or utcnow()
    if not claim_push(session=session, vacancy_id=vacancy_id, now=now):
        return None
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PUSH_LOCK})
    outcome = PushOutcome(vacancy_id=vacancy_id)
    vacancy = session.get(Vacancy, vacancy_id)
    employer = session.get(Employer, vacancy.employer_id) if vacancy else None
    if vacancy is None or employer is None or not is_public(vacancy=vacancy, employer=employer):
        outcome.note = "岗位未公开，未推送"
        return _finish(session, outcome)
    geo = geo or Geo.load(session)
    targets = target_villages(geo=geo, vacancy=vacancy)
    add_to_feeds(session=session, vacancy_id=vacancy_id, targets=targets, now=now)
    outcome.feed_villages = len(targets)
    if vacancy.published_at and vacancy.published_at < now - MESSAGE_WINDOW:
        outcome.note = "发布超过7天，只进入村居信息栏"
        return _finish(session, outcome)
    candidates = _candidates(session=session, targets=targets, vacancy=vacancy)
    outcome.candidates = len(candidates)
    if not candidates:
        return _finish(session, outcome)
    scores = (scorer or matching_scorer)(session=session, vacancy=vacancy, candidates=candidates)
    # A candidate the scorer left out was filtered by the matching core's hard rules.
    chosen = sorted((c for c in candidates if c.id in scores and (min_score is None or scores[c.id] >= min_score)),
                    key=lambda c: (-scores[c.id], c.distance, c.id))
    if max_recipients is not None:
        chosen = chosen[:max_recipients]
    _tell(session=session, vacancy=vacancy, employer=employer, chosen=chosen, now=now, geo=geo,
          channel=channel or default_channel(), outcome=outcome)
    return _finish(session, outcome)


def _finish(session: Session, outcome: PushOutcome) -> PushOutcome:
    session.execute(
        update(VacancyPush).where(VacancyPush.vacancy_id == outcome.vacancy_id)
        .values(feed_villages=outcome.feed_villages, candidates=outcome.candidates, messages=outcome.messages,
                digested=outcome.digested, note=outcome.note)
        .execution_options(synchronize_session=False)
    )
    return outcome


def _tell(*, session: Session, vacancy: Vacancy, employer: Employer, chosen: list[Candidate], now: datetime,
          geo: Geo, channel: str, outcome: PushOutcome) -> None:
    send_at = outside_quiet_hours(now)
    day = local_day(send_at)
    sent_today = dict(session.execute(
        select(PushReceipt.person_key, func.count()).where(PushReceipt.day == day, PushReceipt.mode == "message")
        .group_by(PushReceipt.person_key)
    ).all())
    daily, weekly = digest_period(now, days=1), digest_period(now, days=7)
    plans: list[dict] = []
    for c in chosen:
        if c.unanswered >= WEEKLY_AFTER:
            plans.append(_receipt(c, vacancy.id, "digest", *weekly, now))
        elif c.unanswered < REDUCED_AFTER and sent_today.get(c.person_key, 0) < DAILY_CAP - 1:
            # Two single messages a day at most: the third slot is kept for the day's digest.
            plans.append(_receipt(c, vacancy.id, "message", day, None, now))
        else:
            plans.append(_receipt(c, vacancy.id, "digest", *daily, now))
    by_key = {c.person_key: c for c in chosen}
    inserted = _insert_receipts(session, plans)
    facts = texts.VacancyFacts(
        id=vacancy.id, title=vacancy.title,
        pay=texts.pay_text(kind=vacancy.pay_kind, low=vacancy.pay_low, high=vacancy.pay_high, unit=vacancy.pay_unit),
        place=geo.place(town=vacancy.town_code, village=vacancy.village_code), employer=employer.name,
        phone=employer.contact_phone,
    )
    messages, told = [], []
    for receipt_id, key, mode in inserted:
        if mode != "message":
            outcome.digested += 1
            continue
        c = by_key[key]
        messages.append(vacancy_message(facts=facts, candidate=c, receipt_id=receipt_id, channel=channel,
                                        village_name=geo.village_name.get(c.village_code, ""),
                                        not_before=send_at if send_at > now else None))
        told.append(c.id)
    outcome.messages = enqueue_many(session=session, messages=messages)
    bump_unanswered(session=session, subscription_ids=told)


def vacancy_message(*, facts: texts.VacancyFacts, candidate: Candidate, receipt_id: int, channel: str,
                    village_name: str, not_before: datetime | None) -> dict:
    """The outbox row telling one person of one vacancy."""
    url = links.short_url(links.message_code(receipt_id))
    unsubscribe = links.unsubscribe_url(links.unsubscribe_token(subscription_id=candidate.id,
                                                                person=candidate.person_key))
    subject, body = texts.vacancy_inbox(facts, village=village_name, url=url, unsubscribe=unsubscribe)
    if channel == "sms":
        body = texts.vacancy_sms(facts, url=url)
    return dict(dedupe_key=message_key(facts.id, candidate.person_key), kind="vacancy", body=body, subject=subject,
                channel=channel, phone=candidate.phone, user_id=candidate.user_id, link=url, vacancy_id=facts.id,
                village_code=candidate.village_code, not_before=not_before)


def message_key(vacancy_id: int, person: str) -> str:
    """The outbox dedupe key of the one message telling a person of a vacancy."""
    return f"vac:{vacancy_id}:{person}"


def _receipt(c: Candidate, vacancy_id: int, mode: str, day, due, now: datetime) -> dict:  # noqa: ANN001
    return {"person_key": c.person_key, "vacancy_id": vacancy_id, "village_code": c.village_code, "mode": mode,
            "day": day, "digest_due_at": due, "created_at": now,
            "message_key": message_key(vacancy_id, c.person_key) if mode == "message" else None}


def _insert_receipts(session: Session, plans: list[dict]) -> list[tuple[int, str, str]]:
    return insert_ignoring(session, PushReceipt.__table__, plans, conflict=["person_key", "vacancy_id"],
                           returning=["id", "person_key", "mode"])


def bump_unanswered(*, session: Session, subscription_ids: list[int]) -> None:
    """Count one more message the people have not (yet) answered."""
    if not subscription_ids:
        return
    t = Subscription.__table__
    if session.get_bind().dialect.name == "postgresql":
        # One statement with an array parameter instead of thousands of bound values.
        session.execute(t.update().where(t.c.id == any_(bindparam("ids", type_=ARRAY(Integer))))
                        .values(unanswered=t.c.unanswered + 1), {"ids": subscription_ids})
        return
    for start in range(0, len(subscription_ids), _CHUNK):
        session.execute(t.update().where(t.c.id.in_(subscription_ids[start:start + _CHUNK]))
                        .values(unanswered=t.c.unanswered + 1))


def pending_vacancy_ids(*, session: Session, limit: int = 100) -> list[int]:
    """Published vacancies nobody has pushed yet, oldest publication first."""
    pushed = select(VacancyPush.vacancy_id).where(VacancyPush.vacancy_id == Vacancy.id).exists()
    query = (select(Vacancy.id).join(Employer, Employer.id == Vacancy.employer_id)
             .where(Vacancy.status == "published", Employer.status == "verified",
                    col(Vacancy.valid_until) >= today_local(), ~pushed)
             .order_by(col(Vacancy.published_at), col(Vacancy.id)).limit(limit))
    return list(session.exec(query))


def run_push(*, engine: Engine, now: datetime | None = None, scorer: Scorer | None = None,
             channel: str | None = None, limit: int = 100) -> dict:
    """The push-vacancies job: each vacancy in its own transaction (claim, feeds, messages commit together),
    then due digests. It owns its transactions so one bad vacancy never undoes the others."""
    from jobbridge.outreach.digests import assemble_digests

    now = now or utcnow()
    counts = {"vacancies": 0, "feed_villages": 0, "messages": 0, "digested": 0, "skipped": 0}
    with session_scope(engine) as session:
        ids = pending_vacancy_ids(session=session, limit=limit)
        geo = Geo.load(session) if ids else None
    for vacancy_id in ids:
        with session_scope(engine) as session:
            outcome = push_vacancy(session=session, vacancy_id=vacancy_id, now=now, scorer=scorer, channel=channel,
                                   geo=geo)
        if outcome is None:
            counts["skipped"] += 1
            continue
        counts["vacancies"] += 1
        counts["feed_villages"] += outcome.feed_villages
        counts["messages"] += outcome.messages
        counts["digested"] += outcome.digested
    with session_scope(engine) as session:
        counts["digests"] = assemble_digests(session=session, now=now, channel=channel)
    return counts
