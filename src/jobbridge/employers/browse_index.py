"""An in-process index of published vacancies, kept in step with the database, that public search filters.

Why: every public search filters and counts facets over a town's (or the district's) vacancies, and a keyword
must be found in each one's text. On 100,000 vacancies the database has to visit thousands of wide rows per
search (~50 ms on SQLite and PostgreSQL alike); the same work over rows already in memory takes a few ms.

How it stays correct: before each search a cheap stamp (max() of indexed columns, see `data_stamp`) is read.
If it changed, rows updated since the last look (with an overlap, for commits that land out of order) are
read again through the updated_at indexes; anything that looks like a rewind (data deleted, a clock set back)
rebuilds the index in full, as does age. Employers are kept apart, so a suspension needs no vacancy reads.
The database stays the only source of truth; `valid_until` is compared with today at query time.
"""

from __future__ import annotations

import bisect
import json
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from operator import itemgetter

from sqlalchemy import cast, func, select
from sqlalchemy.types import Text
from sqlmodel import Session

from jobbridge.employers.models import Employer, Vacancy
from jobbridge.geo.models import TownAdjacency, Village

V = Vacancy.__table__
E = Employer.__table__
OVERLAP = timedelta(minutes=2)  # re-read this much before the last change seen: commits may land out of order
MAX_AGE_SECONDS = 600.0  # rebuild in full at least this often, whatever the stamp says
FULL_REBUILD_ROWS = 5000  # past this many changed rows (a big import), one sort beats that many list inserts


# One published vacancy as search needs it. A plain tuple, not a class: the garbage collector stops tracking
# tuples that hold only strings, numbers and dates, so 100,000 entries add nothing to its full collections
# (with objects, each full collection walked them all and cost hundreds of ms).
Entry = tuple
(ID, EMPLOYER, TITLE, TITLE_LOWER, TEXT, TOWN, VILLAGE, TYPE, CODE, PAY_KIND, PAY_LOW, PAY_HIGH, PAY_UNIT,
 PAY_KEY, EDUCATION, HEADCOUNT, TAGS, VALID_UNTIL, PUBLISHED_AT, ORDER) = range(20)
# TAGS: the benefits; PAY_KEY: monthly maximum, else minimum (what "pay at least" and the pay sort use);
# CODE: "" when unknown; ORDER: (-published timestamp, -id), so ascending order is newest first.


@dataclass
class Snapshot:
    """The index at one moment; its data never changes once readers have it (a refresh builds a new one)."""

    stamp: tuple
    built_at: float
    vacancy_cursor: datetime | None
    employer_cursor: datetime | None
    entries: dict[int, Entry] = field(default_factory=dict)
    ordered: list[Entry] = field(default_factory=list)  # newest first
    by_town: dict[str, list[Entry]] = field(default_factory=dict)
    verified: frozenset[int] = frozenset()
    employer_names: dict[int, str] = field(default_factory=dict)
    village_names: dict[str, str] = field(default_factory=dict)
    _public: dict = field(default_factory=dict, repr=False)
    memo: dict = field(default_factory=dict, repr=False)  # derived values callers keep with this index

    def public(self, today: date) -> tuple[list[Entry], dict[str, list[Entry]]]:
        """Entries anyone may see today (still valid, employer verified), newest first, and the same per town."""
        cached = self._public.get(today)
        if cached is None:
            verified = self.verified
            ordered = [e for e in self.ordered if e[VALID_UNTIL] >= today and e[EMPLOYER] in verified]
            by_town: dict[str, list[Entry]] = {}
            for entry in ordered:
                by_town.setdefault(entry[TOWN], []).append(entry)
            cached = (ordered, by_town)
            # Computing it twice in two threads is harmless; only the latest day is worth keeping.
            self._public = {today: cached}
        return cached


