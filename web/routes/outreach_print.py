"""Printable notices: a village's weekly bulletin, a single-vacancy poster, and the weekly batch for staff."""

from __future__ import annotations

import threading

from litestar import Request, Router, get, post
from litestar.response import Redirect, Template
from sqlmodel import Session, col, select

from jobbridge.employers.vacancies import today_local
from jobbridge.errors import NotFound
from jobbridge.geo.models import Village
from jobbridge.geo.service import get_town
from jobbridge.outreach.feeds import items_for, village_header
from jobbridge.outreach.notices import (
    bulletin,
    latest_batches,
    paper_url,
    qr_svg,
    week_label,
    week_start,
)
from jobbridge.vocab import Role
from jobbridge_web.deps import current_user, requires, staff_only

staff_or_coordinator = requires(Role.STAFF, Role.COORDINATOR)


def _bulletin_context(db: Session, code: str) -> dict:
    village, town = village_header(session=db, village_code=code)
    sheet = bulletin(session=db, village_code=code)
    entries = [(item, qr_svg(url := paper_url(vacancy_id=item.vacancy_id, village_code=code)), url)
               for item in sheet.items]
    return {"village": village, "town": town, "entries": entries, "week": week_label(sheet.week_start)}


@get("/villages/{code:str}/bulletin", sync_to_thread=True, name="village_bulletin")
def village_bulletin(db: Session, code: str) -> Template:
    """This week's A4 bulletin for the village notice board: the nearest vacancies, each with a QR code."""
    return Template("outreach/bulletin.html", context={"sheets": [_bulletin_context(db, code)]})


@get("/villages/{code:str}/posters/{vacancy_id:int}", sync_to_thread=True)
def vacancy_poster(db: Session, code: str, vacancy_id: int) -> Template:
    """An A4 poster of one vacancy for one village, with a big QR code."""
    village, town = village_header(session=db, village_code=code)
    items = items_for(session=db, vacancy_ids=[vacancy_id], village_code=code)
    if not items:
        raise NotFound("没有找到该岗位，可能已招满或已下架", code="vacancy.not_found")
    url = paper_url(vacancy_id=vacancy_id, village_code=code, poster=True)
    return Template("outreach/poster.html", context={"village": village, "town": town, "item": items[0],
                                                     "qr": qr_svg(url, size_mm=70), "url": url})


@get("/print/towns/{town_code:str}/bulletins", sync_to_thread=True, guards=[staff_or_coordinator])
def town_bulletins(db: Session, town_code: str) -> Template:
    """Every village bulletin of one town in one print job (a page each)."""
    get_town(session=db, code=town_code)
    codes = list(db.exec(select(Village.code).where(Village.town_code == town_code).order_by(col(Village.code))))
    return Template("outreach/bulletin.html", context={"sheets": [_bulletin_context(db, c) for c in codes]})


@get("/staff/outreach/bulletins", sync_to_thread=True, guards=[staff_only])
def bulletin_batches(db: Session) -> Template:
    """Weekly bulletin batches and their progress (the page refreshes itself while one runs)."""
    from jobbridge.geo.service import list_towns

    batches = latest_batches(session=db)
    running = any(b.state == "running" for b in batches)
    return Template("outreach/batches.html", context={
        "batches": batches, "running": running, "towns": [t for t, _ in list_towns(session=db)],
        "this_week": week_start(today_local())})


@post("/staff/outreach/bulletins/run", sync_to_thread=True, guards=[staff_only])
def bulletin_run(request: Request) -> Redirect:
    """Start this week's batch in the background; the progress page shows how far it got."""
    from jobbridge_scheduler.runner import run_job

    user = current_user(request)

    def work() -> None:
        try:
            run_job("weekly-village-bulletins")
        except Exception:  # noqa: BLE001 - the run is recorded as failed by run_job
            pass

    threading.Thread(target=work, name=f"bulletins-{user.id}", daemon=True).start()
    return Redirect("/staff/outreach/bulletins", status_code=303)


# One Router registers every handler at once (a GET and a POST on one path registered apart get wrapped twice).
handlers = [Router(path="/", route_handlers=[
    village_bulletin, vacancy_poster, town_bulletins, bulletin_batches, bulletin_run,
])]
