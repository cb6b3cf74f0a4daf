"""JSON API for public vacancy search, vacancy detail, registering interest and recording outcomes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from litestar import Request, Response, get, post
from litestar.params import Parameter
from sqlmodel import Session

from jobbridge.accounts.models import User
from jobbridge.accounts.service import record_access
from jobbridge.employers.browse import Facets, VacancyCard, VacancyFilters, search_vacancies
from jobbridge.employers.browse_filters import MAX_PAGE_SIZE
from jobbridge.employers.interest import interests_for_vacancy, register_interest, set_outcome
from jobbridge.employers.models import VACANCY_STATUS_LABELS, Employer, Vacancy
from jobbridge.employers.pay import Pay
from jobbridge.employers.vacancies import is_public
from jobbridge.errors import NotFound
from jobbridge.geo.models import Town, Village
from jobbridge.occupations.service import find_occupation
from jobbridge.validation import mask_phone
from jobbridge.vocab import Role
from jobbridge_web.deps import current_user, requires
from jobbridge_web.routes.vacancies import registrant

TAGS = ["岗位"]
employer_or_staff = requires(Role.EMPLOYER, Role.STAFF, Role.ADMIN)


@dataclass
class VacancyPage:
    """One page of public vacancies with the total and facet counts over the whole filtered set."""

    total: int
    page: int
    page_size: int
    pages: int
    items: list[VacancyCard]
    facets: Facets


@dataclass
class EmployerOut:
    """The employer as shown on a public vacancy (the phone is its public recruitment number)."""

    id: int
    name: str
    contact_name: str
    contact_phone: str
    address: str


@dataclass
class VacancyOut:
    """Everything a jobseeker needs to decide about one vacancy."""

    id: int
    title: str
    status: str
    status_label: str
    is_public: bool
    employer: EmployerOut
    pay: str
    pay_kind: str
    pay_low: float | None
    pay_high: float | None
    pay_unit: str | None
    pay_monthly_min: float | None
    pay_monthly_max: float | None
    employment_type: str
    headcount: int
    occupation_code: str | None
    occupation_name: str
    min_education: str
    experience: str
    age_min: int | None
    age_max: int | None
    skills: str
    description: str
    benefits: list[str]
    town_code: str
    town_name: str
    village_code: str | None
    village_name: str
    address: str
    working_hours: str
    valid_until: date
    published_at: datetime | None


@dataclass
class InterestIn:
    """A registration of interest: name and mobile number (and the village, when a notice linked here)."""

    name: str
    phone: str
    village_code: str | None = None


@dataclass
class InterestReceipt:
    """What a registration produced; the phone is masked because anyone may call this."""

    id: int
    vacancy_id: int
    created: bool
    status: str
    via: str
    phone: str
    message: str


@dataclass
class InterestOut:
    """One registration, for the vacancy's employer or staff (full phone: they need it to call)."""

    id: int
    vacancy_id: int
    name: str
    phone: str
    village_code: str | None
    via: str
    status: str
    note: str
    created_at: datetime
    updated_at: datetime


@dataclass
class OutcomeIn:
    """The new follow-up status: 已联系, 已面试, 已录用 or 未录用."""

    status: str
    note: str | None = None


@get("/api/v1/vacancies", sync_to_thread=True, tags=TAGS, skip_session=True)
def api_search_vacancies(
    request: Request,
    db: Session,
    town: str = "",
    village: str = "",
    near: str = Parameter(default="", description="求职者所在村居代码：同村、同镇、邻镇的岗位排在前面"),
    occupation: str = Parameter(default="", description="职业代码前缀（如 6 或 6-01）或工种关键词"),
    q: str = Parameter(default="", description="关键词，多个用空格隔开"),
    employment_type: str = "",
    min_pay: int | None = Parameter(default=None, description="月薪不低于（元）"),
    education: str = Parameter(default="", description="求职者的学历：只列要求不高于它的岗位"),
    benefits: list[str] | None = Parameter(default=None, description="福利，可重复或用逗号分隔；须全部具备"),
    posted_within: int | None = Parameter(default=None, description="最近几天内发布"),
    sort: str = Parameter(default="relevance", description="relevance（综合）、newest（最新）或 pay（工资最高）"),
    page: int = 1,
    page_size: int = Parameter(default=20, description=f"每页条数，1到{MAX_PAGE_SIZE}"),
) -> VacancyPage:
    """Search public vacancies with filters, near-me ordering and facet counts."""
    wanted = [b.strip() for raw in benefits or [] for b in raw.split(",") if b.strip()]
    filters = VacancyFilters(town=town, village=village, near=near, occupation=occupation, q=q,
                             employment_type=employment_type, min_pay=min_pay, education=education,
                             benefits=wanted, posted_within=posted_within, sort=sort)
    result = search_vacancies(session=db, filters=filters, page=page, page_size=page_size)
    return VacancyPage(total=result.total, page=result.page, page_size=result.page_size, pages=result.pages,
                       items=result.items, facets=result.facets)


def _viewer_owns_or_staff(request: Request, vacancy: Vacancy) -> bool:
    user = current_user(request)
    return user is not None and (user.is_staff or (user.employer_id is not None and user.employer_id == vacancy.employer_id))