_SNAPSHOTS: dict[str, Snapshot] = {}
_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def _stamp_statement():  # noqa: ANN202
    adj = TownAdjacency.__table__
    return select(
        select(func.max(V.c.updated_at)).scalar_subquery(),
        select(func.max(V.c.id)).scalar_subquery(),
        select(func.max(E.c.updated_at)).scalar_subquery(),
        select(func.max(E.c.id)).scalar_subquery(),
        select(func.count()).select_from(adj).scalar_subquery(),
        select(func.max(adj.c.updated_at)).scalar_subquery(),
    )


_STAMP = _stamp_statement()  # built once: constructing it per request costs more than running it


def data_stamp(*, session: Session) -> tuple:
    """Changes whenever a vacancy, an employer or the town adjacency changes (max() of indexed columns)."""
    return tuple(session.execute(_STAMP).one())


_BENEFIT_TEXTS: dict[str, tuple[str, ...]] = {}


def _benefits(raw: str | None) -> tuple[str, ...]:
    """Benefits from the stored JSON text; few distinct combinations exist, so each is parsed once."""
    if not raw:
        return ()
    parsed = _BENEFIT_TEXTS.get(raw)
    if parsed is None:
        parsed = tuple(json.loads(raw))
        if len(_BENEFIT_TEXTS) < 10_000:
            _BENEFIT_TEXTS[raw] = parsed
    return parsed


_COLUMNS = (V.c.id, V.c.employer_id, V.c.title, V.c.search_text, V.c.town_code, V.c.village_code,
            V.c.employment_type, V.c.occupation_code, V.c.pay_kind, V.c.pay_low, V.c.pay_high, V.c.pay_unit,
            V.c.pay_monthly_min, V.c.pay_monthly_max, V.c.min_education, V.c.headcount,
            cast(V.c.benefits, Text), V.c.valid_until, V.c.published_at, V.c.status)


def _entry(row) -> Entry:  # noqa: ANN001
    (vid, employer_id, title, text, town, village, employment_type, code, pay_kind, pay_low, pay_high, pay_unit,
     monthly_min, monthly_max, min_education, headcount, benefits, valid_until, published_at, _status) = row
    stamp = published_at.timestamp() if published_at is not None else 0.0
    lower = title.lower()
    return (vid, employer_id, title, title if lower == title else lower, text or "", town, village, employment_type,
            code or "", pay_kind, pay_low, pay_high, pay_unit, monthly_max if monthly_max is not None else monthly_min,
            min_education, headcount, _benefits(benefits), valid_until, published_at, (-stamp, -vid))


_order = itemgetter(ORDER)


def _full(session: Session, stamp: tuple) -> Snapshot:
    result = session.execute(select(*_COLUMNS).where(V.c.status == "published").execution_options(yield_per=5000))
    # Streamed in partitions so the raw rows of 100,000 vacancies are never all held at once.
    entries = {row[0]: _entry(row) for part in result.partitions() for row in part}
    ordered = sorted(entries.values(), key=_order)
    by_town: dict[str, list[Entry]] = {}
    for entry in ordered:
        by_town.setdefault(entry[TOWN], []).append(entry)
    employers = session.execute(select(E.c.id, E.c.name, E.c.status)).all()
    return Snapshot(
        stamp=stamp, built_at=time.monotonic(), vacancy_cursor=stamp[0], employer_cursor=stamp[2],
        entries=entries, ordered=ordered, by_town=by_town,
        verified=frozenset(eid for eid, _name, status in employers if status == "verified"),
        employer_names={eid: name for eid, name, _status in employers},
        village_names=dict(session.execute(select(Village.code, Village.short_name)).all()),
    )


def _remove(items: list[Entry], entry: Entry) -> None:
    index = bisect.bisect_left(items, entry[ORDER], key=_order)
    while index < len(items) and items[index][ORDER] == entry[ORDER]:
        if items[index][ID] == entry[ID]:
            del items[index]
            return
        index += 1


