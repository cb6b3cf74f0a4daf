"""Reminders 3 days and 1 day before, once each, even when the job runs twice or two schedulers run it at once."""

from __future__ import annotations

import threading
from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine
from sqlmodel import Session, col, select

from jobbridge.fairs.reminders import send_fair_reminders
from jobbridge.fairs.service import cancel_fair
from jobbridge.outreach.models import OutboxMessage
from support.fairs import book, make_exhibitor, make_fair, make_visitor

SHANGHAI = ZoneInfo("Asia/Shanghai")
FAIR_DAY = date(2027, 1, 27)


def _at(day: date, hour: int = 9):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, 0, tzinfo=SHANGHAI), tick=False)


def _setup(db):
    """A fair on 2027-01-27 with one confirmed booth, one waitlisted booth and one registered visitor."""
    with _at(date(2027, 1, 10)):
        fair = make_fair(db, fair_date=FAIR_DAY, booth_capacity=1)
        employer, vacancy, user = make_exhibitor(db)
        book(db, fair, employer, vacancy)
        waiting_employer, waiting_vacancy, waiting_user = make_exhibitor(db)
        book(db, fair, waiting_employer, waiting_vacancy)
        visitor = make_visitor(db, fair, phone="13900001111")
    return fair, user, waiting_user, visitor


def _reminders(db) -> list[OutboxMessage]:
    db.expire_all()
    return list(db.exec(select(OutboxMessage).where(col(OutboxMessage.dedupe_key).startswith("fair-reminder:"))
                        .order_by(col(OutboxMessage.dedupe_key))))


def test_three_days_before_each_booked_employer_and_visitor_is_reminded_once(db):
    fair, user, waiting_user, visitor = _setup(db)
    with _at(date(2027, 1, 24)):
        first = send_fair_reminders(session=db)
        db.commit()
        second = send_fair_reminders(session=db)
        db.commit()
    assert (first, second) == ({"fairs": 1, "employers": 1, "visitors": 1}, {"fairs": 1, "employers": 0, "visitors": 0})
    messages = _reminders(db)
    assert len(messages) == 2
    assert {m.user_id for m in messages if m.channel == "inbox"} == {user.id}
    assert {m.phone for m in messages if m.channel == "sms"} == {"13900001111"}
    assert all("3天后" in m.body and m.kind == "fair_reminder" for m in messages)
    assert visitor.checkin_code in next(m.body for m in messages if m.channel == "sms")


def test_no_reminder_two_days_before_and_one_more_each_the_day_before(db):
    _setup(db)
    for day in (date(2027, 1, 24), date(2027, 1, 25), date(2027, 1, 26), date(2027, 1, 26)):
        with _at(day):
            send_fair_reminders(session=db)
            db.commit()
    messages = _reminders(db)
    assert len(messages) == 4
    assert sorted(m.dedupe_key.split(":")[2] for m in messages) == ["1d", "1d", "3d", "3d"]
    assert sum("明天" in m.body for m in messages) == 2


def test_waitlisted_employers_are_not_reminded(db):
    _, _, waiting_user, _ = _setup(db)
    with _at(date(2027, 1, 26)):
        send_fair_reminders(session=db)
        db.commit()
    assert waiting_user.id not in {m.user_id for m in _reminders(db)}


def test_cancelled_fair_sends_no_reminders(db):
    fair, *_ = _setup(db)
    with _at(date(2027, 1, 20)):
        cancel_fair(session=db, fair_id=fair.id, reason="场地检修", staff_id=None)
        db.commit()
    with _at(date(2027, 1, 24)):
        send_fair_reminders(session=db)
        db.commit()
    assert _reminders(db) == []


def test_two_schedulers_running_the_job_at_once_remind_each_person_once(db, engine):
    _setup(db)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with Session(engine) as session:
                barrier.wait(10)
                send_fair_reminders(session=session)
                session.commit()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    with _at(date(2027, 1, 24)):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    assert errors == []
    assert len(_reminders(db)) == 2


def test_the_scheduled_job_twice_on_a_frozen_clock_sends_once(db, engine):
    from jobbridge_scheduler.runner import run_job

    _setup(db)
    with _at(date(2027, 1, 26)):
        run_job("send-fair-reminders", engine=engine)
        run_job("send-fair-reminders", engine=engine)
    assert len(_reminders(db)) == 2
