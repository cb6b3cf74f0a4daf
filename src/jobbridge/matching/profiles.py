"""Jobseeker profiles: kept by the person or by a village coordinator for them, with consent recorded."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from jobbridge.accounts.models import User
from jobbridge.db import utcnow
from jobbridge.employers.service import FormErrors
from jobbridge.errors import Forbidden, NotFound
from jobbridge.geo.models import Village
from jobbridge.matching.model import Profile
from jobbridge.matching.models import JobseekerProfile
from jobbridge.validation import ValidationError, validate_mobile
from jobbridge.vocab import EDUCATION_LEVELS, EMPLOYMENT_TYPES, TRAVEL_RANGES, Role

__all__ = [
    "ProfileInput",
    "consented_profiles",
    "coordinator_profile",
    "input_from",
    "occupation_codes_for",
    "own_profile",
    "profile_for",
    "profiles_in_villages",
    "save_own_profile",
    "save_villager_profile",
]

YES = {"1", "true", "yes", "on", "是", "y"}
HISTORY = 20  # newest viewed or applied vacancies that shape the history signal
MIN_BIRTH_YEAR, MAX_AGE, MIN_AGE = 1940, 80, 14
MAX_PAY = 100000


@dataclass
class ProfileInput:
    """A profile as typed in the form or sent to the API; every field may stay blank."""

    name: str = ""
    phone: str = ""
    village_code: str = ""
    birth_year: str | int | None = ""
    education: str = ""
    wanted_work: str = ""
    skills: str = ""
    experience: str = ""
    pay_expectation: str | int | None = ""
    employment_types: list[str] = field(default_factory=list)
    travel_range: str = ""
    consent: str | bool | None = ""


def _yes(value: object) -> bool:
    return value is True or str(value or "").strip().lower() in YES


def occupation_codes_for(wanted_work: str) -> list[str]:
    """Occupation codes of the kinds of work named ("电焊、叉车" → two codes); the coder may answer coarsely."""
    titles = [t for t in re.split(r"[,，、;；/\s]+", wanted_work or "") if t][:5]
    if not titles:
        return []
    from jobbridge.matching.coder import get_coder

    return list(dict.fromkeys(r.code for r in get_coder().code_many(titles) if r.level > 0 and r.code))


def _int(value: object, *, key: str, label: str, low: int, high: int, errors: dict) -> int | None:
    text = str(value if value is not None else "").strip()
    if not text:
        return None
    if not re.fullmatch(r"[0-9]+", text):
        errors[key] = f"{label}请填写数字"
        return None
    number = int(text)
    if not low <= number <= high:
        errors[key] = f"{label}应在{low}到{high}之间"
        return None
    return number


def clean_profile(*, session: Session, data: ProfileInput, need_phone: bool) -> tuple[dict, dict[str, str]]:
    """(values, errors) of a profile form; blanks become "not known"."""
    errors: dict[str, str] = {}
    values: dict = {}
    name = " ".join((data.name or "").split())
    if len(name) > 40:
        errors["name"] = "姓名最多40个字"
    values["name"] = name
    phone = (data.phone or "").strip()
    if need_phone or phone:
        try:
            values["phone"] = validate_mobile(phone, field="phone")
        except ValidationError as exc:
            errors["phone"] = "请填写村民的手机号（用来联系和登录）" if not phone else exc.message
    village_code = (data.village_code or "").strip()
    values["village_code"], values["town_code"] = None, None
    if village_code:
        village = session.get(Village, village_code)
        if village is None:
            errors["village_code"] = "请从列表中选择所在村居"
        else:
            values["village_code"], values["town_code"] = village.code, village.town_code
    year = utcnow().year
    values["birth_year"] = _int(data.birth_year, key="birth_year", label="出生年份",
                                low=max(MIN_BIRTH_YEAR, year - MAX_AGE), high=year - MIN_AGE, errors=errors)
    education = (data.education or "").strip()
    if education and education not in EDUCATION_LEVELS:
        errors["education"] = "请从列表中选择学历"
    values["education"] = education or None
    for key, label, limit in (("wanted_work", "想做的工作", 200), ("skills", "技能", 500),
                              ("experience", "工作经历", 2000)):
        text = (getattr(data, key) or "").strip()
        if len(text) > limit:
            errors[key] = f"{label}最多{limit}个字"
        values[key] = text[:limit]
    values["pay_expectation"] = _int(data.pay_expectation, key="pay_expectation", label="期望月收入", low=0,
                                     high=MAX_PAY, errors=errors) or None
    types = [t for t in dict.fromkeys(data.employment_types or []) if t]
    bad = [t for t in types if t not in EMPLOYMENT_TYPES]
    if bad:
        errors["employment_types"] = "不认识的用工形式：" + "、".join(bad)
    values["employment_types"] = [t for t in EMPLOYMENT_TYPES if t in types]
    travel = (data.travel_range or "").strip()
    if travel and travel not in TRAVEL_RANGES:
        errors["travel_range"] = "请从列表中选择愿意去多远上班"
    values["travel_range"] = travel or None
    values["consent"] = _yes(data.consent)
    return values, errors


def _apply(row: JobseekerProfile, values: dict, *, consent_by: str, actor_id: int) -> JobseekerProfile:
    """Copy cleaned values onto a row, recording consent given (or withdrawn) now."""
    consent = values.pop("consent")
    old_wanted = row.wanted_work
    for key, value in values.items():
        setattr(row, key, value)
    if row.wanted_work != old_wanted or (row.wanted_work and not row.occupation_codes):
        row.occupation_codes = occupation_codes_for(row.wanted_work)
    # The person's own word replaces a coordinator's attestation; a coordinator never overwrites the person's.
    if consent and (row.consent_at is None or (consent_by == "self" and row.consent_by != "self")):
        row.consent_at, row.consent_by, row.consent_by_user_id = utcnow(), consent_by, actor_id
    elif not consent:
        row.consent_at, row.consent_by, row.consent_by_user_id = None, None, None
    row.updated_by, row.updated_at = actor_id, utcnow()
    return row


def own_profile(*, session: Session, user_id: int) -> JobseekerProfile | None:
    """The profile of an account holder: their own, or one a coordinator made for their phone."""
    row = session.exec(select(JobseekerProfile).where(JobseekerProfile.user_id == user_id)).first()
    if row is not None:
        return row
    user = session.get(User, user_id)
    if user is None or not user.phone:
        return None
    return session.exec(
        select(JobseekerProfile).where(JobseekerProfile.phone == user.phone, col(JobseekerProfile.user_id).is_(None))
    ).first()


def save_own_profile(*, session: Session, user_id: int, data: ProfileInput) -> JobseekerProfile:
    """Create or update the signed-in person's profile; consent is theirs."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("没有找到该用户", code="user.not_found")
    values, errors = clean_profile(session=session, data=data, need_phone=False)
    values.pop("phone", None)  # the account's phone is the person's phone
    if errors:
        raise FormErrors(errors)
    row = own_profile(session=session, user_id=user_id) or JobseekerProfile()
    # Taking over a profile a coordinator made links it to the account from now on.
    row.user_id, row.phone = user_id, user.phone or row.phone
    if not values["name"]:
        values["name"] = row.name or user.name
    _apply(row, values, consent_by="self", actor_id=user_id)
    session.add(row)
    session.flush()
    return row


