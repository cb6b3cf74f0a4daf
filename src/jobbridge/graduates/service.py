"""Registering and updating a graduate's file: validation, the graduate's account, hardship with consent."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, select

from jobbridge.accounts.models import User
from jobbridge.accounts.service import AccountError, check_password_strength, create_user
from jobbridge.db import utcnow
from jobbridge.employers.service import FormErrors
from jobbridge.errors import NotFound
from jobbridge.geo.models import Town, Village
from jobbridge.graduates.models import (
    DEGREES,
    EMPLOYER_TYPES,
    EMPLOYMENT_STATUSES,
    FILE_STATUSES,
    HARDSHIPS,
    INTENTS,
    Graduate,
    GraduateEvent,
    GraduateHardship,
)
from jobbridge.validation import ValidationError, parse_date, validate_id_number, validate_mobile
from jobbridge.vocab import EMPLOYMENT_TYPES, TRAVEL_RANGES, Role

YES = {"1", "true", "yes", "on", "是", "y"}
NO = {"0", "false", "no", "off", "否", "n"}
# Facts the policies need that are kept on the file itself (hardship lives in its own table).
POLICY_FACT_FIELDS = (
    "employment_status", "employer_type", "employer_in_weihai", "first_job_year", "social_insurance_months",
    "social_insurance_in_weihai", "paying_social_insurance", "business_registered",
)
TRI_STATE_FIELDS = ("employer_in_weihai", "social_insurance_in_weihai", "paying_social_insurance", "business_registered")


@dataclass
class GraduateInput:
    """A graduate's file as typed at the window, online or through the API; blanks mean "not known yet"."""

    name: str = ""
    id_number: str = ""
    phone: str = ""
    school: str = ""
    major: str = ""
    degree: str = ""
    graduation_date: str | date = ""
    hukou_in_district: str | bool | None = ""
    town_code: str = ""
    village_code: str = ""
    file_status: str = "待转入"
    file_status_on: str | date = ""
    file_expected_on: str | date = ""
    intent: str = "待定"
    preferred_work: str = ""
    preferred_towns: list[str] = field(default_factory=list)
    employment_types: list[str] = field(default_factory=list)
    travel_range: str = "全区"
    expected_pay: str | int | None = ""
    skills: str = ""
    experience: str = ""
    employment_status: str = ""
    employer_type: str = ""
    employer_in_weihai: str | bool | None = ""
    first_job_year: str | int | None = ""
    social_insurance_months: str | int | None = ""
    social_insurance_in_weihai: str | bool | None = ""
    paying_social_insurance: str | bool | None = ""
    business_registered: str | bool | None = ""
    notify_matches: str | bool | None = ""
    hardship_consent: str | bool | None = ""
    hardship: list[str] = field(default_factory=list)
    password: str = ""


def tri_state(value: object) -> bool | None:
    """Map 是/否/blank (or a bool) to True/False/None."""
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    return True if text in YES else False if text in NO else None


def _optional_int(value: object, *, key: str, label: str, low: int, high: int, errors: dict) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = int(str(value).strip().replace(",", "").removesuffix("元"))
    except ValueError:
        errors[key] = f"{label}应填写整数"
        return None
    if not low <= number <= high:
        errors[key] = f"{label}应在{low}到{high}之间"
    return number


def _optional_date(value: object, *, key: str, label: str, errors: dict) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return parse_date(value, field=key, label=label)
    except ValidationError as exc:
        errors[key] = exc.message
        return None


def _choice(value: str, options: tuple[str, ...], *, key: str, label: str, errors: dict, optional: bool) -> str | None:
    value = (value or "").strip()
    if not value and optional:
        return None
    if value not in options:
        errors[key] = f"请选择{label}：{'、'.join(options)}"
    return value


