"""Pure date rules for the monthly comprehensive job fair (last Wednesday of the month, holiday-aware)."""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

import chinese_calendar

WEDNESDAY = 2
_WEEKDAY_NAMES = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


class FairPolicy(StrEnum):
    """What to do when the planned last Wednesday is not a working day."""

    LAST_WORKING_WEDNESDAY = "last_working_wednesday"
    PREVIOUS_WORKING_DAY = "previous_working_day"
    NEXT_WORKING_DAY = "next_working_day"


POLICY_LABELS: dict[str, str] = {
    FairPolicy.LAST_WORKING_WEDNESDAY: "本月最后一个工作日的星期三",
    FairPolicy.PREVIOUS_WORKING_DAY: "前一个工作日",
    FairPolicy.NEXT_WORKING_DAY: "后一个工作日",
}

# Said in the reason when a policy finds nothing inside the month and a fallback is used.
_POLICY_MISS: dict[str, str] = {
    FairPolicy.LAST_WORKING_WEDNESDAY: "本月已无工作日的星期三",
    FairPolicy.PREVIOUS_WORKING_DAY: "本月内此前已无工作日",
    FairPolicy.NEXT_WORKING_DAY: "本月内其后已无工作日",
}

# Fallback order per policy; every candidate stays inside the fair's own month so each month keeps
# exactly one fair (a January fair held in February would leave January without one).
_FALLBACKS: dict[str, tuple[str, ...]] = {
    FairPolicy.LAST_WORKING_WEDNESDAY: (
        FairPolicy.LAST_WORKING_WEDNESDAY,
        FairPolicy.PREVIOUS_WORKING_DAY,
        FairPolicy.NEXT_WORKING_DAY,
    ),
    FairPolicy.PREVIOUS_WORKING_DAY: (FairPolicy.PREVIOUS_WORKING_DAY, FairPolicy.NEXT_WORKING_DAY),
    FairPolicy.NEXT_WORKING_DAY: (FairPolicy.NEXT_WORKING_DAY, FairPolicy.PREVIOUS_WORKING_DAY),
}


@dataclass(frozen=True)
class HolidayOverrides:
    """Staff-entered holiday arrangement that takes precedence over the chinese-calendar package."""

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    # Years whose complete official arrangement is in `holidays`/`workdays`; they count as known.
    years: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        """Reject a day entered both as a holiday and as an adjusted working day."""
        clash = self.holidays & self.workdays
        if clash:
            days = "、".join(sorted(d.isoformat() for d in clash))
            raise ValueError(f"同一天不能既是放假日又是调休上班日：{days}")


NO_OVERRIDES = HolidayOverrides()


@dataclass(frozen=True)
class FairDate:
    """The scheduled date of one month's comprehensive job fair and why it is what it is."""

    year: int
    month: int
    day: date
    planned_by_rule: date
    confirmed: bool
    moved: bool
    reason: str


def is_year_known(*, year: int, overrides: HolidayOverrides = NO_OVERRIDES) -> bool:
    """Whether the official holiday arrangement for a year is available (staff-entered or packaged)."""
    if year in overrides.years:
        return True
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def is_workday(day: date, *, overrides: HolidayOverrides = NO_OVERRIDES) -> bool | None:
    """Whether people work on a day per the official calendar; None when the year is unknown."""
    if day in overrides.workdays:
        return True
    if day in overrides.holidays:
        return False
    if day.year in overrides.years:
        # Staff declared this year complete, so any day they did not list is an ordinary day.
        return day.weekday() < 5
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


def last_weekday_of_month(*, year: int, month: int, weekday: int = WEDNESDAY) -> date:
    """The last given weekday (Monday=0 … Sunday=6) of a month."""
    if not 0 <= weekday <= 6:
        raise ValueError(f"weekday must be 0..6, got {weekday}")
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1..12, got {month}")
    last = date(year, month, calendar.monthrange(year, month)[1])
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _day_off_label(day: date, *, overrides: HolidayOverrides) -> str:
    """Chinese description of why a planned day is not a working day."""
    if day in overrides.holidays:
        return "放假日"
    try:
        _, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        name = None
    if name:
        try:
            return f"{chinese_calendar.Holiday(name).chinese}假期"
        except ValueError:
            pass
    return "非工作日"


def _candidates(planned: date, policy: str) -> Iterable[date]:
    """Days a policy would try, nearest first, all inside the planned day's month."""
    first = planned.replace(day=1)
    last = planned.replace(day=calendar.monthrange(planned.year, planned.month)[1])
    if policy == FairPolicy.LAST_WORKING_WEDNESDAY:
        day = planned - timedelta(days=7)
        while day >= first:
            yield day
            day -= timedelta(days=7)
    elif policy == FairPolicy.PREVIOUS_WORKING_DAY:
        day = planned - timedelta(days=1)
        while day >= first:
            yield day
            day -= timedelta(days=1)
    else:
        day = planned + timedelta(days=1)
        while day <= last:
            yield day
            day += timedelta(days=1)


