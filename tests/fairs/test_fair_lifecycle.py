"""Staff-made fairs: validation, states, village announcements, cancellation notices, outcomes, report, iCalendar."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlmodel import col, select

from jobbridge.employers.service import FormErrors
from jobbridge.employers.vacancies import today_local
from jobbridge.errors import Conflict
from jobbridge.fairs.announce import fairs_for_village
from jobbridge.fairs.booths import record_outcome
from jobbridge.fairs.ical import fairs_ical, fold
from jobbridge.fairs.models import FairAnnouncement
from jobbridge.fairs.report import OUTSIDE, fair_report
from jobbridge.fairs.service import cancel_fair, create_fair, input_from_fair, set_status, update_fair
from jobbridge.fairs.visitors import check_in, record_walk_ins
from jobbridge.geo.models import Village
from jobbridge.outreach.models import OutboxMessage
from support.fairs import book, fair_input, make_exhibitor, make_fair, make_visitor
from support.personas import make_published_vacancy

SHANGHAI = ZoneInfo("Asia/Shanghai")
ZETOU = "371003107"


def test_staff_fair_form_reports_every_wrong_field(db):
    data = fair_input(title="x", theme="", fair_date="2026-02-30", start_time="9点", venue="", booth_capacity="0")
    with pytest.raises(FormErrors) as err:
        create_fair(session=db, data=data, staff_id=None)
    errors = err.value.errors
    assert set(errors) >= {"title", "theme", "fair_date", "start_time", "venue", "booth_capacity"}
    assert errors["fair_date"] == "举办日期 2026-02-30 不存在"
    assert errors["booth_capacity"] == "展位数应在1到500之间"


def test_staff_cannot_create_a_monthly_fair_by_hand(db):
    with pytest.raises(FormErrors) as err:
        create_fair(session=db, data=fair_input(kind="monthly"), staff_id=None)
    assert "自动安排" in err.value.errors["kind"]


def test_online_fair_needs_a_date_range_and_no_venue(db):
    today = today_local()
    fair = create_fair(session=db, data=fair_input(kind="online", title="2027年网络招聘月", theme="", venue="",
                                                   fair_date=today + timedelta(days=2),
                                                   end_date=today + timedelta(days=20), booth_capacity=300),
                       staff_id=None)
    assert (fair.end_date - fair.fair_date).days == 18 and fair.booking_closes_on == fair.end_date
    with pytest.raises(FormErrors) as err:
        create_fair(session=db, data=fair_input(kind="online", end_date=""), staff_id=None)
    assert "结束日期" in err.value.errors["end_date"]


def test_booking_opens_today_when_window_starts_today(db):
    assert make_fair(db).status == "booking_open"
    assert make_fair(db, booking_opens_on=today_local() + timedelta(days=2)).status == "planned"


def test_town_fair_is_announced_in_every_village_of_its_town(db):
    fair = make_fair(db, kind="town", theme="", title="泽头镇送岗下乡招聘会", town_code=ZETOU, venue="泽头镇政府广场")
    villages = set(db.exec(select(Village.code).where(Village.town_code == ZETOU)))
    announced = set(db.exec(select(FairAnnouncement.village_code).where(FairAnnouncement.fair_id == fair.id)))
    assert announced == villages and len(villages) > 10
    assert [f.id for f in fairs_for_village(session=db, village_code=min(villages), today=today_local())] == [fair.id]


def test_cancelling_a_town_fair_withdraws_it_from_village_feeds(db):
    fair = make_fair(db, kind="town", theme="", title="泽头镇送岗下乡招聘会", town_code=ZETOU, venue="泽头镇政府广场")
    cancel_fair(session=db, fair_id=fair.id, reason="天气原因", staff_id=None)
    db.commit()
    village = db.exec(select(Village.code).where(Village.town_code == ZETOU)).first()
    assert fairs_for_village(session=db, village_code=village, today=today_local()) == []


def test_town_fair_needs_a_town(db):
    with pytest.raises(FormErrors) as err:
        create_fair(session=db, data=fair_input(kind="town", theme="", town_code=""), staff_id=None)
    assert "镇街" in err.value.errors["town_code"]


def test_cancellation_tells_everyone_booked_or_registered(db):
    fair = make_fair(db, booth_capacity=1)
    holder, holder_vacancy, holder_user = make_exhibitor(db)
    book(db, fair, holder, holder_vacancy)
    employer, vacancy, waiting_user = make_exhibitor(db)
    book(db, fair, employer, vacancy)
    make_visitor(db, fair, phone="13900002222")
    cancel_fair(session=db, fair_id=fair.id, reason="场馆临时检修", staff_id=None)
    db.commit()
    notices = db.exec(select(OutboxMessage).where(col(OutboxMessage.dedupe_key).startswith("fair-cancelled:"))).all()
    assert {m.user_id for m in notices if m.user_id} == {holder_user.id, waiting_user.id}
    assert "13900002222" in {m.phone for m in notices}
    assert all("场馆临时检修" in m.body for m in notices) and len(notices) == 3


def test_cancel_needs_a_reason_and_happens_once(db):
    fair = make_fair(db)
    with pytest.raises(Exception, match="取消原因"):
        cancel_fair(session=db, fair_id=fair.id, reason="", staff_id=None)
    cancel_fair(session=db, fair_id=fair.id, reason="场馆检修", staff_id=None)
    with pytest.raises(Conflict):
        cancel_fair(session=db, fair_id=fair.id, reason="场馆检修", staff_id=None)


def test_state_transitions_follow_the_lifecycle(db):
    fair = make_fair(db)
    set_status(session=db, fair_id=fair.id, status="booking_closed", staff_id=None)
    set_status(session=db, fair_id=fair.id, status="held", staff_id=None)
    with pytest.raises(Conflict, match="只能改为：已归档"):
        set_status(session=db, fair_id=fair.id, status="booking_open", staff_id=None)
    assert set_status(session=db, fair_id=fair.id, status="archived", staff_id=None).status == "archived"


def test_moving_a_staff_fair_tells_participants_once(db):
    fair = make_fair(db)
    make_visitor(db, fair, phone="13900003333")
    form = input_from_fair(fair)
    form.fair_date = fair.fair_date + timedelta(days=1)
    update_fair(session=db, fair_id=fair.id, data=form, staff_id=None)
    update_fair(session=db, fair_id=fair.id, data=form, staff_id=None)
    db.commit()
    notices = db.exec(select(OutboxMessage).where(col(OutboxMessage.dedupe_key).startswith("fair-changed:"))).all()
    assert len(notices) == 1 and notices[0].phone == "13900003333"


def _held_fair(db):
    """A fair on 2027-03-10 with two booths, visitors from two towns and a walk-in group, after the day."""
    with time_machine.travel(datetime(2027, 3, 1, 9, tzinfo=SHANGHAI), tick=False):
        fair = make_fair(db, fair_date=date(2027, 3, 10))
        employer, vacancy, _ = make_exhibitor(db)
        second = make_published_vacancy(db, employer=employer, title="装配工", headcount=5)
        from jobbridge.fairs.booths import request_booth

        booking = request_booth(session=db, fair_id=fair.id, employer_id=employer.id,
                                vacancy_ids=[vacancy.id, second.id]).booking
        db.commit()
        other = book(db, fair, *make_exhibitor(db, title="厨师")[:2]).booking
        visitors = [make_visitor(db, fair, phone=f"1390000{i:04d}", town=town)
                    for i, town in enumerate(["371003107", "371003107", "371003001", ""])]
    return fair, booking, other, (vacancy, second), visitors


def test_outcomes_are_recorded_per_vacancy_after_the_fair_starts(db):
    fair, booking, _, (vacancy, second), _ = _held_fair(db)
    with time_machine.travel(datetime(2027, 3, 5, 9, tzinfo=SHANGHAI), tick=False):
        with pytest.raises(Conflict, match="开始后"):
            record_outcome(session=db, fair_id=fair.id, booking_id=booking.id, employer_id=booking.employer_id,
                           figures={vacancy.id: (3, 1)})
    with time_machine.travel(datetime(2027, 3, 10, 15, tzinfo=SHANGHAI), tick=False):
        with pytest.raises(FormErrors) as err:
            record_outcome(session=db, fair_id=fair.id, booking_id=booking.id, employer_id=booking.employer_id,
                           figures={vacancy.id: ("2", "3"), second.id: ("x", "0")})
        assert err.value.errors[f"hires_{vacancy.id}"] == "录用人数不能多于达成意向人数"
        assert "整数" in err.value.errors[f"intents_{second.id}"]
        record_outcome(session=db, fair_id=fair.id, booking_id=booking.id, employer_id=booking.employer_id,
                       figures={vacancy.id: ("4", "2"), second.id: ("3", "1")})
        db.commit()
    assert db.get(type(booking), booking.id).outcome_recorded_at is not None


def test_report_counts_employers_vacancies_visitors_by_town_checkins_intents_and_hires(db):
    fair, booking, other, (vacancy, second), visitors = _held_fair(db)
    with time_machine.travel(datetime(2027, 3, 10, 10, tzinfo=SHANGHAI), tick=False):
        for visitor in visitors[:3]:
            check_in(session=db, fair_id=fair.id, code=visitor.checkin_code, staff_id=None)
        record_walk_ins(session=db, fair_id=fair.id, count=4, town_code="371003107", staff_id=None)
        record_walk_ins(session=db, fair_id=fair.id, count=2, town_code="", staff_id=None)
        record_outcome(session=db, fair_id=fair.id, booking_id=booking.id, employer_id=booking.employer_id,
                       figures={vacancy.id: (4, 2), second.id: (3, 1)})
        db.commit()
    report = fair_report(session=db, fair_id=fair.id)
    assert (report.employers, report.vacancies, report.headcount) == (2, 3, 3 + 5 + 3)
    assert (report.registered, report.checked_in, report.walk_ins, report.visitors) == (4, 3, 6, 9)
    assert (report.intents, report.hires) == (7, 3)
    towns = {row.town: (row.registered, row.checked_in, row.walk_ins) for row in report.by_town}
    assert towns == {"泽头镇": (2, 2, 4), "龙山街道": (1, 1, 0), OUTSIDE: (1, 0, 2)}


def test_ical_feed_uses_crlf_tzid_and_marks_unconfirmed_dates(db):
    from jobbridge.fairs.listing import upcoming_fairs
    from jobbridge.fairs.monthly import schedule_monthly_fairs

    schedule_monthly_fairs(session=db, today=date(2026, 11, 28))
    text = fairs_ical(upcoming_fairs(session=db, today=date(2026, 11, 28)), base_url="https://jiuye.example.cn")
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert "DTSTART;TZID=Asia/Shanghai:20261230T083000" in text
    assert text.count("BEGIN:VEVENT") == 3 and text.count("STATUS:TENTATIVE") == 2
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    unfolded = text.replace("\r\n ", "")
    assert "SUMMARY:2027年1月综合招聘会（日期待确认）" in unfolded


def test_fold_never_splits_a_chinese_character():
    line = "DESCRIPTION:" + "招聘会" * 40
    folded = fold(line)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line