def clean_graduate(*, session: Session, data: GraduateInput, today: date, new: bool) -> tuple[dict, dict[str, str]]:
    """Validate every field at once; returns clean values and field → Chinese error."""
    errors: dict[str, str] = {}
    c: dict = {}
    c["name"] = " ".join((data.name or "").split())
    if not 2 <= len(c["name"]) <= 40:
        errors["name"] = "请填写姓名（2到40个字）"
    if new:
        try:
            info = validate_id_number(data.id_number, today=today)
            c.update(id_number=info.number, gender=info.gender, birth_date=info.birth_date)
        except ValidationError as exc:
            errors["id_number"] = exc.message
    try:
        c["phone"] = validate_mobile(data.phone, field="phone")
    except ValidationError as exc:
        errors["phone"] = exc.message
    for key, label in (("school", "毕业院校"), ("major", "所学专业")):
        c[key] = (getattr(data, key) or "").strip()[:80]
        if not c[key]:
            errors[key] = f"请填写{label}"
    c["degree"] = _choice(data.degree, DEGREES, key="degree", label="学历", errors=errors, optional=False)
    graduation = _optional_date(data.graduation_date, key="graduation_date", label="毕业时间", errors=errors)
    if graduation is None and "graduation_date" not in errors:
        errors["graduation_date"] = "请填写毕业（离校）时间，如 2026-06-30"
    elif graduation is not None and not date(1980, 1, 1) <= graduation <= date(today.year + 3, 12, 31):
        errors["graduation_date"] = f"毕业时间应在1980年到{today.year + 3}年之间"
    c["graduation_date"] = graduation
    hukou = tri_state(data.hukou_in_district)
    if hukou is None:
        errors["hukou_in_district"] = "请选择户籍是否在文登区"
    c["hukou_in_district"] = bool(hukou)
    c["town_code"] = (data.town_code or "").strip() or None
    if c["town_code"] and session.get(Town, c["town_code"]) is None:
        errors["town_code"] = "请选择居住的镇街"
    c["village_code"] = (data.village_code or "").strip() or None
    if c["village_code"]:
        village = session.get(Village, c["village_code"])
        if village is None or village.town_code != c["town_code"]:
            errors["village_code"] = "所选村居不在该镇街"
    c["file_status"] = _choice(data.file_status, FILE_STATUSES, key="file_status", label="档案状态", errors=errors,
                               optional=False)
    c["file_status_on"] = _optional_date(data.file_status_on, key="file_status_on", label="档案状态日期", errors=errors)
    c["file_expected_on"] = _optional_date(data.file_expected_on, key="file_expected_on", label="预计转入日期",
                                           errors=errors)
    c["intent"] = _choice(data.intent, INTENTS, key="intent", label="毕业去向", errors=errors, optional=False)
    c["preferred_work"] = " ".join((data.preferred_work or "").split())[:200]
    towns = [t for t in dict.fromkeys(data.preferred_towns or []) if t]
    missing = [t for t in towns if session.get(Town, t) is None]
    if missing:
        errors["preferred_towns"] = "意向镇街代码不存在：" + "、".join(missing)
    c["preferred_towns"] = towns
    unknown = [t for t in data.employment_types or [] if t not in EMPLOYMENT_TYPES]
    if unknown:
        errors["employment_types"] = "不认识的用工形式：" + "、".join(unknown)
    c["employment_types"] = [t for t in EMPLOYMENT_TYPES if t in set(data.employment_types or [])]
    c["travel_range"] = _choice(data.travel_range or "全区", TRAVEL_RANGES, key="travel_range", label="通勤范围",
                                errors=errors, optional=False)
    c["expected_pay"] = _optional_int(data.expected_pay, key="expected_pay", label="期望月薪", low=0, high=200_000,
                                      errors=errors)
    c["skills"] = (data.skills or "").strip()[:500]
    c["experience"] = (data.experience or "").strip()[:2000]
    c["employment_status"] = _choice(data.employment_status, EMPLOYMENT_STATUSES, key="employment_status",
                                     label="就业状态", errors=errors, optional=True)
    c["employer_type"] = _choice(data.employer_type, EMPLOYER_TYPES, key="employer_type", label="就业单位类型",
                                 errors=errors, optional=True)
    c["first_job_year"] = _optional_int(data.first_job_year, key="first_job_year", label="首次就业年份", low=1980,
                                        high=today.year + 1, errors=errors)
    c["social_insurance_months"] = _optional_int(data.social_insurance_months, key="social_insurance_months",
                                                 label="社保缴费月数", low=0, high=600, errors=errors)
    for name in TRI_STATE_FIELDS:
        c[name] = tri_state(getattr(data, name))
    c["notify_matches"] = bool(tri_state(data.notify_matches))
    consent = bool(tri_state(data.hardship_consent))
    hardship = [h for h in dict.fromkeys(data.hardship or []) if h]
    bad = [h for h in hardship if h not in HARDSHIPS]
    if bad:
        errors["hardship"] = "不认识的困难情形：" + "、".join(bad)
    elif hardship and not consent:
        errors["hardship"] = "填写困难情形前，请先勾选“同意提供”；不同意也可以不填"
    c["hardship_consent"], c["hardship"] = consent, [h for h in HARDSHIPS if h in hardship]
    return c, errors


