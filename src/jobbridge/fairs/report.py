"""What came of a fair: employers, vacancies, visitors by town, check-ins, intents and hires."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, select

from jobbridge.employers.models import Employer, Vacancy
from jobbridge.fairs.models import BoothBooking, BoothVacancy, Fair, FairRegistration, FairWalkIn
from jobbridge.fairs.service import get_fair
from jobbridge.geo.models import Town

OUTSIDE = "区外/未填写"


@dataclass
class TownRow:
    """Visitors from one town."""

    town: str
    registered: int = 0
    checked_in: int = 0
    walk_ins: int = 0


@dataclass
class BoothRow:
    """One confirmed booth's results."""

    booth_number: int | None
    employer: str
    vacancies: int
    headcount: int
    intents: int
    hires: int
    recorded: bool


@dataclass
class FairReport:
    """The staff report of one fair."""

    fair: Fair
    employers: int = 0
    waitlisted: int = 0
    vacancies: int = 0
    headcount: int = 0
    registered: int = 0
    checked_in: int = 0
    walk_ins: int = 0
    intents: int = 0
    hires: int = 0
    by_town: list[TownRow] = field(default_factory=list)
    booths: list[BoothRow] = field(default_factory=list)

    @property
    def visitors(self) -> int:
        """People who came: checked-in registrations plus walk-ins."""
        return self.checked_in + self.walk_ins


def fair_report(*, session: Session, fair_id: int) -> FairReport:
    """Figures for one fair, computed from the bookings, registrations and walk-ins."""
    fair = get_fair(session=session, fair_id=fair_id)
    report = FairReport(fair=fair)
    rows = session.exec(
        select(BoothBooking, Employer).join(Employer, Employer.id == BoothBooking.employer_id)
        .where(BoothBooking.fair_id == fair.id, col(BoothBooking.status).in_(("confirmed", "waitlisted")))
        .order_by(col(BoothBooking.booth_number), col(BoothBooking.seq))
    ).all()
    for booking, employer in rows:
        if booking.status == "waitlisted":
            report.waitlisted += 1
            continue
        links = session.exec(select(BoothVacancy, Vacancy).join(Vacancy, Vacancy.id == BoothVacancy.vacancy_id)
                             .where(BoothVacancy.booking_id == booking.id)).all()
        row = BoothRow(booth_number=booking.booth_number, employer=employer.name, vacancies=len(links),
                       headcount=sum(v.headcount for _, v in links), intents=sum(link.intents for link, _ in links),
                       hires=sum(link.hires for link, _ in links), recorded=booking.outcome_recorded_at is not None)
        report.booths.append(row)
    report.employers = len({b.employer_id for b, _ in rows if b.status == "confirmed"})
    report.vacancies = sum(r.vacancies for r in report.booths)
    report.headcount = sum(r.headcount for r in report.booths)
    report.intents = sum(r.intents for r in report.booths)
    report.hires = sum(r.hires for r in report.booths)
    names = dict(session.exec(select(Town.code, Town.name).order_by(col(Town.sort_order))).all())
    towns: dict[str, TownRow] = {}

    def town_row(code: str | None) -> TownRow:
        label = names.get(code or "", OUTSIDE)
        return towns.setdefault(label, TownRow(town=label))

    for code, checked_in, count in session.exec(
        select(FairRegistration.town_code, col(FairRegistration.checked_in_at).is_not(None), func.count())
        .where(FairRegistration.fair_id == fair.id, FairRegistration.status == "registered")
        .group_by(FairRegistration.town_code, col(FairRegistration.checked_in_at).is_not(None))
    ).all():
        row = town_row(code)
        row.registered += count
        row.checked_in += count if checked_in else 0
    for code, total in session.exec(select(FairWalkIn.town_code, func.sum(FairWalkIn.count))
                                    .where(FairWalkIn.fair_id == fair.id).group_by(FairWalkIn.town_code)).all():
        town_row(code).walk_ins += int(total or 0)
    order = {name: i for i, name in enumerate(names.values())}
    report.by_town = sorted(towns.values(), key=lambda r: order.get(r.town, len(order)))
    report.registered = sum(r.registered for r in report.by_town)
    report.checked_in = sum(r.checked_in for r in report.by_town)
    report.walk_ins = sum(r.walk_ins for r in report.by_town)
    return report