@get("/api/v1/vacancies/{vacancy_id:int}", sync_to_thread=True, tags=TAGS)
def api_vacancy(request: Request, db: Session, vacancy_id: int) -> VacancyOut:
    """One vacancy; one that is not public is visible only to its own employer and to staff."""
    vacancy = db.get(Vacancy, vacancy_id)
    employer = db.get(Employer, vacancy.employer_id) if vacancy else None
    if vacancy is None or employer is None:
        raise NotFound("没有找到该岗位", code="vacancy.not_found")
    public = is_public(vacancy=vacancy, employer=employer)
    if not public and not _viewer_owns_or_staff(request, vacancy):
        raise NotFound("没有找到该岗位", code="vacancy.not_found")
    town = db.get(Town, vacancy.town_code)
    village = db.get(Village, vacancy.village_code) if vacancy.village_code else None
    occupation = find_occupation(session=db, code=vacancy.occupation_code) if vacancy.occupation_code else None
    return VacancyOut(
        id=vacancy.id, title=vacancy.title, status=vacancy.status,
        status_label=VACANCY_STATUS_LABELS.get(vacancy.status, vacancy.status), is_public=public,
        employer=EmployerOut(id=employer.id, name=employer.name, contact_name=employer.contact_name,
                             contact_phone=employer.contact_phone, address=employer.address),
        pay=Pay(kind=vacancy.pay_kind, low=vacancy.pay_low, high=vacancy.pay_high, unit=vacancy.pay_unit).display(),
        pay_kind=vacancy.pay_kind, pay_low=vacancy.pay_low, pay_high=vacancy.pay_high, pay_unit=vacancy.pay_unit,
        pay_monthly_min=vacancy.pay_monthly_min, pay_monthly_max=vacancy.pay_monthly_max,
        employment_type=vacancy.employment_type, headcount=vacancy.headcount,
        occupation_code=vacancy.occupation_code, occupation_name=occupation.name if occupation else "",
        min_education=vacancy.min_education, experience=vacancy.experience, age_min=vacancy.age_min,
        age_max=vacancy.age_max, skills=vacancy.skills, description=vacancy.description,
        benefits=list(vacancy.benefits or []), town_code=vacancy.town_code, town_name=town.name if town else "",
        village_code=vacancy.village_code, village_name=village.short_name if village else "",
        address=vacancy.address, working_hours=vacancy.working_hours, valid_until=vacancy.valid_until,
        published_at=vacancy.published_at,
    )


@post("/api/v1/vacancies/{vacancy_id:int}/interest", sync_to_thread=True, tags=TAGS)
def api_register_interest(request: Request, db: Session, vacancy_id: int,
                          data: InterestIn) -> Response[InterestReceipt]:
    """Register interest (anyone; a coordinator's token registers on a villager's behalf). 201 new, 200 repeat."""
    interest, created = register_interest(session=db, vacancy_id=vacancy_id, name=data.name, phone=data.phone,
                                          village_code=data.village_code, **registrant(current_user(request)))
    message = "报名成功，单位会电话联系" if created else "该手机号已报名过这个岗位"
    receipt = InterestReceipt(id=interest.id, vacancy_id=vacancy_id, created=created, status=interest.status,
                              via=interest.via, phone=mask_phone(interest.phone), message=message)
    return Response(receipt, status_code=201 if created else 200)


@get("/api/v1/vacancies/{vacancy_id:int}/interests", sync_to_thread=True, tags=TAGS, guards=[employer_or_staff])
def api_vacancy_interests(request: Request, db: Session, vacancy_id: int) -> list[InterestOut]:
    """Everyone who registered for a vacancy: its own employer, or staff (each staff read is audited)."""
    user = current_user(request)
    rows = interests_for_vacancy(session=db, vacancy_id=vacancy_id, employer_id=user.employer_id,
                                 is_staff=user.is_staff)
    if user.is_staff:
        record_access(session=db, actor=db.get(User, user.id), action="read", subject_type="vacancy_interests",
                      subject_id=vacancy_id, detail=f"查看报名名单（{len(rows)}人，含完整手机号）")
    return [InterestOut(id=i.id, vacancy_id=i.vacancy_id, name=i.name, phone=i.phone, village_code=i.village_code,
                        via=i.via, status=i.status, note=i.note, created_at=i.created_at, updated_at=i.updated_at)
            for i in rows]


@post("/api/v1/interests/{interest_id:int}/outcome", sync_to_thread=True, tags=TAGS, guards=[employer_or_staff],
      status_code=200)
def api_interest_outcome(request: Request, db: Session, interest_id: int, data: OutcomeIn) -> InterestOut:
    """Record what came of a registration; only the vacancy's own employer (or staff) may."""
    user = current_user(request)
    interest = set_outcome(session=db, interest_id=interest_id, employer_id=user.employer_id, status=data.status,
                           is_staff=user.is_staff, note=data.note)
    if user.is_staff:
        record_access(session=db, actor=db.get(User, user.id), action="update", subject_type="interest",
                      subject_id=interest_id, detail=f"跟进状态改为{interest.status}")
    return InterestOut(id=interest.id, vacancy_id=interest.vacancy_id, name=interest.name, phone=interest.phone,
                       village_code=interest.village_code, via=interest.via, status=interest.status,
                       note=interest.note, created_at=interest.created_at, updated_at=interest.updated_at)


handlers = [api_search_vacancies, api_vacancy, api_register_interest, api_vacancy_interests, api_interest_outcome]