def _coordinator_villages(*, session: Session, coordinator: User) -> set[str] | None:
    """Villages a coordinator looks after (None: an administrator, who may edit any)."""
    if coordinator.role == Role.ADMIN:
        return None
    if coordinator.role != Role.COORDINATOR:
        raise Forbidden("只有村级协理员可以代填村民的求职信息", code="role.forbidden")
    from jobbridge.accounts.service import coordinator_village_codes

    return coordinator_village_codes(session=session, user_id=coordinator.id)


def coordinator_profile(*, session: Session, coordinator_id: int, profile_id: int) -> JobseekerProfile:
    """A profile a coordinator may edit (in one of their villages); others look like they do not exist."""
    coordinator = session.get(User, coordinator_id)
    row = session.get(JobseekerProfile, profile_id)
    if coordinator is None or row is None:
        raise NotFound("没有找到该村民的求职信息", code="profile.not_found")
    villages = _coordinator_villages(session=session, coordinator=coordinator)
    if villages is not None and row.village_code not in villages:
        raise NotFound("没有找到该村民的求职信息", code="profile.not_found")
    return row


def save_villager_profile(*, session: Session, coordinator_id: int, data: ProfileInput,
                          profile_id: int | None = None) -> JobseekerProfile:
    """A coordinator creates or updates a villager's profile in one of their villages; consent is attested by them."""
    coordinator = session.get(User, coordinator_id)
    if coordinator is None:
        raise NotFound("没有找到该用户", code="user.not_found")
    villages = _coordinator_villages(session=session, coordinator=coordinator)
    values, errors = clean_profile(session=session, data=data, need_phone=True)
    if not values["village_code"] and "village_code" not in errors:
        errors["village_code"] = "请选择村民所在村居"
    elif villages is not None and values["village_code"] and values["village_code"] not in villages:
        errors["village_code"] = "只能填写您负责的村居的村民"
    if not values["name"] and "name" not in errors:
        errors["name"] = "请填写村民姓名"
    if profile_id is not None:
        row = coordinator_profile(session=session, coordinator_id=coordinator_id, profile_id=profile_id)
    else:
        row = JobseekerProfile()
    phone = values.get("phone")
    if phone and "phone" not in errors:
        other = session.exec(select(JobseekerProfile).where(JobseekerProfile.phone == phone)).first()
        if other is not None and other.id != row.id:
            errors["phone"] = "这个手机号已经登记过求职信息，请在列表中找到并修改"
    if errors:
        raise FormErrors(errors)
    if row.user_id is None and phone:
        account = session.exec(select(User).where(User.phone == phone)).first()
        row.user_id = account.id if account is not None and account.role == Role.JOBSEEKER else None
        if row.user_id is not None and session.exec(
            select(JobseekerProfile.id).where(JobseekerProfile.user_id == row.user_id)
        ).first() not in (None, row.id):
            row.user_id = None
    _apply(row, values, consent_by="coordinator", actor_id=coordinator_id)
    session.add(row)
    session.flush()
    return row


