"""Printable notices: each village's weekly bulletin, single-vacancy posters, and the weekly batch for all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import segno
from sqlalchemy import func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from jobbridge.db import session_scope, utcnow
from jobbridge.employers.vacancies import today_local
from jobbridge.geo.models import Village
from jobbridge.outreach import links
from jobbridge.outreach.feeds import FeedItem, Geo, feed_items, items_for
from jobbridge.outreach.models import BulletinBatch, VillageBulletin

BULLETIN_MAX = 12
BULLETIN_MIN = 8  # fewer nearby vacancies than this are topped up from further away in the feed


def week_start(day: date) -> date:
    """The Monday of a day's week."""
    return day - timedelta(days=day.weekday())


def paper_url(*, vacancy_id: int, village_code: str, poster: bool = False) -> str:
    """The short link a printed QR code carries: it records the village, then opens the vacancy."""
    return links.short_url(links.paper_code(vacancy_id, village_code, poster=poster))


def qr_svg(url: str, *, size_mm: float = 26.0) -> str:
    """An inline SVG QR code of a given printed size (medium error correction survives a worn notice board)."""
    qr = segno.make(url, error="m")
    modules = qr.symbol_size(scale=1, border=2)[0]
    return qr.svg_inline(scale=round(size_mm / modules, 3), border=2, unit="mm", title="扫码查看岗位")


def choose_vacancies(*, session: Session, village_code: str, geo: Geo | None = None, today: date | None = None,
                     limit: int = BULLETIN_MAX) -> list[int]:
    """The most relevant vacancies for a village's board: nearest first, then newest (up to 12)."""
    return [item.vacancy_id for item in feed_items(session=session, village_code=village_code, limit=limit,
                                                   today=today, geo=geo)]


@dataclass(frozen=True)
class Bulletin:
    """A bulletin ready to print."""

    village_code: str
    week_start: date
    items: list[FeedItem]
    snapshot: bool


def bulletin(*, session: Session, village_code: str, today: date | None = None) -> Bulletin:
    """This week's bulletin: the batch's choice when there is one (still-open vacancies only), else chosen now."""
    today = today or today_local()
    week = week_start(today)
    row = session.exec(select(VillageBulletin).where(VillageBulletin.village_code == village_code,
                                                     VillageBulletin.week_start == week)).first()
    if row is not None:
        items = items_for(session=session, vacancy_ids=list(row.vacancy_ids), village_code=village_code, today=today)
        return Bulletin(village_code=village_code, week_start=week, items=items, snapshot=True)
    items = feed_items(session=session, village_code=village_code, limit=BULLETIN_MAX, today=today)
    return Bulletin(village_code=village_code, week_start=week, items=items, snapshot=False)


def week_label(week: date) -> str:
    """第N周 label of a week (ISO week number)."""
    return f"{week.isocalendar().year}年第{week.isocalendar().week}周"


def start_batch(*, session: Session, week: date, started_by: int | None = None,
                now: datetime | None = None) -> BulletinBatch:
    """The batch for a week, created once (a second start returns the same batch)."""
    table = BulletinBatch.__table__
    total = session.exec(select(func.count()).select_from(Village)).one()
    insert = postgresql.insert(table) if session.get_bind().dialect.name == "postgresql" else sqlite.insert(table)
    session.execute(insert.values(week_start=week, state="running", total=total, done=0,
                                  started_at=now or utcnow(), started_by=started_by)
                    .on_conflict_do_nothing(index_elements=["week_start"]))
    return session.exec(select(BulletinBatch).where(BulletinBatch.week_start == week)).one()


def _write_bulletins(*, session: Session, batch_id: int, week: date, codes: list[str], geo: Geo,
                     today: date) -> None:
    table = VillageBulletin.__table__
    insert = postgresql.insert(table) if session.get_bind().dialect.name == "postgresql" else sqlite.insert(table)
    rows = [{"batch_id": batch_id, "village_code": code, "week_start": week, "created_at": utcnow(),
             "vacancy_ids": choose_vacancies(session=session, village_code=code, geo=geo, today=today)}
            for code in codes]
    if rows:
        session.execute(insert.on_conflict_do_nothing(index_elements=["village_code", "week_start"]), rows)


def _progress(*, session: Session, batch: BulletinBatch) -> int:
    done = session.exec(select(func.count()).where(VillageBulletin.week_start == batch.week_start)).one()
    session.execute(update(BulletinBatch).where(BulletinBatch.id == batch.id)
                    .values(done=done, state="done" if done >= batch.total else "running",
                            finished_at=utcnow() if done >= batch.total else None)
                    .execution_options(synchronize_session=False))
    return done


def run_bulletin_batch(*, engine: Engine, today: date | None = None, chunk: int = 60,
                       started_by: int | None = None) -> dict[str, int]:
    """The weekly-village-bulletins job: choose every village's vacancies, committing progress chunk by chunk.

    A second or overlapping run resumes where the first got to (one bulletin per village and week).
    """
    today = today or today_local()
    week = week_start(today)
    with session_scope(engine) as session:
        batch = start_batch(session=session, week=week, started_by=started_by)
        geo = Geo.load(session)
        done_codes = set(session.exec(select(VillageBulletin.village_code).where(VillageBulletin.week_start == week)))
        todo = [code for code in sorted(geo.town_of) if code not in done_codes]
    written = 0
    for start in range(0, len(todo), chunk):
        with session_scope(engine) as session:
            _write_bulletins(session=session, batch_id=batch.id, week=week, codes=todo[start:start + chunk],
                             geo=geo, today=today)
            _progress(session=session, batch=batch)
        written += len(todo[start:start + chunk])
    with session_scope(engine) as session:
        done = _progress(session=session, batch=batch)
    return {"villages": written, "done": done, "total": batch.total}


def latest_batches(*, session: Session, limit: int = 10) -> list[BulletinBatch]:
    """Recent batches, newest first."""
    return list(session.exec(select(BulletinBatch).order_by(col(BulletinBatch.week_start).desc()).limit(limit)))
