"""Booth bookings: numbers, limits, the waitlist in arrival order, promotion, staff decisions, concurrency."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool
from sqlmodel import Session, col, select

from jobbridge.db import make_engine
from jobbridge.employers.service import FormErrors
from jobbridge.employers.vacancies import today_local
from jobbridge.errors import Conflict, Forbidden, NotFound
from jobbridge.fairs.booths import (
    approve_booking,
    cancel_booking,
    employer_bookings,
    move_booking,
    refuse_booking,
    request_booth,
    waitlist_position,
)
from jobbridge.fairs.models import BoothBooking, BoothVacancy
from jobbridge.fairs.service import input_from_fair, update_fair
from jobbridge.outreach.models import OutboxMessage
from support.fairs import book, make_exhibitor, make_fair
from support.personas import make_employer, make_published_vacancy


def _statuses(db, fair) -> list[tuple[str, int | None]]:
    db.expire_all()
    rows = db.exec(select(BoothBooking).where(BoothBooking.fair_id == fair.id).order_by(col(BoothBooking.seq)))
    return [(b.status, b.booth_number) for b in rows]


def test_bookings_get_booth_numbers_in_order_then_wait_in_line(db):
    fair = make_fair(db, booth_capacity=2)
    results = [book(db, fair, *make_exhibitor(db)[:2]) for _ in range(4)]
    assert [(r.booking.status, r.booking.booth_number, r.waitlist_position) for r in results] == [
        ("confirmed", 1, None), ("confirmed", 2, None), ("waitlisted", None, 1), ("waitlisted", None, 2)]


def test_booking_records_presented_vacancies(db):
    fair = make_fair(db)
    employer, first, _ = make_exhibitor(db)
    second = make_published_vacancy(db, employer=employer, title="装配工")
    result = request_booth(session=db, fair_id=fair.id, employer_id=employer.id, vacancy_ids=[first.id, second.id])
    db.commit()
    links = db.exec(select(BoothVacancy).where(BoothVacancy.booking_id == result.booking.id)).all()
    assert {link.vacancy_id for link in links} == {first.id, second.id}


def test_employer_limit_of_one_booth_is_enforced(db):
    fair = make_fair(db)
    employer, vacancy, _ = make_exhibitor(db)
    book(db, fair, employer, vacancy)
    with pytest.raises(Conflict) as err:
        request_booth(session=db, fair_id=fair.id, employer_id=employer.id, vacancy_ids=[vacancy.id])
    assert err.value.code == "fair.employer_limit" and "最多预订1个展位" in err.value.message


def test_higher_employer_limit_allows_a_second_booth(db):
    fair = make_fair(db, per_employer_limit=2)
    employer, vacancy, _ = make_exhibitor(db)
    book(db, fair, employer, vacancy)
    assert book(db, fair, employer, vacancy).booking.booth_number == 2


def test_unverified_employer_cannot_book(db):
    fair = make_fair(db)
    employer = make_employer(db, verified=False)
    with pytest.raises(Forbidden):
        request_booth(session=db, fair_id=fair.id, employer_id=employer.id, vacancy_ids=[1])


def test_only_own_published_vacancies_can_be_presented(db):
    fair = make_fair(db)
    employer, _, _ = make_exhibitor(db)
    _, others_vacancy, _ = make_exhibitor(db)
    with pytest.raises(FormErrors) as err:
        request_booth(session=db, fair_id=fair.id, employer_id=employer.id, vacancy_ids=[others_vacancy.id])
    assert "本单位正在招聘" in err.value.errors["vacancy_ids"]
    with pytest.raises(FormErrors) as err:
        request_booth(session=db, fair_id=fair.id, employer_id=employer.id, vacancy_ids=[])
    assert "至少选择一个" in err.value.errors["vacancy_ids"]


def test_booking_refused_when_fair_is_not_open_for_booking(db):
    today = today_local()
    fair = make_fair(db, booking_opens_on=today + timedelta(days=3))
    employer, vacancy, _ = make_exhibitor(db)
    assert fair.status == "planned"
    with pytest.raises(Conflict) as err:
        request_booth(session=db, fair_id=fair.id, employer_id=employer.id, vacancy_ids=[vacancy.id])
    assert err.value.code == "fair.booking_not_open"


def test_cancelling_a_booth_promotes_the_first_in_line_and_tells_them(db):
    fair = make_fair(db, booth_capacity=1)
    holder = book(db, fair, *make_exhibitor(db)[:2])
    first_employer, first_vacancy, first_user = make_exhibitor(db)
    first = book(db, fair, first_employer, first_vacancy)
    second = book(db, fair, *make_exhibitor(db)[:2])
    _, promoted = cancel_booking(session=db, fair_id=fair.id, booking_id=holder.booking.id,
                                 employer_id=holder.booking.employer_id)
    db.commit()
    assert [p.id for p in promoted] == [first.booking.id]
    assert _statuses(db, fair) == [("cancelled", None), ("confirmed", 1), ("waitlisted", None)]
    assert waitlist_position(session=db, booking=db.get(BoothBooking, second.booking.id)) == 1
    message = db.exec(select(OutboxMessage).where(
        OutboxMessage.dedupe_key == f"fair-booth-promoted:{first.booking.id}:u{first_user.id}")).one()
    assert "候补已转正" in message.body and "1号展位" in message.body


def test_cancelling_a_waitlisted_booking_promotes_nobody(db):
    fair = make_fair(db, booth_capacity=1)
    book(db, fair, *make_exhibitor(db)[:2])
    waiting = book(db, fair, *make_exhibitor(db)[:2])
    _, promoted = cancel_booking(session=db, fair_id=fair.id, booking_id=waiting.booking.id,
                                 employer_id=waiting.booking.employer_id)
    assert promoted == []


def test_employer_cannot_cancel_another_employers_booking(db):
    fair = make_fair(db)
    result = book(db, fair, *make_exhibitor(db)[:2])
    other, _, _ = make_exhibitor(db)
    with pytest.raises(NotFound):
        cancel_booking(session=db, fair_id=fair.id, booking_id=result.booking.id, employer_id=other.id)


def test_approval_fair_holds_booth_pending_until_staff_approve(db):
    fair = make_fair(db, requires_approval=True)
    employer, vacancy, user = make_exhibitor(db)
    result = book(db, fair, employer, vacancy)
    assert (result.booking.status, result.booking.booth_number) == ("pending", 1)
    approve_booking(session=db, fair_id=fair.id, booking_id=result.booking.id, staff_id=None)
    db.commit()
    assert _statuses(db, fair) == [("confirmed", 1)]
    assert db.exec(select(OutboxMessage).where(OutboxMessage.user_id == user.id)).one().subject == "展位已确认"


def test_staff_refusal_frees_the_booth_for_the_waitlist(db):
    fair = make_fair(db, booth_capacity=1)
    refused = book(db, fair, *make_exhibitor(db)[:2])
    waiting = book(db, fair, *make_exhibitor(db)[:2])
    with pytest.raises(Exception, match="原因"):
        refuse_booking(session=db, fair_id=fair.id, booking_id=refused.booking.id, staff_id=None, reason=" ")
    _, promoted = refuse_booking(session=db, fair_id=fair.id, booking_id=refused.booking.id, staff_id=None,
                                 reason="岗位信息与展位主题不符")
    db.commit()
    assert [p.id for p in promoted] == [waiting.booking.id]
    assert _statuses(db, fair) == [("refused", None), ("confirmed", 1)]


def test_staff_move_swaps_booth_numbers(db):
    fair = make_fair(db)
    first = book(db, fair, *make_exhibitor(db)[:2])
    second = book(db, fair, *make_exhibitor(db)[:2])
    move_booking(session=db, fair_id=fair.id, booking_id=first.booking.id, booth_number=2, staff_id=None)
    db.commit()
    assert _statuses(db, fair) == [("confirmed", 2), ("confirmed", 1)]
    move_booking(session=db, fair_id=fair.id, booking_id=second.booking.id, booth_number="5", staff_id=None)
    db.commit()
    assert _statuses(db, fair) == [("confirmed", 2), ("confirmed", 5)]
    with pytest.raises(Exception, match="1到5"):
        move_booking(session=db, fair_id=fair.id, booking_id=second.booking.id, booth_number=9, staff_id=None)


def test_staff_approve_of_waitlisted_needs_a_free_booth(db):
    fair = make_fair(db, booth_capacity=1)
    book(db, fair, *make_exhibitor(db)[:2])
    waiting = book(db, fair, *make_exhibitor(db)[:2])
    with pytest.raises(Conflict, match="展位已满"):
        approve_booking(session=db, fair_id=fair.id, booking_id=waiting.booking.id, staff_id=None)


def test_more_booths_promote_the_waitlist(db):
    fair = make_fair(db, booth_capacity=1)
    book(db, fair, *make_exhibitor(db)[:2])
    book(db, fair, *make_exhibitor(db)[:2])
    form = input_from_fair(fair)
    form.booth_capacity = 3
    update_fair(session=db, fair_id=fair.id, data=form, staff_id=None)
    db.commit()
    assert _statuses(db, fair) == [("confirmed", 1), ("confirmed", 2)]


def test_fewer_booths_than_taken_is_refused(db):
    fair = make_fair(db, booth_capacity=3)
    book(db, fair, *make_exhibitor(db)[:2])
    book(db, fair, *make_exhibitor(db)[:2])
    form = input_from_fair(fair)
    form.booth_capacity = 1
    with pytest.raises(FormErrors) as err:
        update_fair(session=db, fair_id=fair.id, data=form, staff_id=None)
    assert "不能少于2" in err.value.errors["booth_capacity"]


def test_employer_sees_own_bookings_with_waitlist_place(db):
    fair = make_fair(db, booth_capacity=1)
    book(db, fair, *make_exhibitor(db)[:2])
    employer, vacancy, _ = make_exhibitor(db)
    book(db, fair, employer, vacancy)
    [mine] = employer_bookings(session=db, employer_id=employer.id)
    assert (mine.booking.status, mine.waitlist_position, mine.fair.id) == ("waitlisted", 1, fair.id)
    assert [v.title for _, v in mine.vacancies] == ["电焊工"]


# --- concurrency ----------------------------------------------------------------------------------------


def _thread_engine(engine):
    """An engine whose sessions each open their own connection (no shared pool limit on PostgreSQL)."""
    url = engine.url.render_as_string(hide_password=False)
    if engine.dialect.name == "postgresql":
        return create_engine(url, poolclass=NullPool)
    return make_engine(url)


def test_fifty_simultaneous_requests_for_the_last_five_booths(engine, db):
    """Real threads, each with its own session and connection; exactly 5 confirmed, 45 waitlisted in order."""
    fair = make_fair(db, booth_capacity=8)
    for _ in range(3):
        book(db, fair, *make_exhibitor(db, with_user=False)[:2])
    contenders = [make_exhibitor(db, with_user=False)[:2] for _ in range(50)]
    barrier = threading.Barrier(50)
    results: dict[int, tuple[str, int | None, int | None, int]] = {}
    errors: list[BaseException] = []
    thread_engine = _thread_engine(engine)

    def attempt(employer, vacancy) -> None:
        try:
            with Session(thread_engine) as session:
                barrier.wait(30)
                result = request_booth(session=session, fair_id=fair.id, employer_id=employer.id,
                                       vacancy_ids=[vacancy.id])
                session.commit()
                b = result.booking
                results[employer.id] = (b.status, b.booth_number, result.waitlist_position, b.seq)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=attempt, args=pair) for pair in contenders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    thread_engine.dispose()
    assert errors == []
    confirmed = sorted((r for r in results.values() if r[0] == "confirmed"), key=lambda r: r[3])
    waitlisted = sorted((r for r in results.values() if r[0] == "waitlisted"), key=lambda r: r[3])
    assert (len(confirmed), len(waitlisted)) == (5, 45)
    assert sorted(r[1] for r in confirmed) == [4, 5, 6, 7, 8]
    # Arrival order is the order the fair's lock admitted them: the first five arrivals got the booths,
    # and each waiting employer was told the place the database still gives it.
    assert [r[3] for r in confirmed + waitlisted] == list(range(4, 54))
    assert [r[2] for r in waitlisted] == list(range(1, 46))
    db.expire_all()
    stored = db.exec(select(BoothBooking).where(BoothBooking.fair_id == fair.id,
                                                BoothBooking.status == "waitlisted")).all()
    assert sorted(waitlist_position(session=db, booking=b) for b in stored) == list(range(1, 46))
    assert {b.employer_id: waitlist_position(session=db, booking=b) for b in stored} == {
        employer_id: r[2] for employer_id, r in results.items() if r[0] == "waitlisted"}
