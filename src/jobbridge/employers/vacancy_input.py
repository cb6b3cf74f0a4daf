"""Vacancy input as a person types it, and its validation (every field at once, Chinese messages)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import Session

from jobbridge.config import get_settings
from jobbridge.db import utcnow
from jobbridge.employers.pay import Pay, validate_pay
from jobbridge.geo.models import Town, Village
from jobbridge.occupations.service import find_occupation
from jobbridge.validation import ValidationError, parse_date
from jobbridge.vocab import BENEFITS, EDUCATION_LEVELS, EMPLOYMENT_TYPES, PAY_KINDS

MAX_VALID_DAYS = 90
_LIST_SEPARATORS = re.compile(r"[、,，;；/\s]+")


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


def _text(value) -> str:  # noqa: ANN001
    """A form value as text (API clients and spreadsheets may send numbers or nothing)."""
    if value is None or isinstance(value, list | dict):
        return ""
    return str(value)


def _list(value) -> list[str]:  # noqa: ANN001
    """A list of labels or codes from a list or a 、-separated string."""
    if value is None:
        return []
    items = _LIST_SEPARATORS.split(value) if isinstance(value, str) else value if isinstance(value, list | tuple) else []
    return [str(item).strip() for item in items if str(item).strip()]


def _number(value, *, label: str, errors: dict, key: str) -> float | None:  # noqa: ANN001
    if value in (None, "") or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        errors[key] = f"{label}应填写数字"
        return None
    try:
        number = float(str(value).replace(",", "").replace("元", "").strip())
    except ValueError:
        errors[key] = f"{label}应填写数字"
        return None
    if number != number or number in (float("inf"), float("-inf")):
        errors[key] = f"{label}应填写数字"
        return None
    if number < 0:
        errors[key] = f"{label}不能为负数"
    return number


def _int(value, *, label: str, errors: dict, key: str, low: int, high: int) -> int | None:  # noqa: ANN001
    if value in (None, "") or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip()
    # Spreadsheets hand integers over as floats ("3.0").
    text = text[:-2] if text.endswith(".0") else text
    try:
        if isinstance(value, bool):
            raise ValueError(value)
        number = int(text)
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
    c["title"] = " ".join(_text(data.title).split())
    if not 2 <= len(c["title"]) <= 40:
        errors["title"] = "请填写岗位名称（2到40个字）"
    code = _text(data.occupation_code).strip()
    if code and find_occupation(session=session, code=code) is None:
        errors["occupation_code"] = f"职业代码 {code} 不在2022版职业分类大典中"
    c["occupation_code"] = code or None
    headcount = 1 if data.headcount in (None, "") else data.headcount
    c["headcount"] = _int(headcount, label="招聘人数", errors=errors, key="headcount", low=1, high=999) or 1
    employment_type, pay_kind = _text(data.employment_type).strip(), _text(data.pay_kind).strip()
    if employment_type not in EMPLOYMENT_TYPES:
        errors["employment_type"] = "请选择用工形式：" + "、".join(EMPLOYMENT_TYPES)
    c["employment_type"] = employment_type
    if pay_kind not in PAY_KINDS:
        errors["pay_kind"] = "请选择薪酬方式：月薪、日薪或计件"
    low = _number(data.pay_low, label="薪酬下限", errors=errors, key="pay_low")
    high = _number(data.pay_high, label="薪酬上限", errors=errors, key="pay_high")
    pay_unit = _text(data.pay_unit).strip()
    if low is None and high is None and "pay_low" not in errors and "pay_high" not in errors:
        errors["pay_low"] = "必须填写薪酬：求职者最关心工资，不写工资的岗位不予发布"
    elif pay_kind == "计件" and not pay_unit:
        errors["pay_unit"] = "计件工资请填写单位，如“元/件”"
    if pay_kind in PAY_KINDS and not {"pay_low", "pay_high"} & errors.keys() and (low is not None or high is not None):
        pay = Pay(kind=pay_kind, low=low if low is not None else high, high=high, unit=pay_unit or None)
        for message in validate_pay(pay):
            errors.setdefault(_pay_error_field(message), message)
        c["pay_monthly_min"], c["pay_monthly_max"] = pay.monthly_estimate()
    c.update(pay_kind=pay_kind, pay_low=low if low is not None else high, pay_high=high,
             pay_unit=(pay_unit or None) if pay_kind == "计件" else None)
    min_education = _text(data.min_education).strip() or "不限"
    if min_education not in EDUCATION_LEVELS:
        errors["min_education"] = "请选择最低学历"
    c["min_education"] = min_education
    c["experience"] = (_text(data.experience) or "不限").strip()[:40] or "不限"
    c["age_min"] = _int(data.age_min, label="最低年龄", errors=errors, key="age_min", low=16, high=70)
    c["age_max"] = _int(data.age_max, label="最高年龄", errors=errors, key="age_max", low=16, high=70)
    if c["age_min"] and c["age_max"] and c["age_min"] > c["age_max"] and "age_max" not in errors:
        errors["age_max"] = "最高年龄不能小于最低年龄"
    c["skills"] = _text(data.skills).strip()[:500]
    c["description"] = _text(data.description).strip()
    if len(c["description"]) < 10:
        errors["description"] = "请用至少10个字介绍工作内容"
    benefits = _list(data.benefits)
    unknown = [b for b in benefits if b not in BENEFITS]
    if unknown:
        errors["benefits"] = f"不认识的福利标签：{'、'.join(unknown)}（可选：{'、'.join(BENEFITS)}）"
    c["benefits"] = [b for b in BENEFITS if b in set(benefits)]
    town_code = _text(data.town_code).strip()
    town = session.get(Town, town_code) if town_code else None
    if town is None:
        errors["town_code"] = "请选择工作地点所在镇街"
    c["town_code"] = town_code
    village_code = _text(data.village_code).strip() or None
    if village_code:
        village = session.get(Village, village_code)
        if village is None or village.town_code != town_code:
            errors["village_code"] = "所选村居不在该镇街"
    c["village_code"] = village_code
    c["address"] = _text(data.address).strip()[:200]
    c["working_hours"] = _text(data.working_hours).strip()[:100]
    raw_until = data.valid_until if isinstance(data.valid_until, date) else _text(data.valid_until).strip()
    try:
        valid_until = parse_date(raw_until, field="valid_until", label="有效期") if raw_until else None
    except ValidationError as exc:
        errors["valid_until"], valid_until = exc.message, None
    if valid_until is None and "valid_until" not in errors:
        errors["valid_until"] = "请填写有效期截止日期"
    elif valid_until is not None and not today <= valid_until <= today + timedelta(days=MAX_VALID_DAYS):
        errors["valid_until"] = f"有效期应在今天到{MAX_VALID_DAYS}天以内（{today + timedelta(days=MAX_VALID_DAYS)}之前）"
    c["valid_until"] = valid_until
    c["push_scope"], c["push_codes"] = _clean_push(session=session, data=data, errors=errors)
    return c, errors


def _pay_error_field(message: str) -> str:
    """Which pay input a validate_pay message is about."""
    if "单位" in message:
        return "pay_unit"
    if "不能高于" in message or message.startswith("最高"):
        return "pay_high"
    return "pay_low"


def _clean_push(*, session: Session, data: VacancyInput, errors: dict) -> tuple[str, list[str]]:
    codes = sorted(set(_list(data.push_codes)))
    scope = _text(data.push_scope).strip() or "district"
    if scope == "district":
        return "district", []
    model = {"towns": Town, "villages": Village}.get(scope)
    if model is None:
        errors["push_scope"] = "推送范围只能是全区、指定镇街或指定村居"
        return "district", []
    if not codes:
        errors["push_codes"] = "请至少选择一个推送的镇街或村居"
    missing = [code for code in codes if session.get(model, code) is None]
    if missing:
        errors["push_codes"] = f"推送目标代码不存在：{'、'.join(missing)}"
    return scope, codes
