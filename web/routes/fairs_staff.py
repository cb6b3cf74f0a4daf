"""Staff fair pages: create and edit fairs, decide bookings, check visitors in, the report, holiday arrangements."""

from __future__ import annotations

from litestar import Request, Router, get, post
from litestar.response import Redirect, Template
from sqlmodel import Session

from jobbridge.accounts.service import record_access
from jobbridge.employers.service import FormErrors
from jobbridge.employers.vacancies import today_local
from jobbridge.errors import DomainError, NotFound
from jobbridge.fairs.booths import (
    approve_booking,
    cancel_booking,
    fair_bookings,
    move_booking,
    refuse_booking,
)
from jobbridge.fairs.listing import past_fairs, town_name, upcoming_fairs
from jobbridge.fairs.models import STAFF_KINDS, Fair
from jobbridge.fairs.monthly import (
    entered_years,
    get_policy,
    save_holiday_arrangement,
    schedule_monthly_fairs,
    set_policy,
)
from jobbridge.fairs.report import fair_report
from jobbridge.fairs.service import (
    TRANSITIONS,
    FairInput,
    cancel_fair,
    create_fair,
    get_fair,
    holding_count,
    input_from_fair,
    set_status,
    update_fair,
)
from jobbridge.fairs.visitors import check_in, normalise_code, record_walk_ins, registrations
from jobbridge.geo.service import list_towns
from jobbridge_web.deps import current_user, staff_only
from jobbridge_web.routes.fairs_common import NOTICES, FormBody, fair_tag, form_text, labels, settle

FAIR_FIELDS = ("title", "kind", "theme", "fair_date", "end_date", "start_time", "end_time", "venue", "town_code",
               "village_code", "booth_capacity", "per_employer_limit", "booking_opens_on", "booking_closes_on",
               "description")


def _page(name: str, status_code: int = 200, **context) -> Template:
    return Template(f"fairs/{name}", context={**labels(), "fair_tag": fair_tag, **context}, status_code=status_code)


def _fair_input(form: dict) -> FairInput:
    values = {name: form_text(form, name) for name in FAIR_FIELDS}
    return FairInput(**values, requires_approval=form_text(form, "requires_approval") == "1")


@get("/staff/fairs", sync_to_thread=True, guards=[staff_only], name="staff_fairs")
def staff_fairs(db: Session, done: str = "") -> Template:
    """Every upcoming fair, recent ones, and the dates still to be confirmed."""
    today = today_local()
    upcoming = upcoming_fairs(session=db, today=today, limit=300)
    unconfirmed = [f for f in upcoming if not f.date_confirmed and f.status != "cancelled"]
    return _page("staff_list.html", upcoming=upcoming, unconfirmed=unconfirmed, today=today,
                 past=past_fairs(session=db, today=today, limit=20), notice=NOTICES.get(done, ""),
                 taken={f.id: holding_count(session=db, fair_id=f.id) for f in upcoming})


def _form_page(db: Session, *, form: FairInput, fair: Fair | None = None, errors: dict | None = None,
               error: str = "", status_code: int = 200) -> Template:
    return _page("staff_form.html", status_code=status_code, form=form, fair=fair, errors=errors or {},
                 error=error, towns=[t for t, _ in list_towns(session=db)], staff_kinds=STAFF_KINDS)


@get("/staff/fairs/new", sync_to_thread=True, guards=[staff_only])
def new_fair_form(db: Session) -> Template:
    """The form for a themed, town/village or online fair."""
    return _form_page(db, form=FairInput(booking_opens_on=today_local().isoformat()))


@post("/staff/fairs/new", sync_to_thread=True, guards=[staff_only])
def new_fair_submit(request: Request, db: Session, data: FormBody) -> Template | Redirect:
    """Create the fair (a town fair is announced in its villages' feeds at once)."""
    form = _fair_input(data)
    try:
        fair = create_fair(session=db, data=form, staff_id=current_user(request).id)
    except FormErrors as exc:
        return _form_page(db, form=form, errors=exc.errors, status_code=400)
    return Redirect(f"/staff/fairs/{fair.id}?done=created", status_code=303)


@get("/staff/fairs/{fair_id:int}/edit", sync_to_thread=True, guards=[staff_only])
def edit_fair_form(db: Session, fair_id: int) -> Template:
    """Edit a fair; a rule-made monthly fair is then left alone by the rule."""
    fair = get_fair(session=db, fair_id=fair_id)
    return _form_page(db, form=input_from_fair(fair), fair=fair)


