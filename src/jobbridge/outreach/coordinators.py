"""The village coordinator's work: their villages, assisted subscriptions and registrations, who responded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from jobbridge.accounts.service import coordinator_village_codes
from jobbridge.employers.models import Employer, Interest, Vacancy
from jobbridge.errors import DomainError, Forbidden
from jobbridge.geo.models import Town, Village
from jobbridge.outreach import links
from jobbridge.outreach.feeds import feed_items
from jobbridge.outreach.models import Subscription, VillageFeed
from jobbridge.outreach.subscriptions import SubscriptionInput, record_response, subscribe

ASSISTED_METHODS = ("当面告知", "电话告知")


@dataclass(frozen=True)
class VillageCard:
    """One of a coordinator's villages at a glance."""

    code: str
    name: str
    town: str
    subscribers: int
    vacancies: int
    interests: int


def my_villages(*, session: Session, user_id: int, is_admin: bool = False) -> set[str]:
    """The villages a coordinator looks after."""
    return coordinator_village_codes(session=session, user_id=user_id)


def require_village(*, session: Session, user_id: int, village_code: str, is_admin: bool = False) -> None:
    """Refuse a village that is not the coordinator's."""
    if is_admin:
        return
    if village_code not in coordinator_village_codes(session=session, user_id=user_id):
        raise Forbidden("这个村不在您负责的范围内", code="coordinator.not_my_village")


def village_cards(*, session: Session, codes: set[str]) -> list[VillageCard]:
    """Counts for each of a coordinator's villages."""
    if not codes:
        return []
    names = session.exec(select(Village.code, Village.short_name, Town.name).join(Town, Town.code == Village.town_code)
                         .where(col(Village.code).in_(sorted(codes))).order_by(col(Village.code))).all()

    def grouped(query) -> dict[str, int]:  # noqa: ANN001
        return dict(session.execute(query).all())

    subs = grouped(select(Subscription.village_code, func.count()).where(col(Subscription.village_code).in_(codes))
                   .group_by(Subscription.village_code))
    feed = grouped(select(VillageFeed.village_code, func.count()).join(Vacancy, Vacancy.id == VillageFeed.vacancy_id)
                   .where(col(VillageFeed.village_code).in_(codes), Vacancy.status == "published")
                   .group_by(VillageFeed.village_code))
    interests = grouped(select(Interest.village_code, func.count()).where(col(Interest.village_code).in_(codes))
                        .group_by(Interest.village_code))
    return [VillageCard(code=c, name=n, town=t, subscribers=subs.get(c, 0), vacancies=feed.get(c, 0),
                        interests=interests.get(c, 0)) for c, n, t in names]


def assisted_subscribe(*, session: Session, coordinator_id: int, data: SubscriptionInput, is_admin: bool = False,
                       now: datetime | None = None) -> tuple[Subscription, bool]:
    """Subscribe a villager on their behalf, after telling them in person or by phone and getting their consent."""
    require_village(session=session, user_id=coordinator_id, village_code=data.village_code, is_admin=is_admin)
    if data.consent_method not in ASSISTED_METHODS:
        raise DomainError("请选择是当面还是电话征得本人同意的", code="consent.method", field="consent_method")
    return subscribe(session=session, data=data, via="coordinator", registered_by=coordinator_id, now=now)


def assisted_interest(*, session: Session, coordinator_id: int, vacancy_id: int, name: str, phone: str,
                      village_code: str, is_admin: bool = False) -> tuple[Interest, bool]:
    """Register a villager's interest in a vacancy on their behalf (recorded as 协理员代报)."""
    from jobbridge.employers.interest import register_interest

    require_village(session=session, user_id=coordinator_id, village_code=village_code, is_admin=is_admin)
    interest, created = register_interest(session=session, vacancy_id=vacancy_id, name=name, phone=phone,
                                          via="coordinator", registered_by=coordinator_id, village_code=village_code)
    record_response(session=session, person=links.person_key(interest.phone))
    return interest, created


@dataclass(frozen=True)
class Response:
    """A villager's registration and what came of it."""

    interest: Interest
    vacancy_title: str
    employer: str
    village: str


def responses(*, session: Session, codes: set[str], limit: int = 200) -> list[Response]:
    """Registrations from a coordinator's villages, newest first, with their outcome."""
    if not codes:
        return []
    rows = session.exec(
        select(Interest, Vacancy.title, Employer.name, Village.short_name)
        .join(Vacancy, Vacancy.id == Interest.vacancy_id).join(Employer, Employer.id == Vacancy.employer_id)
        .join(Village, Village.code == Interest.village_code)
        .where(col(Interest.village_code).in_(sorted(codes)))
        .order_by(col(Interest.id).desc()).limit(limit)
    ).all()
    return [Response(interest=i, vacancy_title=t, employer=e, village=v) for i, t, e, v in rows]


def open_vacancy_choices(*, session: Session, village_code: str) -> list[tuple[int, str]]:
    """Vacancies in a village's feed, for the assisted registration form."""
    return [(item.vacancy_id, f"{item.title}（{item.employer}，{item.pay}）")
            for item in feed_items(session=session, village_code=village_code, limit=200)]
