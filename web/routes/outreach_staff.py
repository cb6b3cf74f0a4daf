"""Staff pages for outreach: the outbox with its states and retries, and reach by vacancy and by village."""

from __future__ import annotations

from typing import Annotated

from litestar import Request, Router, get, post
from litestar.params import Parameter
from litestar.response import Redirect, Template
from sqlmodel import Session

from jobbridge.accounts.models import User
from jobbridge.accounts.service import record_access
from jobbridge.employers.vacancies import get_vacancy
from jobbridge.outreach.models import OUTBOX_STATE_LABELS, OUTBOX_STATES
from jobbridge.outreach.outbox import list_messages, retry_dead, state_counts
from jobbridge.outreach.reach import unreached_villages, vacancy_reach, village_ranking
from jobbridge_web.deps import current_user, staff_only


@get("/staff/outbox", sync_to_thread=True, guards=[staff_only], name="staff_outbox")
def outbox_page(request: Request, db: Session,
                wanted: Annotated[str, Parameter(query="state", required=False)] = "") -> Template:
    """Messages by state (queued, sending, sent, failed, dead), with retry for the given-up ones."""
    state = wanted if wanted in OUTBOX_STATES else ""
    messages = list_messages(session=db, state=state or None, limit=200)
    user = current_user(request)
    record_access(session=db, actor=db.get(User, user.id), action="read", subject_type="outbox",
                  subject_id=state or "all", detail=f"{len(messages)} messages (phones masked)")
    return Template("outreach/outbox.html", context={
        "counts": state_counts(session=db), "states": OUTBOX_STATES, "labels": OUTBOX_STATE_LABELS,
        "state": state, "messages": messages})


@post("/staff/outbox/{message_id:int}/retry", sync_to_thread=True, guards=[staff_only])
def outbox_retry(db: Session, message_id: int) -> Redirect:
    """Send one given-up message again."""
    retry_dead(session=db, message_ids=[message_id])
    return Redirect("/staff/outbox?state=dead", status_code=303)


@post("/staff/outbox/retry-dead", sync_to_thread=True, guards=[staff_only])
def outbox_retry_all(db: Session) -> Redirect:
    """Send every given-up message again."""
    retry_dead(session=db)
    return Redirect("/staff/outbox", status_code=303)


@get("/staff/outreach", sync_to_thread=True, guards=[staff_only], name="staff_reach")
def reach_page(db: Session, days: int = 30) -> Template:
    """Villages ranked by response, and villages no vacancy reached lately."""
    days = min(max(days, 1), 365)
    return Template("outreach/reach.html", context={
        "ranking": village_ranking(session=db, days=days), "unreached": unreached_villages(session=db, days=days),
        "days": days})


@get("/staff/outreach/vacancies/{vacancy_id:int}", sync_to_thread=True, guards=[staff_only])
def vacancy_reach_page(db: Session, vacancy_id: int) -> Template:
    """One vacancy's reach per village: pushed, delivered, opened, registered, hired."""
    vacancy = get_vacancy(session=db, vacancy_id=vacancy_id)
    return Template("outreach/vacancy_reach.html", context={"vacancy": vacancy,
                                                            "reach": vacancy_reach(session=db, vacancy_id=vacancy_id)})


# One Router registers every handler at once (a GET and a POST on one path registered apart get wrapped twice).
handlers = [Router(path="/", route_handlers=[
    outbox_page, outbox_retry, outbox_retry_all, reach_page, vacancy_reach_page,
])]
