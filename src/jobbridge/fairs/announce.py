"""Announcing town and village fairs in the feeds of the villages around them.

The outreach feed reads these rows through `fairs_for_village`; this table is the single record.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from jobbridge.db import utcnow
from jobbridge.fairs.models import Fair, FairAnnouncement
from jobbridge.geo.models import Village

# Fairs worth a line in a village feed.
_VISIBLE = ("planned", "booking_open", "booking_closed")


def announce_fair(*, session: Session, fair: Fair) -> int:
    """Announce a fair to every village of its town (withdrawn elsewhere); returns villages newly announced to."""
    if not fair.town_code or fair.status == "cancelled":
        return withdraw_announcements(session=session, fair_id=fair.id) and 0
    villages = set(session.exec(select(Village.code).where(Village.town_code == fair.town_code)))
    rows = {row.village_code: row for row in session.exec(
        select(FairAnnouncement).where(FairAnnouncement.fair_id == fair.id))}
    now, added = utcnow(), 0
    for code, row in rows.items():
        if code not in villages and row.withdrawn_at is None:
            row.withdrawn_at = now
            session.add(row)
        elif code in villages and row.withdrawn_at is not None:
            row.withdrawn_at = None
            session.add(row)
    for code in sorted(villages - rows.keys()):
        session.add(FairAnnouncement(fair_id=fair.id, village_code=code, created_at=now))
        added += 1
    session.flush()
    return added


def withdraw_announcements(*, session: Session, fair_id: int) -> int:
    """Take a fair out of every village feed (e.g. when it is cancelled)."""
    now, count = utcnow(), 0
    for row in session.exec(select(FairAnnouncement).where(
            FairAnnouncement.fair_id == fair_id, col(FairAnnouncement.withdrawn_at).is_(None))):
        row.withdrawn_at = now
        session.add(row)
        count += 1
    return count


def fairs_for_village(*, session: Session, village_code: str, today: date) -> list[Fair]:
    """Upcoming fairs announced in one village's feed, soonest first (for the outreach feed)."""
    query = (
        select(Fair).join(FairAnnouncement, FairAnnouncement.fair_id == Fair.id)
        .where(FairAnnouncement.village_code == village_code, col(FairAnnouncement.withdrawn_at).is_(None),
               col(Fair.status).in_(_VISIBLE), col(Fair.end_date) >= today)
        .order_by(col(Fair.fair_date), col(Fair.id))
    )
    return list(session.exec(query))
