"""What people see of matching: a jobseeker's recommendations, and the candidates for a vacancy."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, or_, select

from jobbridge.accounts.models import User
from jobbridge.accounts.service import record_access
from jobbridge.employers.models import Employer, Interest, Vacancy
from jobbridge.employers.pay import Pay
from jobbridge.errors import NotFound
from jobbridge.geo.service import town_names, village_names
from jobbridge.matching.model import Match, Profile
from jobbridge.matching.outcomes import dismissed_ids
from jobbridge.matching.profiles import consented_profiles, own_profile, profile_for
from jobbridge.matching.service import recommend_vacancies, score_people_for_vacancy
from jobbridge.validation import mask_name, mask_phone

__all__ = ["Candidate", "Recommended", "candidates_for_vacancy", "my_recommendations", "profile_completeness"]

MAX_CANDIDATES = 100


@dataclass(frozen=True)
class Recommended:
    """One recommended vacancy as the person sees it."""

    vacancy_id: int
    title: str
    employer_name: str
    town: str
    pay: str
    employment_type: str
    score: float
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Candidate:
    """One person suited to a vacancy; contact details masked unless the viewer may see them."""

    profile_id: int
    name: str
    phone: str
    village: str
    wanted_work: str
    score: float
    reasons: tuple[str, ...]
    interested: bool
    masked: bool


def profile_completeness(profile: Profile) -> int:
    """How many of the six things matching uses are known (place, work, age, education, pay, work type)."""
    known = (profile.village_code or profile.town_code, profile.text or profile.occupation_codes, profile.birth_year,
             profile.education, profile.pay_expectation_monthly, profile.employment_types)
    return sum(1 for v in known if v)


def _shown(*, session: Session, matches: list[Match]) -> list[Recommended]:
    ids = [m.vacancy_id for m in matches]
    rows = {v.id: (v, e) for v, e in session.exec(
        select(Vacancy, Employer).join(Employer, Employer.id == Vacancy.employer_id).where(col(Vacancy.id).in_(ids))
    ).all()}
    towns = town_names(session=session)
    out = []
    for m in matches:
        if m.vacancy_id not in rows:
            continue
        v, e = rows[m.vacancy_id]
        out.append(Recommended(
            vacancy_id=v.id, title=v.title, employer_name=e.name, town=towns.get(v.town_code, ""),
            pay=Pay(kind=v.pay_kind, low=v.pay_low, high=v.pay_high, unit=v.pay_unit).display(),
            employment_type=v.employment_type, score=round(float(m.score), 4), reasons=tuple(m.reasons)))
    return out


def my_recommendations(*, session: Session, user_id: int, k: int = 10) -> tuple[Profile, list[Recommended]]:
    """A signed-in person's profile as matching sees it and their best open vacancies (dismissed ones left out)."""
    profile = profile_for(session=session, user_id=user_id)
    matches = recommend_vacancies(session=session, profile=profile, k=k,
                                  exclude_ids=dismissed_ids(session=session, user_id=user_id))
    return profile, _shown(session=session, matches=matches)


def candidates_for_vacancy(*, session: Session, vacancy_id: int, viewer_id: int, viewer_employer_id: int | None,
                           is_staff: bool, k: int = 20) -> list[Candidate]:
    """Consenting jobseekers ranked for a vacancy; its own employer sees masked contacts until a person registers."""
    vacancy = session.get(Vacancy, vacancy_id)
    if vacancy is None or (not is_staff and (viewer_employer_id is None or vacancy.employer_id != viewer_employer_id)):
        # Another employer learns nothing, not even that the vacancy exists.
        raise NotFound("没有找到该岗位", code="vacancy.not_found")
    pairs = consented_profiles(session=session)
    rows = {row.id: row for row, _ in pairs}
    ranked = score_people_for_vacancy(session=session, vacancy_id=vacancy_id, profiles=[p for _, p in pairs],
                                      k=max(1, min(k, MAX_CANDIDATES)))
    chosen = [rows[m.profile_id] for m in ranked]
    phones = [r.phone for r in chosen if r.phone]
    users = [r.user_id for r in chosen if r.user_id]
    interested = session.exec(select(Interest.phone, Interest.user_id).where(
        Interest.vacancy_id == vacancy_id,
        or_(col(Interest.phone).in_(phones or [""]), col(Interest.user_id).in_(users or [0])))).all()
    interested_phones = {p for p, _ in interested}
    interested_users = {u for _, u in interested if u}
    villages = village_names(session=session)
    out = []
    for m, row in zip(ranked, chosen, strict=True):
        asked = row.phone in interested_phones or (row.user_id is not None and row.user_id in interested_users)
        masked = not (is_staff or asked)
        out.append(Candidate(
            profile_id=row.id, name=mask_name(row.name) if masked else row.name,
            phone=mask_phone(row.phone) if masked else (row.phone or ""), village=villages.get(row.village_code, ""),
            wanted_work=row.wanted_work, score=round(float(m.score), 4), reasons=tuple(m.reasons),
            interested=asked, masked=masked))
    if is_staff and out:
        record_access(session=session, actor=session.get(User, viewer_id), action="read",
                      subject_type="jobseeker_profile", subject_id=vacancy_id,
                      detail=f"{len(out)} candidates for vacancy {vacancy_id}")
    return out


def has_profile(*, session: Session, user_id: int) -> bool:
    """Whether the person has filled in a profile."""
    return own_profile(session=session, user_id=user_id) is not None
