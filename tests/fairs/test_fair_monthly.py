"""The monthly fair job: real dates, unconfirmed years, staff-entered arrangements, idempotence, staff edits win."""

from __future__ import annotations

import threading
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlmodel import Session, col, select

from jobbridge.employers.service import FormErrors
from jobbridge.fairs.models import Fair
from jobbridge.fairs.monthly import (
    get_policy,
    load_overrides,
    parse_day_list,
    save_holiday_arrangement,
    schedule_monthly_fairs,
    set_policy,
)
from jobbridge.fairs.service import advance_states, cancel_fair, input_from_fair, update_fair
from jobbridge.outreach.models import OutboxMessage
from support.fairs import book, make_exhibitor, make_visitor
from support.personas import make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _monthly(db: Session) -> list[Fair]:
    db.expire_all()
    return list(db.exec(select(Fair).where(Fair.kind == "monthly").order_by(col(Fair.fair_date))))


def _run(db: Session, today: date) -> dict:
    counts = schedule_monthly_fairs(session=db, today=today)
    db.commit()
    return counts


def test_from_2026_11_28_job_creates_fairs_on_last_wednesdays_with_2027_unconfirmed(db):
    counts = _run(db, date(2026, 11, 28))
    fairs = _monthly(db)
    assert counts["created"] == 3
    assert [(f.fair_date, f.date_confirmed) for f in fairs] == [
        (date(2026, 12, 30), True), (date(2027, 1, 27), False), (date(2027, 2, 24), False)]
    assert [f.date_reason for f in fairs[1:]] == ["日期待确认：2027年尚未公布放假安排"] * 2
    assert all(f.managed_by_rule and f.kind == "monthly" for f in fairs)
    assert [f.title for f in fairs] == ["2026年12月综合招聘会", "2027年1月综合招聘会", "2027年2月综合招聘会"]


def test_january_2025_fair_avoids_spring_festival_and_says_why(db):
    _run(db, date(2024, 12, 1))
    january = next(f for f in _monthly(db) if f.rule_month == 1)
    assert january.fair_date == date(2025, 1, 22) and january.fair_date != date(2025, 1, 29)
    assert january.planned_by_rule == date(2025, 1, 29) and january.date_confirmed
    assert "春节假期" in january.date_reason


def test_running_the_job_twice_creates_nothing_new(db):
    _run(db, date(2026, 11, 28))
    second = _run(db, date(2026, 11, 28))
    assert second["created"] == 0 and len(_monthly(db)) == 3


def test_next_month_is_added_when_it_comes_within_three_months(db):
    _run(db, date(2026, 11, 28))
    assert _run(db, date(2026, 12, 1))["created"] == 1
    assert _monthly(db)[-1].fair_date == date(2027, 3, 31)


def test_staff_alerted_once_about_an_unconfirmed_year(db):
    staff = make_user(db, role="staff", name="王丽")
    _run(db, date(2026, 11, 28))
    _run(db, date(2026, 11, 29))
    alerts = db.exec(select(OutboxMessage).where(OutboxMessage.kind == "staff_alert")).all()
    assert len(alerts) == 1 and alerts[0].user_id == staff.id
    assert "2027-01-27" in alerts[0].body and "2027-02-24" in alerts[0].body
    assert alerts[0].link == "/staff/fairs/holidays"


def test_staff_moved_fair_is_never_moved_back(db):
    _run(db, date(2026, 11, 28))
    january = _monthly(db)[1]
    form = input_from_fair(january)
    form.fair_date = "2027-01-20"
    update_fair(session=db, fair_id=january.id, data=form, staff_id=None, today=date(2026, 11, 28))
    db.commit()
    save_holiday_arrangement(session=db, year=2027, holidays="2027-01-01", workdays="", complete=True, staff_id=None)
    db.commit()
    counts = _run(db, date(2026, 11, 30))
    january = _monthly(db)[1]
    assert (january.fair_date, january.managed_by_rule, counts["created"]) == (date(2027, 1, 20), False, 0)
    assert len(_monthly(db)) == 3


def test_cancelled_monthly_fair_is_not_recreated(db):
    _run(db, date(2026, 11, 28))
    december = _monthly(db)[0]
    cancel_fair(session=db, fair_id=december.id, reason="场馆维修", staff_id=None)
    db.commit()
    assert _run(db, date(2026, 11, 29))["created"] == 0
    statuses = [f.status for f in _monthly(db)]
    assert statuses.count("cancelled") == 1 and len(statuses) == 3


