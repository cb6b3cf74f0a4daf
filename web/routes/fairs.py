"""Public fair pages (calendar, fair page, registration, the visitor's pass, iCalendar) and employer booth pages."""

from __future__ import annotations

from itertools import groupby

import segno
from litestar import Request, Response, Router, get, post
from litestar.response import Redirect, Template
from sqlmodel import Session

from jobbridge.config import get_settings
from jobbridge.employers.service import FormErrors, get_employer
from jobbridge.employers.vacancies import employer_vacancies, is_public, today_local
from jobbridge.errors import DomainError, NotFound
from jobbridge.fairs.booths import cancel_booking, employer_bookings, record_outcome, request_booth
from jobbridge.fairs.ical import fairs_ical, since
from jobbridge.fairs.listing import booth_plan, exhibitors, next_fair, past_fairs, town_name, upcoming_fairs
from jobbridge.fairs.models import ACTIVE_BOOKINGS
from jobbridge.fairs.service import OPEN_FOR_VISITORS, get_fair, holding_count
from jobbridge.fairs.suggest import suggest_booths
from jobbridge.fairs.visitors import RegistrationInput, checkin_url, register_visitor, registration_by_token
from jobbridge.geo.service import list_towns
from jobbridge.vocab import Role
from jobbridge_web.deps import current_user, requires
from jobbridge_web.routes.fairs_common import (
    NOTICES,
    FormBody,
    fair_tag,
    form_list,
    form_text,
    int_list,
    labels,
    settle,
)

employer_only = requires(Role.EMPLOYER)


def _page(name: str, status_code: int = 200, **context) -> Template:
    return Template(f"fairs/{name}", context={**labels(), "fair_tag": fair_tag, **context}, status_code=status_code)


@get("/fairs", sync_to_thread=True, name="fair_calendar")
def fair_calendar(db: Session) -> Template:
    """The fair calendar with a countdown to the next fair."""
    today = today_local()
    coming = next_fair(session=db, today=today)
    fairs = upcoming_fairs(session=db, today=today)
    months = [(key, list(items)) for key, items in groupby(fairs, key=lambda f: (f.fair_date.year, f.fair_date.month))]
    return _page("calendar.html", today=today, coming=coming, months=months,
                 past=past_fairs(session=db, today=today, limit=6))


@get("/fairs.ics", sync_to_thread=True, name="fair_ics")
def fair_ics(db: Session) -> Response:
    """Every fair from two months ago on, as an iCalendar feed to subscribe to."""
    fairs = upcoming_fairs(session=db, today=since(today_local()), limit=500)
    body = fairs_ical(fairs, base_url=get_settings().base_url)
    return Response(body.encode(), media_type="text/calendar; charset=utf-8",
                    headers={"content-disposition": 'inline; filename="wendeng-fairs.ics"'})


@get("/fairs/{fair_id:int}", sync_to_thread=True, name="fair_page")
def fair_page(request: Request, db: Session, fair_id: int, done: str = "") -> Template:
    """One fair: when and where, its employers and vacancies, and a booth plan."""
    fair = get_fair(session=db, fair_id=fair_id)
    today = today_local()
    user = current_user(request)
    mine = []
    if user and user.employer_id:
        mine = [b for b in employer_bookings(session=db, employer_id=user.employer_id, fair_id=fair.id)
                if b.booking.status in ACTIVE_BOOKINGS]
    return _page(
        "detail.html", fair=fair, today=today, town=town_name(session=db, code=fair.town_code),
        exhibitors=exhibitors(session=db, fair_id=fair.id),
        plan=booth_plan(session=db, fair=fair) if fair.kind != "online" else [],
        taken=holding_count(session=db, fair_id=fair.id),
        can_register=fair.status in OPEN_FOR_VISITORS and fair.end_date >= today,
        is_employer=bool(user and user.role == Role.EMPLOYER), mine=mine, notice=NOTICES.get(done, ""),
    )


def _register_page(db: Session, *, fair, form: RegistrationInput, errors: dict, status_code: int = 200,
                   error: str = "") -> Template:
    return _page("register.html", status_code=status_code, fair=fair, form=form, errors=errors, error=error,
                 towns=[town for town, _ in list_towns(session=db)])


