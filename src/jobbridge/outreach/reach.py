"""Reach: recording opens of message links and printed QR codes, and counting what outreach achieved."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from jobbridge.db import utcnow
from jobbridge.employers.models import Interest, Vacancy
from jobbridge.errors import NotFound
from jobbridge.geo.models import Town, Village
from jobbridge.outreach import links
from jobbridge.outreach.models import OutboxMessage, PushReceipt, ReachEvent, VillageFeed
from jobbridge.outreach.subscriptions import record_response

HIRED = "已录用"


@dataclass(frozen=True)
class LinkTarget:
    """Where a short link leads."""

    kind: str
    vacancy_id: int | None
    village_code: str
    personal: bool


def open_link(*, session: Session, code: str, now: datetime | None = None) -> LinkTarget:
    """Record that a message link or a printed QR code was opened; returns where it leads."""
    now = now or utcnow()
    parsed = links.parse_code(code)
    if parsed is None:
        raise NotFound("链接无效或已过期", code="link.invalid")
    if parsed.kind in "md":
        receipt = session.get(PushReceipt, parsed.receipt_id)
        if receipt is None:
            raise NotFound("链接无效或已过期", code="link.invalid")
        if receipt.opened_at is None:
            # Only the first open of a message counts; reloading the page is not a new response.
            receipt.opened_at = now
            session.add(receipt)
            session.add(ReachEvent(vacancy_id=receipt.vacancy_id, village_code=receipt.village_code,
                                   source="digest" if parsed.kind == "d" else "message",
                                   person_key=receipt.person_key, at=now))
        record_response(session=session, person=receipt.person_key, now=now)
        return LinkTarget(kind=parsed.kind, vacancy_id=receipt.vacancy_id if parsed.kind == "m" else None,
                          village_code=receipt.village_code, personal=True)
    if session.get(Vacancy, parsed.vacancy_id) is None or session.get(Village, parsed.village_code) is None:
        raise NotFound("链接无效或已过期", code="link.invalid")
    session.add(ReachEvent(vacancy_id=parsed.vacancy_id, village_code=parsed.village_code,
                           source="poster" if parsed.kind == "p" else "qr", at=now))
    return LinkTarget(kind=parsed.kind, vacancy_id=parsed.vacancy_id, village_code=parsed.village_code,
                      personal=False)


@dataclass
class ReachRow:
    """Counts for one vacancy, one village, or a total."""

    key: str = ""
    label: str = ""
    town: str = ""
    feed: int = 0
    pushed: int = 0
    delivered: int = 0
    opened: int = 0
    interest: int = 0
    hired: int = 0

    @property
    def response_rate(self) -> float:
        """Opens and registrations per person told (0 when nobody was told)."""
        return (self.opened + self.interest) / self.pushed if self.pushed else 0.0

    def add(self, other: ReachRow) -> None:
        """Add another row's counts to this one."""
        for name in ("feed", "pushed", "delivered", "opened", "interest", "hired"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class VacancyReach:
    """A vacancy's reach in total and per village."""

    vacancy_id: int
    total: ReachRow
    villages: list[ReachRow] = field(default_factory=list)


def _labels(session: Session) -> tuple[dict[str, str], dict[str, str]]:
    villages = dict(session.exec(select(Village.code, Village.short_name)).all())
    towns = dict(session.exec(select(Village.code, Town.name).join(Town, Town.code == Village.town_code)).all())
    return villages, towns


def _grouped(session: Session, query) -> dict[str, int]:  # noqa: ANN001
    return {key: count for key, count in session.execute(query).all() if key}


def vacancy_reach(*, session: Session, vacancy_id: int) -> VacancyReach:
    """Feed villages, people told, messages delivered, opens, registrations and hires for one vacancy."""
    if session.get(Vacancy, vacancy_id) is None:
        raise NotFound("没有找到该岗位", code="vacancy.not_found")
    r = PushReceipt
    counts = {
        "feed": _grouped(session, select(VillageFeed.village_code, func.count())
                         .where(VillageFeed.vacancy_id == vacancy_id).group_by(VillageFeed.village_code)),
        "pushed": _grouped(session, select(r.village_code, func.count())
                           .where(r.vacancy_id == vacancy_id, r.mode != "dropped").group_by(r.village_code)),
        "delivered": _grouped(session, select(r.village_code, func.count())
                              .join(OutboxMessage, OutboxMessage.dedupe_key == r.message_key)
                              .where(r.vacancy_id == vacancy_id, OutboxMessage.state == "sent")
                              .group_by(r.village_code)),
        "opened": _grouped(session, select(ReachEvent.village_code, func.count())
                           .where(ReachEvent.vacancy_id == vacancy_id).group_by(ReachEvent.village_code)),
        "interest": _grouped(session, select(Interest.village_code, func.count())
                             .where(Interest.vacancy_id == vacancy_id).group_by(Interest.village_code)),
        "hired": _grouped(session, select(Interest.village_code, func.count())
                          .where(Interest.vacancy_id == vacancy_id, Interest.status == HIRED)
                          .group_by(Interest.village_code)),
    }
    names, towns = _labels(session)
    rows: dict[str, ReachRow] = {}
    for measure, per_village in counts.items():
        for code, count in per_village.items():
            row = rows.setdefault(code, ReachRow(key=code, label=names.get(code, code), town=towns.get(code, "")))
            setattr(row, measure, count)
    total = ReachRow(key="total", label="合计")
    for row in rows.values():
        total.add(row)
    # Registrations made without a village (e.g. on the website) still count in the total.
    total.interest = session.exec(select(func.count()).where(Interest.vacancy_id == vacancy_id)).one()
    total.hired = session.exec(select(func.count()).where(Interest.vacancy_id == vacancy_id,
                                                           Interest.status == HIRED)).one()
    ordered = sorted(rows.values(), key=lambda row: (-row.pushed, -row.opened, row.key))
    return VacancyReach(vacancy_id=vacancy_id, total=total, villages=ordered)


def village_ranking(*, session: Session, days: int = 30, now: datetime | None = None) -> list[ReachRow]:
    """Villages by response (opens and registrations per person told) over the last `days` days."""
    since = (now or utcnow()) - timedelta(days=days)
    r = PushReceipt
    counts = {
        "pushed": _grouped(session, select(r.village_code, func.count())
                           .where(r.created_at >= since, r.mode != "dropped").group_by(r.village_code)),
        "delivered": _grouped(session, select(r.village_code, func.count())
                              .join(OutboxMessage, OutboxMessage.dedupe_key == r.message_key)
                              .where(r.created_at >= since, OutboxMessage.state == "sent")
                              .group_by(r.village_code)),
        "opened": _grouped(session, select(ReachEvent.village_code, func.count())
                           .where(ReachEvent.at >= since).group_by(ReachEvent.village_code)),
        "interest": _grouped(session, select(Interest.village_code, func.count())
                             .where(Interest.created_at >= since).group_by(Interest.village_code)),
        "hired": _grouped(session, select(Interest.village_code, func.count())
                          .where(Interest.created_at >= since, Interest.status == HIRED)
                          .group_by(Interest.village_code)),
    }
    names, towns = _labels(session)
    rows: dict[str, ReachRow] = defaultdict(ReachRow)
    for measure, per_village in counts.items():
        for code, count in per_village.items():
            row = rows[code]
            row.key, row.label, row.town = code, names.get(code, code), towns.get(code, "")
            setattr(row, measure, count)
    return sorted(rows.values(), key=lambda row: (-row.response_rate, -(row.opened + row.interest), row.key))


def unreached_villages(*, session: Session, days: int = 30, now: datetime | None = None) -> list[ReachRow]:
    """Villages where nobody was told of, or opened, any vacancy in the last `days` days."""
    since = (now or utcnow()) - timedelta(days=days)
    reached = set(session.exec(select(PushReceipt.village_code).where(
        PushReceipt.created_at >= since, PushReceipt.mode != "dropped").distinct()))
    reached |= {code for code in session.exec(select(ReachEvent.village_code).where(ReachEvent.at >= since).distinct())
                if code}
    names, towns = _labels(session)
    return [ReachRow(key=code, label=names[code], town=towns.get(code, ""))
            for code in sorted(names) if code not in reached]


def village_totals(*, session: Session, village_codes: set[str], days: int = 30) -> dict[str, ReachRow]:
    """Reach of some villages (for a coordinator's own villages)."""
    return {row.key: row for row in village_ranking(session=session, days=days) if row.key in village_codes}


def interest_village_counts(*, session: Session, village_codes: list[str]) -> dict[str, int]:
    """Registrations per village (all time)."""
    if not village_codes:
        return {}
    return _grouped(session, select(Interest.village_code, func.count())
                    .where(col(Interest.village_code).in_(village_codes)).group_by(Interest.village_code))
