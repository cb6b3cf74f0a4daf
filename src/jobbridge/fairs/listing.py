"""Reading fairs for the public pages: the calendar, the next fair, exhibitors and the booth plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from jobbridge.employers.models import Employer, Vacancy
from jobbridge.fairs.models import HOLDING, BoothBooking, BoothVacancy, Fair
from jobbridge.geo.models import Town


def upcoming_fairs(*, session: Session, today: date, include_cancelled: bool = True, limit: int = 100) -> list[Fair]:
    """Fairs not yet over, soonest first."""
    query = select(Fair).where(col(Fair.end_date) >= today, Fair.status != "archived")
    if not include_cancelled:
        query = query.where(Fair.status != "cancelled")
    return list(session.exec(query.order_by(col(Fair.fair_date), col(Fair.id)).limit(limit)))


def past_fairs(*, session: Session, today: date, limit: int = 12) -> list[Fair]:
    """Fairs already over, newest first."""
    query = select(Fair).where(col(Fair.end_date) < today, Fair.status != "cancelled")
    return list(session.exec(query.order_by(col(Fair.fair_date).desc(), col(Fair.id).desc()).limit(limit)))


def next_fair(*, session: Session, today: date) -> Fair | None:
    """The next fair people can go to (an online fair counts while it runs)."""
    fairs = upcoming_fairs(session=session, today=today, include_cancelled=False, limit=1)
    return fairs[0] if fairs else None


def days_until(fair: Fair, *, today: date) -> int:
    """Whole days from today to the fair's first day (0 while it runs)."""
    return max((fair.fair_date - today).days, 0)


@dataclass
class Exhibitor:
    """An employer at a fair with its booth and the vacancies it presents."""

    booking: BoothBooking
    employer: Employer
    vacancies: list[Vacancy]


def exhibitors(*, session: Session, fair_id: int, statuses: tuple[str, ...] = ("confirmed",)) -> list[Exhibitor]:
    """Employers at a fair (confirmed by default) in booth order, each with its presented vacancies."""
    rows = session.exec(
        select(BoothBooking, Employer).join(Employer, Employer.id == BoothBooking.employer_id)
        .where(BoothBooking.fair_id == fair_id, col(BoothBooking.status).in_(statuses))
        .order_by(col(BoothBooking.booth_number), col(BoothBooking.seq))
    ).all()
    ids = [booking.id for booking, _ in rows]
    presented: dict[int, list[Vacancy]] = {}
    if ids:
        for link, vacancy in session.exec(
            select(BoothVacancy, Vacancy).join(Vacancy, Vacancy.id == BoothVacancy.vacancy_id)
            .where(col(BoothVacancy.booking_id).in_(ids)).order_by(col(Vacancy.id))
        ).all():
            presented.setdefault(link.booking_id, []).append(vacancy)
    return [Exhibitor(booking=b, employer=e, vacancies=presented.get(b.id, [])) for b, e in rows]


@dataclass
class BoothCell:
    """One square of the booth plan."""

    number: int
    employer_name: str = ""
    pending: bool = False


def booth_plan(*, session: Session, fair: Fair) -> list[BoothCell]:
    """Every booth number with who holds it."""
    cells = [BoothCell(number=n) for n in range(1, fair.booth_capacity + 1)]
    for exhibitor in exhibitors(session=session, fair_id=fair.id, statuses=HOLDING):
        number = exhibitor.booking.booth_number
        if number and 1 <= number <= len(cells):
            cells[number - 1] = BoothCell(number=number, employer_name=exhibitor.employer.name,
                                          pending=exhibitor.booking.status == "pending")
    return cells


def town_name(*, session: Session, code: str | None) -> str:
    """A town's display name ("" for none)."""
    town = session.get(Town, code) if code else None
    return town.name if town else ""
