"""Searching public vacancies: filters, near-me ordering, sorting, pagination and facet counts."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, exists, func, literal, or_, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from jobbridge.config import get_settings
from jobbridge.db import utcnow
from jobbridge.employers.browse_filters import (
    MAX_PAGE_SIZE,
    CleanFilters,
    VacancyFilters,
    clean_filters,
    major_names,
    occupation_keyword_prefixes,
)
from jobbridge.employers.models import Employer, Vacancy, VacancyBenefit
from jobbridge.employers.pay import Pay
from jobbridge.employers.vacancies import today_local
from jobbridge.errors import DomainError
from jobbridge.geo.models import Town, TownAdjacency, Village
from jobbridge.geo.service import adjacency
from jobbridge.vocab import BENEFITS, EMPLOYMENT_TYPES

__all__ = ["BANDS", "Facet", "Facets", "SearchResult", "VacancyCard", "VacancyFilters", "public_conditions",
           "search_vacancies"]

# How near a vacancy is to the person's village, nearest first (labels follow TRAVEL_RANGES).
BANDS = ("本村", "本镇", "邻镇", "其他镇街")
MAX_PAGE = 10_000
UNCLASSIFIED = "未分类"

V = Vacancy.__table__
E = Employer.__table__
B = VacancyBenefit.__table__


@dataclass
class VacancyCard:
    """What a list shows about one vacancy."""

    id: int
    title: str
    employer_name: str
    pay: str
    pay_kind: str
    employment_type: str
    town_code: str
    town_name: str
    village_code: str | None
    village_name: str
    benefits: list[str]
    headcount: int
    min_education: str
    occupation_code: str | None
    published_at: datetime | None
    valid_until: date
    band: str | None = None  # distance band when "near me" is used


@dataclass
class Facet:
    """One value of a facet with how many vacancies in the filtered set have it."""

    value: str
    label: str
    count: int


@dataclass
class Facets:
    """Counts over the filtered set, per facet."""

    towns: list[Facet] = field(default_factory=list)
    employment_types: list[Facet] = field(default_factory=list)
    benefits: list[Facet] = field(default_factory=list)
    majors: list[Facet] = field(default_factory=list)


@dataclass
class SearchResult:
    """One page of public vacancies with the total and the facet counts."""

    total: int
    page: int
    page_size: int
    items: list[VacancyCard]
    facets: Facets
    filters: CleanFilters

    @property
    def pages(self) -> int:
        """Number of pages (at least 1)."""
        return max(1, -(-self.total // self.page_size))


def public_conditions(*, today: date) -> list[ColumnElement]:
    """What makes a vacancy public: published, still valid, and its employer verified (suspension hides at once)."""
    # A correlated EXISTS, not IN (...): SQLite would otherwise drive the scan from the employer_id index.
    owner = E.alias("owner")
    verified = exists().where(owner.c.id == V.c.employer_id, owner.c.status == "verified")
    return [V.c.status == "published", V.c.valid_until >= today, verified]


def _conditions(*, session: Session, cf: CleanFilters, today: date, now: datetime) -> list[ColumnElement]:
    conds = public_conditions(today=today)
    if cf.town:
        conds.append(V.c.town_code == cf.town)
    if cf.village:
        conds.append(V.c.village_code == cf.village)
    if cf.employment_type:
        conds.append(V.c.employment_type == cf.employment_type)
    sqlite = session.get_bind().dialect.name == "sqlite"
    for term in cf.terms:
        conds.append(_contains(V.c.search_text, term, sqlite=sqlite))
    if cf.occupation_prefix:
        conds.append(_code_match(cf.occupation_prefix, cf.occupation_exact))
    if cf.occupation_keyword:
        by_name = [_code_match(p, exact) for p, exact in
                   occupation_keyword_prefixes(session=session, keyword=cf.occupation_keyword)]
        conds.append(or_(_contains(V.c.search_text, cf.occupation_keyword, sqlite=sqlite), *by_name))
    if cf.min_pay:
        conds.append(func.coalesce(V.c.pay_monthly_max, V.c.pay_monthly_min) >= cf.min_pay)
    if cf.education_levels is not None:
        conds.append(V.c.min_education.in_(cf.education_levels))
    for benefit in cf.benefits:
        conds.append(exists().where(B.c.vacancy_id == V.c.id, B.c.benefit == benefit))
    if cf.posted_within:
        conds.append(V.c.published_at >= now - timedelta(days=cf.posted_within))
    return conds


def _contains(column: ColumnElement, term: str, *, sqlite: bool) -> ColumnElement:
    # SQLite's LIKE compares character by character; instr() finds a substring several times faster.
    return func.instr(column, term) > 0 if sqlite else column.contains(term, autoescape=True)


def _code_match(prefix: str, exact: bool) -> ColumnElement:
    return V.c.occupation_code == prefix if exact else V.c.occupation_code.startswith(prefix, autoescape=True)


def _band_expr(cf: CleanFilters, neighbours: frozenset[str]) -> ColumnElement:
    whens = [(V.c.village_code == cf.near_village, 0), (V.c.town_code == cf.near_town, 1)]
    if neighbours:
        whens.append((V.c.town_code.in_(sorted(neighbours)), 2))
    return case(*whens, else_=3)


def _order_by(cf: CleanFilters, neighbours: frozenset[str]) -> list:
    newest = [V.c.published_at.desc(), V.c.id.desc()]
    if cf.sort == "newest":
        return newest
    if cf.sort == "pay":
        return [func.coalesce(V.c.pay_monthly_max, V.c.pay_monthly_min).desc().nulls_last(), *newest]
    order: list = []
    if cf.near_village:
        order.append(_band_expr(cf, neighbours))
    words = [*cf.terms, *([cf.occupation_keyword] if cf.occupation_keyword else [])]
    if words:
        title = func.lower(V.c.title)
        order.append(case((and_(*[title.contains(w, autoescape=True) for w in words]), 0), else_=1))
    return order + newest


def search_vacancies(*, session: Session, filters: VacancyFilters, page: int = 1, page_size: int = 20,
                     today: date | None = None) -> SearchResult:
    """One page of public vacancies matching the filters, with the total and facet counts over the filtered set.

    The result is shared with other callers through the cache: treat it as read-only.
    """
    if not isinstance(page, int) or page < 1 or page > MAX_PAGE:
        raise DomainError(f"页码应为1到{MAX_PAGE}之间的整数", code="filter.page", field="page")
    if not isinstance(page_size, int) or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise DomainError(f"每页条数应在1到{MAX_PAGE_SIZE}之间", code="filter.page_size", field="page_size")
    cf = clean_filters(session=session, filters=filters)
    today = today or today_local()
    key = None
    if _cache_enabled():
        key = (str(session.get_bind().url), cf, page, page_size, today, data_stamp(session=session))
        hit = RESULTS.get(key)
        if hit is not None:
            return hit
    conds = _conditions(session=session, cf=cf, today=today, now=utcnow())
    neighbours = adjacency(session=session).get(cf.near_town, frozenset()) if cf.near_town else frozenset()
    towns = dict(session.execute(select(Town.code, Town.name).order_by(Town.sort_order)).all())
    total, facets = _facets(session=session, conds=conds, towns=towns)
    items = _page(session=session, cf=cf, conds=conds, neighbours=neighbours, towns=towns, page=page,
                  page_size=page_size) if total else []
    result = SearchResult(total=total, page=page, page_size=page_size, items=items, facets=facets, filters=cf)
    if key is not None:
        RESULTS.put(key, result)
    return result


# --- Result cache ------------------------------------------------------------------------------------------
# Public search is read far more often than vacancies change, and counting facets over thousands of rows is
# the expensive part. Results are kept per filter set and page, keyed by a change stamp read from indexed
# columns, so any publish, edit, expiry, suspension or adjacency edit is seen by the next request in every
# process. The TTL bounds staleness from writes the stamp cannot see (e.g. two commits landing out of order).


class _ResultCache:
    """A small thread-safe LRU with a time limit."""

    def __init__(self, *, size: int, ttl: float) -> None:
        self.size, self.ttl = size, ttl
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> SearchResult | None:
        with self._lock:
            entry = self._items.get(key)
            if entry is None:
                return None
            stored, value = entry
            if time.monotonic() - stored > self.ttl:
                del self._items[key]
                return None
            self._items.move_to_end(key)
            return value

    def put(self, key: tuple, value: SearchResult) -> None:
        with self._lock:
            self._items[key] = (time.monotonic(), value)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


RESULTS = _ResultCache(size=512, ttl=30.0)
CACHE_SWITCH: dict[str, bool | None] = {"enabled": None}  # None: on everywhere except the test environment


def _cache_enabled() -> bool:
    switch = CACHE_SWITCH["enabled"]
    return get_settings().env != "test" if switch is None else switch


def data_stamp(*, session: Session) -> tuple:
    """Changes whenever a vacancy, an employer or the town adjacency changes (max() of indexed columns)."""
    adj = TownAdjacency.__table__
    row = session.execute(select(
        select(func.max(V.c.updated_at)).scalar_subquery(),
        select(func.max(V.c.id)).scalar_subquery(),
        select(func.max(E.c.updated_at)).scalar_subquery(),
        select(func.max(E.c.id)).scalar_subquery(),
        select(func.count()).select_from(adj).scalar_subquery(),
        select(func.max(adj.c.updated_at)).scalar_subquery(),
    )).one()
    return tuple(row)


def _facets(*, session: Session, conds: list, towns: dict[str, str]) -> tuple[int, Facets]:
    """Total and facet counts: one grouped pass for towns, types and 大类, one for benefits."""
    major = func.substr(func.coalesce(V.c.occupation_code, ""), 1, 1).label("major")
    rows = session.execute(
        select(V.c.town_code, V.c.employment_type, major, func.count().label("n"))
        .where(*conds).group_by(V.c.town_code, V.c.employment_type, major)
    ).all()
    by_town: dict[str, int] = {}
    by_type: dict[str, int] = {}
    by_major: dict[str, int] = {}
    for town_code, employment_type, major_code, n in rows:
        by_town[town_code] = by_town.get(town_code, 0) + n
        by_type[employment_type] = by_type.get(employment_type, 0) + n
        by_major[major_code or ""] = by_major.get(major_code or "", 0) + n
    total = sum(by_town.values())
    by_benefit: dict[str, int] = {}
    if total:
        ids = select(V.c.id).where(*conds)
        by_benefit = dict(session.execute(
            select(B.c.benefit, func.count()).where(B.c.vacancy_id.in_(ids)).group_by(B.c.benefit)
        ).all())
    majors = major_names(session=session)
    facets = Facets(
        towns=[Facet(code, name, by_town[code]) for code, name in towns.items() if by_town.get(code)],
        employment_types=[Facet(t, t, by_type[t]) for t in EMPLOYMENT_TYPES if by_type.get(t)],
        benefits=[Facet(b, b, by_benefit[b]) for b in BENEFITS if by_benefit.get(b)],
        majors=[Facet(code, majors.get(code, UNCLASSIFIED) if code else UNCLASSIFIED, n)
                for code, n in sorted(by_major.items(), key=lambda kv: (kv[0] == "", kv[0]))],
    )
    return total, facets


def _page(*, session: Session, cf: CleanFilters, conds: list, neighbours: frozenset[str], towns: dict[str, str],
          page: int, page_size: int) -> list[VacancyCard]:
    band = _band_expr(cf, neighbours).label("band") if cf.near_village else literal(None).label("band")
    query = (
        select(V.c.id, V.c.title, E.c.name.label("employer_name"), V.c.pay_kind, V.c.pay_low, V.c.pay_high,
               V.c.pay_unit, V.c.employment_type, V.c.town_code, V.c.village_code, V.c.benefits, V.c.headcount,
               V.c.min_education, V.c.occupation_code, V.c.published_at, V.c.valid_until, band)
        .join(E, E.c.id == V.c.employer_id)
        .where(*conds)
        .order_by(*_order_by(cf, neighbours))
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    rows = session.execute(query).all()
    village_codes = {r.village_code for r in rows if r.village_code}
    villages = dict(session.execute(
        select(Village.code, Village.short_name).where(Village.code.in_(village_codes))
    ).all()) if village_codes else {}
    return [
        VacancyCard(
            id=r.id, title=r.title, employer_name=r.employer_name,
            pay=Pay(kind=r.pay_kind, low=r.pay_low, high=r.pay_high, unit=r.pay_unit).display(),
            pay_kind=r.pay_kind, employment_type=r.employment_type, town_code=r.town_code,
            town_name=towns.get(r.town_code, ""), village_code=r.village_code,
            village_name=villages.get(r.village_code, "") if r.village_code else "", benefits=list(r.benefits or []),
            headcount=r.headcount, min_education=r.min_education, occupation_code=r.occupation_code,
            published_at=r.published_at, valid_until=r.valid_until,
            band=BANDS[r.band] if r.band is not None else None,
        )
        for r in rows
    ]

