"""Vacancies: validation, the review workflow, and who may see or change them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import Session, col, select

from jobbridge.config import get_settings
from jobbridge.db import utcnow
from jobbridge.employers.models import Employer, Interest, Vacancy, VacancyBenefit
from jobbridge.employers.pay import Pay, validate_pay
from jobbridge.employers.service import FormErrors, get_employer
from jobbridge.errors import Conflict, DomainError, Forbidden, NotFound
from jobbridge.geo.models import Town, Village
from jobbridge.occupations.service import find_occupation
from jobbridge.settings_store import get_flag
from jobbridge.validation import ValidationError, parse_date
from jobbridge.vocab import BENEFITS, EDUCATION_LEVELS, EMPLOYMENT_TYPES, PAY_KINDS

MAX_VALID_DAYS = 90
# Changing any of these on a published vacancy sends it back to review.
REVIEWED_FIELDS = ("title", "pay_kind", "pay_low", "pay_high", "pay_unit", "min_education", "experience", "age_min",
                   "age_max", "skills", "description", "benefits", "employment_type")


@dataclass
class VacancyInput:
    """Raw vacancy fields as typed by a person (form, API or spreadsheet row)."""

    title: str = ""
    occupation_code: str = ""
    headcount: str | int = 1
    employment_type: str = "全职"
    pay_kind: str = "月薪"
    pay_low: str | float | None = None
    pay_high: str | float | None = None
    pay_unit: str = ""
    min_education: str = "不限"
    experience: str = "不限"
    age_min: str | int | None = None
    age_max: str | int | None = None
    skills: str = ""
    description: str = ""
    benefits: list[str] = field(default_factory=list)
    town_code: str = ""
    village_code: str = ""
    address: str = ""
    working_hours: str = ""
    valid_until: str | date = ""
    push_scope: str = "district"
    push_codes: list[str] = field(default_factory=list)


def today_local() -> date:
    """Today in the centre's time zone."""
    return utcnow().astimezone(get_settings().tz).date()


def _number(value, *, label: str, errors: dict, key: str) -> float | None:  # noqa: ANN001
    if value in (None, ""):
        return None
    try:
        number = float(str(value).replace(",", "").replace("元", "").strip())
    except ValueError:
        errors[key] = f"{label}应填写数字"
        return None
    if number < 0:
        errors[key] = f"{label}不能为负数"
    return number


def _int(value, *, label: str, errors: dict, key: str, low: int, high: int) -> int | None:  # noqa: ANN001
    if value in (None, ""):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        errors[key] = f"{label}应填写整数"
        return None
    if not low <= number <= high:
        errors[key] = f"{label}应在{low}到{high}之间"
    return number


