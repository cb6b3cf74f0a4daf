"""Public vacancy pages: the searchable list, the detail page with tap-to-call and 我要报名, and my registrations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Request, get, post
from litestar.datastructures import MultiDict
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body
from litestar.response import Template
from sqlmodel import Session, col, select

from jobbridge.accounts.models import User
from jobbridge.employers.browse import VacancyFilters, search_vacancies
from jobbridge.employers.browse_filters import POSTED_WITHIN_CHOICES, SORTS, major_names
from jobbridge.employers.interest import my_interests, register_interest
from jobbridge.employers.models import VACANCY_STATUS_LABELS, Employer, Vacancy
from jobbridge.employers.pay import Pay
from jobbridge.employers.service import FormErrors
from jobbridge.employers.vacancies import is_public
from jobbridge.errors import DomainError
from jobbridge.geo.models import Town, Village
from jobbridge.matching.outcomes import record_view
from jobbridge.occupations.service import find_occupation
from jobbridge.vocab import BENEFITS, EDUCATION_LEVELS, EMPLOYMENT_TYPES, Role
from jobbridge_web.deps import CurrentUser, current_user, requires

FILTER_KEYS = ("town", "village", "near", "occupation", "q", "employment_type", "min_pay", "education",
               "posted_within", "sort")
MIN_PAY_CHOICES = (3000, 4000, 5000, 6000, 8000, 10000)
PAGE_SIZE = 20


def filters_from_query(params: MultiDict) -> tuple[VacancyFilters, dict[str, Any]]:
    """Filters from GET parameters, and the same values for rebuilding links (empty ones dropped)."""
    values = {key: (params.get(key) or "").strip() for key in FILTER_KEYS}
    benefits = [b.strip() for raw in params.getall("benefits", []) for b in str(raw).split(",") if b.strip()]
    filters = VacancyFilters(**values, benefits=benefits)
    kept: dict[str, Any] = {key: value for key, value in values.items() if value}
    if benefits:
        kept["benefits"] = benefits
    return filters, kept


def page_number(raw: str | None, *, field: str = "page") -> int:
    """A page number from the query string; anything else is a Chinese 400."""
    text = (raw or "1").strip()
    if not text.isdigit() or int(text) < 1:
        raise DomainError("页码应为从1开始的整数", code="filter.page", field=field)
    return int(text)


def link_builder(kept: dict[str, Any]):  # noqa: ANN201
    """`link(town="…", page=None)`: the list URL with some parameters changed (None removes one)."""

    def link(**changes: Any) -> str:
        params = dict(kept)
        params.pop("page", None)
        for key, value in changes.items():
            if value is None or value == "" or value == []:
                params.pop(key, None)
            else:
                params[key] = value
        query = urlencode(params, doseq=True)
        return "/vacancies" + ("?" + query if query else "")

    return link


def tel_href(phone: str) -> str:
    """A tel: target for a stored phone ("0631-8451234-12" dials the extension after a pause)."""
    parts = [part for part in (phone or "").split("-") if part]
    number = "".join(ch for ch in "".join(parts[:2]) if ch.isdigit())
    extension = "".join(ch for ch in parts[2] if ch.isdigit()) if len(parts) > 2 else ""
    return f"tel:{number},{extension}" if extension else f"tel:{number}"


def registrant(user: CurrentUser | None) -> dict[str, Any]:
    """How a registration is attributed: the person themselves, or a coordinator or staff member for them."""
    if user is None:
        return {"via": "self"}
    if user.role == Role.COORDINATOR:
        return {"via": "coordinator", "registered_by": user.id}
    if user.is_staff:
        return {"via": "staff", "registered_by": user.id}
    if user.role in {Role.JOBSEEKER, Role.GRADUATE}:
        return {"via": "self", "user_id": user.id}
    return {"via": "self"}


def _form_options(db: Session) -> dict[str, Any]:
    towns = list(db.exec(select(Town).order_by(col(Town.sort_order))))
    villages: dict[str, list[Village]] = {}
    for village in db.exec(select(Village).order_by(col(Village.code))):
        villages.setdefault(village.town_code, []).append(village)
    return {
        "towns": towns, "villages_by_town": [(t, villages.get(t.code, [])) for t in towns],
        "employment_types": EMPLOYMENT_TYPES, "education_levels": EDUCATION_LEVELS, "benefit_choices": BENEFITS,
        "sorts": SORTS, "posted_choices": POSTED_WITHIN_CHOICES, "min_pay_choices": MIN_PAY_CHOICES,
        "majors": major_names(session=db),
    }


@get("/vacancies", sync_to_thread=True, name="vacancies")
def vacancy_list(request: Request, db: Session) -> Template:
    """Public vacancies with filters, facet counts and pages; a bad filter re-renders the form with the reason."""
    filters, kept = filters_from_query(request.query_params)
    if filters.village and filters.town and not filters.village.startswith(filters.town):
        # The person picked another town in the same form; its old village choice no longer applies.
        filters.village = ""
        kept.pop("village", None)
    context: dict[str, Any] = {"f": filters, "kept": kept, "link": link_builder(kept), "result": None,
                               "error": None, **_form_options(db)}
    try:
        page = page_number(request.query_params.get("page"))
        context["result"] = search_vacancies(session=db, filters=filters, page=page, page_size=PAGE_SIZE)
    except DomainError as exc:
        context["error"] = exc
        return Template("vacancies/list.html", context=context, status_code=400)
    return Template("vacancies/list.html", context=context)


@dataclass
class InterestForm:
    """The two-field 我要报名 form (plus the village the link came from)."""

    name: str = ""
    phone: str = ""
    v: str = ""


def _viewer_may_preview(user: CurrentUser | None, vacancy: Vacancy) -> bool:
    return user is not None and (user.is_staff or (user.employer_id is not None and user.employer_id == vacancy.employer_id))


def _detail_context(db: Session, vacancy_id: int, user: CurrentUser | None) -> dict[str, Any]:
    vacancy = db.get(Vacancy, vacancy_id)
    employer = db.get(Employer, vacancy.employer_id) if vacancy else None
    if vacancy is None or employer is None:
        raise NotFoundException(detail="没有找到该岗位，可能已招满或已下架")
    public = is_public(vacancy=vacancy, employer=employer)
    if not public and not _viewer_may_preview(user, vacancy):
        raise NotFoundException(detail="没有找到该岗位，可能已招满或已下架")
    town = db.get(Town, vacancy.town_code)
    village = db.get(Village, vacancy.village_code) if vacancy.village_code else None
    occupation = find_occupation(session=db, code=vacancy.occupation_code) if vacancy.occupation_code else None
    return {
        "vacancy": vacancy, "employer": employer, "public": public,
        "status_label": VACANCY_STATUS_LABELS.get(vacancy.status, vacancy.status),
        "pay": Pay(kind=vacancy.pay_kind, low=vacancy.pay_low, high=vacancy.pay_high, unit=vacancy.pay_unit).display(),
        "town_name": town.name if town else "", "village_name": village.short_name if village else "",
        "occupation": occupation, "tel": tel_href(employer.contact_phone),
    }


def _prefill(db: Session, user: CurrentUser | None, v: str) -> InterestForm:
    if user is not None and user.role in {Role.JOBSEEKER, Role.GRADUATE}:
        account = db.get(User, user.id)
        return InterestForm(name=account.name if account else "", phone=(account.phone or "") if account else "", v=v)
    return InterestForm(v=v)


@get("/vacancies/{vacancy_id:int}", sync_to_thread=True, name="vacancy_detail")
def vacancy_detail(request: Request, db: Session, vacancy_id: int, v: str = "") -> Template:
    """One vacancy: pay, place, hours, requirements, the recruitment phone to tap, and the 我要报名 form."""
    user = current_user(request)
    context = _detail_context(db, vacancy_id, user)
    record_view(session=db, user_id=user.id if user else None, vacancy_id=vacancy_id)
    village = v.strip() if v and db.get(Village, v.strip()) else ""
    return Template("vacancies/detail.html", context={**context, "form": _prefill(db, user, village), "errors": {}})


@post("/vacancies/{vacancy_id:int}/interest", sync_to_thread=True)
def vacancy_interest(
    request: Request, db: Session, vacancy_id: int,
    data: Annotated[InterestForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Template:
    """Register interest; a repeat says 已报名, a bad phone re-renders the form with the reason and the input."""
    user = current_user(request)
    context = _detail_context(db, vacancy_id, user)
    # The village comes from a notice link; an unknown code is dropped rather than blocking the registration.
    village = data.v.strip() if data.v and db.get(Village, data.v.strip()) else None
    try:
        interest, created = register_interest(session=db, vacancy_id=vacancy_id, name=data.name, phone=data.phone,
                                              village_code=village, **registrant(user))
    except FormErrors as exc:
        return Template("vacancies/detail.html", context={**context, "form": data, "errors": exc.errors},
                        status_code=400)
    return Template("vacancies/registered.html", context={**context, "interest": interest, "created": created})


@get("/me/interests", sync_to_thread=True, guards=[requires(Role.JOBSEEKER, Role.GRADUATE)])
def my_interest_page(request: Request, db: Session) -> Template:
    """A jobseeker's registrations and how far each has got."""
    user = current_user(request)
    account = db.get(User, user.id) if user else None
    rows = my_interests(session=db, user_id=user.id if user else None, phone=account.phone if account else None)
    return Template("vacancies/my_interests.html", context={"rows": rows, "tel_href": tel_href})


handlers = [vacancy_list, vacancy_detail, vacancy_interest, my_interest_page]
