"""Outreach API: a village's feed, subscriptions (with consent) and a vacancy's reach."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from litestar import Request, Response, Router, delete, get, post
from litestar.exceptions import NotAuthorizedException
from sqlmodel import Session

from jobbridge.accounts.models import User
from jobbridge.accounts.service import coordinator_village_codes
from jobbridge.employers.vacancies import get_vacancy
from jobbridge.errors import Forbidden
from jobbridge.outreach.feeds import feed_items, village_header
from jobbridge.outreach.reach import ReachRow, vacancy_reach
from jobbridge.outreach.subscriptions import (
    SubscriptionInput,
    delete_subscription,
    get_subscription,
    subscribe,
    subscription_for_token,
    token_for,
)
from jobbridge.vocab import Role
from jobbridge_web.deps import current_user

TAGS = ["村居推送"]


@dataclass
class FeedItemOut:
    """One vacancy in a village's feed."""

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
    distance_label: str
    valid_until: date
    published_at: datetime | None
    url: str


@dataclass
class VillageFeedOut:
    """A village's feed, nearest vacancies first."""

    village_code: str
    village_name: str
    town_name: str
    items: list[FeedItemOut]


@get("/api/v1/villages/{code:str}/feed", sync_to_thread=True, tags=TAGS)
def api_village_feed(db: Session, code: str, limit: int = 50) -> VillageFeedOut:
    """Open vacancies pushed to a village: same village first, then town, adjacent towns, the district."""
    village, town = village_header(session=db, village_code=code)
    items = feed_items(session=db, village_code=code, limit=min(max(limit, 1), 200))
    return VillageFeedOut(village_code=village.code, village_name=village.short_name, town_name=town.name, items=[
        FeedItemOut(vacancy_id=i.vacancy_id, title=i.title, pay=i.pay, employment_type=i.employment_type,
                    headcount=i.headcount, place=i.place, address=i.address, employer=i.employer, phone=i.phone,
                    distance=i.distance, distance_label=i.distance_label, valid_until=i.valid_until,
                    published_at=i.published_at, url=f"/vacancies/{i.vacancy_id}?v={village.code}")
        for i in items])


@dataclass
class SubscriptionIn:
    """A subscription: consent must be true; staff and coordinators register on a villager's behalf."""

    phone: str
    village_code: str
    consent: bool = False
    name: str = ""
    travel_range: str = "本镇"
    employment_types: list[str] = field(default_factory=list)
    work_kinds: list[str] = field(default_factory=list)
    pay_floor: float | None = None
    consent_method: str = "接口登记"


@dataclass
class SubscriptionOut:
    """A stored subscription and the token that lets its owner delete it."""

    id: int
    phone: str
    village_code: str
    travel_range: str
    employment_types: list[str]
    work_kinds: list[str]
    pay_floor: float | None
    consent_at: datetime
    consent_version: str
    registered_via: str
    created: bool
    token: str


@post("/api/v1/subscriptions", sync_to_thread=True, tags=TAGS)
def api_subscribe(request: Request, db: Session, data: SubscriptionIn) -> Response[SubscriptionOut]:
    """Subscribe a phone to a village's vacancies (bearer token: the person themself, a coordinator or staff)."""
    user = current_user(request)
    if user is None:
        raise NotAuthorizedException(detail="请先登录")
    via = "api"
    if user.role == Role.COORDINATOR:
        if data.village_code not in coordinator_village_codes(session=db, user_id=user.id):
            raise Forbidden("这个村不在您负责的范围内", code="coordinator.not_my_village", field="village_code")
        via = "coordinator"
    elif user.is_staff:
        via = "staff"
    else:
        account = db.get(User, user.id)
        if account is None or account.phone != data.phone.strip():
            raise Forbidden("只能为本人的手机号订阅", code="subscription.not_own_phone", field="phone")
    form = SubscriptionInput(
        phone=data.phone, name=data.name, village_code=data.village_code, travel_range=data.travel_range,
        employment_types=list(data.employment_types), work_kinds=list(data.work_kinds), pay_floor=data.pay_floor,
        consent=bool(data.consent), consent_method=data.consent_method or "接口登记")
    subscription, created = subscribe(session=db, data=form, via=via, registered_by=None if via == "api" else user.id)
    body = SubscriptionOut(
        id=subscription.id, phone=subscription.phone, village_code=subscription.village_code,
        travel_range=subscription.travel_range, employment_types=subscription.employment_types,
        work_kinds=subscription.work_kinds, pay_floor=subscription.pay_floor, consent_at=subscription.consent_at,
        consent_version=subscription.consent_version, registered_via=subscription.registered_via, created=created,
        token=token_for(subscription))
    return Response(body, status_code=201 if created else 200)