def occupation_codes_for(preferred_work: str) -> list[str]:
    """Occupation codes for the kinds of work a graduate named ("会计、出纳" → two codes), via the title coder."""
    titles = [t for t in re.split(r"[,，、;；/\s]+", preferred_work or "") if t][:5]
    if not titles:
        return []
    from jobbridge.matching.coder import get_coder

    codes = [r.code for r in get_coder().code_many(titles) if r.level > 0 and r.code]
    return list(dict.fromkeys(codes))


def _check_unique(*, session: Session, values: dict, errors: dict) -> None:
    if "id_number" in values and session.exec(select(Graduate).where(Graduate.id_number == values["id_number"])).first():
        errors["id_number"] = "该身份证号已登记过档案，请到“我的档案”查看，或联系窗口工作人员"


def _account(*, session: Session, values: dict, password: str, channel: str, errors: dict) -> User | None:
    """The graduate's own account: a new one, or an existing graduate account with that phone."""
    existing = session.exec(select(User).where(User.phone == values.get("phone"))).first()
    if existing is not None:
        taken = session.exec(select(Graduate.id).where(Graduate.user_id == existing.id)).first()
        if channel == "online" or existing.role != Role.GRADUATE or taken is not None:
            errors["phone"] = "该手机号已注册账号；如是本人请先登录，或到窗口办理"
        return existing
    if channel == "online" or password:
        try:
            check_password_strength(password)
        except AccountError as exc:
            errors["password"] = exc.message
    return None


def register_graduate(*, session: Session, data: GraduateInput, registered_by: User | None, channel: str,
                      today: date) -> Graduate:
    """Create the file and the graduate's account; the registering staff member becomes responsible."""
    from jobbridge.graduates.contact import least_loaded_staff, send_contact_card

    values, errors = clean_graduate(session=session, data=data, today=today, new=True)
    _check_unique(session=session, values=values, errors=errors)
    password = data.password or ""
    account = _account(session=session, values=values, password=password, channel=channel, errors=errors)
    if errors:
        raise FormErrors(errors)
    if account is None:
        account = create_user(session=session, role=Role.GRADUATE, name=values["name"], phone=values["phone"],
                              password=password or None)
    consent, hardship = values.pop("hardship_consent"), values.pop("hardship")
    values["occupation_codes"] = occupation_codes_for(values["preferred_work"])
    responsible = registered_by.id if registered_by is not None and registered_by.role in (Role.STAFF, Role.ADMIN) \
        else least_loaded_staff(session=session)
    if values["file_status_on"] is None and values["file_status"] != "待转入":
        values["file_status_on"] = today
    graduate = Graduate(**values, user_id=account.id, responsible_staff_id=responsible,
                        registered_by=registered_by.id if registered_by else None, channel=channel,
                        notify_since=utcnow() if values["notify_matches"] else None)
    session.add(graduate)
    session.flush()
    _save_hardship(session=session, graduate=graduate, consent=consent, facts=hardship,
                   recorded_by=registered_by.id if registered_by else account.id)
    who = f"（经办人：{registered_by.name}）" if channel == "window" and registered_by else ""
    add_event(session=session, graduate=graduate, actor_id=registered_by.id if registered_by else account.id,
              kind="登记", text=f"{'窗口' if channel == 'window' else '网上'}登记档案{who}，档案状态：{graduate.file_status}")
    send_contact_card(session=session, graduate=graduate, reason="registered")
    return graduate


def update_graduate(*, session: Session, graduate: Graduate, data: GraduateInput, actor: User,
                    may_edit_hardship: bool, today: date) -> Graduate:
    """Change a file; the ID number stays as registered, and hardship changes only by those who may see it."""
    values, errors = clean_graduate(session=session, data=data, today=today, new=False)
    if values.get("phone") and values["phone"] != graduate.phone:
        other = session.exec(select(User).where(User.phone == values["phone"], User.id != graduate.user_id)).first()
        if other is not None:
            errors["phone"] = "该手机号已被其他账号使用"
    if errors:
        raise FormErrors(errors)
    consent, hardship = values.pop("hardship_consent"), values.pop("hardship")
    if values["preferred_work"] != graduate.preferred_work:
        values["occupation_codes"] = occupation_codes_for(values["preferred_work"])
    old_status = graduate.file_status
    if values["notify_matches"] and not graduate.notify_matches:
        graduate.notify_since = utcnow()
    if values["file_status"] != old_status and values["file_status_on"] in (None, graduate.file_status_on):
        values["file_status_on"] = today
    for name, value in values.items():
        setattr(graduate, name, value)
    graduate.updated_at = utcnow()
    session.add(graduate)
    if graduate.user_id:
        user = session.get(User, graduate.user_id)
        if user is not None and user.phone != graduate.phone:
            user.phone = graduate.phone
            session.add(user)
    if may_edit_hardship:
        _save_hardship(session=session, graduate=graduate, consent=consent, facts=hardship, recorded_by=actor.id)
    if old_status != graduate.file_status:
        add_event(session=session, graduate=graduate, actor_id=actor.id, kind="档案",
                  text=f"档案状态：{old_status} → {graduate.file_status}")
    else:
        add_event(session=session, graduate=graduate, actor_id=actor.id, kind="更新", text="更新档案信息")
    session.flush()
    return graduate


