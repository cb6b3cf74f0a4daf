"""The village coordinator's workspace: their villages' feeds, assisted subscriptions and registrations, responses."""

from __future__ import annotations

from litestar import Request, Router, get, post
from litestar.response import Redirect, Template
from sqlmodel import Session

from jobbridge.accounts.models import User
from jobbridge.accounts.service import record_access
from jobbridge.employers.service import FormErrors
from jobbridge.errors import DomainError, NotFound
from jobbridge.outreach.coordinators import (
    ASSISTED_METHODS,
    assisted_interest,
    assisted_subscribe,
    my_villages,
    require_village,
    responses,
    village_cards,
)
from jobbridge.outreach.feeds import feed_items, village_header
from jobbridge.outreach.subscriptions import SubscriptionInput, subscriptions_in
from jobbridge.vocab import Role
from jobbridge_web.deps import current_user, requires
from jobbridge_web.routes.outreach import FormBody, form_text, subscription_choices, subscription_input

coordinator_only = requires(Role.COORDINATOR)


def _actor(request: Request, db: Session) -> tuple[int, bool, User | None]:
    user = current_user(request)
    return user.id, user.role == Role.ADMIN, db.get(User, user.id)


@get("/coordinator", sync_to_thread=True, guards=[coordinator_only], name="coordinator_home")
def coordinator_home(request: Request, db: Session) -> Template:
    """My villages at a glance and who responded."""
    user_id, _, actor = _actor(request, db)
    codes = my_villages(session=db, user_id=user_id)
    answered = responses(session=db, codes=codes, limit=100)
    if answered:
        record_access(session=db, actor=actor, action="read", subject_type="interest", subject_id="coordinator",
                      detail=f"{len(answered)} registrations of own villages")
    return Template("outreach/coordinator.html", context={"cards": village_cards(session=db, codes=codes),
                                                          "responses": answered})


def _village_page(request: Request, db: Session, code: str, *, status: int = 200, errors: dict | None = None,
                  form: SubscriptionInput | None = None, interest_form: dict | None = None,
                  message: str = "") -> Template:
    user_id, is_admin, actor = _actor(request, db)
    require_village(session=db, user_id=user_id, village_code=code, is_admin=is_admin)
    village, town = village_header(session=db, village_code=code)
    subscribers = subscriptions_in(session=db, village_codes=[code], limit=200)
    if subscribers:
        record_access(session=db, actor=actor, action="read", subject_type="subscription", subject_id=code,
                      detail=f"{len(subscribers)} subscribers (phones masked)")
    return Template("outreach/coordinator_village.html", status_code=status, context={
        "village": village, "town": town, "items": feed_items(session=db, village_code=code, limit=100),
        "subscribers": subscribers, "errors": errors or {}, "interest_form": interest_form or {},
        "form": form or SubscriptionInput(village_code=code, consent_method="当面告知"), "message": message,
        "methods": ASSISTED_METHODS, **subscription_choices()})


@get("/coordinator/villages/{code:str}", sync_to_thread=True, guards=[coordinator_only])
def coordinator_village(request: Request, db: Session, code: str, done: str = "") -> Template:
    """One of my villages: its feed with assisted registration, its subscribers, print links."""
    message = {"sub": "已为村民订阅招聘消息，系统会给他发一条确认短信。",
               "interest": "已代村民报名，用人单位会联系他。"}.get(done, "")
    return _village_page(request, db, code, message=message)


@post("/coordinator/villages/{code:str}/subscribe", sync_to_thread=True, guards=[coordinator_only])
def coordinator_subscribe(request: Request, db: Session, code: str, data: FormBody) -> Template | Redirect:
    """Subscribe a villager on their behalf, with their consent given in person or by phone."""
    user_id, is_admin, _ = _actor(request, db)
    form = subscription_input(data, village_code=code, method="当面告知")
    try:
        assisted_subscribe(session=db, coordinator_id=user_id, data=form, is_admin=is_admin)
    except FormErrors as exc:
        return _village_page(request, db, code, status=400, errors=exc.errors, form=form)
    except DomainError as exc:
        if exc.status == 403:
            raise
        return _village_page(request, db, code, status=400, errors={exc.field or "consent": exc.message}, form=form)
    return Redirect(f"/coordinator/villages/{code}?done=sub", status_code=303)


@post("/coordinator/villages/{code:str}/interest", sync_to_thread=True, guards=[coordinator_only])
def coordinator_interest(request: Request, db: Session, code: str, data: FormBody) -> Template | Redirect:
    """Register a villager's interest in a vacancy on their behalf."""
    user_id, is_admin, _ = _actor(request, db)
    try:
        vacancy_id = int(form_text(data, "vacancy_id") or 0)
    except ValueError:
        vacancy_id = 0
    interest_form = {"vacancy_id": vacancy_id, "name": form_text(data, "name"), "phone": form_text(data, "phone")}
    try:
        assisted_interest(session=db, coordinator_id=user_id, vacancy_id=vacancy_id, name=interest_form["name"],
                          phone=interest_form["phone"], village_code=code, is_admin=is_admin)
    except FormErrors as exc:
        return _village_page(request, db, code, status=400, errors=exc.errors, interest_form=interest_form)
    except NotFound as exc:
        return _village_page(request, db, code, status=400, errors={"vacancy": exc.message},
                             interest_form=interest_form)
    return Redirect(f"/coordinator/villages/{code}?done=interest", status_code=303)


# One Router registers every handler at once (a GET and a POST on one path registered apart get wrapped twice).
handlers = [Router(path="/", route_handlers=[
    coordinator_home, coordinator_village, coordinator_subscribe, coordinator_interest,
])]
