"""Reading towns and villages, and which towns border which."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from jobbridge.db import utcnow
from jobbridge.errors import DomainError, NotFound
from jobbridge.geo.models import Town, TownAdjacency, Village


def list_towns(*, session: Session) -> list[tuple[Town, int]]:
    """Every town with its number of villages, in official order."""
    counts = dict(
        session.exec(select(Village.town_code, func.count()).group_by(Village.town_code)).all()  # type: ignore[arg-type]
    )
    towns = session.exec(select(Town).order_by(col(Town.sort_order))).all()
    return [(town, counts.get(town.code, 0)) for town in towns]


def get_town(*, session: Session, code: str) -> Town:
    """One town, or NotFound."""
    town = session.get(Town, code)
    if town is None:
        raise NotFound(f"没有代码为 {code} 的镇街", code="town.not_found")
    return town


def villages_of(*, session: Session, town_code: str) -> list[Village]:
    """The villages of one town, by code."""
    get_town(session=session, code=town_code)
    return list(session.exec(select(Village).where(Village.town_code == town_code).order_by(col(Village.code))))


def get_village(*, session: Session, code: str) -> Village:
    """One village, or NotFound."""
    village = session.get(Village, code)
    if village is None:
        raise NotFound(f"没有代码为 {code} 的村居", code="village.not_found")
    return village


def adjacency(*, session: Session) -> dict[str, frozenset[str]]:
    """Town code → the codes of the towns bordering it."""
    neighbours: dict[str, set[str]] = {}
    for pair in session.exec(select(TownAdjacency)):
        neighbours.setdefault(pair.town_a, set()).add(pair.town_b)
        neighbours.setdefault(pair.town_b, set()).add(pair.town_a)
    return {code: frozenset(codes) for code, codes in neighbours.items()}


def town_of_village(*, session: Session) -> dict[str, str]:
    """Village code → town code, for every village."""
    return dict(session.exec(select(Village.code, Village.town_code)).all())  # type: ignore[arg-type]


def set_adjacent(*, session: Session, town_a: str, town_b: str, adjacent: bool, by_user_id: int | None,
                 source: str = "") -> None:
    """Staff edit of the adjacency table: add or remove one pair."""
    if town_a == town_b:
        raise DomainError("不能把镇街设为与自身相邻", code="adjacency.same")
    a, b = sorted((get_town(session=session, code=town_a).code, get_town(session=session, code=town_b).code))
    existing = session.get(TownAdjacency, (a, b))
    if adjacent and existing is None:
        session.add(TownAdjacency(town_a=a, town_b=b, source=source or "工作人员录入", updated_by=by_user_id,
                                  updated_at=utcnow()))
    elif not adjacent and existing is not None:
        session.delete(existing)
    session.flush()


def village_names(*, session: Session) -> dict[str, str]:
    """Village code → short display name."""
    return dict(session.exec(select(Village.code, Village.short_name)).all())  # type: ignore[arg-type]


def town_names(*, session: Session) -> dict[str, str]:
    """Town code → display name."""
    return dict(session.exec(select(Town.code, Town.name)).all())  # type: ignore[arg-type]
