"""Tests for the monthly job fair date rules (real dates from chinesecalendar 1.11, data 2004–2026)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jobbridge.fairs.calendar import (
    FairPolicy,
    HolidayOverrides,
    is_workday,
    is_year_known,
    last_weekday_of_month,
    monthly_fair_date,
    months_ahead,
    reminder_due,
)

UNKNOWN_2027 = "日期待确认：2027年尚未公布放假安排"


def _add_months(day: date, months: int) -> date:
    """Same day-of-month `months` later, clamped to the month's end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _wednesdays(year: int, month: int) -> list[date]:
    """All Wednesdays of a month."""
    days = (date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1))
    return [d for d in days if d.weekday() == 2]


# --- plain months -------------------------------------------------------------------------------


def test_december_2026_is_last_wednesday_confirmed_and_not_moved():
    fair = monthly_fair_date(year=2026, month=12)
    assert (fair.day, fair.planned_by_rule, fair.confirmed, fair.moved, fair.reason) == (
        date(2026, 12, 30),
        date(2026, 12, 30),
        True,
        False,
        "",
    )


def test_2027_month_uses_plain_rule_and_is_unconfirmed():
    fair = monthly_fair_date(year=2027, month=1)
    assert (fair.day, fair.confirmed, fair.moved, fair.reason) == (
        date(2027, 1, 27),
        False,
        False,
        UNKNOWN_2027,
    )


def test_package_does_not_know_2027():
    assert is_workday(date(2027, 1, 27)) is None
    assert is_year_known(year=2027) is False
    assert is_year_known(year=2026) is True


# --- holidays in the package data ------------------------------------------------------------------


def test_january_2025_spring_festival_moves_to_previous_wednesday():
    fair = monthly_fair_date(year=2025, month=1)
    assert (fair.day, fair.planned_by_rule, fair.confirmed, fair.moved) == (
        date(2025, 1, 22),
        date(2025, 1, 29),
        True,
        True,
    )
    assert fair.reason == "原定2025-01-29为春节假期，改至2025-01-22（本月最后一个工作日的星期三）"


def test_january_2023_spring_festival_moves_to_2023_01_18():
    fair = monthly_fair_date(year=2023, month=1)
    assert (fair.day, fair.moved) == (date(2023, 1, 18), True)
    assert fair.reason == "原定2023-01-25为春节假期，改至2023-01-18（本月最后一个工作日的星期三）"


def test_january_2020_spring_festival_moves_to_2020_01_22():
    fair = monthly_fair_date(year=2020, month=1)
    assert (fair.day, fair.planned_by_rule, fair.moved) == (date(2020, 1, 22), date(2020, 1, 29), True)


def test_only_three_months_in_2019_to_2026_need_moving_all_spring_festival():
    # Scanned from the package: National Day (Oct 1–7/8) never reaches the last Wednesday (>= Oct 25).
    moved = {
        (y, m): monthly_fair_date(year=y, month=m).reason
        for y in range(2019, 2027)
        for m in range(1, 13)
        if monthly_fair_date(year=y, month=m).moved
    }
    assert sorted(moved) == [(2020, 1), (2023, 1), (2025, 1)]
    assert all("春节假期" in reason for reason in moved.values())


@pytest.mark.parametrize(("year", "expected"), [(2025, date(2025, 10, 29)), (2026, date(2026, 10, 28))])
def test_october_golden_week_does_not_touch_last_wednesday(year, expected):
    assert chinese_calendar.get_holiday_detail(date(year, 10, 1)) == (True, "National Day")
    fair = monthly_fair_date(year=year, month=10)
    assert (fair.day, fair.moved, fair.confirmed) == (expected, False, True)


# --- alternative policies -----------------------------------------------------------------------


def test_previous_working_day_policy_january_2025():
    fair = monthly_fair_date(year=2025, month=1, policy="previous_working_day")
    assert fair.day == date(2025, 1, 27)
    assert fair.reason == "原定2025-01-29为春节假期，改至2025-01-27（前一个工作日）"


def test_previous_working_day_policy_january_2023_is_friday_before_holiday():
    assert monthly_fair_date(year=2023, month=1, policy=FairPolicy.PREVIOUS_WORKING_DAY).day == date(
        2023, 1, 20
    )


def test_next_working_day_policy_can_land_on_adjusted_saturday():
    fair = monthly_fair_date(year=2023, month=1, policy="next_working_day")
    assert fair.day == date(2023, 1, 28)
    assert fair.reason == "原定2023-01-25为春节假期，改至2023-01-28（后一个工作日，为调休上班的星期六）"


def test_next_working_day_policy_stays_in_month_by_falling_back_to_previous_day():
    # The next working day after 2025-01-29 is 2025-02-05; a January fair must stay in January.
    fair = monthly_fair_date(year=2025, month=1, policy="next_working_day")
    assert (fair.year, fair.month, fair.day) == (2025, 1, date(2025, 1, 27))
    assert fair.reason == "原定2025-01-29为春节假期，本月内其后已无工作日，改至2025-01-27（前一个工作日）"


