"""The process-wide match index: cold start, artifact pick-up, replay of other workers' changes, local updates."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func
from sqlmodel import Session, col, select

from jobbridge.employers.models import Employer, Vacancy
from jobbridge.matching.model import Geography, VacancyDoc, Weights

if TYPE_CHECKING:
    from jobbridge.matching.index import MatchIndex

__all__ = ["IndexHolder", "Snapshot", "Stamps", "build_snapshot", "holder_for", "open_docs", "reset_holders",
           "vacancy_doc"]

POLL_SECONDS = 30.0  # how often a worker asks whether a newer artifact exists
SYNC_SECONDS = 2.0  # how often a worker replays vacancy changes made elsewhere
# Rows are re-read this far behind the newest change seen: a transaction may commit a little after it stamped
# updated_at, and hosts' clocks differ a little. Unchanged rows are skipped, so the overlap costs one query.
LOOKBACK = timedelta(minutes=5)


def _today() -> date:
    from jobbridge.employers.vacancy_input import today_local

    return today_local()


def vacancy_doc(*, vacancy: Vacancy, employer_status: str, today: date | None = None) -> VacancyDoc:
    """The ranking core's view of a vacancy (open only when published, employer verified and still valid)."""
    today = today or _today()
    is_open = vacancy.status == "published" and employer_status == "verified" and vacancy.valid_until >= today
    return VacancyDoc(
        id=int(vacancy.id),
        title=vacancy.title,
        text=" ".join(part for part in (vacancy.skills, vacancy.description) if part),
        occupation_code=vacancy.occupation_code or None,
        town_code=vacancy.town_code or None,
        village_code=vacancy.village_code or None,
        min_education=vacancy.min_education or None,
        age_min=vacancy.age_min,
        age_max=vacancy.age_max,
        pay_monthly_min=vacancy.pay_monthly_min,
        pay_monthly_max=vacancy.pay_monthly_max,
        employment_type=vacancy.employment_type or None,
        published_at=vacancy.published_at,
        is_open=is_open,
        employer_id=vacancy.employer_id,
    )


def _open_clause(today: date):  # noqa: ANN202
    return (Vacancy.status == "published", Employer.status == "verified", col(Vacancy.valid_until) >= today)


# Plain columns rather than ORM objects: 100,000 vacancies must not sit in a session's identity map.
_DOC_COLUMNS = tuple(getattr(Vacancy, name) for name in (
    "id", "title", "skills", "description", "occupation_code", "town_code", "village_code", "min_education",
    "age_min", "age_max", "pay_monthly_min", "pay_monthly_max", "employment_type", "published_at", "employer_id",
    "status", "valid_until", "updated_at"))


def _doc_rows(*, session: Session, where: tuple) -> Iterable:
    """(vacancy columns, employer status) rows, streamed."""
    query = select(*_DOC_COLUMNS, Employer.status.label("employer_status")).join(
        Employer, Employer.id == Vacancy.employer_id).where(*where)
    return session.execute(query.execution_options(yield_per=5000))


def open_docs(*, session: Session, today: date | None = None) -> list[VacancyDoc]:
    """Every open vacancy as a VacancyDoc."""
    today = today or _today()
    return [vacancy_doc(vacancy=r, employer_status=r.employer_status, today=today)
            for r in _doc_rows(session=session, where=_open_clause(today))]


def load_geography(*, session: Session) -> Geography:
    """Village→town membership and town adjacency from the reference tables."""
    from jobbridge.geo.service import adjacency, town_of_village

    pairs = {(a, b) for a, near in adjacency(session=session).items() for b in near}
    return Geography.from_pairs(villages=town_of_village(session=session).items(), adjacent_pairs=pairs)


def occupation_names() -> Callable[[str], str | None]:
    """Occupation code → name from the classification (used in reasons such as 工种对口(焊工))."""
    from jobbridge.matching.coder import occupation_table

    table = occupation_table()

    def name(code: str) -> str | None:
        row = table.get(code)
        return row.name if row else None

    return name


