"""Matching API: my recommendations and profile, candidates for a vacancy, the occupation coder."""

from __future__ import annotations

from dataclasses import dataclass, field

from litestar import Request, Response, Router, get, put
from sqlmodel import Session

from jobbridge.employers.service import FormErrors
from jobbridge.errors import DomainError
from jobbridge.matching.models import JobseekerProfile
from jobbridge.matching.profiles import ProfileInput, own_profile, save_own_profile
from jobbridge.matching.views import candidates_for_vacancy, my_recommendations, profile_completeness
from jobbridge.vocab import Role
from jobbridge_web.deps import current_user, requires

TAGS = ["岗位匹配"]
jobseeker_only = requires(Role.JOBSEEKER)
employer_or_staff = requires(Role.EMPLOYER, Role.STAFF)
MAX_TITLE = 200


@dataclass
class RecommendationOut:
    """A recommended open vacancy with the reasons it was chosen."""

    vacancy_id: int
    title: str
    employer_name: str
    town: str
    pay: str
    employment_type: str
    score: float
    reasons: list[str]


@dataclass
class RecommendationsOut:
    """My recommendations, and how much of my profile matching could use (0-6)."""

    profile_known: int
    items: list[RecommendationOut]


@dataclass
class ProfileIn:
    """My job profile; omitted or blank fields stay unknown."""

    name: str = ""
    village_code: str | None = None
    birth_year: int | None = None
    education: str | None = None
    wanted_work: str = ""
    skills: str = ""
    experience: str = ""
    pay_expectation: int | None = None
    employment_types: list[str] = field(default_factory=list)
    travel_range: str | None = None
    consent: bool = False


@dataclass
class ProfileOut:
    """My job profile as stored, with the occupation codes the coder found for the kinds of work I want."""

    exists: bool
    name: str
    village_code: str | None
    town_code: str | None
    birth_year: int | None
    education: str | None
    wanted_work: str
    occupation_codes: list[str]
    skills: str
    experience: str
    pay_expectation: int | None
    employment_types: list[str]
    travel_range: str | None
    consent: bool
    consent_at: str | None
    consent_by: str | None


@dataclass
class CandidateOut:
    """A person suited to the vacancy; name and phone are masked for the employer until the person registers."""

    profile_id: int
    name: str
    phone: str
    village: str
    wanted_work: str
    score: float
    reasons: list[str]
    interested: bool
    masked: bool


@dataclass
class OccupationCodeOut:
    """The coder's answer: level 4 细类 … 1 大类, 0 when it could not tell."""

    title: str
    code: str
    name: str
    level: int
    confidence: float


def _profile_out(row: JobseekerProfile | None) -> ProfileOut:
    if row is None:
        return ProfileOut(exists=False, name="", village_code=None, town_code=None, birth_year=None, education=None,
                          wanted_work="", occupation_codes=[], skills="", experience="", pay_expectation=None,
                          employment_types=[], travel_range=None, consent=False, consent_at=None, consent_by=None)
    return ProfileOut(
        exists=True, name=row.name, village_code=row.village_code, town_code=row.town_code,
        birth_year=row.birth_year, education=row.education, wanted_work=row.wanted_work,
        occupation_codes=list(row.occupation_codes), skills=row.skills, experience=row.experience,
        pay_expectation=row.pay_expectation, employment_types=list(row.employment_types),
        travel_range=row.travel_range, consent=row.consent_at is not None,
        consent_at=row.consent_at.isoformat() if row.consent_at else None, consent_by=row.consent_by)


@get("/api/v1/me/recommendations", sync_to_thread=True, guards=[jobseeker_only], tags=TAGS)
def api_my_recommendations(request: Request, db: Session, k: int = 10) -> RecommendationsOut:
    """Open vacancies that suit me, best first, each with short Chinese reasons."""
    profile, items = my_recommendations(session=db, user_id=current_user(request).id, k=max(1, min(k, 50)))
    return RecommendationsOut(profile_known=profile_completeness(profile), items=[
        RecommendationOut(vacancy_id=i.vacancy_id, title=i.title, employer_name=i.employer_name, town=i.town,
                          pay=i.pay, employment_type=i.employment_type, score=i.score, reasons=list(i.reasons))
        for i in items])


@get("/api/v1/me/profile", sync_to_thread=True, guards=[jobseeker_only], tags=TAGS)
def api_my_profile(request: Request, db: Session) -> ProfileOut:
    """My job profile (exists=false when I have not filled one in)."""
    return _profile_out(own_profile(session=db, user_id=current_user(request).id))


@put("/api/v1/me/profile", sync_to_thread=True, guards=[jobseeker_only], tags=TAGS)
def api_put_my_profile(request: Request, db: Session, data: ProfileIn) -> ProfileOut:
    """Replace my job profile; consent=true lets employers find me (masked until I register)."""
    row = save_own_profile(session=db, user_id=current_user(request).id, data=ProfileInput(
        name=data.name or "", village_code=data.village_code or "", birth_year=data.birth_year,
        education=data.education or "", wanted_work=data.wanted_work or "", skills=data.skills or "",
        experience=data.experience or "", pay_expectation=data.pay_expectation,
        employment_types=list(data.employment_types or []), travel_range=data.travel_range or "",
        consent=bool(data.consent)))
    return _profile_out(row)


@get("/api/v1/vacancies/{vacancy_id:int}/candidates", sync_to_thread=True, guards=[employer_or_staff], tags=TAGS)
def api_vacancy_candidates(request: Request, db: Session, vacancy_id: int, k: int = 20) -> list[CandidateOut]:
    """Jobseekers who agreed to be found, ranked for the vacancy; its own employer or staff only."""
    user = current_user(request)
    found = candidates_for_vacancy(session=db, vacancy_id=vacancy_id, viewer_id=user.id,
                                   viewer_employer_id=user.employer_id, is_staff=user.is_staff, k=k)
    return [CandidateOut(profile_id=c.profile_id, name=c.name, phone=c.phone, village=c.village,
                         wanted_work=c.wanted_work, score=c.score, reasons=list(c.reasons), interested=c.interested,
                         masked=c.masked) for c in found]


@get("/api/v1/occupations/code", sync_to_thread=True, tags=[*TAGS, "参考数据"])
def api_code_occupation(title: str, description: str = "") -> OccupationCodeOut:
    """Code a job title (and description) to the 2022 classification; coarser levels when unsure."""
    title = (title or "").strip()
    if not title:
        raise DomainError("请填写职位名称", code="title.required", field="title")
    if len(title) > MAX_TITLE:
        raise DomainError(f"职位名称最多{MAX_TITLE}个字", code="title.too_long", field="title")
    from jobbridge.matching.coder import get_coder

    r = get_coder().code(title, description.strip() or None)
    return OccupationCodeOut(title=title, code=r.code, name=r.name, level=r.level, confidence=round(r.confidence, 4))


def _form_errors(_request: Request, exc: FormErrors) -> Response:
    """Every field error at once."""
    return Response({"error": {"code": exc.code, "message": exc.message, "fields": exc.errors}}, status_code=400)


handlers = [Router(path="/", route_handlers=[api_my_recommendations, api_my_profile, api_put_my_profile,
                                             api_vacancy_candidates, api_code_occupation],
                   exception_handlers={FormErrors: _form_errors})]
