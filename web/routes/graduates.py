"""Graduate pages: registration (online and at the window), the file, the 明白纸 sheet, rating, staff cases."""

from __future__ import annotations

from dataclasses import fields
from typing import Annotated, Any

from litestar import Request, Router, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from sqlmodel import Session

from jobbridge.accounts.models import User
from jobbridge.employers.service import FormErrors
from jobbridge.employers.vacancies import today_local
from jobbridge.errors import DomainError, Forbidden
from jobbridge.geo.service import list_towns, town_names
from jobbridge.graduates.access import (
    graduate_for_staff_change,
    graduate_for_viewer,
    is_owner,
    is_staff,
    may_see_hardship,
    may_see_identity,
)
from jobbridge.graduates.contact import case_list, reassign, set_next_action, staff_members
from jobbridge.graduates.followup import follow_up, recent_events
from jobbridge.graduates.matches import matching_ready
from jobbridge.graduates.models import (
    CHANNELS,
    DEGREES,
    EMPLOYER_TYPES,
    EMPLOYMENT_STATUSES,
    FILE_STATUSES,
    HARDSHIP_LABELS,
    HARDSHIPS,
    INTENTS,
    RATINGS,
)
from jobbridge.graduates.ratings import rate_visit, rating_of_day, ratings_for_staff, summarise
from jobbridge.graduates.service import (
    GraduateInput,
    graduate_of_user,
    hardship_of,
    input_from_graduate,
    register_graduate,
    update_graduate,
)
from jobbridge.validation import ValidationError, parse_date
from jobbridge.vocab import EMPLOYMENT_TYPES, TRAVEL_RANGES, Role
from jobbridge_web.deps import current_user, requires, staff_only

FormBody = Annotated[dict, Body(media_type=RequestEncodingType.URL_ENCODED)]
LIST_FIELDS = {"preferred_towns", "employment_types", "hardship"}
graduate_or_staff = requires(Role.GRADUATE, Role.STAFF)


def form_input(form: dict[str, Any]) -> GraduateInput:
    """A GraduateInput from an URL-encoded form (repeated keys arrive as lists)."""
    values: dict[str, Any] = {}
    for f in fields(GraduateInput):
        raw = form.get(f.name)
        if f.name in LIST_FIELDS:
            values[f.name] = [v for v in (raw if isinstance(raw, list) else [raw]) if v]
        else:
            values[f.name] = (raw[-1] if isinstance(raw, list) else raw) or ""
    return GraduateInput(**values)


def _choices(db: Session) -> dict:
    return dict(
        towns=[t for t, _ in list_towns(session=db)], degrees=DEGREES, file_statuses=FILE_STATUSES, intents=INTENTS,
        employment_statuses=EMPLOYMENT_STATUSES, employer_types=EMPLOYER_TYPES, employment_types=EMPLOYMENT_TYPES,
        travel_ranges=TRAVEL_RANGES, hardships=HARDSHIPS, hardship_labels=HARDSHIP_LABELS,
    )


def _form_page(db: Session, *, mode: str, form: GraduateInput, errors: dict | None = None, action: str,
               show_hardship: bool = True, graduate_id: int | None = None, status: int = 200) -> Template:
    context = dict(mode=mode, form=form, errors=errors or {}, action=action, show_hardship=show_hardship,
                   graduate_id=graduate_id, **_choices(db))
    return Template("graduates/form.html", context=context, status_code=status)


def _user(db: Session, request: Request) -> User | None:
    viewer = current_user(request)
    return db.get(User, viewer.id) if viewer else None


@get("/graduates", sync_to_thread=True, name="graduates_home")
def graduates_home(request: Request, db: Session) -> Template | Redirect:
    """The graduates' entry: your own file when signed in, otherwise what the service offers."""
    viewer = current_user(request)
    if viewer and viewer.role == Role.GRADUATE:
        graduate = graduate_of_user(session=db, user_id=viewer.id)
        if graduate is not None:
            return Redirect(f"/graduates/{graduate.id}", status_code=303)
    if viewer and viewer.is_staff:
        return Redirect("/staff/graduates", status_code=303)
    return Template("graduates/landing.html", context={})


@get("/graduates/register", sync_to_thread=True)
def register_page(request: Request, db: Session) -> Template | Redirect:
    """Online registration by the graduate."""
    viewer = current_user(request)
    if viewer and viewer.role == Role.GRADUATE and graduate_of_user(session=db, user_id=viewer.id):
        return Redirect("/graduates", status_code=303)
    return _form_page(db, mode="online", form=GraduateInput(), action="/graduates/register")


