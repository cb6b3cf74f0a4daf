"""JSON API for graduate files, their policies and their matched vacancies."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from litestar import Request, Response, Router, get, post
from sqlmodel import Session

from jobbridge.accounts.models import User
from jobbridge.employers.vacancies import today_local
from jobbridge.graduates.access import graduate_for_viewer, may_see_hardship, may_see_identity
from jobbridge.graduates.contact import contact_card
from jobbridge.graduates.followup import policy_results
from jobbridge.graduates.matches import recommendations
from jobbridge.graduates.models import Graduate
from jobbridge.graduates.service import GraduateInput, hardship_of, register_graduate
from jobbridge.validation import mask_id_number, mask_phone
from jobbridge.vocab import Role
from jobbridge_web.deps import current_user, requires, staff_only

graduate_or_staff = requires(Role.GRADUATE, Role.STAFF)
TAGS = ["高校毕业生"]


@dataclass
class GraduateIn:
    """A graduate's file as registered by staff through the API; omitted facts stay unknown."""

    name: str
    id_number: str
    phone: str
    school: str
    major: str
    degree: str
    graduation_date: str
    hukou_in_district: bool
    file_status: str = "待转入"
    file_status_on: str | None = None
    file_expected_on: str | None = None
    intent: str = "待定"
    town_code: str | None = None
    village_code: str | None = None
    preferred_work: str = ""
    preferred_towns: list[str] = field(default_factory=list)
    employment_types: list[str] = field(default_factory=list)
    travel_range: str = "全区"
    expected_pay: int | None = None
    skills: str = ""
    experience: str = ""
    employment_status: str | None = None
    employer_type: str | None = None
    employer_in_weihai: bool | None = None
    first_job_year: int | None = None
    social_insurance_months: int | None = None
    social_insurance_in_weihai: bool | None = None
    paying_social_insurance: bool | None = None
    business_registered: bool | None = None
    notify_matches: bool = False
    hardship_consent: bool = False
    hardship: list[str] = field(default_factory=list)
    password: str | None = None


@dataclass
class ContactOut:
    """The responsible staff member."""

    staff_id: int | None
    name: str
    window: str
    phone: str


@dataclass
class HardshipOut:
    """Hardship facts given with consent; only for the graduate, the responsible staff member and admins."""

    consent: bool
    consent_at: str | None
    facts: list[str] | None


@dataclass
class GraduateOut:
    """A graduate's file; identity is masked and hardship withheld for viewers without a need."""

    id: int
    name: str
    id_number: str
    gender: str
    birth_date: date
    phone: str
    school: str
    major: str
    degree: str
    graduation_date: date
    hukou_in_district: bool
    file_status: str
    file_status_on: date | None
    file_expected_on: date | None
    intent: str
    preferred_work: str
    preferred_towns: list[str]
    employment_types: list[str]
    expected_pay: int | None
    employment_status: str | None
    notify_matches: bool
    next_action: str
    next_action_on: date | None
    contact: ContactOut
    hardship_visible: bool
    hardship: HardshipOut | None


@dataclass
class PolicyResultOut:
    """One policy's status for the graduate with reasons."""

    key: str
    name: str
    status: str
    met: list[str]
    missing: list[str]
    failed: list[str]
    amount: str | None
    how_to_apply: str | None
    where_to_apply: str
    materials: list[str]
    version: int


@dataclass
class RecommendationOut:
    """A matched vacancy with the matching core's reasons."""

    vacancy_id: int
    title: str
    employer_name: str
    employment_type: str
    is_internship: bool
    pay: str
    town: str
    valid_until: date
    score: float
    reasons: list[str]


def _out(db: Session, graduate: Graduate, viewer) -> GraduateOut:  # noqa: ANN001
    full, visible = may_see_identity(graduate, viewer), may_see_hardship(graduate, viewer)
    row = hardship_of(session=db, graduate_id=graduate.id) if visible else None
    hardship = None
    if visible:
        consent = bool(row and row.consent)
        hardship = HardshipOut(consent=consent, consent_at=row.consent_at.isoformat() if consent else None,
                               facts=list(row.facts) if consent and row.facts is not None else None)
    card = contact_card(session=db, graduate=graduate)
    return GraduateOut(
        id=graduate.id, name=graduate.name,
        id_number=graduate.id_number if full else mask_id_number(graduate.id_number), gender=graduate.gender,
        birth_date=graduate.birth_date, phone=graduate.phone if full else mask_phone(graduate.phone),
        school=graduate.school, major=graduate.major, degree=graduate.degree, graduation_date=graduate.graduation_date,
        hukou_in_district=graduate.hukou_in_district, file_status=graduate.file_status,
        file_status_on=graduate.file_status_on, file_expected_on=graduate.file_expected_on, intent=graduate.intent,
        preferred_work=graduate.preferred_work, preferred_towns=list(graduate.preferred_towns),
        employment_types=list(graduate.employment_types), expected_pay=graduate.expected_pay,
        employment_status=graduate.employment_status, notify_matches=graduate.notify_matches,
        next_action=graduate.next_action, next_action_on=graduate.next_action_on,
        contact=ContactOut(staff_id=card.staff_id, name=card.name, window=card.window, phone=card.phone),
        hardship_visible=visible, hardship=hardship,
    )


