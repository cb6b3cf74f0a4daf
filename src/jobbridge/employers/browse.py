"""Searching public vacancies: filters, near-me ordering, sorting, pagination and facet counts."""

from __future__ import annotations

import heapq
import threading
import time
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import islice
from operator import itemgetter

from sqlalchemy import exists, select
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
from jobbridge.employers.browse_index import (
    CODE,
    EDUCATION,
    EMPLOYER,
    HEADCOUNT,
    ID,
    PAY_HIGH,
    PAY_KEY,
    PAY_KIND,
    PAY_LOW,
    PAY_UNIT,
    PUBLISHED_AT,
    TAGS,
    TEXT,
    TITLE,
    TITLE_LOWER,
    TOWN,
    TYPE,
    VALID_UNTIL,
    VILLAGE,
    Entry,
    Snapshot,
    data_stamp,
    snapshot,
)
from jobbridge.employers.models import Employer, Vacancy
from jobbridge.employers.pay import Pay
from jobbridge.employers.vacancies import today_local
from jobbridge.errors import DomainError
from jobbridge.geo.models import Town
from jobbridge.geo.service import adjacency
from jobbridge.vocab import BENEFITS, EMPLOYMENT_TYPES

__all__ = ["BANDS", "Facet", "Facets", "SearchResult", "VacancyCard", "VacancyFilters", "data_stamp",
           "public_conditions", "search_vacancies"]

# How near a vacancy is to the person's village, nearest first (labels follow TRAVEL_RANGES).
BANDS = ("本村", "本镇", "邻镇", "其他镇街")
MAX_PAGE = 10_000
UNCLASSIFIED = "未分类"

V = Vacancy.__table__
E = Employer.__table__


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
    """SQL for "anyone may see it": published, still valid, employer verified (for queries outside search)."""
    # A correlated EXISTS, not IN (...): SQLite would otherwise drive the scan from the employer_id index.
    owner = E.alias("owner")
    verified = exists().where(owner.c.id == V.c.employer_id, owner.c.status == "verified")
    return [V.c.status == "published", V.c.valid_until >= today, verified]


def _matching(*, session: Session, index: Snapshot, cf: CleanFilters, today: date, now: datetime) -> list[Entry]:
    """Public vacancies passing every filter, newest first (each filter is one pass over what is left)."""
    public, public_by_town = index.public(today)
    rows = public_by_town.get(cf.town, []) if cf.town else public
    if cf.village:
        rows = [e for e in rows if e[VILLAGE] == cf.village]
    if cf.employment_type:
        rows = [e for e in rows if e[TYPE] == cf.employment_type]
    for term in cf.terms:
        rows = [e for e in rows if term in e[TEXT]]
    if cf.occupation_prefix:
        prefix = cf.occupation_prefix
        rows = [e for e in rows if (e[CODE] == prefix if cf.occupation_exact
                                    else e[CODE].startswith(prefix))]
    if cf.occupation_keyword:
        word = cf.occupation_keyword
        prefixes = occupation_keyword_prefixes(session=session, keyword=word)
        wide = tuple(p for p, is_exact in prefixes if not is_exact)
        exact = {p for p, is_exact in prefixes if is_exact}
        rows = [e for e in rows if word in e[TEXT] or e[CODE] in exact
                or (wide and e[CODE].startswith(wide))]
    if cf.min_pay:
        rows = [e for e in rows if e[PAY_KEY] is not None and e[PAY_KEY] >= cf.min_pay]
    if cf.education_levels is not None:
        levels = set(cf.education_levels)
        rows = [e for e in rows if e[EDUCATION] in levels]
    if cf.benefits:
        wanted = set(cf.benefits)
        rows = [e for e in rows if wanted.issubset(e[TAGS])]
    if cf.posted_within:
        since = now - timedelta(days=cf.posted_within)
        rows = [e for e in rows if e[PUBLISHED_AT] is not None and e[PUBLISHED_AT] >= since]
    return rows


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
    stamp = data_stamp(session=session)
    key = (str(session.get_bind().url), cf, page, page_size, today, stamp)
    if _cache_enabled():
        hit = RESULTS.get(key)
        if hit is not None:
            return hit
    index = snapshot(session=session, stamp=stamp)
    rows = _matching(session=session, index=index, cf=cf, today=today, now=utcnow())
    neighbours = adjacency(session=session).get(cf.near_town, frozenset()) if cf.near_town else frozenset()
    towns = dict(session.execute(select(Town.code, Town.name).order_by(Town.sort_order)).all())
    ordered = _ordered(rows=rows, cf=cf, neighbours=neighbours, limit=page * page_size)[(page - 1) * page_size:]
    public, public_by_town = index.public(today)
    if rows is public or rows is public_by_town.get(cf.town or ""):
        # The landing list and the town lists are the most asked for: their facets are counted once per index.
        facets = index.memo.get((today, cf.town))
        if facets is None:
            facets = index.memo[(today, cf.town)] = _facets(session=session, rows=rows, towns=towns)
    else:
        facets = _facets(session=session, rows=rows, towns=towns)
    result = SearchResult(total=len(rows), page=page, page_size=page_size,
                          items=[_card(e, index=index, cf=cf, neighbours=neighbours, towns=towns) for e in ordered],
                          facets=facets, filters=cf)
    if _cache_enabled():
        RESULTS.put(key, result)
    return result


