"""Public vacancies for the browse, interest and public page tests, built through the domain functions."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from jobbridge.db import utcnow
from jobbridge.employers.models import Employer, Vacancy
from support.personas import make_employer, make_published_vacancy

WELDER = "6-18-02-04"  # 焊工; giving a code skips the occupation coder and keeps tests fast
ZETOU = "371003107"  # 泽头镇
DASHUIPO = "371003101"  # 大水泊镇: borders 文登营镇, 张家产镇 and 高村镇
DASHUIPO_VILLAGE = "371003101200"  # 大水泊村
DASHUIPO_OTHER_VILLAGE = "371003101201"  # 集东村
WENDENGYING = "371003100"  # 文登营镇, next to 大水泊镇
GAOCUN = "371003103"  # 高村镇, next to 大水泊镇


def public_vacancy(db: Session, *, employer: Employer | None = None, posted_days_ago: float | None = None,
                   **overrides) -> Vacancy:
    """A published vacancy of a verified employer (a new employer unless one is given)."""
    employer = employer or make_employer(db, town=overrides.get("town_code", ZETOU))
    overrides.setdefault("occupation_code", WELDER)
    vacancy = make_published_vacancy(db, employer=employer, **overrides)
    if posted_days_ago is not None:
        vacancy.published_at = utcnow() - timedelta(days=posted_days_ago)
        db.add(vacancy)
        db.commit()
    return vacancy
