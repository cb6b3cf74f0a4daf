"""Matching for the rest of the platform: vacancies for a person, people for a vacancy, booths, index upkeep.

Every function ranks with this process's index (see holder.py), which stays current on its own; results are
checked against the database before they leave, so a vacancy closed by any worker is never recommended.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from datetime import date

from sqlmodel import Session, col, select

from jobbridge.employers.models import Employer, Vacancy
from jobbridge.errors import NotFound
from jobbridge.matching.holder import IndexHolder, _today, build_snapshot, holder_for, vacancy_doc
from jobbridge.matching.model import Match, PersonMatch, Profile, VacancyDoc

__all__ = [
    "notify_vacancies_expired",
    "notify_vacancy_changed",
    "rebuild_match_index",
    "recommend_vacancies",
    "score_people_for_vacancy",
    "suggest_booths",
    "vacancy_doc",
]

log = logging.getLogger(__name__)
_WORK_SIGNALS = ("text", "history", "occupation")
_BOOTH_WORK_SHARE = 0.5  # a booth must match the asked-for work at least half as well as the best booth
_MARGIN = 10  # extra results fetched so that stale ones dropped after the database check leave k


def _holder(session: Session, holder: IndexHolder | None) -> IndexHolder:
    holder = holder or holder_for(session)
    holder.refresh(session=session)
    return holder


def _open_ids(*, session: Session, ids: Collection[int], today: date) -> set[int]:
    """Which of the ids are open right now according to the database."""
    if not ids:
        return set()
    # Only the primary key in SQL: with the status condition there, SQLite scans every published row instead.
    rows = session.exec(
        select(Vacancy.id, Vacancy.status, Vacancy.valid_until, Employer.status)
        .join(Employer, Employer.id == Vacancy.employer_id).where(col(Vacancy.id).in_(list(ids)))
    ).all()
    return {i for i, status, valid_until, employer in rows
            if status == "published" and employer == "verified" and valid_until >= today}


def recommend_vacancies(
    *, session: Session, profile: Profile, k: int = 10, exclude_ids: Collection[int] = (),
    holder: IndexHolder | None = None,
) -> list[Match]:
    """The k open vacancies that suit a person best, best first, each with its Chinese reasons."""
    if k <= 0:
        return []
    holder = _holder(session, holder)
    today = _today()
    excluded = set(exclude_ids)
    good: list[Match] = []
    for _ in range(5):
        with holder.lock:
            index = holder.index
            if index is None:
                return []
            want = k - len(good) + _MARGIN
            matches = index.top_k(profile, k=want, exclude_ids=excluded | {m.vacancy_id for m in good})
        live = _open_ids(session=session, ids=[m.vacancy_id for m in matches], today=today)
        stale = [m.vacancy_id for m in matches if m.vacancy_id not in live]
        good += [m for m in matches if m.vacancy_id in live][: k - len(good)]
        if stale:
            # Closed by another worker since our last sync (or deleted): gone from our rankings from now on.
            holder.forget(stale)
        if len(good) >= k or len(matches) < want or not stale:
            break
    good.sort(key=lambda m: (-m.score, m.vacancy_id))
    return good[:k]


def score_people_for_vacancy(
    *, session: Session, vacancy_id: int, profiles: Sequence[Profile], k: int | None = None,
    holder: IndexHolder | None = None,
) -> list[PersonMatch]:
    """People ranked for one vacancy, best first (all of them when k is None; none when it is not open)."""
    row = session.exec(
        select(Vacancy, Employer.status).join(Employer, Employer.id == Vacancy.employer_id)
        .where(Vacancy.id == vacancy_id)
    ).first()
    if row is None:
        raise NotFound("没有找到该岗位", code="vacancy.not_found")
    doc = vacancy_doc(vacancy=row[0], employer_status=row[1])
    if not profiles or not doc.is_open:
        return []
    holder = _holder(session, holder)
    if holder.index is None or doc.id not in holder.index:
        holder.apply([doc])
    with holder.lock:
        index = holder.index
        if index is None:
            return []
        return index.rank_people(doc, list(profiles), k=len(profiles) if k is None else k)


def suggest_booths(
    *, session: Session, profile: Profile, employer_ids: Collection[int], k: int = 10,
    holder: IndexHolder | None = None,
) -> list[tuple[int, float, tuple[str, ...]]]:
    """(employer id, score, reasons) of the booths worth visiting, judged by each employer's best open vacancy."""
    if not employer_ids or k <= 0:
        return []
    today = _today()
    rows = session.exec(
        select(Vacancy, Employer.status).join(Employer, Employer.id == Vacancy.employer_id).where(
            col(Vacancy.employer_id).in_(list(employer_ids)), Vacancy.status == "published",
            Employer.status == "verified", col(Vacancy.valid_until) >= today)
    ).all()
    docs = [vacancy_doc(vacancy=v, employer_status=s, today=today) for v, s in rows]
    if not docs:
        return []
    holder = _holder(session, holder)
    missing = [d for d in docs if holder.index is None or d.id not in holder.index]
    if missing:
        holder.apply(missing)
    with holder.lock:
        index = holder.index
        if index is None:
            return []
        matches = index.top_k(profile, k=len(docs), only_ids=[d.id for d in docs])
        weights = index.weights
    employer_of = {d.id: d.employer_id for d in docs}

    def work(m: Match) -> float:
        return sum(weights.of(name) * m.signals.get(name, 0.0) for name in _WORK_SIGNALS)

    # Everyone at a fair is in the same hall: a booth is worth the walk for the work the visitor asked about,
    # not because the employer's site is near home; a faint overlap far below the best one is shared wording.
    asked = bool(profile.text.strip() or profile.occupation_codes or profile.extra_doc_ids)
    floor = _BOOTH_WORK_SHARE * max((work(m) for m in matches), default=0.0)
    best: dict[int, Match] = {}
    for m in matches:
        employer = employer_of[m.vacancy_id]
        if employer in best or (asked and (work(m) <= 0 or work(m) < floor)):
            continue
        best[employer] = m
    return [(int(e), float(m.score), tuple(m.reasons)) for e, m in list(best.items())[:k]]


