"""Village feeds, subscribing, short links, one-tap unsubscribe, and seeing or deleting one's own data."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from litestar import Request, Router, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from sqlmodel import Session, col, or_, select

from jobbridge.accounts.models import User
from jobbridge.db import utcnow
from jobbridge.employers.service import FormErrors
from jobbridge.errors import DomainError, NotFound
from jobbridge.geo.models import Village
from jobbridge.geo.service import list_towns
from jobbridge.outreach import links
from jobbridge.outreach.feeds import feed_items, upcoming_fairs, village_header
from jobbridge.outreach.models import REGISTERED_VIA, InboxItem, PushReceipt, Subscription
from jobbridge.outreach.privacy import erase_person, held_data, request_access_code, verify_access_code
from jobbridge.outreach.reach import open_link
from jobbridge.outreach.subscriptions import (
    CONSENT_TEXT,
    WORK_KINDS,
    SubscriptionInput,
    record_response,
    subscribe,
    subscription_for_token,
    token_for,
    unsubscribe,
)
from jobbridge.validation import ValidationError, mask_phone, validate_mobile
from jobbridge.vocab import EMPLOYMENT_TYPES, TRAVEL_RANGES
from jobbridge_web.deps import current_user, signed_in

FormBody = Annotated[dict, Body(media_type=RequestEncodingType.URL_ENCODED)]
DATA_ACCESS_MINUTES = 15


def form_text(form: dict[str, Any], key: str) -> str:
    """One text value of a URL-encoded form (the last one when a key repeats)."""
    value = form.get(key, "")
    if isinstance(value, list):
        value = value[-1] if value else ""
    return str(value or "").strip()


def form_list(form: dict[str, Any], key: str) -> list[str]:
    """Every value of a repeated key (checkboxes); Litestar gives a list only when it repeats."""
    value = form.get(key)
    if value in (None, ""):
        return []
    return [str(v) for v in value if v] if isinstance(value, list) else [str(value)]


def subscription_input(form: dict[str, Any], *, village_code: str, method: str = "网页勾选") -> SubscriptionInput:
    """A SubscriptionInput from a posted form."""
    return SubscriptionInput(
        phone=form_text(form, "phone"), name=form_text(form, "name"), village_code=village_code,
        travel_range=form_text(form, "travel_range") or "本镇", employment_types=form_list(form, "employment_types"),
        work_kinds=form_list(form, "work_kinds"), pay_floor=form_text(form, "pay_floor") or None,
        consent=form_text(form, "consent"), consent_method=form_text(form, "consent_method") or method,
    )


def subscription_choices() -> dict:
    """Options of the subscription form."""
    return {"travel_ranges": TRAVEL_RANGES, "employment_types": EMPLOYMENT_TYPES, "work_kinds": list(WORK_KINDS),
            "consent_text": CONSENT_TEXT}


def _unsubscribe_offer(db: Session, code: str | None) -> str | None:
    """The unsubscribe token for the person a message link belongs to (the link itself proves who they are)."""
    parsed = links.parse_code(code or "")
    if parsed is None or parsed.kind not in "md":
        return None
    receipt = db.get(PushReceipt, parsed.receipt_id)
    subscription = receipt and db.exec(select(Subscription).where(Subscription.person_key == receipt.person_key)).first()
    return token_for(subscription) if subscription else None


def _feed_page(db: Session, request: Request, code: str, *, focus: int | None = None, message: str | None = None,
               errors: dict | None = None, form: dict | None = None, status: int = 200) -> Template:
    village, town = village_header(session=db, village_code=code)
    items = feed_items(session=db, village_code=code, limit=100)
    if focus:
        items.sort(key=lambda item: item.vacancy_id != focus)
    return Template("outreach/feed.html", status_code=status, context={
        "village": village, "town": town, "items": items, "focus": focus, "fairs": upcoming_fairs(session=db, village_code=code),
        "message": message, "errors": errors or {}, "form": form or {},
        "unsubscribe_token": _unsubscribe_offer(db, request.query_params.get("m")),
    })


@get("/villages", sync_to_thread=True, name="village_index")
def village_index(db: Session, town: str = "") -> Template:
    """Pick a village to see its feed."""
    towns = [t for t, _ in list_towns(session=db)]
    villages = list(db.exec(select(Village).where(Village.town_code == town).order_by(col(Village.code)))) if town else []
    return Template("outreach/villages.html", context={"towns": towns, "town": town, "villages": villages})


@get("/villages/{code:str}", sync_to_thread=True, name="village_feed")
def village_feed(request: Request, db: Session, code: str, focus: int | None = None, ok: int | None = None) -> Template:
    """A village's vacancies, nearest first, with tap-to-call and a two-field registration form."""
    message = "报名成功！用人单位会打电话联系您，请留意来电。" if ok else None
    return _feed_page(db, request, code, focus=focus or ok, message=message)