def current_weights(*, session: Session) -> Weights:
    """The newest adopted weights, else the hand-set defaults."""
    from jobbridge.matching.models import MatchWeightSet

    row = session.exec(select(MatchWeightSet).order_by(col(MatchWeightSet.id).desc()).limit(1)).first()
    return Weights.from_dict(row.weights) if row else Weights()


@dataclass
class Stamps:
    """updated_at of the vacancies and employers an index already reflects (recent ones only)."""

    vacancies: dict[int, datetime] = field(default_factory=dict)
    employers: dict[int, datetime] = field(default_factory=dict)

    def to_json(self) -> dict:
        """For the artifact row."""
        return {"v": {str(k): v.isoformat() for k, v in self.vacancies.items()},
                "e": {str(k): v.isoformat() for k, v in self.employers.items()}}

    @classmethod
    def from_json(cls, data: dict | None) -> Stamps:
        """Inverse of to_json (empty for artifacts without stamps)."""
        data = data or {}
        return cls({int(k): datetime.fromisoformat(v) for k, v in data.get("v", {}).items()},
                   {int(k): datetime.fromisoformat(v) for k, v in data.get("e", {}).items()})


@dataclass
class Snapshot:
    """An index built from the database, with what it includes (so replaying later changes skips the rest)."""

    index: MatchIndex | None
    geography: Geography
    weights: Weights
    mark: datetime | None
    stamps: Stamps
    docs: int


def db_mark(*, session: Session) -> datetime | None:
    """Newest vacancy or employer change in the database."""
    marks = [session.exec(select(func.max(Vacancy.updated_at))).one(),
             session.exec(select(func.max(Employer.updated_at))).one()]
    marks = [m for m in marks if m is not None]
    return max(marks) if marks else None


def recent_stamps(*, session: Session, since: datetime | None) -> Stamps:
    """updated_at of every vacancy and employer changed since a time (all of them when None)."""
    v_q, e_q = select(Vacancy.id, Vacancy.updated_at), select(Employer.id, Employer.updated_at)
    if since is not None:
        v_q, e_q = v_q.where(col(Vacancy.updated_at) >= since), e_q.where(col(Employer.updated_at) >= since)
    return Stamps(dict(session.exec(v_q).all()), dict(session.exec(e_q).all()))


def build_snapshot(*, session: Session, names: Callable[[str], str | None],
                   weights: Weights | None = None) -> Snapshot:
    """Fit a fresh index on every open vacancy (index None when there is none)."""
    from jobbridge.matching.index import MatchIndex

    geography = load_geography(session=session)
    weights = weights or current_weights(session=session)
    mark = db_mark(session=session)
    # Stamps first: a row changed between the two reads then looks newer than its stamp and is replayed again.
    stamps = recent_stamps(session=session, since=(mark - LOOKBACK) if mark else None)
    docs = open_docs(session=session)
    index = MatchIndex.build(docs, geography=geography, names=names, weights=weights) if docs else None
    return Snapshot(index, geography, weights, mark, stamps, len(docs))