@post("/staff/fairs/{fair_id:int}/edit", sync_to_thread=True, guards=[staff_only])
def edit_fair_submit(request: Request, db: Session, fair_id: int, data: FormBody) -> Template | Redirect:
    """Save the edit; participants hear about a new date, time or place."""
    form = _fair_input(data)
    try:
        with settle(db):
            update_fair(session=db, fair_id=fair_id, data=form, staff_id=current_user(request).id)
    except FormErrors as exc:
        return _form_page(db, form=form, fair=get_fair(session=db, fair_id=fair_id), errors=exc.errors,
                          status_code=400)
    except DomainError as exc:
        if exc.status == 404:
            raise
        return _form_page(db, form=form, fair=get_fair(session=db, fair_id=fair_id), error=exc.message,
                          status_code=exc.status)
    return Redirect(f"/staff/fairs/{fair_id}?done=saved", status_code=303)


def _manage_page(db: Session, *, request: Request, fair_id: int, error: str = "", notice: str = "",
                 status_code: int = 200) -> Template:
    fair = get_fair(session=db, fair_id=fair_id)
    people = registrations(session=db, fair_id=fair.id)
    if people:
        record_access(session=db, actor=current_user(request), action="view", subject_type="fair_registration",
                      subject_id=fair.id, detail=f"招聘会报名名单（{len(people)}人，手机号已遮挡）")
    return _page("staff_detail.html", status_code=status_code, fair=fair, bookings=fair_bookings(session=db,
                 fair_id=fair.id), registrations=people[:300], registered=len(people),
                 checked_in=sum(1 for p in people if p.checked_in_at), transitions=TRANSITIONS.get(fair.status, ()),
                 town=town_name(session=db, code=fair.town_code), towns=[t for t, _ in list_towns(session=db)],
                 error=error, notice=notice, taken=holding_count(session=db, fair_id=fair.id))


@get("/staff/fairs/{fair_id:int}", sync_to_thread=True, guards=[staff_only])
def manage_fair(request: Request, db: Session, fair_id: int, done: str = "") -> Template:
    """One fair for staff: bookings to decide, visitors, check-in, walk-ins."""
    return _manage_page(db, request=request, fair_id=fair_id, notice=NOTICES.get(done, ""))


def _act(db: Session, request: Request, fair_id: int, done: str, action) -> Template | Redirect:  # noqa: ANN001
    """Run a staff action; a refusal re-renders the page with the reason instead of an error page."""
    try:
        with settle(db):
            action()
    except DomainError as exc:
        if exc.status == 404:
            raise
        return _manage_page(db, request=request, fair_id=fair_id, error=exc.message, status_code=exc.status)
    return Redirect(f"/staff/fairs/{fair_id}?done={done}", status_code=303)


@post("/staff/fairs/{fair_id:int}/status", sync_to_thread=True, guards=[staff_only])
def change_status(request: Request, db: Session, fair_id: int, data: FormBody) -> Template | Redirect:
    """Open or close booking, mark held, archive."""
    staff = current_user(request)
    return _act(db, request, fair_id, "status", lambda: set_status(
        session=db, fair_id=fair_id, status=form_text(data, "status"), staff_id=staff.id))


@post("/staff/fairs/{fair_id:int}/cancel", sync_to_thread=True, guards=[staff_only])
def cancel(request: Request, db: Session, fair_id: int, data: FormBody) -> Template | Redirect:
    """Cancel the fair and tell everyone booked or registered."""
    staff = current_user(request)
    return _act(db, request, fair_id, "fair_cancelled", lambda: cancel_fair(
        session=db, fair_id=fair_id, reason=form_text(data, "reason"), staff_id=staff.id))


@post("/staff/fairs/{fair_id:int}/bookings/{booking_id:int}/{action:str}", sync_to_thread=True,
      guards=[staff_only])
def booking_action(request: Request, db: Session, fair_id: int, booking_id: int, action: str,
                   data: FormBody) -> Template | Redirect:
    """Approve, refuse, move or cancel one booking."""
    staff = current_user(request)
    actions = {
        "approve": ("approved", lambda: approve_booking(session=db, fair_id=fair_id, booking_id=booking_id,
                                                        staff_id=staff.id)),
        "refuse": ("refused", lambda: refuse_booking(session=db, fair_id=fair_id, booking_id=booking_id,
                                                     staff_id=staff.id, reason=form_text(data, "reason"))),
        "move": ("moved", lambda: move_booking(session=db, fair_id=fair_id, booking_id=booking_id,
                                               booth_number=form_text(data, "booth_number"), staff_id=staff.id)),
        "cancel": ("booth_cancelled", lambda: cancel_booking(session=db, fair_id=fair_id, booking_id=booking_id,
                                                             staff=True)),
    }
    if action not in actions:
        raise NotFound("没有这个操作", code="booking.action")
    done, run = actions[action]
    return _act(db, request, fair_id, done, run)


@post("/staff/fairs/{fair_id:int}/walkins", sync_to_thread=True, guards=[staff_only])
def walk_ins(request: Request, db: Session, fair_id: int, data: FormBody) -> Template | Redirect:
    """Count people who came without registering."""
    staff = current_user(request)
    target = form_text(data, "back") == "checkin"
    result = _act(db, request, fair_id, "walkins", lambda: record_walk_ins(
        session=db, fair_id=fair_id, count=form_text(data, "count"), town_code=form_text(data, "town_code"),
        staff_id=staff.id))
    if target and isinstance(result, Redirect):
        return Redirect(f"/staff/fairs/{fair_id}/checkin?walkins=1", status_code=303)
    return result