@post("/villages/{code:str}/interest", sync_to_thread=True)
def village_interest(request: Request, db: Session, code: str, data: FormBody) -> Template | Redirect:
    """我要报名 from a village feed: name and phone create the registration, with the village recorded."""
    from jobbridge.employers.interest import register_interest

    village_header(session=db, village_code=code)
    user = current_user(request)
    try:
        vacancy_id = int(form_text(data, "vacancy_id") or 0)
    except ValueError:
        vacancy_id = 0
    form = {"vacancy_id": vacancy_id, "name": form_text(data, "name"), "phone": form_text(data, "phone")}
    try:
        interest, _ = register_interest(session=db, vacancy_id=vacancy_id, name=form["name"], phone=form["phone"],
                                        via="self", user_id=user.id if user else None, village_code=code)
    except FormErrors as exc:
        return _feed_page(db, request, code, focus=vacancy_id, errors=exc.errors, form=form, status=400)
    except NotFound as exc:
        return _feed_page(db, request, code, errors={"vacancy": exc.message}, form=form, status=400)
    record_response(session=db, person=links.person_key(interest.phone))
    return Redirect(f"/villages/{code}?ok={vacancy_id}#v{vacancy_id}", status_code=303)


@get("/villages/{code:str}/subscribe", sync_to_thread=True)
def subscribe_page(db: Session, code: str) -> Template:
    """The subscription form for a village."""
    village, town = village_header(session=db, village_code=code)
    return Template("outreach/subscribe.html", context={
        "village": village, "town": town, "form": SubscriptionInput(village_code=code), "errors": {},
        **subscription_choices()})


@post("/villages/{code:str}/subscribe", sync_to_thread=True)
def subscribe_submit(db: Session, code: str, data: FormBody) -> Template:
    """Subscribe oneself, with explicit consent."""
    village, town = village_header(session=db, village_code=code)
    form = subscription_input(data, village_code=code)
    form.consent_method = "网页勾选"
    try:
        subscription, created = subscribe(session=db, data=form, via="self")
    except FormErrors as exc:
        return Template("outreach/subscribe.html", status_code=400, context={
            "village": village, "town": town, "form": form, "errors": exc.errors, **subscription_choices()})
    return Template("outreach/subscribed.html", context={
        "village": village, "subscription": subscription, "created": created,
        "unsubscribe": f"/u/{token_for(subscription)}"})


@get("/r/{code:str}", sync_to_thread=True, name="short_link")
def short_link(db: Session, code: str) -> Redirect:
    """A message link or printed QR code: record the open, then show the vacancy to the village."""
    target = open_link(session=db, code=code)
    if target.personal:
        # A message link lands on the village feed with that vacancy first, one tap from 报名 or 退订.
        focus = f"&focus={target.vacancy_id}#v{target.vacancy_id}" if target.vacancy_id else ""
        return Redirect(f"/villages/{target.village_code}?m={code}{focus}", status_code=303)
    return Redirect(f"/vacancies/{target.vacancy_id}?v={target.village_code}", status_code=303)


def _unsubscribe_context(db: Session, token: str) -> dict:
    subscription = subscription_for_token(session=db, token=token)
    village = db.get(Village, subscription.village_code) if subscription else None
    return {"token": token, "subscription": subscription, "village": village,
            "phone": mask_phone(subscription.phone) if subscription else ""}


@get("/u/{token:str}", sync_to_thread=True, name="unsubscribe")
def unsubscribe_page(db: Session, token: str) -> Template:
    """The one-tap unsubscribe page (the tap is a POST, so link previews cannot unsubscribe anyone)."""
    return Template("outreach/unsubscribe.html", context={**_unsubscribe_context(db, token), "done": False})


@post("/u/{token:str}", sync_to_thread=True)
def unsubscribe_submit(db: Session, token: str) -> Template:
    """End the subscription the token names."""
    context = _unsubscribe_context(db, token)
    done = unsubscribe(session=db, token=token)
    return Template("outreach/unsubscribe.html", context={**context, "done": done})