# --- Result cache ------------------------------------------------------------------------------------------
# The same searches come again and again (a town's list, a popular keyword) while vacancies change a few
# times an hour. Whole results are kept per filter set and page, keyed by the change stamp, so any publish,
# edit, expiry, suspension or adjacency edit is seen by the next request in every process; the time limit
# bounds staleness from the rare write the stamp cannot see (two updates of one table committing out of order).


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


RESULTS = _ResultCache(size=1024, ttl=300.0)
CACHE_SWITCH: dict[str, bool | None] = {"enabled": None}  # None: on everywhere except the test environment


def _cache_enabled() -> bool:
    switch = CACHE_SWITCH["enabled"]
    return get_settings().env != "test" if switch is None else switch


# --- Facets, order and cards -------------------------------------------------------------------------------


def _facets(*, session: Session, rows: list[Entry], towns: dict[str, str]) -> Facets:
    """Counts per town, employment type, benefit and 大类 over the matching rows."""
    # map(itemgetter) keeps the counting loops in C: on the district-wide list this is most of the work.
    by_town = Counter(map(itemgetter(TOWN), rows))
    by_type = Counter(map(itemgetter(TYPE), rows))
    by_major: Counter = Counter()
    for code, n in Counter(map(itemgetter(CODE), rows)).items():
        by_major[code[:1]] += n
    by_benefit: Counter = Counter()
    for combination, n in Counter(map(itemgetter(TAGS), rows)).items():
        for benefit in combination:
            by_benefit[benefit] += n
    majors = major_names(session=session)
    return Facets(
        towns=[Facet(code, name, by_town[code]) for code, name in towns.items() if by_town.get(code)],
        employment_types=[Facet(t, t, by_type[t]) for t in EMPLOYMENT_TYPES if by_type.get(t)],
        benefits=[Facet(b, b, by_benefit[b]) for b in BENEFITS if by_benefit.get(b)],
        majors=[Facet(code, majors.get(code, UNCLASSIFIED) if code else UNCLASSIFIED, n)
                for code, n in sorted(by_major.items(), key=lambda kv: (kv[0] == "", kv[0]))],
    )


def _band(cf: CleanFilters, neighbours: frozenset[str], entry: Entry) -> int:
    if entry[VILLAGE] and entry[VILLAGE] == cf.near_village:
        return 0
    if entry[TOWN] == cf.near_town:
        return 1
    return 2 if entry[TOWN] in neighbours else 3


def _ordered(*, rows: list[Entry], cf: CleanFilters, neighbours: frozenset[str], limit: int) -> list[Entry]:
    """The first `limit` rows in the asked order; rows arrive newest first and every sort here is stable."""
    if cf.sort == "pay":
        return heapq.nsmallest(limit, rows, key=lambda e: (e[PAY_KEY] is None, -(e[PAY_KEY] or 0)))
    if cf.sort != "relevance":
        return rows[:limit]
    words = [*cf.terms, *([cf.occupation_keyword] if cf.occupation_keyword else [])]
    if cf.near_village:
        return heapq.nsmallest(limit, rows, key=lambda e: (
            _band(cf, neighbours, e), bool(words) and not all(w in e[TITLE_LOWER] for w in words)))
    if not words:
        return rows[:limit]
    # Keyword in the title first, then the rest, each newest first; only as much of the rest as the page needs.
    if len(words) == 1:
        word = words[0]
        in_title = [e for e in rows if word in e[TITLE_LOWER]]
    else:
        in_title = [e for e in rows if all(w in e[TITLE_LOWER] for w in words)]
    if len(in_title) >= limit:
        return in_title[:limit]
    chosen = {e[ID] for e in in_title}
    rest = (e for e in rows if e[ID] not in chosen)
    return in_title + list(islice(rest, limit - len(in_title)))


def _card(entry: Entry, *, index: Snapshot, cf: CleanFilters, neighbours: frozenset[str],
          towns: dict[str, str]) -> VacancyCard:
    return VacancyCard(
        id=entry[ID], title=entry[TITLE], employer_name=index.employer_names.get(entry[EMPLOYER], ""),
        pay=Pay(kind=entry[PAY_KIND], low=entry[PAY_LOW], high=entry[PAY_HIGH], unit=entry[PAY_UNIT]).display(),
        pay_kind=entry[PAY_KIND], employment_type=entry[TYPE], town_code=entry[TOWN],
        town_name=towns.get(entry[TOWN], ""), village_code=entry[VILLAGE],
        village_name=index.village_names.get(entry[VILLAGE], "") if entry[VILLAGE] else "",
        benefits=list(entry[TAGS]), headcount=entry[HEADCOUNT], min_education=entry[EDUCATION],
        occupation_code=entry[CODE] or None, published_at=entry[PUBLISHED_AT],
        valid_until=entry[VALID_UNTIL], band=BANDS[_band(cf, neighbours, entry)] if cf.near_village else None,
    )