# --- at the door ------------------------------------------------------------------------------------------


def _checkin_page(db: Session, *, fair_id: int, code: str = "", result=None, already: bool = False,  # noqa: ANN001
                  error: str = "", status_code: int = 200, walkins: bool = False) -> Template:
    fair = get_fair(session=db, fair_id=fair_id)
    counts = registrations(session=db, fair_id=fair.id)
    return _page("checkin.html", status_code=status_code, fair=fair, code=code, result=result, already=already,
                 error=error, checked_in=sum(1 for r in counts if r.checked_in_at), registered=len(counts),
                 towns=[t for t, _ in list_towns(session=db)], walkins=walkins)


@get("/staff/fairs/{fair_id:int}/checkin", sync_to_thread=True, guards=[staff_only])
def checkin_page(db: Session, fair_id: int, code: str = "", walkins: str = "") -> Template:
    """The door: scan a visitor's QR (it opens this page with the code filled in) or type the 6 digits."""
    return _checkin_page(db, fair_id=fair_id, code=normalise_code(code)[:6], walkins=bool(walkins))


@post("/staff/fairs/{fair_id:int}/checkin", sync_to_thread=True, guards=[staff_only])
def checkin_submit(request: Request, db: Session, fair_id: int, data: FormBody) -> Template:
    """Check the visitor in and show who it is."""
    staff = current_user(request)
    code = form_text(data, "code")
    try:
        with settle(db):
            registration, already = check_in(session=db, fair_id=fair_id, code=code, staff_id=staff.id)
            record_access(session=db, actor=staff, action="checkin", subject_type="fair_registration",
                          subject_id=registration.id, detail="招聘会入场签到")
    except DomainError as exc:
        if exc.code == "fair.not_found":
            raise
        return _checkin_page(db, fair_id=fair_id, code=code, error=exc.message, status_code=exc.status)
    return _checkin_page(db, fair_id=fair_id, result=registration, already=already)


@get("/staff/fairs/{fair_id:int}/report", sync_to_thread=True, guards=[staff_only])
def report_page(db: Session, fair_id: int) -> Template:
    """Employers, vacancies, visitors by town, check-ins, intents and hires (printable)."""
    return _page("report.html", report=fair_report(session=db, fair_id=fair_id))


# --- the official holiday arrangement ---------------------------------------------------------------------


def _holiday_page(db: Session, *, form: dict | None = None, errors: dict | None = None, notice: str = "",
                  status_code: int = 200) -> Template:
    today = today_local()
    unconfirmed = [f for f in upcoming_fairs(session=db, today=today) if not f.date_confirmed
                   and f.status != "cancelled"]
    return _page("holidays.html", status_code=status_code, years=entered_years(session=db), form=form or {
        "year": str(today.year + 1), "holidays": "", "workdays": "", "complete": "1"}, errors=errors or {},
        policy=get_policy(session=db), notice=notice, unconfirmed=unconfirmed)


@get("/staff/fairs/holidays", sync_to_thread=True, guards=[staff_only])
def holidays_page(db: Session, done: str = "") -> Template:
    """Enter the State Council's holiday arrangement for a year; the monthly fairs are re-checked at once."""
    return _holiday_page(db, notice=NOTICES.get(done, ""))


@post("/staff/fairs/holidays", sync_to_thread=True, guards=[staff_only])
def holidays_submit(request: Request, db: Session, data: FormBody) -> Template | Redirect:
    """Save the arrangement (and the policy), then run the monthly rule so dates follow at once."""
    staff = current_user(request)
    form = {key: form_text(data, key) for key in ("year", "holidays", "workdays", "complete", "policy", "note")}
    try:
        with settle(db):
            if form["policy"]:
                set_policy(session=db, policy=form["policy"])
            save_holiday_arrangement(session=db, year=form["year"], holidays=form["holidays"],
                                     workdays=form["workdays"], complete=form["complete"] == "1", staff_id=staff.id,
                                     note=form["note"])
            schedule_monthly_fairs(session=db)
    except FormErrors as exc:
        return _holiday_page(db, form=form, errors=exc.errors, status_code=400)
    return Redirect("/staff/fairs/holidays?done=holidays", status_code=303)


# One Router, so each handler is registered once: Litestar 2.25 wraps a sync handler in sync_to_thread again
# whenever a later handler joins its path, and a twice-wrapped handler returning a Response fails.
handlers = [Router(path="/", route_handlers=[staff_fairs, new_fair_form, new_fair_submit, edit_fair_form, edit_fair_submit, manage_fair,
            change_status, cancel, booking_action, walk_ins, checkin_page, checkin_submit, report_page,
            holidays_page, holidays_submit])]