def _incremental(session: Session, old: Snapshot, stamp: tuple) -> Snapshot:
    """A new snapshot from the old one plus the rows changed since (copy on write: readers keep the old one)."""
    new = Snapshot(stamp=stamp, built_at=old.built_at, vacancy_cursor=stamp[0], employer_cursor=stamp[2],
                   entries=old.entries, ordered=old.ordered, by_town=old.by_town, verified=old.verified,
                   employer_names=old.employer_names, village_names=old.village_names)
    if stamp[:2] != old.stamp[:2]:
        query = select(*_COLUMNS)
        if old.vacancy_cursor is not None:
            query = query.where(V.c.updated_at >= old.vacancy_cursor - OVERLAP)
        changed = session.execute(query).all()
        if len(changed) > FULL_REBUILD_ROWS:
            return _full(session, stamp)
        if changed:
            new.entries, new.ordered = dict(old.entries), list(old.ordered)
            new.by_town = dict(old.by_town)
            copied: set[str] = set()
            for row in changed:
                previous = new.entries.pop(row[0], None)
                fresh = _entry(row) if row[-1] == "published" else None
                for entry in (e for e in (previous, fresh) if e is not None):
                    if entry[TOWN] not in copied:
                        new.by_town[entry[TOWN]] = list(new.by_town.get(entry[TOWN], ()))
                        copied.add(entry[TOWN])
                if previous is not None:
                    _remove(new.ordered, previous)
                    _remove(new.by_town[previous[TOWN]], previous)
                if fresh is not None:
                    new.entries[fresh[ID]] = fresh
                    bisect.insort(new.ordered, fresh, key=_order)
                    bisect.insort(new.by_town[fresh[TOWN]], fresh, key=_order)
    if stamp[2:4] != old.stamp[2:4]:
        query = select(E.c.id, E.c.name, E.c.status)
        if old.employer_cursor is not None:
            query = query.where(E.c.updated_at >= old.employer_cursor - OVERLAP)
        changed = session.execute(query).all()
        if changed:
            verified, names = set(old.verified), dict(old.employer_names)
            for eid, name, status in changed:
                names[eid] = name
                (verified.add if status == "verified" else verified.discard)(eid)
            new.verified, new.employer_names = frozenset(verified), names
    return new


def _rewound(old: tuple, new: tuple) -> bool:
    """Whether anything went backwards (rows deleted, a clock set back): an incremental read could miss it."""
    for before, after in zip(old[:4], new[:4], strict=True):
        if before is not None and (after is None or after < before):
            return True
    return False


def snapshot(*, session: Session, stamp: tuple | None = None) -> Snapshot:
    """The index as of now for this session's database, refreshed first if the stamp moved."""
    stamp = stamp if stamp is not None else data_stamp(session=session)
    url = str(session.get_bind().url)
    current = _SNAPSHOTS.get(url)
    with _LOCKS_GUARD:
        lock = _LOCKS.setdefault(url, threading.Lock())
    if current is not None and current.stamp == stamp:
        if time.monotonic() - current.built_at < MAX_AGE_SECONDS:
            return current
        # Only age calls for a rebuild: one request does it while the others keep the index they have, which
        # still matches the stamp.
        if not lock.acquire(blocking=False):
            return current
        try:
            _SNAPSHOTS[url] = fresh = _full(session, stamp)
            return fresh
        finally:
            lock.release()
    with lock:
        current = _SNAPSHOTS.get(url)  # another thread may have refreshed while this one waited
        if current is not None and current.stamp == stamp:
            return current
        young = current is not None and time.monotonic() - current.built_at < MAX_AGE_SECONDS
        if current is None or not young or _rewound(current.stamp, stamp):
            fresh = _full(session, stamp)
        else:
            fresh = _incremental(session, current, stamp)
        _SNAPSHOTS[url] = fresh
        return fresh


def forget() -> None:
    """Drop every index (tests; a process that switches databases)."""
    _SNAPSHOTS.clear()