@post("/graduates/register", sync_to_thread=True)
def register_submit(request: Request, db: Session, data: FormBody) -> Template | Redirect:
    """Create the file and the graduate's account, then sign them in."""
    form = form_input(data)
    try:
        graduate = register_graduate(session=db, data=form, registered_by=None, channel="online", today=today_local())
    except FormErrors as exc:
        form.password = ""
        return _form_page(db, mode="online", form=form, errors=exc.errors, action="/graduates/register", status=400)
    request.clear_session()
    request.set_session({"user_id": graduate.user_id})
    return Redirect(f"/graduates/{graduate.id}?new=1", status_code=303)


@get("/staff/graduates/new", sync_to_thread=True, guards=[staff_only])
def window_page(db: Session) -> Template:
    """Registration at the window by staff."""
    return _form_page(db, mode="window", form=GraduateInput(), action="/staff/graduates/new")


@post("/staff/graduates/new", sync_to_thread=True, guards=[staff_only])
def window_submit(request: Request, db: Session, data: FormBody) -> Template | Redirect:
    """Register at the window; the registering staff member becomes responsible."""
    form = form_input(data)
    try:
        graduate = register_graduate(session=db, data=form, registered_by=_user(db, request), channel="window",
                                     today=today_local())
    except FormErrors as exc:
        form.password = ""
        return _form_page(db, mode="window", form=form, errors=exc.errors, action="/staff/graduates/new", status=400)
    return Redirect(f"/graduates/{graduate.id}?new=1", status_code=303)


@get("/graduates/{graduate_id:int}", sync_to_thread=True, guards=[graduate_or_staff])
def file_page(request: Request, db: Session, graduate_id: int, new: int = 0) -> Template:
    """The file with the contact card, policies with reasons, matched vacancies and graduate fairs."""
    viewer = current_user(request)
    graduate = graduate_for_viewer(session=db, graduate_id=graduate_id, viewer=viewer, purpose="查看档案页")
    hardship_visible = may_see_hardship(graduate, viewer)
    hardship = hardship_of(session=db, graduate_id=graduate.id) if hardship_visible else None
    today = today_local()
    context = dict(
        g=graduate, f=follow_up(session=db, graduate=graduate, hardship=hardship, today=today),
        hardship_visible=hardship_visible, hardship=hardship, hardship_labels=HARDSHIP_LABELS,
        full_identity=may_see_identity(graduate, viewer), owner=is_owner(graduate, viewer), staff=is_staff(viewer),
        staff_list=staff_members(session=db) if is_staff(viewer) else [], events=recent_events(session=db, graduate=graduate),
        towns=town_names(session=db), ratings=RATINGS, rated=rating_of_day(session=db, graduate_id=graduate.id, day=today),
        new=bool(new), channels=CHANNELS, matching_ready=matching_ready(),
    )
    return Template("graduates/file.html", context=context)


@get("/graduates/{graduate_id:int}/sheet", sync_to_thread=True, guards=[graduate_or_staff])
def sheet_page(request: Request, db: Session, graduate_id: int) -> Template:
    """The printable A4 明白纸 handed over at the end of the visit."""
    viewer = current_user(request)
    graduate = graduate_for_viewer(session=db, graduate_id=graduate_id, viewer=viewer, purpose="打印明白纸")
    hardship = hardship_of(session=db, graduate_id=graduate.id) if may_see_hardship(graduate, viewer) else None
    context = dict(g=graduate, f=follow_up(session=db, graduate=graduate, hardship=hardship, today=today_local(), k=5),
                   towns=town_names(session=db), full_identity=may_see_identity(graduate, viewer))
    return Template("graduates/sheet.html", context=context)


@get("/graduates/{graduate_id:int}/edit", sync_to_thread=True, guards=[graduate_or_staff])
def edit_page(request: Request, db: Session, graduate_id: int) -> Template:
    """Change the file (hardship only for those who may see it)."""
    viewer = current_user(request)
    graduate = graduate_for_viewer(session=db, graduate_id=graduate_id, viewer=viewer, purpose="修改档案")
    visible = may_see_hardship(graduate, viewer)
    hardship = hardship_of(session=db, graduate_id=graduate.id) if visible else None
    form = input_from_graduate(graduate=graduate, hardship=hardship)
    return _form_page(db, mode="edit", form=form, action=f"/graduates/{graduate.id}/edit", show_hardship=visible,
                      graduate_id=graduate.id)