@get("/fairs/{fair_id:int}/register", sync_to_thread=True)
def register_form(db: Session, fair_id: int) -> Template:
    """The phone-sized pre-registration form."""
    return _register_page(db, fair=get_fair(session=db, fair_id=fair_id), form=RegistrationInput(), errors={})


@post("/fairs/{fair_id:int}/register", sync_to_thread=True)
def register_submit(request: Request, db: Session, fair_id: int, data: FormBody) -> Template | Redirect:
    """Register and go to the visitor's pass (QR and code)."""
    fair = get_fair(session=db, fair_id=fair_id)
    form = RegistrationInput(name=form_text(data, "name"), phone=form_text(data, "phone"),
                             town_code=form_text(data, "town_code"), wanted_work=form_text(data, "wanted_work"))
    user = current_user(request)
    try:
        with settle(db):
            registration, _ = register_visitor(
                session=db, fair_id=fair.id, data=form,
                user_id=user.id if user and user.role in {Role.JOBSEEKER, Role.GRADUATE} else None)
    except FormErrors as exc:
        return _register_page(db, fair=fair, form=form, errors=exc.errors, status_code=400)
    except DomainError as exc:
        return _register_page(db, fair=fair, form=form, errors={}, error=exc.message, status_code=exc.status)
    return Redirect(f"/fairs/{fair.id}/pass/{registration.token}", status_code=303)


@get("/fairs/{fair_id:int}/pass/{token:str}", sync_to_thread=True)
def visitor_pass(db: Session, fair_id: int, token: str) -> Template:
    """The visitor's own page: QR code and 6-digit number for the door, and booths worth visiting."""
    registration = registration_by_token(session=db, fair_id=fair_id, token=token)
    fair = get_fair(session=db, fair_id=fair_id)
    qr = segno.make(checkin_url(registration), error="m").svg_inline(scale=4, title="入场签到二维码")
    return _page("pass.html", fair=fair, registration=registration, qr=qr,
                 suggestions=suggest_booths(session=db, registration=registration),
                 exhibitors=exhibitors(session=db, fair_id=fair.id))


# --- employers --------------------------------------------------------------------------------------------


@get("/employer/fairs", sync_to_thread=True, guards=[employer_only], name="employer_fairs")
def my_fairs(request: Request, db: Session, done: str = "") -> Template:
    """An employer's booth bookings and the fairs open for booking."""
    user = current_user(request)
    bookings = employer_bookings(session=db, employer_id=user.employer_id) if user.employer_id else []
    open_fairs = [f for f in upcoming_fairs(session=db, today=today_local(), include_cancelled=False)
                  if f.status == "booking_open"]
    return _page("my_booths.html", bookings=bookings, open_fairs=open_fairs, notice=NOTICES.get(done, ""),
                 today=today_local())


def _booth_page(db: Session, *, request: Request, fair_id: int, chosen: list[int], note: str = "",
                errors: dict | None = None, error: str = "", status_code: int = 200) -> Template:
    user = current_user(request)
    fair = get_fair(session=db, fair_id=fair_id)
    vacancies = []
    if user.employer_id:
        employer = get_employer(session=db, employer_id=user.employer_id)
        vacancies = [v for v in employer_vacancies(session=db, employer_id=employer.id)
                     if is_public(vacancy=v, employer=employer)]
    mine = [b for b in employer_bookings(session=db, employer_id=user.employer_id, fair_id=fair.id)
            if b.booking.status in ACTIVE_BOOKINGS] if user.employer_id else []
    return _page("booth.html", status_code=status_code, fair=fair, vacancies=vacancies, chosen=set(chosen),
                 note=note, errors=errors or {}, error=error, mine=mine,
                 free=fair.booth_capacity - holding_count(session=db, fair_id=fair.id))


@get("/fairs/{fair_id:int}/booth", sync_to_thread=True, guards=[employer_only])
def booth_form(request: Request, db: Session, fair_id: int) -> Template:
    """Apply for a booth: choose the vacancies to present."""
    return _booth_page(db, request=request, fair_id=fair_id, chosen=[])


