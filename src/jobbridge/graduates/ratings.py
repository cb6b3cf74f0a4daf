"""The graduate's rating of a visit, credited to the responsible staff member."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from jobbridge.errors import DomainError
from jobbridge.graduates.models import RATINGS, Graduate, ServiceRating


@dataclass(frozen=True)
class RatingSummary:
    """A staff member's ratings: counts per level and the share rated 满意 or better."""

    total: int
    counts: dict[str, int]
    satisfied_share: float | None


def rate_visit(*, session: Session, graduate: Graduate, rating: str, comment: str, today: date) -> ServiceRating:
    """Rate today's service; rating again the same day replaces the earlier answer."""
    if rating not in RATINGS:
        raise DomainError("请选择评价：" + "、".join(RATINGS), code="rating.invalid", field="rating")
    comment = (comment or "").strip()[:500]
    row = session.exec(
        select(ServiceRating).where(ServiceRating.graduate_id == graduate.id, ServiceRating.visit_on == today)
    ).first()
    if row is None:
        row = ServiceRating(graduate_id=graduate.id, visit_on=today, rating=rating)
    row.rating, row.comment, row.staff_id = rating, comment, graduate.responsible_staff_id
    session.add(row)
    session.flush()
    return row


def rating_of_day(*, session: Session, graduate_id: int, day: date) -> ServiceRating | None:
    """The graduate's rating for a day, if given."""
    return session.exec(
        select(ServiceRating).where(ServiceRating.graduate_id == graduate_id, ServiceRating.visit_on == day)
    ).first()


def ratings_for_staff(*, session: Session, staff_id: int, limit: int = 100) -> list[tuple[ServiceRating, Graduate]]:
    """A staff member's ratings, newest first, with the graduate rated."""
    rows = session.exec(
        select(ServiceRating, Graduate).join(Graduate, Graduate.id == ServiceRating.graduate_id)
        .where(ServiceRating.staff_id == staff_id).order_by(col(ServiceRating.id).desc()).limit(limit)
    )
    return list(rows.all())


def summarise(ratings: list[ServiceRating]) -> RatingSummary:
    """Counts per level and the share of 非常满意 + 满意."""
    counts = Counter(r.rating for r in ratings)
    total = sum(counts.values())
    good = counts["非常满意"] + counts["满意"]
    return RatingSummary(total=total, counts={level: counts[level] for level in RATINGS},
                         satisfied_share=round(good / total, 3) if total else None)
