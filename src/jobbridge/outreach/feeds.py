"""Village feeds: which villages list a vacancy, how near it is to each, and reading a village's feed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from jobbridge.db import utcnow
from jobbridge.employers.models import Employer, Vacancy
from jobbridge.employers.vacancies import today_local
from jobbridge.geo.models import Town, Village
from jobbridge.geo.service import adjacency, town_names, town_of_village, village_names
from jobbridge.outreach.bulk import insert_ignoring
from jobbridge.outreach.models import VillageFeed
from jobbridge.outreach.texts import VacancyFacts, pay_text

DISTANCE_LABELS = ("本村", "本镇", "邻镇", "全区")
# How far (as a distance band) each travel range reaches.
RANGE_REACH = {"本村": 0, "本镇": 1, "邻镇": 2, "全区": 3}


@dataclass(frozen=True)
class Geo:
    """The district's villages, their towns and which towns border which, loaded once per run."""

    town_of: dict[str, str]
    neighbours: dict[str, frozenset[str]]
    village_name: dict[str, str]
    town_name: dict[str, str]

    @classmethod
    def load(cls, session: Session) -> Geo:
        """Read the geography tables."""
        return cls(town_of=town_of_village(session=session), neighbours=adjacency(session=session),
                   village_name=village_names(session=session), town_name=town_names(session=session))

    def distance(self, village: str, *, town: str, vacancy_village: str | None) -> int:
        """0 same village, 1 same town, 2 adjacent town, 3 elsewhere in the district."""
        if vacancy_village and village == vacancy_village:
            return 0
        home = self.town_of.get(village)
        if home == town:
            return 1
        return 2 if town in self.neighbours.get(home, ()) else 3

    def place(self, *, town: str, village: str | None) -> str:
        """A short place name: town, plus village when known."""
        return self.town_name.get(town, "") + (self.village_name.get(village, "") if village else "")


def within_reach(travel_range: str, distance: int) -> bool:
    """Whether a person with this travel range would go as far as this distance band."""
    return distance <= RANGE_REACH.get(travel_range, 1)


def target_villages(*, geo: Geo, vacancy: Vacancy) -> dict[str, int]:
    """Villages whose feed lists the vacancy, with their distance: the push target plus the workplace's own town."""
    if vacancy.push_scope == "district":
        codes = set(geo.town_of)
    elif vacancy.push_scope == "towns":
        towns = set(vacancy.push_codes)
        codes = {v for v, t in geo.town_of.items() if t in towns}
    else:
        codes = {v for v in vacancy.push_codes if v in geo.town_of}
    # People of the workplace's own town are always within reach of it, whatever the employer picked.
    codes |= {v for v, t in geo.town_of.items() if t == vacancy.town_code}
    return {v: geo.distance(v, town=vacancy.town_code, vacancy_village=vacancy.village_code) for v in codes}


def add_to_feeds(*, session: Session, vacancy_id: int, targets: dict[str, int], now: datetime | None = None) -> int:
    """List a vacancy in villages' feeds (a second call adds nothing); returns rows added."""
    if not targets:
        return 0
    now = now or utcnow()
    rows = [{"village_code": v, "vacancy_id": vacancy_id, "distance": d, "added_at": now} for v, d in targets.items()]
    return len(insert_ignoring(session, VillageFeed.__table__, rows, conflict=["village_code", "vacancy_id"],
                               returning=["id"]))


@dataclass(frozen=True)
class FeedItem:
    """One vacancy as a village sees it."""

    vacancy_id: int
    title: str
    pay: str
    employment_type: str
    headcount: int
    place: str
    address: str
    employer: str
    phone: str
    distance: int
    benefits: tuple[str, ...]
    valid_until: date
    published_at: datetime | None

    @property
    def distance_label(self) -> str:
        """本村 / 本镇 / 邻镇 / 全区."""
        return DISTANCE_LABELS[self.distance]

    @property
    def tel(self) -> str:
        """The phone number for a tel: link."""
        return self.phone.replace("-", "")

    def facts(self) -> VacancyFacts:
        """The facts a message or notice prints."""
        return VacancyFacts(id=self.vacancy_id, title=self.title, pay=self.pay, place=self.place,
                            employer=self.employer, phone=self.phone)