def test_entered_arrangement_confirms_rule_fairs_and_moves_one_it_hits(db):
    _run(db, date(2026, 11, 28))
    # A hypothetical arrangement for the test: 2027-02-24 declared a day off.
    save_holiday_arrangement(session=db, year=2027, holidays="2027-02-10至2027-02-17 春节\n2027-02-24",
                             workdays="2027-02-20", complete=True, staff_id=None)
    db.commit()
    counts = _run(db, date(2026, 11, 29))
    fairs = _monthly(db)
    assert (counts["moved"], counts["confirmed"]) == (1, 2)
    assert [(f.fair_date, f.date_confirmed) for f in fairs] == [
        (date(2026, 12, 30), True), (date(2027, 1, 27), True), (date(2027, 2, 3), True)]
    assert fairs[2].managed_by_rule and "改至2027-02-03" in fairs[2].date_reason


def test_moving_a_rule_fair_tells_booked_employers_and_visitors(db):
    _run(db, date(2026, 11, 28))
    february = _monthly(db)[2]
    february.status = "booking_open"
    db.add(february)
    db.commit()
    employer, vacancy, user = make_exhibitor(db)
    book(db, february, employer, vacancy, today=date(2026, 11, 28))
    make_visitor(db, february)
    save_holiday_arrangement(session=db, year=2027, holidays="2027-02-24", workdays="", complete=True, staff_id=None)
    db.commit()
    _run(db, date(2026, 11, 29))
    changed = db.exec(select(OutboxMessage).where(col(OutboxMessage.dedupe_key).startswith("fair-changed:"))).all()
    assert {m.user_id for m in changed if m.user_id} == {user.id}
    assert {m.phone for m in changed if m.channel == "sms"} == {"13800138000"}
    assert all("2027年2月17日" in m.body for m in changed)


def test_two_schedulers_at_once_create_each_month_once(engine):
    barrier = threading.Barrier(2)
    results: list[dict] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with Session(engine) as session:
                barrier.wait()
                results.append(schedule_monthly_fairs(session=session, today=date(2026, 11, 28)))
                session.commit()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors
    assert sorted(r["created"] for r in results) == [0, 3]
    with Session(engine) as session:
        assert len(session.exec(select(Fair)).all()) == 3


def test_scheduled_job_runs_on_the_frozen_clock(engine):
    from jobbridge_scheduler.runner import run_job

    with time_machine.travel(datetime(2026, 11, 28, 6, 0, tzinfo=SHANGHAI), tick=False):
        counts = run_job("schedule-monthly-fairs", engine=engine)
    assert counts["created"] == 3


def test_policy_setting_changes_where_a_holiday_fair_goes(db):
    assert get_policy(session=db) == "last_working_wednesday"
    set_policy(session=db, policy="previous_working_day")
    db.commit()
    _run(db, date(2024, 12, 1))
    assert next(f for f in _monthly(db) if f.rule_month == 1).fair_date == date(2025, 1, 27)


def test_unknown_policy_is_refused_in_chinese(db):
    with pytest.raises(FormErrors) as err:
        set_policy(session=db, policy="skip")
    assert "顺延规则" in err.value.errors["policy"]


def test_states_advance_with_the_dates_and_a_second_run_changes_nothing(db):
    _run(db, date(2026, 11, 28))
    first = advance_states(session=db, today=date(2026, 11, 30))
    db.commit()
    assert first["opened"] == 1 and _monthly(db)[0].status == "booking_open"
    assert advance_states(session=db, today=date(2026, 11, 30)) == {"opened": 0, "closed": 0, "held": 0,
                                                                      "archived": 0}
    advance_states(session=db, today=date(2026, 12, 31))
    db.commit()
    assert _monthly(db)[0].status == "held"


def test_day_list_accepts_ranges_and_names():
    days, problems = parse_day_list("2027年2月10日至2027年2月12日 春节\n2027-04-05 清明节", year=2027, field="h",
                                    label="放假日期")
    assert problems == []
    assert days == {date(2027, 2, 10): "春节", date(2027, 2, 11): "春节", date(2027, 2, 12): "春节",
                    date(2027, 4, 5): "清明节"}


def test_holiday_form_refuses_bad_lines_and_clashes_in_chinese(db):
    with pytest.raises(FormErrors) as err:
        save_holiday_arrangement(session=db, year=2027, holidays="二月初十\n2026-10-01", workdays="", complete=False,
                                 staff_id=None)
    assert "第1行" in err.value.errors["holidays"] and "不在2027年" in err.value.errors["holidays"]
    with pytest.raises(FormErrors) as err:
        save_holiday_arrangement(session=db, year=2027, holidays="2027-02-20", workdays="2027-02-20", complete=True,
                                 staff_id=None)
    assert "既放假又调休上班" in err.value.errors["workdays"]


def test_saving_a_year_again_replaces_its_days(db):
    save_holiday_arrangement(session=db, year=2027, holidays="2027-02-24", workdays="", complete=True, staff_id=None)
    save_holiday_arrangement(session=db, year=2027, holidays="2027-02-17", workdays="", complete=False, staff_id=None)
    db.commit()
    overrides = load_overrides(session=db)
    assert overrides.holidays == frozenset({date(2027, 2, 17)}) and overrides.years == frozenset()
