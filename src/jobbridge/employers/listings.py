"""Lists of vacancies and employers for dashboards, review queues and exports."""

from __future__ import annotations

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from jobbridge.employers.models import Employer, Interest, Vacancy

MAX_LIST = 2000


def interest_counts(*, session: Session, vacancy_ids: list[int]) -> dict[int, int]:
    """Registrations per vacancy (vacancies without any are absent)."""
    if not vacancy_ids:
        return {}
    rows = session.exec(
        select(Interest.vacancy_id, func.count()).where(col(Interest.vacancy_id).in_(vacancy_ids))
        .group_by(Interest.vacancy_id)
    ).all()
    return dict(rows)  # type: ignore[arg-type]


def find_vacancies(*, session: Session, employer_id: int | None = None, status: str | None = None,
                   town_code: str | None = None, q: str | None = None, limit: int = MAX_LIST) -> list[Vacancy]:
    """Vacancies matching the filters, newest first (the review queue sorts itself)."""
    query = select(Vacancy)
    if employer_id is not None:
        query = query.where(Vacancy.employer_id == employer_id)
    if status:
        query = query.where(Vacancy.status == status)
    if town_code:
        query = query.where(Vacancy.town_code == town_code)
    if q and q.strip():
        pattern = f"%{q.strip().lower()}%"
        employer_ids = select(Employer.id).where(col(Employer.name).like(f"%{q.strip()}%"))
        query = query.where(or_(col(Vacancy.search_text).like(pattern), col(Vacancy.employer_id).in_(employer_ids)))
    query = query.order_by(col(Vacancy.updated_at) if status == "pending" else col(Vacancy.id).desc())
    return list(session.exec(query.limit(limit)))


def employer_names(*, session: Session, employer_ids: set[int]) -> dict[int, Employer]:
    """Employers by id for a set of ids."""
    if not employer_ids:
        return {}
    return {e.id: e for e in session.exec(select(Employer).where(col(Employer.id).in_(employer_ids)))}


def employer_counts(*, session: Session) -> dict[str, int]:
    """How many employers are in each status."""
    rows = session.exec(select(Employer.status, func.count()).group_by(Employer.status)).all()
    return dict(rows)  # type: ignore[arg-type]
