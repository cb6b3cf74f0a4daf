"""Fair API: the calendar and one fair (public), creating fairs (staff), booths (employers), registrations, check-ins."""

from __future__ import annotations

from dataclasses import dataclass, field

from litestar import Request, Response, Router, get, post
from sqlmodel import Session

from jobbridge.accounts.service import record_access
from jobbridge.employers.service import FormErrors
from jobbridge.employers.vacancies import today_local
from jobbridge.fairs.booths import request_booth
from jobbridge.fairs.listing import exhibitors, past_fairs, town_name, upcoming_fairs
from jobbridge.fairs.models import BOOKING_STATUSES, FAIR_KINDS, FAIR_STATUSES, Fair
from jobbridge.fairs.service import FairInput, create_fair, get_fair, holding_count
from jobbridge.fairs.visitors import RegistrationInput, check_in, pass_url, record_walk_ins, register_visitor
from jobbridge.validation import mask_phone
from jobbridge.vocab import Role
from jobbridge_web.deps import current_user, requires, signed_in, staff_only
from jobbridge_web.routes.fairs_common import settle

TAGS = ["招聘会"]
employer_only = requires(Role.EMPLOYER)


@dataclass
class FairOut:
    """A fair as the calendar lists it."""

    id: int
    title: str
    kind: str
    kind_label: str
    theme: str
    status: str
    status_label: str
    date: str
    end_date: str
    start_time: str
    end_time: str
    venue: str
    town_code: str | None
    town_name: str
    date_confirmed: bool
    date_note: str
    booth_capacity: int
    booths_taken: int
    booking_opens_on: str | None
    booking_closes_on: str | None
    url: str


@dataclass
class VacancyBrief:
    """A vacancy presented at a booth."""

    id: int
    title: str
    headcount: int
    pay_monthly_min: float | None
    pay_monthly_max: float | None


@dataclass
class ExhibitorOut:
    """An employer at the fair with its booth and vacancies."""

    employer_id: int
    employer_name: str
    booth_number: int | None
    vacancies: list[VacancyBrief]


@dataclass
class FairDetailOut:
    """One fair with its description and exhibitors."""

    fair: FairOut
    description: str
    exhibitors: list[ExhibitorOut]


@dataclass
class FairWrite:
    """A new themed, town/village or online fair (dates as 2026-12-30, times as 08:30)."""

    title: str = ""
    kind: str = "themed"
    theme: str = ""
    fair_date: str = ""
    end_date: str = ""
    start_time: str = "08:30"
    end_time: str = "11:30"
    venue: str = ""
    town_code: str = ""
    village_code: str = ""
    booth_capacity: int | str = 50
    per_employer_limit: int | str = 1
    booking_opens_on: str = ""
    booking_closes_on: str = ""
    requires_approval: bool = False
    description: str = ""


@dataclass
class BoothWrite:
    """A booth request: the employer's published vacancies to present."""

    vacancy_ids: list[int] = field(default_factory=list)
    note: str = ""


@dataclass
class BoothOut:
    """The outcome of a booth request."""

    id: int
    fair_id: int
    employer_id: int
    status: str
    status_label: str
    booth_number: int | None
    waitlist_position: int | None


@dataclass
class RegistrationWrite:
    """A visitor's pre-registration."""

    name: str = ""
    phone: str = ""
    town_code: str = ""
    wanted_work: str = ""


@dataclass
class RegistrationOut:
    """The check-in code and the visitor's own page (QR)."""

    id: int
    fair_id: int
    created: bool
    checkin_code: str
    pass_url: str


@dataclass
class CheckinWrite:
    """Check a registered visitor in by code, or count walk-ins (`walk_ins` > 0, optionally with a town)."""

    code: str = ""
    walk_ins: int = 0
    town_code: str = ""


@dataclass
class CheckinOut:
    """Who was checked in (name shown to the staff at the door, phone masked), or the walk-ins counted."""

    registration_id: int | None = None
    name: str = ""
    phone_masked: str = ""
    checked_in_at: str | None = None
    already_checked_in: bool = False
    walk_ins_recorded: int = 0


def _fair_out(db: Session, fair: Fair) -> FairOut:
    return FairOut(
        id=fair.id, title=fair.title, kind=fair.kind, kind_label=FAIR_KINDS.get(fair.kind, fair.kind),
        theme=fair.theme, status=fair.status, status_label=FAIR_STATUSES[fair.status],
        date=fair.fair_date.isoformat(), end_date=fair.end_date.isoformat(),
        start_time=fair.start_time.strftime("%H:%M"), end_time=fair.end_time.strftime("%H:%M"), venue=fair.venue,
        town_code=fair.town_code, town_name=town_name(session=db, code=fair.town_code),
        date_confirmed=fair.date_confirmed, date_note=fair.date_reason, booth_capacity=fair.booth_capacity,
        booths_taken=holding_count(session=db, fair_id=fair.id),
        booking_opens_on=fair.booking_opens_on.isoformat() if fair.booking_opens_on else None,
        booking_closes_on=fair.booking_closes_on.isoformat() if fair.booking_closes_on else None,
        url=f"/fairs/{fair.id}",
    )


