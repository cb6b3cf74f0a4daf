"""Vacancies ending by themselves."""

from __future__ import annotations

from datetime import date

from sqlalchemy import update
from sqlmodel import Session, col

from jobbridge.db import utcnow
from jobbridge.employers.models import Vacancy
from jobbridge.employers.vacancies import today_local
from jobbridge.matching.service import notify_vacancies_expired


def expire_vacancies(*, session: Session, today: date | None = None) -> int:
    """Mark published vacancies past their valid-until date as expired; a second run changes nothing."""
    today = today or today_local()
    now = utcnow()
    result = session.execute(
        update(Vacancy)
        .where(Vacancy.status == "published", col(Vacancy.valid_until) < today)
        .values(status="expired", closed_at=now, updated_at=now)
    )
    notify_vacancies_expired(session=session, today=today)
    return result.rowcount or 0