def test_unknown_policy_is_rejected():
    with pytest.raises(ValueError, match="unknown fair policy"):
        monthly_fair_date(year=2025, month=1, policy="skip")


# --- staff overrides ----------------------------------------------------------------------------


def test_staff_entered_year_makes_2027_confirmed():
    overrides = HolidayOverrides(years=frozenset({2027}))
    fair = monthly_fair_date(year=2027, month=1, overrides=overrides)
    assert (fair.day, fair.confirmed, fair.moved, fair.reason) == (date(2027, 1, 27), True, False, "")


def test_staff_entered_holiday_moves_a_2027_fair():
    # Hypothetical arrangement for the test: staff declare 2027-02-24 a day off.
    overrides = HolidayOverrides(holidays=frozenset({date(2027, 2, 24)}), years=frozenset({2027}))
    fair = monthly_fair_date(year=2027, month=2, overrides=overrides)
    assert (fair.day, fair.confirmed, fair.moved) == (date(2027, 2, 17), True, True)
    assert fair.reason == "原定2027-02-24为放假日，改至2027-02-17（本月最后一个工作日的星期三）"


def test_partial_overrides_without_year_still_move_but_stay_unconfirmed():
    overrides = HolidayOverrides(holidays=frozenset({date(2027, 2, 24)}))
    fair = monthly_fair_date(year=2027, month=2, overrides=overrides)
    assert (fair.day, fair.confirmed, fair.moved) == (date(2027, 2, 17), False, True)
    assert fair.reason.startswith(UNKNOWN_2027 + "；原定2027-02-24为放假日")


def test_overrides_take_precedence_over_package():
    overrides = HolidayOverrides(workdays=frozenset({date(2025, 1, 29)}))
    assert is_workday(date(2025, 1, 29)) is False
    assert is_workday(date(2025, 1, 29), overrides=overrides) is True
    assert monthly_fair_date(year=2025, month=1, overrides=overrides).day == date(2025, 1, 29)


def test_is_workday_in_staff_year_uses_listed_days_then_weekdays():
    overrides = HolidayOverrides(
        holidays=frozenset({date(2027, 2, 8)}),
        workdays=frozenset({date(2027, 2, 20)}),
        years=frozenset({2027}),
    )
    assert is_workday(date(2027, 2, 8), overrides=overrides) is False  # listed holiday (Monday)
    assert is_workday(date(2027, 2, 20), overrides=overrides) is True  # listed 调休 Saturday
    assert is_workday(date(2027, 2, 21), overrides=overrides) is False  # ordinary Sunday
    assert is_workday(date(2027, 2, 9), overrides=overrides) is True  # ordinary Tuesday


def test_overrides_reject_day_that_is_both_holiday_and_workday():
    with pytest.raises(ValueError, match="2027-02-24"):
        HolidayOverrides(holidays=frozenset({date(2027, 2, 24)}), workdays=frozenset({date(2027, 2, 24)}))


def test_no_working_wednesday_falls_back_to_previous_working_day():
    overrides = HolidayOverrides(holidays=frozenset(_wednesdays(2027, 3)), years=frozenset({2027}))
    fair = monthly_fair_date(year=2027, month=3, overrides=overrides)
    assert (fair.day, fair.moved, fair.confirmed) == (date(2027, 3, 30), True, True)
    assert fair.reason == "原定2027-03-31为放假日，本月已无工作日的星期三，改至2027-03-30（前一个工作日）"


def test_month_without_any_working_day_keeps_rule_date_and_needs_a_human():
    whole_month = frozenset(date(2027, 3, d) for d in range(1, 32))
    overrides = HolidayOverrides(holidays=whole_month, years=frozenset({2027}))
    fair = monthly_fair_date(year=2027, month=3, overrides=overrides)
    assert (fair.day, fair.moved, fair.confirmed) == (date(2027, 3, 31), False, False)
    assert fair.reason == "原定2027-03-31为放假日，本月无工作日，请人工确定日期"


# --- last_weekday_of_month ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "month", "weekday", "expected"),
    [
        (2026, 12, 2, date(2026, 12, 30)),  # five Wednesdays: 2, 9, 16, 23, 30
        (2025, 12, 2, date(2025, 12, 31)),  # month ends on a Wednesday
        (2027, 2, 2, date(2027, 2, 24)),  # 28-day February, exactly four Wednesdays
        (2024, 2, 2, date(2024, 2, 28)),  # leap February ends on Thursday the 29th
        (2026, 4, 2, date(2026, 4, 29)),  # 30-day month with five Wednesdays: 1, 8, 15, 22, 29
        (2026, 5, 6, date(2026, 5, 31)),  # Sunday
    ],
)
def test_last_weekday_of_month(year, month, weekday, expected):
    assert last_weekday_of_month(year=year, month=month, weekday=weekday) == expected