@delete("/api/v1/subscriptions/{subscription_id:int}", sync_to_thread=True, tags=TAGS, status_code=204)
def api_unsubscribe(request: Request, db: Session, subscription_id: int, token: str | None = None) -> None:
    """End a subscription: with its own token (?token= or X-Subscription-Token), or as staff or its coordinator."""
    token = token or request.headers.get("x-subscription-token")
    subscription = get_subscription(session=db, subscription_id=subscription_id)
    if token:
        owner = subscription_for_token(session=db, token=token)
        if owner is None or owner.id != subscription.id:
            raise Forbidden("退订凭证无效", code="subscription.bad_token")
    else:
        user = current_user(request)
        if user is None:
            raise NotAuthorizedException(detail="请先登录或提供退订凭证")
        allowed = user.is_staff or (user.role == Role.COORDINATOR and subscription.village_code in
                                    coordinator_village_codes(session=db, user_id=user.id))
        if not allowed:
            raise Forbidden("您不能删除这个订阅", code="subscription.forbidden")
    delete_subscription(session=db, subscription=subscription)


@dataclass
class ReachCounts:
    """Reach counts of a vacancy in total or in one village."""

    village_code: str | None
    village_name: str
    town_name: str
    feed: int
    pushed: int
    delivered: int
    opened: int
    interest: int
    hired: int


@dataclass
class VacancyReachOut:
    """A vacancy's reach: totals and per village."""

    vacancy_id: int
    total: ReachCounts
    villages: list[ReachCounts]


def _counts(row: ReachRow, *, total: bool = False) -> ReachCounts:
    return ReachCounts(village_code=None if total else row.key, village_name=row.label, town_name=row.town,
                       feed=row.feed, pushed=row.pushed, delivered=row.delivered, opened=row.opened,
                       interest=row.interest, hired=row.hired)


@get("/api/v1/vacancies/{vacancy_id:int}/reach", sync_to_thread=True, tags=TAGS)
def api_vacancy_reach(request: Request, db: Session, vacancy_id: int) -> VacancyReachOut:
    """Pushed, delivered, opened, registered and hired, per village (staff, or the vacancy's own employer)."""
    user = current_user(request)
    if user is None:
        raise NotAuthorizedException(detail="请先登录")
    vacancy = get_vacancy(session=db, vacancy_id=vacancy_id)
    if not user.is_staff and not (user.role == Role.EMPLOYER and user.employer_id == vacancy.employer_id):
        raise Forbidden("只能查看本单位岗位的推送情况", code="vacancy.not_owner")
    reach = vacancy_reach(session=db, vacancy_id=vacancy_id)
    return VacancyReachOut(vacancy_id=vacancy_id, total=_counts(reach.total, total=True),
                           villages=[_counts(row) for row in reach.villages])


# One Router registers every handler at once (a GET and a POST on one path registered apart get wrapped twice).
handlers = [Router(path="/", route_handlers=[
    api_village_feed, api_subscribe, api_unsubscribe, api_vacancy_reach,
])]