@get("/api/v1/fairs", sync_to_thread=True, tags=TAGS)
def api_fairs(db: Session, include_past: bool = False, kind: str | None = None) -> list[FairOut]:
    """Upcoming fairs soonest first (cancelled ones included, marked); `include_past` adds recent past fairs."""
    today = today_local()
    fairs = upcoming_fairs(session=db, today=today)
    if include_past:
        fairs = list(reversed(past_fairs(session=db, today=today, limit=50))) + fairs
    if kind:
        fairs = [f for f in fairs if f.kind == kind]
    return [_fair_out(db, f) for f in fairs]


@get("/api/v1/fairs/{fair_id:int}", sync_to_thread=True, tags=TAGS)
def api_fair(db: Session, fair_id: int) -> FairDetailOut:
    """One fair with its confirmed employers and the vacancies they present."""
    fair = get_fair(session=db, fair_id=fair_id)
    return FairDetailOut(
        fair=_fair_out(db, fair), description=fair.description,
        exhibitors=[ExhibitorOut(employer_id=e.employer.id, employer_name=e.employer.name,
                                 booth_number=e.booking.booth_number,
                                 vacancies=[VacancyBrief(id=v.id, title=v.title, headcount=v.headcount,
                                                         pay_monthly_min=v.pay_monthly_min,
                                                         pay_monthly_max=v.pay_monthly_max) for v in e.vacancies])
                    for e in exhibitors(session=db, fair_id=fair.id)],
    )


@post("/api/v1/fairs", sync_to_thread=True, tags=TAGS, guards=[staff_only], status_code=201)
def api_create_fair(request: Request, db: Session, data: FairWrite) -> FairOut:
    """Staff create a themed, town/village or online fair (the monthly fair is created by rule)."""
    fair = create_fair(session=db, data=FairInput(**vars(data)), staff_id=current_user(request).id)
    return _fair_out(db, fair)


@post("/api/v1/fairs/{fair_id:int}/booths", sync_to_thread=True, tags=TAGS, guards=[employer_only],
      status_code=201)
def api_request_booth(request: Request, db: Session, fair_id: int, data: BoothWrite) -> BoothOut:
    """Book a booth for the signed-in employer: confirmed while booths remain, else waitlisted in arrival order."""
    user = current_user(request)
    with settle(db):
        result = request_booth(session=db, fair_id=fair_id, employer_id=user.employer_id,
                               vacancy_ids=data.vacancy_ids, user_id=user.id, note=data.note)
    b = result.booking
    return BoothOut(id=b.id, fair_id=b.fair_id, employer_id=b.employer_id, status=b.status,
                    status_label=BOOKING_STATUSES[b.status], booth_number=b.booth_number,
                    waitlist_position=result.waitlist_position)


@post("/api/v1/fairs/{fair_id:int}/registrations", sync_to_thread=True, tags=TAGS, guards=[signed_in],
      status_code=201)
def api_register(request: Request, db: Session, fair_id: int, data: RegistrationWrite) -> RegistrationOut:
    """Pre-register a visitor (oneself, or someone a coordinator helps); the same name and phone again is a no-op."""
    user = current_user(request)
    with settle(db):
        registration, created = register_visitor(
            session=db, fair_id=fair_id, data=RegistrationInput(**vars(data)),
            user_id=user.id if user.role in {Role.JOBSEEKER, Role.GRADUATE} else None, registered_by=user.id)
    return RegistrationOut(id=registration.id, fair_id=registration.fair_id, created=created,
                           checkin_code=registration.checkin_code, pass_url=pass_url(registration))


@post("/api/v1/fairs/{fair_id:int}/checkins", sync_to_thread=True, tags=TAGS, guards=[staff_only],
      status_code=201)
def api_check_in(request: Request, db: Session, fair_id: int, data: CheckinWrite) -> CheckinOut:
    """Staff at the door: check a visitor in by the 6-digit code, or count walk-ins."""
    staff = current_user(request)
    with settle(db):
        if data.walk_ins:
            row = record_walk_ins(session=db, fair_id=fair_id, count=data.walk_ins, town_code=data.town_code,
                                  staff_id=staff.id)
            return CheckinOut(walk_ins_recorded=row.count)
        registration, already = check_in(session=db, fair_id=fair_id, code=data.code, staff_id=staff.id)
        record_access(session=db, actor=staff, action="checkin", subject_type="fair_registration",
                      subject_id=registration.id, detail="招聘会入场签到（接口）")
    return CheckinOut(registration_id=registration.id, name=registration.name,
                      phone_masked=mask_phone(registration.phone),
                      checked_in_at=registration.checked_in_at.isoformat() if registration.checked_in_at else None,
                      already_checked_in=already)


def _form_errors(_request: Request, exc: FormErrors) -> Response:
    """Every field error at once."""
    return Response({"error": {"code": exc.code, "message": exc.message, "fields": exc.errors}}, status_code=400)


handlers = [Router(path="/", route_handlers=[api_fairs, api_fair, api_create_fair, api_request_booth, api_register,
                                             api_check_in],
                   exception_handlers={FormErrors: _form_errors})]