def _input(data: GraduateIn) -> GraduateInput:
    def text(value: object) -> str:
        return "" if value is None else str(value)

    def yn(value: bool | None) -> str:
        return "" if value is None else "是" if value else "否"

    return GraduateInput(
        name=data.name, id_number=data.id_number, phone=data.phone, school=data.school, major=data.major,
        degree=data.degree, graduation_date=data.graduation_date, hukou_in_district=yn(data.hukou_in_district),
        town_code=text(data.town_code), village_code=text(data.village_code), file_status=data.file_status,
        file_status_on=text(data.file_status_on), file_expected_on=text(data.file_expected_on), intent=data.intent,
        preferred_work=data.preferred_work, preferred_towns=list(data.preferred_towns),
        employment_types=list(data.employment_types), travel_range=data.travel_range,
        expected_pay=text(data.expected_pay), skills=data.skills, experience=data.experience,
        employment_status=text(data.employment_status), employer_type=text(data.employer_type),
        employer_in_weihai=yn(data.employer_in_weihai), first_job_year=text(data.first_job_year),
        social_insurance_months=text(data.social_insurance_months),
        social_insurance_in_weihai=yn(data.social_insurance_in_weihai),
        paying_social_insurance=yn(data.paying_social_insurance), business_registered=yn(data.business_registered),
        notify_matches=yn(data.notify_matches), hardship_consent=yn(data.hardship_consent),
        hardship=list(data.hardship), password=data.password or "",
    )


@post("/api/v1/graduates", sync_to_thread=True, guards=[staff_only], tags=TAGS)
def api_register(request: Request, db: Session, data: GraduateIn) -> Response[GraduateOut]:
    """Register a graduate's file (staff); the caller becomes the responsible staff member."""
    viewer = current_user(request)
    graduate = register_graduate(session=db, data=_input(data), registered_by=db.get(User, viewer.id), channel="api",
                                 today=today_local())
    return Response(_out(db, graduate, viewer), status_code=201)


@get("/api/v1/graduates/{graduate_id:int}", sync_to_thread=True, guards=[graduate_or_staff], tags=TAGS)
def api_graduate(request: Request, db: Session, graduate_id: int) -> GraduateOut:
    """One file: the graduate's own, or any for staff (every staff read is audit-logged)."""
    viewer = current_user(request)
    graduate = graduate_for_viewer(session=db, graduate_id=graduate_id, viewer=viewer, purpose="接口读取档案")
    return _out(db, graduate, viewer)


@get("/api/v1/graduates/{graduate_id:int}/policies", sync_to_thread=True, guards=[graduate_or_staff], tags=TAGS)
def api_graduate_policies(request: Request, db: Session, graduate_id: int) -> list[PolicyResultOut]:
    """Every current policy: 符合 / 可能符合 (with the facts to confirm) / 不符合 (with failed conditions)."""
    viewer = current_user(request)
    graduate = graduate_for_viewer(session=db, graduate_id=graduate_id, viewer=viewer, purpose="接口读取政策结果")
    hardship = hardship_of(session=db, graduate_id=graduate.id) if may_see_hardship(graduate, viewer) else None
    return [
        PolicyResultOut(key=p.key, name=p.name, status=p.status, met=list(p.met), missing=list(p.missing),
                        failed=list(p.failed), amount=p.amount, how_to_apply=p.how_to_apply,
                        where_to_apply=p.where_to_apply, materials=list(p.materials), version=p.version)
        for p in policy_results(session=db, graduate=graduate, hardship=hardship, today=today_local())
    ]


@get("/api/v1/graduates/{graduate_id:int}/recommendations", sync_to_thread=True, guards=[graduate_or_staff],
     tags=TAGS)
def api_graduate_recommendations(request: Request, db: Session, graduate_id: int, k: int = 10) -> list[RecommendationOut]:
    """The graduate's current matched vacancies, internship posts included, with reasons."""
    viewer = current_user(request)
    graduate = graduate_for_viewer(session=db, graduate_id=graduate_id, viewer=viewer, purpose="接口读取推荐岗位")
    return [
        RecommendationOut(vacancy_id=r.vacancy_id, title=r.title, employer_name=r.employer_name,
                          employment_type=r.employment_type, is_internship=r.is_internship, pay=r.pay, town=r.town,
                          valid_until=r.valid_until, score=r.score, reasons=list(r.reasons))
        for r in recommendations(session=db, graduate=graduate, k=max(1, min(k, 50)))
    ]


# One Router, so Litestar registers each path's GET and POST handlers together: added one by one, the first
# sync_to_thread handler of a path is registered twice and wrapped twice (Litestar 2.25).
handlers = [Router(path="/", route_handlers=[api_register, api_graduate, api_graduate_policies, api_graduate_recommendations])]