def _read_doc(*, session: Session, vacancy_id: int) -> VacancyDoc | None:
    row = session.exec(
        select(Vacancy, Employer.status).join(Employer, Employer.id == Vacancy.employer_id)
        .where(Vacancy.id == vacancy_id)
    ).first()
    return vacancy_doc(vacancy=row[0], employer_status=row[1]) if row else None


def notify_vacancy_changed(*, session: Session, vacancy_id: int, holder: IndexHolder | None = None) -> None:
    """A vacancy was published, edited or ended in this transaction: update this worker's index at once."""
    holder = holder or holder_for(session)
    try:
        # Re-read after commit too: if this transaction rolls back, the next sync restores the committed state.
        holder.note_local_change(vacancy_id)
        if not holder.ready:
            return  # the first refresh reads the database anyway
        doc = _read_doc(session=session, vacancy_id=vacancy_id)
        if doc is None:
            holder.forget([vacancy_id])
        else:
            holder.apply([doc])
    except Exception:  # noqa: BLE001 - publishing must never fail because of the index; the sync repairs it
        log.warning("match index update for vacancy %s failed", vacancy_id, exc_info=True)


def notify_vacancies_expired(*, session: Session, today: date | None = None,
                             holder: IndexHolder | None = None) -> None:
    """Vacancies lapsed in bulk (the expiry job): drop them from this worker's index at once."""
    holder = holder or holder_for(session)
    if not holder.ready or holder.index is None:
        return
    today = today or _today()
    try:
        ids = session.exec(select(Vacancy.id).where(col(Vacancy.valid_until) < today,
                                                    col(Vacancy.status).in_(("expired", "published")))).all()
        holder.forget(ids)
    except Exception:  # noqa: BLE001 - the expiry itself must not fail because of the index
        log.warning("match index update after expiry failed", exc_info=True)


def rebuild_match_index(*, session: Session, holder: IndexHolder | None = None) -> dict:
    """Nightly: refit the index on every open vacancy, persist it as a new artifact and keep the newest few."""
    from jobbridge.matching.artifacts import prune_artifacts, write_artifact

    holder = holder or holder_for(session)
    snap = build_snapshot(session=session, names=holder.names)
    if snap.index is None:
        holder.adopt(snap, artifact_id=None, version=None)
        return {"docs": 0, "artifact": 0, "pruned": 0}
    row = write_artifact(session=session, index=snap.index, data_through=snap.mark, stamps=snap.stamps)
    pruned = prune_artifacts(session=session)
    holder.adopt(snap, artifact_id=row.id, version=row.version)
    return {"docs": snap.docs, "artifact": int(row.id), "size_kb": row.size_bytes // 1024, "pruned": pruned}