def clean_vacancy(*, session: Session, data: VacancyInput, today: date | None = None) -> tuple[dict, dict[str, str]]:
    """Validate every field at once; returns clean values and field → Chinese error."""
    today = today or today_local()
    errors: dict[str, str] = {}
    c: dict = {}
    c["title"] = " ".join(data.title.split())
    if not 2 <= len(c["title"]) <= 40:
        errors["title"] = "请填写岗位名称（2到40个字）"
    code = data.occupation_code.strip()
    if code and find_occupation(session=session, code=code) is None:
        errors["occupation_code"] = f"职业代码 {code} 不在2022版职业分类大典中"
    c["occupation_code"] = code or None
    c["headcount"] = _int(data.headcount or 1, label="招聘人数", errors=errors, key="headcount", low=1, high=999) or 1
    if data.employment_type not in EMPLOYMENT_TYPES:
        errors["employment_type"] = "请选择用工形式：" + "、".join(EMPLOYMENT_TYPES)
    c["employment_type"] = data.employment_type
    if data.pay_kind not in PAY_KINDS:
        errors["pay_kind"] = "请选择薪酬方式：月薪、日薪或计件"
    low = _number(data.pay_low, label="薪酬下限", errors=errors, key="pay_low")
    high = _number(data.pay_high, label="薪酬上限", errors=errors, key="pay_high")
    if low is None and high is None and "pay_low" not in errors:
        errors["pay_low"] = "必须填写薪酬：求职者最关心工资，不写工资的岗位不予发布"
    elif data.pay_kind == "计件" and not data.pay_unit.strip():
        errors["pay_unit"] = "计件工资请填写单位，如“元/件”"
    if data.pay_kind in PAY_KINDS and not {"pay_low", "pay_high"} & errors.keys() and (low or high):
        pay = Pay(kind=data.pay_kind, low=low if low is not None else high, high=high,
                  unit=data.pay_unit.strip() or None)
        for message in validate_pay(pay):
            errors.setdefault("pay_high", message)
        c["pay_monthly_min"], c["pay_monthly_max"] = pay.monthly_estimate()
    c.update(pay_kind=data.pay_kind, pay_low=low if low is not None else high, pay_high=high,
             pay_unit=data.pay_unit.strip() or None)
    if data.min_education not in EDUCATION_LEVELS:
        errors["min_education"] = "请选择最低学历"
    c["min_education"] = data.min_education
    c["experience"] = (data.experience or "不限").strip()[:40]
    c["age_min"] = _int(data.age_min, label="最低年龄", errors=errors, key="age_min", low=16, high=70)
    c["age_max"] = _int(data.age_max, label="最高年龄", errors=errors, key="age_max", low=16, high=70)
    if c["age_min"] and c["age_max"] and c["age_min"] > c["age_max"] and "age_max" not in errors:
        errors["age_max"] = "最高年龄不能小于最低年龄"
    c["skills"] = data.skills.strip()[:500]
    c["description"] = data.description.strip()
    if len(c["description"]) < 10:
        errors["description"] = "请用至少10个字介绍工作内容"
    unknown = [b for b in data.benefits if b not in BENEFITS]
    if unknown:
        errors["benefits"] = f"不认识的福利标签：{'、'.join(unknown)}"
    c["benefits"] = [b for b in BENEFITS if b in set(data.benefits)]
    town = session.get(Town, data.town_code) if data.town_code else None
    if town is None:
        errors["town_code"] = "请选择工作地点所在镇街"
    c["town_code"] = data.town_code
    village_code = data.village_code.strip() or None
    if village_code:
        village = session.get(Village, village_code)
        if village is None or village.town_code != data.town_code:
            errors["village_code"] = "所选村居不在该镇街"
    c["village_code"] = village_code
    c["address"] = data.address.strip()[:200]
    c["working_hours"] = data.working_hours.strip()[:100]
    try:
        valid_until = parse_date(data.valid_until, field="valid_until", label="有效期") if data.valid_until else None
    except ValidationError as exc:
        errors["valid_until"], valid_until = exc.message, None
    if valid_until is None and "valid_until" not in errors:
        errors["valid_until"] = "请填写有效期截止日期"
    elif valid_until is not None and not today <= valid_until <= today + timedelta(days=MAX_VALID_DAYS):
        errors["valid_until"] = f"有效期应在今天到{MAX_VALID_DAYS}天以内（{today + timedelta(days=MAX_VALID_DAYS)}之前）"
    c["valid_until"] = valid_until
    c["push_scope"], c["push_codes"] = _clean_push(session=session, data=data, errors=errors)
    return c, errors


def _clean_push(*, session: Session, data: VacancyInput, errors: dict) -> tuple[str, list[str]]:
    codes = sorted({code.strip() for code in data.push_codes if code and code.strip()})
    if data.push_scope == "district":
        return "district", []
    model = {"towns": Town, "villages": Village}.get(data.push_scope)
    if model is None:
        errors["push_scope"] = "推送范围只能是全区、指定镇街或指定村居"
        return data.push_scope, codes
    if not codes:
        errors["push_codes"] = "请至少选择一个推送的镇街或村居"
    missing = [code for code in codes if session.get(model, code) is None]
    if missing:
        errors["push_codes"] = f"推送目标代码不存在：{'、'.join(missing)}"
    return data.push_scope, codes


def _search_text(values: dict) -> str:
    return " ".join([values.get("title", ""), values.get("skills", ""), values.get("description", "")]).lower()


def _suggest_occupation(values: dict) -> None:
    if values.get("occupation_code"):
        values["occupation_level"], values["occupation_confidence"] = None, None
        return
    from jobbridge.matching.coder import get_coder

    result = get_coder().code(values["title"], values.get("description") or None)
    values["occupation_code"] = result.code
    values["occupation_level"], values["occupation_confidence"] = result.level, result.confidence