def _public(query, today: date):  # noqa: ANN001, ANN202
    return query.where(Vacancy.status == "published", Employer.status == "verified", col(Vacancy.valid_until) >= today)


def feed_items(*, session: Session, village_code: str, limit: int = 100, today: date | None = None,
               geo: Geo | None = None) -> list[FeedItem]:
    """A village's open vacancies, nearest first (same village, town, adjacent towns, district), newest next."""
    today = today or today_local()
    query = _public(
        select(VillageFeed.distance, Vacancy, Employer)
        .join(Vacancy, Vacancy.id == VillageFeed.vacancy_id)
        .join(Employer, Employer.id == Vacancy.employer_id)
        .where(VillageFeed.village_code == village_code), today,
    ).order_by(col(VillageFeed.distance), col(Vacancy.published_at).desc(), col(Vacancy.id).desc()).limit(limit)
    rows = session.exec(query).all()
    names = geo or _names(session)
    return [_item(vacancy, employer, distance, names) for distance, vacancy, employer in rows]


def items_for(*, session: Session, vacancy_ids: list[int], village_code: str, today: date | None = None,
              public_only: bool = True, geo: Geo | None = None) -> list[FeedItem]:
    """Given vacancies as one village sees them, in the order given."""
    if not vacancy_ids:
        return []
    query = (select(Vacancy, Employer).join(Employer, Employer.id == Vacancy.employer_id)
             .where(col(Vacancy.id).in_(vacancy_ids)))
    if public_only:
        query = _public(query, today or today_local())
    rows = {vacancy.id: (vacancy, employer) for vacancy, employer in session.exec(query).all()}
    geo = geo or Geo.load(session)
    out = []
    for vacancy_id in vacancy_ids:
        if vacancy_id in rows:
            vacancy, employer = rows[vacancy_id]
            distance = geo.distance(village_code, town=vacancy.town_code, vacancy_village=vacancy.village_code)
            out.append(_item(vacancy, employer, distance, geo))
    return out


def _names(session: Session) -> Geo:
    return Geo(town_of={}, neighbours={}, village_name=village_names(session=session),
               town_name=town_names(session=session))


def _item(vacancy: Vacancy, employer: Employer, distance: int, geo: Geo) -> FeedItem:
    return FeedItem(
        vacancy_id=vacancy.id, title=vacancy.title,
        pay=pay_text(kind=vacancy.pay_kind, low=vacancy.pay_low, high=vacancy.pay_high, unit=vacancy.pay_unit),
        employment_type=vacancy.employment_type, headcount=vacancy.headcount,
        place=geo.place(town=vacancy.town_code, village=vacancy.village_code), address=vacancy.address,
        employer=employer.name, phone=employer.contact_phone, distance=distance, benefits=tuple(vacancy.benefits),
        valid_until=vacancy.valid_until, published_at=vacancy.published_at,
    )


def feed_village_codes(*, session: Session, vacancy_id: int) -> set[str]:
    """Villages whose feed lists a vacancy."""
    return set(session.exec(select(VillageFeed.village_code).where(VillageFeed.vacancy_id == vacancy_id)))


def village_header(*, session: Session, village_code: str) -> tuple[Village, Town]:
    """A village and its town (NotFound when the code is unknown)."""
    from jobbridge.geo.service import get_town, get_village

    village = get_village(session=session, code=village_code)
    return village, get_town(session=session, code=village.town_code)


def upcoming_fairs(*, session: Session, village_code: str, today: date | None = None) -> list:
    """Fairs announced in the village's feed, when the fairs capability offers them."""
    try:
        from jobbridge.fairs.announce import fairs_for_village
    except ImportError:
        return []
    return fairs_for_village(session=session, village_code=village_code, today=today or today_local())