def _parse_policy(policy: str) -> FairPolicy:
    """Validate a policy name."""
    try:
        return FairPolicy(policy)
    except ValueError:
        allowed = ", ".join(p.value for p in FairPolicy)
        raise ValueError(f"unknown fair policy {policy!r}; expected one of: {allowed}") from None


def _reschedule(
    *, planned: date, policy: FairPolicy, works: Callable[[date], bool], overrides: HolidayOverrides
) -> tuple[date, str] | None:
    """First working day the policy (then its fallbacks) finds, with the Chinese explanation."""
    why = f"原定{planned.isoformat()}为{_day_off_label(planned, overrides=overrides)}"
    for attempt in _FALLBACKS[policy]:
        for day in _candidates(planned, attempt):
            if works(day):
                label = POLICY_LABELS[attempt]
                if day.weekday() >= 5:
                    # A fair on a weekend is only right on an adjusted working day; say so to avoid doubt.
                    label += f"，为调休上班的{_WEEKDAY_NAMES[day.weekday()]}"
                miss = "" if attempt == policy else f"，{_POLICY_MISS[policy]}"
                return day, f"{why}{miss}，改至{day.isoformat()}（{label}）"
    return None


def monthly_fair_date(
    *,
    year: int,
    month: int,
    policy: str = FairPolicy.LAST_WORKING_WEDNESDAY,
    overrides: HolidayOverrides = NO_OVERRIDES,
) -> FairDate:
    """The comprehensive fair date for a month: last Wednesday, moved off holidays per the policy."""
    chosen_policy = _parse_policy(policy)
    planned = last_weekday_of_month(year=year, month=month, weekday=WEDNESDAY)
    known = is_year_known(year=year, overrides=overrides)

    def works(day: date) -> bool:
        # Unknown years fall back to the plain Monday-Friday rule (plus any days staff did enter).
        status = is_workday(day, overrides=overrides)
        return day.weekday() < 5 if status is None else status

    notes: list[str] = []
    if not known:
        notes.append(f"日期待确认：{year}年尚未公布放假安排")
    day, moved, confirmed = planned, False, known
    if not works(planned):
        found = _reschedule(planned=planned, policy=chosen_policy, works=works, overrides=overrides)
        if found is None:
            # Only possible with extreme staff overrides; keep the rule date and demand a human decision.
            day_off = _day_off_label(planned, overrides=overrides)
            notes.append(f"原定{planned.isoformat()}为{day_off}，本月无工作日，请人工确定日期")
            confirmed = False
        else:
            day, text = found
            moved = True
            notes.append(text)
    return FairDate(
        year=year,
        month=month,
        day=day,
        planned_by_rule=planned,
        confirmed=confirmed,
        moved=moved,
        reason="；".join(notes),
    )


def _shift_month(year: int, month: int, offset: int) -> tuple[int, int]:
    """(year, month) moved by a number of months."""
    index = year * 12 + (month - 1) + offset
    return index // 12, index % 12 + 1


def months_ahead(
    *,
    today: date,
    months: int = 3,
    policy: str = FairPolicy.LAST_WORKING_WEDNESDAY,
    overrides: HolidayOverrides = NO_OVERRIDES,
) -> list[tuple[int, int]]:
    """(year, month) pairs whose fair must exist so each fair is created at least `months` months ahead."""
    # Rule: this month while its (holiday-adjusted) fair date is today or later, then always the next
    # `months` calendar months. A month's fair thus appears on the 1st of the month `months` months
    # earlier, i.e. `months` months plus about three weeks before it happens, so a daily job that
    # misses a few runs keeps the guarantee. Month M+4 is never needed yet: its fair is always more
    # than `months` months away. From 2026-11-28 this yields 2026-12, 2027-01, 2027-02; 2027-03-31 is
    # still more than 3 months away and is added on 2026-12-01.
    if months < 0:
        raise ValueError(f"months must be >= 0, got {months}")
    current = monthly_fair_date(year=today.year, month=today.month, policy=policy, overrides=overrides)
    result = [(today.year, today.month)] if current.day >= today else []
    result.extend(_shift_month(today.year, today.month, offset) for offset in range(1, months + 1))
    return result


def reminder_due(*, fair_day: date, today: date, days_before: tuple[int, ...] = (3, 1)) -> int | None:
    """Which reminder (days before the fair) is due today, or None."""
    remaining = (fair_day - today).days
    return remaining if remaining in days_before else None