def _data_phone(request: Request, db: Session) -> str | None:
    """The phone whose data the visitor has proven to own: by a recent code, or their own account."""
    user = current_user(request)
    if user is not None:
        row = db.get(User, user.id)
        if row is not None and row.phone:
            return row.phone
    session = request.session if isinstance(request.session, dict) else {}
    until = session.get("data_until", 0)
    if session.get("data_phone") and until > utcnow().timestamp():
        return session["data_phone"]
    return None


@get("/my-data", sync_to_thread=True, name="my_data")
def my_data(request: Request, db: Session) -> Template:
    """See what is held about me (after proving the phone is mine)."""
    phone = _data_phone(request, db)
    if phone is None:
        return Template("outreach/my_data_start.html", context={"step": "phone", "phone": "", "error": ""})
    held = held_data(session=db, phone=phone)
    return Template("outreach/my_data.html", context={"held": held, "via_labels": REGISTERED_VIA,
                                                      "registrar": _registrar(db, held)})


def _registrar(db: Session, held) -> str:  # noqa: ANN001
    sub = held.subscription
    if sub is None or sub.registered_by is None:
        return "本人"
    user = db.get(User, sub.registered_by)
    return f"{REGISTERED_VIA.get(sub.registered_via, '')}（{user.name if user else '工作人员'}）"


@post("/my-data/code", sync_to_thread=True)
def my_data_code(db: Session, data: FormBody) -> Template:
    """Send a one-time code to the phone through the outbox."""
    phone = form_text(data, "phone")
    try:
        request_access_code(session=db, phone=phone)
    except (ValidationError, DomainError) as exc:
        return Template("outreach/my_data_start.html", status_code=getattr(exc, "status", 400),
                        context={"step": "phone", "phone": phone, "error": exc.message})
    return Template("outreach/my_data_start.html", context={"step": "code", "phone": validate_mobile(phone),
                                                            "error": ""})


@post("/my-data/verify", sync_to_thread=True)
def my_data_verify(request: Request, db: Session, data: FormBody) -> Template | Redirect:
    """Check the code; the proof lasts 15 minutes in this browser's session."""
    phone, code = form_text(data, "phone"), form_text(data, "code")
    if not verify_access_code(session=db, phone=phone, code=code):
        return Template("outreach/my_data_start.html", status_code=400, context={
            "step": "code", "phone": phone, "error": "验证码不正确或已过期，请重新获取"})
    session = dict(request.session) if isinstance(request.session, dict) else {}
    until = (utcnow() + timedelta(minutes=DATA_ACCESS_MINUTES)).timestamp()
    request.set_session({**session, "data_phone": validate_mobile(phone), "data_until": until})
    return Redirect("/my-data", status_code=303)


@post("/my-data/erase", sync_to_thread=True)
def my_data_erase(request: Request, db: Session) -> Template | Redirect:
    """Delete what outreach holds about the proven phone."""
    phone = _data_phone(request, db)
    if phone is None:
        return Redirect("/my-data", status_code=303)
    counts = erase_person(session=db, phone=phone)
    session = dict(request.session) if isinstance(request.session, dict) else {}
    session.pop("data_phone", None)
    session.pop("data_until", None)
    request.set_session(session)
    return Template("outreach/my_data_erased.html", context={"counts": counts})


@get("/inbox", sync_to_thread=True, guards=[signed_in], name="inbox")
def inbox(request: Request, db: Session) -> Template:
    """Messages delivered to my in-app inbox (by account, and by my phone)."""
    user = current_user(request)
    row = db.get(User, user.id)
    matches = [InboxItem.user_id == user.id] + ([InboxItem.phone == row.phone] if row and row.phone else [])
    items = list(db.exec(select(InboxItem).where(or_(*matches)).order_by(col(InboxItem.id).desc()).limit(100)))
    return Template("outreach/inbox.html", context={"items": items})


# One Router registers every handler at once (a GET and a POST on one path registered apart get wrapped twice).
handlers = [Router(path="/", route_handlers=[
    village_index, village_feed, village_interest, subscribe_page, subscribe_submit, short_link,
    unsubscribe_page, unsubscribe_submit, my_data, my_data_code, my_data_verify, my_data_erase, inbox,
])]