@post("/graduates/{graduate_id:int}/edit", sync_to_thread=True, guards=[graduate_or_staff])
def edit_submit(request: Request, db: Session, graduate_id: int, data: FormBody) -> Template | Redirect:
    """Save the changed file."""
    viewer = current_user(request)
    graduate = graduate_for_viewer(session=db, graduate_id=graduate_id, viewer=viewer, purpose="修改档案")
    visible = may_see_hardship(graduate, viewer)
    form = form_input(data)
    form.id_number = graduate.id_number
    try:
        update_graduate(session=db, graduate=graduate, data=form, actor=_user(db, request), may_edit_hardship=visible,
                        today=today_local())
    except FormErrors as exc:
        return _form_page(db, mode="edit", form=form, errors=exc.errors, action=f"/graduates/{graduate.id}/edit",
                          show_hardship=visible, graduate_id=graduate.id, status=400)
    return Redirect(f"/graduates/{graduate.id}", status_code=303)


@post("/graduates/{graduate_id:int}/rating", sync_to_thread=True, guards=[requires(Role.GRADUATE)])
def rating_submit(request: Request, db: Session, graduate_id: int, data: FormBody) -> Redirect:
    """The graduate rates today's service."""
    viewer = current_user(request)
    graduate = graduate_for_viewer(session=db, graduate_id=graduate_id, viewer=viewer, purpose="评价")
    if not is_owner(graduate, viewer):
        raise Forbidden("只有毕业生本人可以评价", code="rating.not_owner")
    rate_visit(session=db, graduate=graduate, rating=str(data.get("rating") or ""),
               comment=str(data.get("comment") or ""), today=today_local())
    return Redirect(f"/graduates/{graduate.id}?rated=1#rating", status_code=303)


@post("/graduates/{graduate_id:int}/reassign", sync_to_thread=True, guards=[staff_only])
def reassign_submit(request: Request, db: Session, graduate_id: int, data: FormBody) -> Redirect:
    """Hand the case to another staff member; the graduate is told."""
    graduate = graduate_for_staff_change(session=db, graduate_id=graduate_id, viewer=current_user(request),
                                         purpose="变更首问负责人")
    try:
        staff_id = int(str(data.get("staff_id") or "0"))
    except ValueError:
        raise DomainError("请选择工作人员", code="staff.required", field="staff_id") from None
    reassign(session=db, graduate=graduate, to_staff_id=staff_id, actor=_user(db, request),
             reason=str(data.get("reason") or ""))
    return Redirect(f"/graduates/{graduate.id}", status_code=303)


@post("/graduates/{graduate_id:int}/next-action", sync_to_thread=True, guards=[staff_only])
def next_action_submit(request: Request, db: Session, graduate_id: int, data: FormBody) -> Redirect:
    """Record the case's next step and its date."""
    graduate = graduate_for_staff_change(session=db, graduate_id=graduate_id, viewer=current_user(request),
                                         purpose="记录下一步")
    raw_due = str(data.get("next_action_on") or "").strip()
    try:
        due = parse_date(raw_due, field="next_action_on", label="日期") if raw_due else None
    except ValidationError as exc:
        raise DomainError(exc.message, code=exc.code, field="next_action_on") from None
    set_next_action(session=db, graduate=graduate, text=str(data.get("next_action") or ""), due=due,
                    actor=_user(db, request))
    return Redirect(f"/graduates/{graduate.id}", status_code=303)


@get("/staff/graduates", sync_to_thread=True, guards=[staff_only])
def cases_page(request: Request, db: Session) -> Template:
    """My graduate cases with next actions, the unassigned ones, and my ratings."""
    viewer = current_user(request)
    mine = case_list(session=db, staff_id=viewer.id)
    ratings = ratings_for_staff(session=db, staff_id=viewer.id)
    context = dict(mine=mine, unassigned=case_list(session=db, staff_id=None, unassigned=True), ratings=ratings,
                   summary=summarise([r for r, _ in ratings]), today=today_local(), rating_levels=RATINGS)
    return Template("graduates/cases.html", context=context)


# One Router, so Litestar registers each path's GET and POST handlers together: added one by one, the first
# sync_to_thread handler of a path is registered twice and wrapped twice (Litestar 2.25).
handlers = [Router(path="/", route_handlers=[
    graduates_home, register_page, register_submit, window_page, window_submit, file_page, sheet_page, edit_page,
    edit_submit, rating_submit, reassign_submit, next_action_submit, cases_page,
])]