class IndexHolder:
    """One worker's index and its freshness bookkeeping; every method is safe to call from many threads.

    The index is built from the database on first use when no artifact exists, replaced when a newer
    artifact appears (polled every `poll_seconds`), and kept current with vacancy and employer changes
    committed by other workers (replayed every `sync_seconds`). Local changes apply at once via `apply`.
    """

    def __init__(
        self,
        *,
        poll_seconds: float = POLL_SECONDS,
        sync_seconds: float = SYNC_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.poll_seconds = poll_seconds
        self.sync_seconds = sync_seconds
        self._clock = clock
        self._lock = threading.RLock()
        self._load_lock = threading.Lock()
        self._index: MatchIndex | None = None
        self._geography: Geography | None = None
        self._weights: Weights | None = None
        self._names_fn: Callable[[str], str | None] | None = None
        self._ready = False
        self.artifact_id: int | None = None
        self.artifact_version: str | None = None
        self._mark: datetime | None = None  # newest vacancy/employer updated_at replayed
        self._seen: dict[int, datetime | None] = {}  # vacancy id → updated_at last applied
        self._seen_employers: dict[int, datetime | None] = {}
        self._recheck: set[int] = set()  # changed locally, possibly rolled back: re-read once committed
        self._day: date | None = None
        self._next_poll = 0.0
        self._next_sync = 0.0
        self.stats = {"builds": 0, "loads": 0, "upserts": 0, "removes": 0, "syncs": 0}

    # -- access -----------------------------------------------------------------------------------------
    @property
    def lock(self) -> threading.RLock:
        """Held while ranking: MatchIndex itself is not thread-safe."""
        return self._lock

    @property
    def index(self) -> MatchIndex | None:
        """The current index (None while no vacancy is open or before the first refresh)."""
        return self._index

    @property
    def names(self) -> Callable[[str], str | None]:
        """Occupation code → name, for reasons (read on first use: most processes never rank)."""
        if self._names_fn is None:
            self._names_fn = occupation_names()
        return self._names_fn

    @property
    def ready(self) -> bool:
        """Whether the first load or build has happened."""
        return self._ready

    def refresh(self, *, session: Session, force: bool = False) -> MatchIndex | None:
        """Make the index current enough to rank with: load or build once, then poll and sync when due."""
        if not self._ready:
            with self._load_lock:
                if not self._ready:
                    self._cold_start(session=session)
        now = self._clock()
        if force or now >= self._next_poll:
            self._next_poll = now + self.poll_seconds
            self.poll_artifact(session=session)
        if force or now >= self._next_sync:
            self._next_sync = now + self.sync_seconds
            self.sync(session=session)
        return self._index

    # -- whole-index changes -------------------------------------------------------------------------------
    def _cold_start(self, *, session: Session) -> None:
        """Load the newest artifact, or build from the database when there is none (or it cannot be read)."""
        if not self._load_latest(session=session):
            self.rebuild(session=session)
        self._ready = True

    def _load_latest(self, *, session: Session) -> bool:
        """Swap in the newest artifact when it differs from ours; False when there is none usable."""
        from jobbridge.matching.artifacts import latest_artifact_id, read_artifact

        latest = latest_artifact_id(session=session)
        if latest is None:
            return False
        if latest == (self.artifact_id, self.artifact_version):
            return True
        geography = self._geography or load_geography(session=session)
        loaded = read_artifact(session=session, artifact_id=latest[0], geography=geography, names=self.names)
        if loaded is None:
            return False
        index, version, data_through, stamps = loaded
        with self._lock:
            self._geography, self._weights = geography, index.weights
            self._install(index, mark=data_through, stamps=stamps)
            self.artifact_id, self.artifact_version = latest[0], version
            self.stats["loads"] += 1
        # Changes committed after the artifact was cut are replayed on top of it.
        self.sync(session=session)
        return True

    def poll_artifact(self, *, session: Session) -> bool:
        """Pick up a newer artifact written by the nightly job (on any host); True when one was swapped in."""
        from jobbridge.matching.artifacts import latest_artifact_id

        latest = latest_artifact_id(session=session)
        if latest is None or latest == (self.artifact_id, self.artifact_version):
            return False
        # One thread loads; others keep ranking with the current index meanwhile.
        if not self._load_lock.acquire(blocking=False):
            return False
        try:
            return self._load_latest(session=session)
        finally:
            self._load_lock.release()

    def rebuild(self, *, session: Session, weights: Weights | None = None) -> MatchIndex | None:
        """Build a fresh index from the open vacancies (None when there are none) and swap it in."""
        snap = build_snapshot(session=session, names=self.names, weights=weights)
        with self._lock:
            self._geography, self._weights = snap.geography, snap.weights
            self._install(snap.index, mark=snap.mark, stamps=snap.stamps)
            self.stats["builds"] += 1
        return snap.index

    def adopt(self, snap: Snapshot, *, artifact_id: int | None, version: str | None) -> None:
        """Use a snapshot built elsewhere in this process (the rebuild job's) as this holder's index."""
        with self._lock:
            self._geography, self._weights = snap.geography, snap.weights
            self._install(snap.index, mark=snap.mark, stamps=snap.stamps)
            self.artifact_id, self.artifact_version = artifact_id, version
            self._ready = True

    def _install(self, index: MatchIndex | None, *, mark: datetime | None, stamps: Stamps) -> None:
        self._index = index
        self._mark = mark
        self._seen = dict(stamps.vacancies)
        self._seen_employers = dict(stamps.employers)
        self._day = _today()

    # -- incremental changes -------------------------------------------------------------------------------
    def apply(self, docs: Iterable[VacancyDoc], *, removed: Iterable[int] = ()) -> None:
        """Upsert open docs and drop closed ones or removed ids, at once (builds the first index if needed)."""
        from jobbridge.matching.index import MatchIndex

        docs = list(docs)
        with self._lock:
            gone = {d.id for d in docs if not d.is_open} | set(removed)
            fresh = [d for d in docs if d.is_open]
            if self._index is None:
                if fresh and self._geography is not None:
                    self._index = MatchIndex.build(fresh, geography=self._geography, names=self.names,
                                                   weights=self._weights)
                    self.stats["builds"] += 1
                return
            for vacancy_id in gone:
                if self._index.remove(vacancy_id):
                    self.stats["removes"] += 1
            for doc in fresh:
                self._index.upsert(doc)
                self.stats["upserts"] += 1

    def note_local_change(self, vacancy_id: int) -> None:
        """Remember a change made in an open transaction, so the next sync re-reads its committed state."""
        with self._lock:
            self._recheck.add(vacancy_id)

    def sync(self, *, session: Session) -> int:
        """Replay vacancy and employer changes committed since the last sync; returns how many docs changed."""
        if not self._ready:
            return 0
        today = _today()
        with self._lock:
            mark, recheck = self._mark, set(self._recheck)
            self._recheck.clear()
        # Only ids and stamps first: the overlap window re-reads rows, which must cost next to nothing.
        stamps = recent_stamps(session=session, since=(mark - LOOKBACK) if mark else None)
        changed = {i for i, at in stamps.vacancies.items() if self._seen.get(i) != at} | recheck
        employers = [e for e, at in stamps.employers.items() if self._seen_employers.get(e) != at]
        for part in _chunks(employers):
            changed.update(session.exec(select(Vacancy.id).where(col(Vacancy.employer_id).in_(part))).all())
        docs: list[VacancyDoc] = []
        read: dict[int, datetime] = {}
        for part in _chunks(sorted(changed)):
            for row in _doc_rows(session=session, where=(col(Vacancy.id).in_(part),)):
                docs.append(vacancy_doc(vacancy=row, employer_status=row.employer_status, today=today))
                read[row.id] = row.updated_at
        gone = [i for i in changed if i not in read]  # deleted rows
        if self._day != today:
            # Valid-until passes without any row changing: drop what lapsed overnight before the expiry job runs.
            gone += list(session.exec(select(Vacancy.id).where(col(Vacancy.valid_until) < today)).all())
        self.apply(docs, removed=gone)
        newest = max([m for m in (mark, *stamps.vacancies.values(), *stamps.employers.values()) if m],
                     default=None)
        with self._lock:
            self._seen.update(read)
            self._seen_employers.update({e: stamps.employers[e] for e in employers})
            self._mark = newest
            self._day = today
            self.stats["syncs"] += 1
        return len(docs) + len(gone)

    def forget(self, vacancy_ids: Iterable[int]) -> None:
        """Drop ids the database no longer shows as open (found stale while ranking)."""
        with self._lock:
            if self._index is not None:
                for vacancy_id in vacancy_ids:
                    if self._index.remove(vacancy_id):
                        self.stats["removes"] += 1
                    self._seen.pop(vacancy_id, None)


def _chunks(ids: list[int], size: int = 500) -> Iterable[list[int]]:
    """Ids in slices that fit any database's limit on bound parameters."""
    for lo in range(0, len(ids), size):
        yield ids[lo : lo + size]


_HOLDERS: dict[str, IndexHolder] = {}
_HOLDERS_LOCK = threading.Lock()


def holder_for(session: Session) -> IndexHolder:
    """This process's holder for the session's database."""
    key = str(session.get_bind().url)
    with _HOLDERS_LOCK:
        holder = _HOLDERS.get(key)
        if holder is None:
            holder = _HOLDERS[key] = IndexHolder()
        return holder


def reset_holders() -> None:
    """Forget every process-wide index (tests empty the database between cases)."""
    with _HOLDERS_LOCK:
        _HOLDERS.clear()
