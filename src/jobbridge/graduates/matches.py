"""Matched vacancies for a graduate (from the matching core), graduate fairs, and the daily match notice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from jobbridge.employers.models import Employer, Vacancy
from jobbridge.employers.vacancies import is_public, today_local
from jobbridge.geo.service import town_names
from jobbridge.graduates.models import Graduate
from jobbridge.outreach.outbox import enqueue

INTERNSHIP = "就业见习岗位"
GRADUATE_THEME = "高校毕业生"
# The matching core speaks the general education ladder, where 专科 is 大专.
EDUCATION_OF_DEGREE = {"专科": "大专", "本科": "本科", "硕士": "硕士", "博士": "博士"}


@dataclass(frozen=True)
class Recommendation:
    """One matched vacancy as a graduate sees it, with the matching core's reasons."""

    vacancy_id: int
    title: str
    employer_name: str
    employment_type: str
    pay: str
    town: str
    valid_until: date
    score: float
    reasons: tuple[str, ...]

    @property
    def is_internship(self) -> bool:
        """A 就业见习岗位."""
        return self.employment_type == INTERNSHIP


@dataclass(frozen=True)
class FairItem:
    """An upcoming graduate-themed job fair."""

    fair_id: int
    title: str
    fair_date: date
    time: str
    venue: str


def build_profile(graduate: Graduate) -> Any:
    """The matching core's Profile for a graduate's file."""
    from jobbridge.matching.ranking import Profile

    text = " ".join(part for part in (graduate.preferred_work, graduate.major, graduate.skills, graduate.experience)
                    if part)
    types = tuple(graduate.employment_types)
    if types and INTERNSHIP not in types:
        # Internship posts exist for graduates: a stated preference for full-time work must not hide them.
        types = (*types, INTERNSHIP)
    town = graduate.town_code or (graduate.preferred_towns[0] if graduate.preferred_towns else None)
    return Profile(
        id=graduate.id, text=text, occupation_codes=tuple(graduate.occupation_codes), village_code=graduate.village_code,
        town_code=town, birth_year=graduate.birth_date.year if graduate.birth_date else None,
        education=EDUCATION_OF_DEGREE.get(graduate.degree), pay_expectation_monthly=graduate.expected_pay,
        employment_types=types, travel_range=graduate.travel_range,
    )


def matching_ready() -> bool:
    """Whether the matching service is installed (it is built alongside this capability)."""
    try:
        from jobbridge.matching.service import recommend_vacancies  # noqa: F401
    except ImportError:
        return False
    return True


def _pay_text(vacancy: Vacancy) -> str:
    unit = {"月薪": "元/月", "日薪": "元/天"}.get(vacancy.pay_kind, vacancy.pay_unit or "元")
    low, high = vacancy.pay_low, vacancy.pay_high
    if low is not None and high is not None and high != low:
        return f"{low:.0f}-{high:.0f}{unit}"
    return f"{(low if low is not None else high) or 0:.0f}{unit}"


def recommendations(*, session: Session, graduate: Graduate, k: int = 10) -> list[Recommendation]:
    """The graduate's current top matches that anyone may see, best first (empty while matching is absent)."""
    try:
        from jobbridge.matching.service import recommend_vacancies
    except ImportError:
        return []
    matches = list(recommend_vacancies(session=session, profile=build_profile(graduate), k=k))
    if not matches:
        return []
    ids = [m.vacancy_id for m in matches]
    rows = {v.id: (v, e) for v, e in session.exec(
        select(Vacancy, Employer).join(Employer, Employer.id == Vacancy.employer_id).where(col(Vacancy.id).in_(ids))
    ).all()}
    towns = town_names(session=session)
    today = today_local()
    out: list[Recommendation] = []
    for match in matches:
        row = rows.get(match.vacancy_id)
        if row is None or not is_public(vacancy=row[0], employer=row[1], today=today):
            continue
        vacancy, employer = row
        out.append(Recommendation(
            vacancy_id=vacancy.id, title=vacancy.title, employer_name=employer.name,
            employment_type=vacancy.employment_type, pay=_pay_text(vacancy), town=towns.get(vacancy.town_code, ""),
            valid_until=vacancy.valid_until, score=round(float(match.score), 4), reasons=tuple(match.reasons),
        ))
    return out


def graduate_fairs(*, session: Session, today: date, limit: int = 5) -> list[FairItem]:
    """Upcoming fairs themed for graduates (empty while the fairs capability is absent)."""
    try:
        from jobbridge.fairs.models import Fair
    except ImportError:
        return []
    rows = session.exec(
        select(Fair).where(Fair.theme == GRADUATE_THEME, col(Fair.end_date) >= today,
                           col(Fair.status).not_in(("cancelled", "archived", "held")))
        .order_by(col(Fair.fair_date)).limit(limit)
    )
    return [FairItem(fair_id=f.id, title=f.title, fair_date=f.fair_date,
                     time=f"{f.start_time:%H:%M}-{f.end_time:%H:%M}", venue=f.venue) for f in rows]


def notify_new_matches(*, session: Session, k: int = 10) -> dict[str, int]:
    """Tell opted-in graduates about vacancies published since they opted in that rank in their top k."""
    # Each vacancy is announced at most once per graduate: the outbox dedupe key is the claim, so overlapping
    # runs and reruns send nothing twice.
    counts = {"graduates": 0, "matches": 0, "queued": 0}
    if not matching_ready():
        return counts
    graduates = session.exec(
        select(Graduate).where(col(Graduate.notify_matches).is_(True), col(Graduate.notify_since).is_not(None))
        .order_by(col(Graduate.id))
    ).all()
    for graduate in graduates:
        counts["graduates"] += 1
        recs = recommendations(session=session, graduate=graduate, k=k)
        if not recs:
            continue
        published = dict(session.exec(
            select(Vacancy.id, Vacancy.published_at).where(col(Vacancy.id).in_([r.vacancy_id for r in recs]))
        ).all())
        for rank, rec in enumerate(recs, start=1):
            at = published.get(rec.vacancy_id)
            if at is None or at <= graduate.notify_since:
                continue
            counts["matches"] += 1
            body = (f"{graduate.name}同学，有新的岗位适合您（推荐第{rank}位）：{rec.employer_name}招聘{rec.title}，"
                    f"{rec.pay}，{rec.town}。" + (f"推荐理由：{'；'.join(rec.reasons[:2])}。" if rec.reasons else ""))
            if enqueue(session=session, dedupe_key=f"graduate-match:{graduate.id}:{rec.vacancy_id}",
                       kind="graduate_match", body=body, channel="inbox", user_id=graduate.user_id,
                       phone=graduate.phone, subject="新的推荐岗位", link=f"/vacancies/{rec.vacancy_id}",
                       vacancy_id=rec.vacancy_id):
                counts["queued"] += 1
    return counts