def profiles_in_villages(*, session: Session, codes: set[str] | None) -> list[JobseekerProfile]:
    """Profiles in the given villages (all when None), by village then name."""
    query = select(JobseekerProfile).order_by(col(JobseekerProfile.village_code), col(JobseekerProfile.name))
    if codes is not None:
        if not codes:
            return []
        query = query.where(col(JobseekerProfile.village_code).in_(sorted(codes)))
    return list(session.exec(query))


def input_from(row: JobseekerProfile | None) -> ProfileInput:
    """The form's values for an existing profile (blank for none)."""
    if row is None:
        return ProfileInput()
    return ProfileInput(
        name=row.name, phone=row.phone or "", village_code=row.village_code or "",
        birth_year=str(row.birth_year or ""), education=row.education or "", wanted_work=row.wanted_work,
        skills=row.skills, experience=row.experience, pay_expectation=str(row.pay_expectation or ""),
        employment_types=list(row.employment_types), travel_range=row.travel_range or "",
        consent="1" if row.consent_at else "",
    )


def _history(*, session: Session, person_keys: Sequence[str]) -> tuple[int, ...]:
    """Vacancies the person viewed or registered for, oldest first (newest HISTORY distinct)."""
    from jobbridge.matching.models import MatchEvent

    if not person_keys:
        return ()
    rows = session.exec(
        select(MatchEvent.vacancy_id).where(col(MatchEvent.person_key).in_(list(person_keys)),
                                            col(MatchEvent.kind).in_(("view", "interest", "hire")))
        .order_by(col(MatchEvent.id).desc()).limit(HISTORY * 5)
    ).all()
    newest_first = list(dict.fromkeys(rows))[:HISTORY]
    return tuple(reversed(newest_first))


def person_keys(*, user_id: int | None, profile_id: int | None) -> list[str]:
    """The keys outcome events are filed under for a person."""
    return [k for k in (f"u:{user_id}" if user_id else "", f"p:{profile_id}" if profile_id else "") if k]


def to_profile(row: JobseekerProfile | None, *, history: tuple[int, ...] = ()) -> Profile:
    """The ranking core's Profile for a profile row (unknown parts simply add no signal)."""
    if row is None:
        return Profile(extra_doc_ids=history)
    text = " ".join(part for part in (row.wanted_work, row.skills, row.experience) if part)
    return Profile(
        id=row.id, text=text, occupation_codes=tuple(row.occupation_codes or ()), village_code=row.village_code,
        town_code=row.town_code, birth_year=row.birth_year, education=row.education,
        pay_expectation_monthly=float(row.pay_expectation) if row.pay_expectation else None,
        employment_types=tuple(row.employment_types or ()), travel_range=row.travel_range,
        extra_doc_ids=history,
    )


def profile_for(*, session: Session, user_id: int | None = None, profile_id: int | None = None,
                phone: str | None = None) -> Profile:
    """What matching knows about a person (by account, profile or phone), with what they viewed and applied to."""
    row: JobseekerProfile | None = None
    if profile_id is not None:
        row = session.get(JobseekerProfile, profile_id)
    elif user_id is not None:
        row = own_profile(session=session, user_id=user_id)
    elif phone:
        row = session.exec(select(JobseekerProfile).where(JobseekerProfile.phone == phone)).first()
    user_id = user_id if user_id is not None else (row.user_id if row else None)
    history = _history(session=session, person_keys=person_keys(user_id=user_id, profile_id=row.id if row else None))
    return to_profile(row, history=history)


def consented_profiles(*, session: Session) -> list[tuple[JobseekerProfile, Profile]]:
    """Every profile whose owner agreed to be matched, with its ranking Profile (history not included)."""
    rows = session.exec(select(JobseekerProfile).where(col(JobseekerProfile.consent_at).is_not(None))
                        .order_by(col(JobseekerProfile.id))).all()
    return [(row, to_profile(row)) for row in rows]
