"""Searching the occupational classification."""

from __future__ import annotations

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from jobbridge.errors import DomainError, NotFound
from jobbridge.occupations.models import Occupation

MAX_PAGE_SIZE = 100


def search_occupations(
    *, session: Session, level: int | None = None, q: str | None = None, page: int = 1, page_size: int = 20
) -> tuple[int, list[Occupation]]:
    """Total matches and one page of occupations by level and keyword (name, alias or code)."""
    if level is not None and level not in (1, 2, 3, 4):
        raise DomainError("level 只能是 1（大类）、2（中类）、3（小类）或 4（细类）", code="occupation.level", field="level")
    if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise DomainError(f"页码从1开始，每页1到{MAX_PAGE_SIZE}条", code="pagination", field="page")
    query = select(Occupation)
    if level is not None:
        query = query.where(Occupation.level == level)
    if q and q.strip():
        pattern = f"%{q.strip()}%"
        query = query.where(
            or_(col(Occupation.name).like(pattern), col(Occupation.aliases).like(pattern), col(Occupation.code).like(pattern))
        )
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(query.order_by(col(Occupation.code), col(Occupation.level)).offset((page - 1) * page_size).limit(page_size)).all()
    return total, list(rows)


def find_occupation(*, session: Session, code: str) -> Occupation | None:
    """The most specific class with this code (a code may stand for a 小类 and its own 细类)."""
    query = select(Occupation).where(Occupation.code == code).order_by(col(Occupation.level).desc())
    return session.exec(query).first()


def get_occupation(*, session: Session, code: str) -> Occupation:
    """One occupation, or NotFound."""
    occupation = find_occupation(session=session, code=code)
    if occupation is None:
        raise NotFound(f"没有代码为 {code} 的职业", code="occupation.not_found")
    return occupation


def occupation_names(*, session: Session) -> dict[str, str]:
    """Code → name for every class."""
    rows = session.exec(select(Occupation.code, Occupation.name).order_by(col(Occupation.level))).all()
    return dict(rows)  # type: ignore[arg-type]
