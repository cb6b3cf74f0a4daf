"""Helpers shared by the employer and staff review pages: form parsing, flash notices, place pickers, downloads."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.enums import RequestEncodingType
from litestar.params import Body
from sqlmodel import Session, col, select

from jobbridge.employers.excel import XLSX_MEDIA_TYPE
from jobbridge.employers.models import PUSH_SCOPES, VACANCY_STATUS_LABELS, Vacancy
from jobbridge.employers.pay import Pay
from jobbridge.employers.vacancies import MAX_VALID_DAYS, VacancyInput, today_local
from jobbridge.errors import Forbidden
from jobbridge.geo.models import Town, Village
from jobbridge.vocab import BENEFITS, EDUCATION_LEVELS, EMPLOYER_SIZES, EMPLOYMENT_TYPES, PAY_KINDS
from jobbridge_web.deps import CurrentUser, current_user

FormBody = Annotated[dict, Body(media_type=RequestEncodingType.URL_ENCODED)]
VACANCY_LIST_FIELDS = {"benefits", "push_towns", "push_villages"}
INDUSTRIES = ("农、林、牧、渔业", "制造业", "建筑业", "批发和零售业", "交通运输、仓储和邮政业", "住宿和餐饮业",
              "信息传输、软件和信息技术服务业", "房地产业", "租赁和商务服务业", "居民服务、修理和其他服务业",
              "教育", "卫生和社会工作", "文化、体育和娱乐业", "其他")


def form_text(form: dict[str, Any], key: str) -> str:
    """One text value of a URL-encoded form (the last one when a key repeats)."""
    value = form.get(key, "")
    if isinstance(value, list):
        value = value[-1] if value else ""
    return str(value or "")


def form_list(form: dict[str, Any], key: str) -> list[str]:
    """Every value of a repeated key (checkboxes, multi-selects); Litestar gives a list only when it repeats."""
    value = form.get(key)
    if value is None or value == "":
        return []
    return [str(v) for v in value if v] if isinstance(value, list) else [str(value)]


def vacancy_input_from_form(form: dict[str, Any]) -> VacancyInput:
    """The vacancy form as VacancyInput; push targets come from the towns or villages picker the scope names."""
    scope = form_text(form, "push_scope") or "district"
    codes = form_list(form, "push_towns") if scope == "towns" else form_list(form, "push_villages") if scope == "villages" else []
    return VacancyInput(
        title=form_text(form, "title"), occupation_code=form_text(form, "occupation_code").strip(),
        headcount=form_text(form, "headcount") or 1, employment_type=form_text(form, "employment_type"),
        pay_kind=form_text(form, "pay_kind"), pay_low=form_text(form, "pay_low") or None,
        pay_high=form_text(form, "pay_high") or None, pay_unit=form_text(form, "pay_unit"),
        min_education=form_text(form, "min_education") or "不限", experience=form_text(form, "experience"),
        age_min=form_text(form, "age_min") or None, age_max=form_text(form, "age_max") or None,
        skills=form_text(form, "skills"), description=form_text(form, "description"),
        benefits=form_list(form, "benefits"), town_code=form_text(form, "town_code"),
        village_code=form_text(form, "village_code"), address=form_text(form, "address"),
        working_hours=form_text(form, "working_hours"), valid_until=form_text(form, "valid_until"),
        push_scope=scope, push_codes=codes,
    )


def blank_vacancy_input() -> VacancyInput:
    """A new vacancy form with sensible defaults (valid for 30 days)."""
    return VacancyInput(headcount=1, valid_until=today_local() + timedelta(days=30))


def places(db: Session) -> dict[str, Any]:
    """Towns and villages grouped by town, for select boxes that work without JavaScript."""
    towns = list(db.exec(select(Town).order_by(col(Town.sort_order))))
    villages: dict[str, list[Village]] = {}
    for village in db.exec(select(Village).order_by(col(Village.code))):
        villages.setdefault(village.town_code, []).append(village)
    return {"towns": towns, "villages_by_town": [(t, villages.get(t.code, [])) for t in towns],
            "town_names": {t.code: t.name for t in towns}}


def vacancy_options() -> dict[str, Any]:
    """The choice lists of the vacancy form."""
    today = today_local()
    return {"employment_types": EMPLOYMENT_TYPES, "pay_kinds": PAY_KINDS, "education_levels": EDUCATION_LEVELS,
            "benefit_options": BENEFITS, "push_scopes": PUSH_SCOPES, "today": today,
            "max_valid": today + timedelta(days=MAX_VALID_DAYS), "max_valid_days": MAX_VALID_DAYS}


def employer_options() -> dict[str, Any]:
    """The choice lists of the employer form."""
    return {"sizes": EMPLOYER_SIZES, "industries": INDUSTRIES}


def pay_text(vacancy: Vacancy) -> str:
    """A vacancy's pay in Chinese, e.g. 5000-7000元/月."""
    return Pay(kind=vacancy.pay_kind, low=vacancy.pay_low, high=vacancy.pay_high, unit=vacancy.pay_unit).display()


def occupation_label(db: Session, code: str | None) -> str:
    """A code with its classification name, for staff."""
    from jobbridge.employers.vacancies import occupation_name

    return f"{code} {occupation_name(session=db, code=code)}" if code else "未识别"


def status_label(status: str) -> str:
    """A vacancy status in Chinese."""
    return VACANCY_STATUS_LABELS.get(status, status)


def member_of(request: Request) -> CurrentUser:
    """The signed-in employer member; other accounts (even admins) have no employer to act for."""
    user = current_user(request)
    if user is None or user.employer_id is None:
        raise Forbidden("此页面供用工单位账号使用，请用单位账号登录", code="employer.not_member")
    return user


def flash(request: Request, text: str) -> None:
    """Keep a one-time Chinese notice for the next page (server-side session, never the cookie)."""
    session = dict(request.session or {})
    session["flash"] = text
    request.set_session(session)


def take_flash(request: Request) -> str:
    """The pending notice, removed once read."""
    session = request.session or {}
    if "flash" not in session:
        return ""
    rest = dict(session)
    text = str(rest.pop("flash"))
    request.set_session(rest)
    return text


def xlsx_response(content: bytes, *, filename: str) -> Response:
    """A spreadsheet download with a Chinese file name."""
    disposition = f"attachment; filename=\"vacancies.xlsx\"; filename*=UTF-8''{quote(filename)}"
    return Response(content, media_type=XLSX_MEDIA_TYPE, headers={"Content-Disposition": disposition})