@post("/fairs/{fair_id:int}/booth", sync_to_thread=True, guards=[employer_only])
def booth_submit(request: Request, db: Session, fair_id: int, data: FormBody) -> Template | Redirect:
    """Book a booth (or join the waitlist)."""
    user = current_user(request)
    chosen = int_list(form_list(data, "vacancy_ids"))
    note = form_text(data, "note")
    try:
        with settle(db):
            result = request_booth(session=db, fair_id=fair_id, employer_id=user.employer_id, vacancy_ids=chosen,
                                   user_id=user.id, note=note)
    except FormErrors as exc:
        return _booth_page(db, request=request, fair_id=fair_id, chosen=chosen, note=note, errors=exc.errors,
                           status_code=400)
    except DomainError as exc:
        return _booth_page(db, request=request, fair_id=fair_id, chosen=chosen, note=note, error=exc.message,
                           status_code=exc.status)
    done = "waitlisted" if result.booking.status == "waitlisted" else "booked"
    return Redirect(f"/employer/fairs?done={done}", status_code=303)


@post("/fairs/{fair_id:int}/booth/{booking_id:int}/cancel", sync_to_thread=True, guards=[employer_only])
def booth_cancel(request: Request, db: Session, fair_id: int, booking_id: int) -> Redirect:
    """Give a booth back (the next on the waitlist gets it)."""
    user = current_user(request)
    with settle(db):
        cancel_booking(session=db, fair_id=fair_id, booking_id=booking_id, employer_id=user.employer_id)
    return Redirect("/employer/fairs?done=cancelled", status_code=303)


def _outcome_page(db: Session, *, request: Request, fair_id: int, booking_id: int, values: dict | None = None,
                  errors: dict | None = None, error: str = "", status_code: int = 200) -> Template:
    user = current_user(request)
    mine = [b for b in employer_bookings(session=db, employer_id=user.employer_id or -1, fair_id=fair_id)
            if b.booking.id == booking_id]
    if not mine:
        raise NotFound("没有找到该展位预订", code="booking.not_found")
    return _page("outcome.html", status_code=status_code, item=mine[0], values=values or {}, errors=errors or {},
                 error=error)


@get("/fairs/{fair_id:int}/booth/{booking_id:int}/outcome", sync_to_thread=True, guards=[employer_only])
def outcome_form(request: Request, db: Session, fair_id: int, booking_id: int) -> Template:
    """Record intents and hires (达成意向 / 录用) per presented vacancy."""
    return _outcome_page(db, request=request, fair_id=fair_id, booking_id=booking_id)


@post("/fairs/{fair_id:int}/booth/{booking_id:int}/outcome", sync_to_thread=True, guards=[employer_only])
def outcome_submit(request: Request, db: Session, fair_id: int, booking_id: int,
                   data: FormBody) -> Template | Redirect:
    """Save the booth's outcome."""
    user = current_user(request)
    figures = {}
    for key in data:
        if key.startswith("intents_") and key[8:].isdigit():
            vacancy_id = int(key[8:])
            figures[vacancy_id] = (form_text(data, key), form_text(data, f"hires_{vacancy_id}"))
    try:
        record_outcome(session=db, fair_id=fair_id, booking_id=booking_id, employer_id=user.employer_id,
                       figures=figures)
    except FormErrors as exc:
        return _outcome_page(db, request=request, fair_id=fair_id, booking_id=booking_id, values=data,
                             errors=exc.errors, status_code=400)
    except DomainError as exc:
        if exc.status == 404:
            raise
        return _outcome_page(db, request=request, fair_id=fair_id, booking_id=booking_id, values=data,
                             error=exc.message, status_code=exc.status)
    return Redirect("/employer/fairs?done=outcome", status_code=303)


# One Router, so each handler is registered once: Litestar 2.25 wraps a sync handler in sync_to_thread again
# whenever a later handler joins its path, and a twice-wrapped handler returning a Response fails.
handlers = [Router(path="/", route_handlers=[fair_calendar, fair_ics, fair_page, register_form, register_submit, visitor_pass, my_fairs, booth_form,
            booth_submit, booth_cancel, outcome_form, outcome_submit])]
