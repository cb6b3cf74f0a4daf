"""Reminders 3 days and 1 day before a fair, to booked employers and registered visitors, each sent once."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, col, select

from jobbridge.employers.vacancies import today_local
from jobbridge.fairs.calendar import reminder_due
from jobbridge.fairs.locks import write_lock
from jobbridge.fairs.models import BoothBooking, Fair, FairRegistration
from jobbridge.fairs.notify import notify_employer, notify_visitor
from jobbridge.fairs.service import when_text
from jobbridge.fairs.visitors import pass_url

DAYS_BEFORE = (3, 1)
_UPCOMING = ("planned", "booking_open", "booking_closed")


def _lead(days: int) -> str:
    return "明天" if days == 1 else f"{days}天后"


def send_fair_reminders(*, session: Session, today: date | None = None,
                        days_before: tuple[int, ...] = DAYS_BEFORE) -> dict[str, int]:
    """Queue the reminders due today; the dedupe keys make a second run (or a second scheduler) add nothing."""
    today = today or today_local()
    write_lock(session=session)
    targets = [today + timedelta(days=d) for d in days_before]
    fairs = session.exec(select(Fair).where(col(Fair.status).in_(_UPCOMING), col(Fair.fair_date).in_(targets))
                         .order_by(col(Fair.id))).all()
    counts = {"fairs": 0, "employers": 0, "visitors": 0}
    for fair in fairs:
        days = reminder_due(fair_day=fair.fair_date, today=today, days_before=days_before)
        if days is None:
            continue
        counts["fairs"] += 1
        place = fair.venue or "线上"
        bookings = session.exec(select(BoothBooking).where(
            BoothBooking.fair_id == fair.id, BoothBooking.status == "confirmed").order_by(col(BoothBooking.id)))
        for booking in bookings:
            counts["employers"] += notify_employer(
                session=session, employer_id=booking.employer_id, kind="fair_reminder",
                key=f"fair-reminder:{fair.id}:{days}d:b{booking.id}", subject=f"招聘会{_lead(days)}举行",
                link="/employer/fairs",
                body=f"【就业桥】提醒：{fair.title}{_lead(days)}举行（{when_text(fair)}，{place}），"
                     f"贵单位展位{booking.booth_number}号，请提前半小时布展。",
            )
        registrations = session.exec(select(FairRegistration).where(
            FairRegistration.fair_id == fair.id, FairRegistration.status == "registered")
            .order_by(col(FairRegistration.id)))
        for registration in registrations:
            counts["visitors"] += notify_visitor(
                session=session, registration=registration, kind="fair_reminder",
                key=f"fair-reminder:{fair.id}:{days}d:r{registration.id}", subject=f"招聘会{_lead(days)}举行",
                link=pass_url(registration),
                body=f"【就业桥】提醒：您报名的{fair.title}{_lead(days)}举行（{when_text(fair)}，{place}），"
                     f"入场签到码{registration.checkin_code}。",
            )
    return counts