def _sync_benefits(*, session: Session, vacancy: Vacancy) -> None:
    existing = {row.benefit: row for row in session.exec(select(VacancyBenefit).where(VacancyBenefit.vacancy_id == vacancy.id))}
    for name, row in existing.items():
        if name not in vacancy.benefits:
            session.delete(row)
    for name in vacancy.benefits:
        if name not in existing:
            session.add(VacancyBenefit(vacancy_id=vacancy.id, benefit=name))


def create_vacancy(*, session: Session, employer_id: int, data: VacancyInput, source_ref: str | None = None,
                   is_demo: bool = False, today: date | None = None) -> Vacancy:
    """Save a new vacancy as a draft (the occupation code is suggested when left blank)."""
    employer = get_employer(session=session, employer_id=employer_id)
    if employer.status in {"rejected", "suspended"}:
        raise Forbidden("单位未通过认证或已被暂停，不能发布岗位", code="employer.not_allowed")
    values, errors = clean_vacancy(session=session, data=data, today=today)
    if errors:
        raise FormErrors(errors)
    _suggest_occupation(values)
    vacancy = Vacancy(**values, employer_id=employer_id, status="draft", source_ref=source_ref, is_demo=is_demo,
                      search_text=_search_text(values))
    session.add(vacancy)
    session.flush()
    _sync_benefits(session=session, vacancy=vacancy)
    return vacancy


def get_vacancy(*, session: Session, vacancy_id: int) -> Vacancy:
    """One vacancy or NotFound."""
    vacancy = session.get(Vacancy, vacancy_id)
    if vacancy is None:
        raise NotFound("没有找到该岗位", code="vacancy.not_found")
    return vacancy


def is_public(*, vacancy: Vacancy, employer: Employer, today: date | None = None) -> bool:
    """Whether anyone may see the vacancy."""
    today = today or today_local()
    return vacancy.status == "published" and employer.status == "verified" and vacancy.valid_until >= today


def vacancy_for_owner(*, session: Session, vacancy_id: int, employer_id: int | None) -> Vacancy:
    """A vacancy its own employer's member may read or change; others get NotFound."""
    vacancy = get_vacancy(session=session, vacancy_id=vacancy_id)
    if employer_id is None or vacancy.employer_id != employer_id:
        raise NotFound("没有找到该岗位", code="vacancy.not_found")
    return vacancy


def _compliance(*, session: Session, vacancy: Vacancy) -> tuple[list[dict], list[dict]]:
    from jobbridge.employers.compliance_store import check_against_rules

    return check_against_rules(session=session, vacancy=vacancy)


def submit_for_review(*, session: Session, vacancy: Vacancy) -> Vacancy:
    """Run the compliance check; blocked postings stay drafts, others go to review (or straight out)."""
    if vacancy.status not in {"draft", "rejected", "pending"}:
        raise Conflict("只有草稿或未通过的岗位可以提交审核", code="vacancy.state")
    blocks, flags = _compliance(session=session, vacancy=vacancy)
    if blocks:
        vacancy.compliance_flags = blocks + flags
        session.add(vacancy)
        session.flush()
        raise ComplianceBlocked(blocks)
    vacancy.compliance_flags = flags
    vacancy.status, vacancy.reject_reason, vacancy.updated_at = "pending", "", utcnow()
    employer = get_employer(session=session, employer_id=vacancy.employer_id)
    if not flags and _may_auto_approve(session=session, employer=employer):
        _publish(vacancy)
    session.add(vacancy)
    session.flush()
    return vacancy


class ComplianceBlocked(DomainError):
    """The posting breaks a rule that blocks it; each finding says which law."""

    def __init__(self, findings: list[dict]) -> None:
        text = "；".join(f"{f['message']}（{f['law']}）" if f.get("law") else f["message"] for f in findings)
        super().__init__(f"岗位信息不合规，请修改后再提交：{text}", code="vacancy.compliance", field="description")
        self.findings = findings