def _save_hardship(*, session: Session, graduate: Graduate, consent: bool, facts: list[str],
                   recorded_by: int | None) -> GraduateHardship:
    row = session.get(GraduateHardship, graduate.id) or GraduateHardship(graduate_id=graduate.id)
    if consent:
        if not row.consent:
            row.consent_at, row.consent_recorded_by = utcnow(), recorded_by
        row.consent, row.facts = True, list(facts)
    else:
        # Withdrawn or never given: nothing about hardship is kept.
        row.consent, row.consent_at, row.consent_recorded_by, row.facts = False, None, None, None
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    return row


def hardship_of(*, session: Session, graduate_id: int) -> GraduateHardship | None:
    """The hardship row (callers check the viewer may see it)."""
    return session.get(GraduateHardship, graduate_id)


def add_event(*, session: Session, graduate: Graduate, actor_id: int | None, kind: str, text: str) -> GraduateEvent:
    """Record one thing done on the case."""
    event = GraduateEvent(graduate_id=graduate.id, actor_id=actor_id, kind=kind, text=text[:300])
    session.add(event)
    session.flush()
    return event


def get_graduate(*, session: Session, graduate_id: int) -> Graduate:
    """One file or NotFound (no access check: see graduates.access)."""
    graduate = session.get(Graduate, graduate_id)
    if graduate is None:
        raise NotFound("没有找到该毕业生档案", code="graduate.not_found")
    return graduate


def graduate_of_user(*, session: Session, user_id: int) -> Graduate | None:
    """The file belonging to a graduate account."""
    return session.exec(select(Graduate).where(Graduate.user_id == user_id)).first()


def input_from_graduate(*, graduate: Graduate, hardship: GraduateHardship | None) -> GraduateInput:
    """A form pre-filled from a stored file (hardship only when the caller may show it)."""
    def yn(value: bool | None) -> str:
        return "" if value is None else "是" if value else "否"

    return GraduateInput(
        name=graduate.name, id_number=graduate.id_number, phone=graduate.phone, school=graduate.school,
        major=graduate.major, degree=graduate.degree, graduation_date=graduate.graduation_date.isoformat(),
        hukou_in_district=yn(graduate.hukou_in_district), town_code=graduate.town_code or "",
        village_code=graduate.village_code or "", file_status=graduate.file_status,
        file_status_on=graduate.file_status_on.isoformat() if graduate.file_status_on else "",
        file_expected_on=graduate.file_expected_on.isoformat() if graduate.file_expected_on else "",
        intent=graduate.intent, preferred_work=graduate.preferred_work, preferred_towns=list(graduate.preferred_towns),
        employment_types=list(graduate.employment_types), travel_range=graduate.travel_range,
        expected_pay="" if graduate.expected_pay is None else str(graduate.expected_pay), skills=graduate.skills,
        experience=graduate.experience, employment_status=graduate.employment_status or "",
        employer_type=graduate.employer_type or "", employer_in_weihai=yn(graduate.employer_in_weihai),
        first_job_year="" if graduate.first_job_year is None else str(graduate.first_job_year),
        social_insurance_months="" if graduate.social_insurance_months is None else str(graduate.social_insurance_months),
        social_insurance_in_weihai=yn(graduate.social_insurance_in_weihai),
        paying_social_insurance=yn(graduate.paying_social_insurance),
        business_registered=yn(graduate.business_registered), notify_matches="是" if graduate.notify_matches else "",
        hardship_consent="是" if hardship is not None and hardship.consent else "",
        hardship=list(hardship.facts or []) if hardship is not None and hardship.consent else [],
    )