def test_last_weekday_of_month_rejects_bad_input():
    with pytest.raises(ValueError):
        last_weekday_of_month(year=2026, month=13)
    with pytest.raises(ValueError):
        last_weekday_of_month(year=2026, month=1, weekday=7)


# --- months_ahead -------------------------------------------------------------------------------


def test_months_ahead_from_2026_11_28_skips_passed_november():
    assert months_ahead(today=date(2026, 11, 28)) == [(2026, 12), (2027, 1), (2027, 2)]


def test_fairs_from_2026_11_28_with_2027_unconfirmed():
    fairs = [monthly_fair_date(year=y, month=m) for y, m in months_ahead(today=date(2026, 11, 28))]
    assert [(f.day, f.confirmed) for f in fairs] == [
        (date(2026, 12, 30), True),
        (date(2027, 1, 27), False),
        (date(2027, 2, 24), False),
    ]
    assert [f.reason for f in fairs[1:]] == [UNKNOWN_2027, UNKNOWN_2027]


def test_march_2027_is_added_on_2026_12_01_more_than_three_months_before_its_fair():
    # On 2026-11-28 the March fair (2027-03-31) is still over 3 months away, so it is not needed yet.
    assert (2027, 3) not in months_ahead(today=date(2026, 11, 30))
    assert months_ahead(today=date(2026, 12, 1)) == [(2026, 12), (2027, 1), (2027, 2), (2027, 3)]
    assert date(2027, 3, 31) >= _add_months(date(2026, 12, 1), 3)


def test_months_ahead_includes_current_month_on_fair_day():
    assert months_ahead(today=date(2026, 11, 25))[0] == (2026, 11)


def test_months_ahead_uses_moved_date_to_decide_current_month_has_passed():
    # January 2025's fair moved to 01-22, so on 01-23 it is over even though 01-29 is still ahead.
    assert months_ahead(today=date(2025, 1, 23)) == [(2025, 2), (2025, 3), (2025, 4)]


def test_months_ahead_rejects_negative_months():
    with pytest.raises(ValueError):
        months_ahead(today=date(2026, 11, 28), months=-1)


# --- properties ---------------------------------------------------------------------------------

MONTH_INDEXES = st.integers(min_value=0, max_value=8 * 12 - 1)  # 2019-01 .. 2026-12


@settings(max_examples=96, deadline=None)
@given(index=MONTH_INDEXES)
def test_default_fair_is_last_working_wednesday_of_its_month(index):
    year, month = 2019 + index // 12, index % 12 + 1
    fair = monthly_fair_date(year=year, month=month)
    assert (fair.day.year, fair.day.month, fair.day.weekday()) == (year, month, 2)
    assert chinese_calendar.is_workday(fair.day) and fair.confirmed
    assert not any(chinese_calendar.is_workday(w) for w in _wednesdays(year, month) if w > fair.day)


@settings(max_examples=60, deadline=None)
@given(index=MONTH_INDEXES, policy=st.sampled_from(list(FairPolicy)))
def test_every_policy_gives_a_working_day_in_the_month(index, policy):
    year, month = 2019 + index // 12, index % 12 + 1
    fair = monthly_fair_date(year=year, month=month, policy=policy)
    assert (fair.day.year, fair.day.month) == (year, month)
    assert chinese_calendar.is_workday(fair.day)
    assert fair.moved == (fair.day != fair.planned_by_rule)


@settings(max_examples=80, deadline=None)
@given(today=st.dates(min_value=date(2019, 1, 1), max_value=date(2026, 12, 31)))
def test_months_ahead_covers_three_months_and_creates_each_fair_three_months_early(today):
    listed = months_ahead(today=today)
    fairs = {ym: monthly_fair_date(year=ym[0], month=ym[1]).day for ym in listed}
    horizon = _add_months(today, 3)
    assert all(day >= today for day in fairs.values())
    for offset in range(0, 5):
        y, m = (today.year * 12 + today.month - 1 + offset) // 12, (today.month - 1 + offset) % 12 + 1
        day = monthly_fair_date(year=y, month=m).day
        if today <= day <= horizon:
            assert (y, m) in listed
    newly_listed = set(listed) - set(months_ahead(today=today - timedelta(days=1)))
    assert all(fairs[ym] >= horizon for ym in newly_listed)


# --- reminders ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 12, 27), 3),
        (date(2026, 12, 29), 1),
        (date(2026, 12, 28), None),
        (date(2026, 12, 30), None),
        (date(2026, 12, 31), None),
        (date(2026, 12, 20), None),
    ],
)
def test_reminder_due_three_and_one_day_before(today, expected):
    assert reminder_due(fair_day=date(2026, 12, 30), today=today) == expected


def test_reminder_due_with_custom_days():
    assert reminder_due(fair_day=date(2026, 12, 30), today=date(2026, 12, 23), days_before=(7,)) == 7