def _may_auto_approve(*, session: Session, employer: Employer) -> bool:
    if employer.status != "verified" or not get_flag(session=session, key="auto_approve_verified_employers"):
        return False
    since = utcnow() - timedelta(days=180)
    rejected = session.exec(
        select(Vacancy.id).where(Vacancy.employer_id == employer.id, Vacancy.status == "rejected",
                                 col(Vacancy.updated_at) >= since)
    ).first()
    return rejected is None


def _publish(vacancy: Vacancy) -> None:
    vacancy.status = "published"
    vacancy.published_at = vacancy.published_at or utcnow()
    vacancy.updated_at = utcnow()


def approve_vacancy(*, session: Session, vacancy_id: int) -> Vacancy:
    """Staff publish a vacancy under review."""
    vacancy = get_vacancy(session=session, vacancy_id=vacancy_id)
    if vacancy.status == "published":
        return vacancy
    if vacancy.status != "pending":
        raise Conflict("只有待审核的岗位可以通过", code="vacancy.state")
    employer = get_employer(session=session, employer_id=vacancy.employer_id)
    if employer.status != "verified":
        raise Conflict("该单位尚未认证或已被暂停，请先审核单位", code="employer.not_verified")
    _publish(vacancy)
    session.add(vacancy)
    session.flush()
    return vacancy


def reject_vacancy(*, session: Session, vacancy_id: int, reason: str) -> Vacancy:
    """Staff send a vacancy back with a reason the employer sees."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写不通过的原因，单位会看到它", code="reason.required", field="reason")
    vacancy = get_vacancy(session=session, vacancy_id=vacancy_id)
    if vacancy.status != "pending":
        raise Conflict("只有待审核的岗位可以退回", code="vacancy.state")
    vacancy.status, vacancy.reject_reason, vacancy.updated_at = "rejected", reason[:500], utcnow()
    session.add(vacancy)
    return vacancy


def update_vacancy(*, session: Session, vacancy: Vacancy, data: VacancyInput) -> Vacancy:
    """Edit a vacancy; changing what was reviewed on a published one sends it back to review."""
    if vacancy.status in {"closed", "filled", "expired"}:
        raise Conflict("已结束的岗位不能修改，请重新发布", code="vacancy.state")
    values, errors = clean_vacancy(session=session, data=data)
    if errors:
        raise FormErrors(errors)
    _suggest_occupation(values) if not values.get("occupation_code") else None
    reviewed_change = any(getattr(vacancy, name) != values.get(name, getattr(vacancy, name)) for name in REVIEWED_FIELDS)
    for name, value in values.items():
        setattr(vacancy, name, value)
    vacancy.search_text = _search_text(values)
    vacancy.updated_at = utcnow()
    session.add(vacancy)
    session.flush()
    _sync_benefits(session=session, vacancy=vacancy)
    if vacancy.status == "published" and reviewed_change:
        vacancy.status = "draft"
        submit_for_review(session=session, vacancy=vacancy)
    return vacancy


def end_vacancy(*, session: Session, vacancy: Vacancy, outcome: str) -> Vacancy:
    """Close a vacancy early or mark it filled."""
    if outcome not in {"closed", "filled"}:
        raise DomainError("结束方式只能是关闭或已招满", code="vacancy.outcome")
    if vacancy.status in {"closed", "filled", "expired"}:
        return vacancy
    vacancy.status, vacancy.closed_at, vacancy.updated_at = outcome, utcnow(), utcnow()
    session.add(vacancy)
    session.flush()
    return vacancy


def employer_vacancies(*, session: Session, employer_id: int) -> list[Vacancy]:
    """All of one employer's vacancies, newest first."""
    return list(session.exec(select(Vacancy).where(Vacancy.employer_id == employer_id).order_by(col(Vacancy.id).desc())))


def pending_vacancies(*, session: Session) -> list[tuple[Vacancy, Employer]]:
    """The review queue, oldest first."""
    rows = session.exec(
        select(Vacancy, Employer).join(Employer, Employer.id == Vacancy.employer_id)
        .where(Vacancy.status == "pending").order_by(col(Vacancy.updated_at))
    )
    return list(rows.all())


def interest_count(*, session: Session, vacancy_id: int) -> int:
    """How many people registered interest."""
    return len(session.exec(select(Interest.id).where(Interest.vacancy_id == vacancy_id)).all())
