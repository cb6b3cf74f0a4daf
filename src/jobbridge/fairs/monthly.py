"""The monthly comprehensive fair kept by rule, and the official holiday arrangement staff enter."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from jobbridge.db import utcnow
from jobbridge.employers.service import FormErrors
from jobbridge.employers.vacancies import today_local
from jobbridge.fairs.calendar import (
    POLICY_LABELS,
    FairDate,
    FairPolicy,
    HolidayOverrides,
    monthly_fair_date,
    months_ahead,
)
from jobbridge.fairs.locks import write_lock
from jobbridge.fairs.models import Fair, HolidayDay, HolidayYear
from jobbridge.fairs.notify import alert_staff
from jobbridge.fairs.service import status_for_dates, tell_participants_of_change
from jobbridge.settings_store import AppSetting

POLICY_SETTING = "fairs.monthly_policy"
MONTHS_AHEAD = 3


@dataclass(frozen=True)
class MonthlyDefaults:
    """What a rule-made monthly fair starts with; staff may edit any of it (the rule then lets go)."""

    venue: str = "文登区人力资源市场（公共就业服务中心招聘大厅）"
    town_code: str = "371003001"
    start_time: time = time(8, 30)
    end_time: time = time(11, 30)
    booth_capacity: int = 80
    booking_opens_days_before: int = 30
    booking_closes_days_before: int = 1


DEFAULTS = MonthlyDefaults()


def get_policy(*, session: Session) -> str:
    """The configured rule for a last Wednesday that is not a working day."""
    row = session.get(AppSetting, POLICY_SETTING)
    return row.value if row and row.value in set(FairPolicy) else FairPolicy.LAST_WORKING_WEDNESDAY.value


def set_policy(*, session: Session, policy: str) -> None:
    """Choose the rule (from POLICY_LABELS)."""
    if policy not in set(FairPolicy):
        raise FormErrors({"policy": "请选择顺延规则：" + "、".join(POLICY_LABELS.values())})
    row = session.get(AppSetting, POLICY_SETTING) or AppSetting(key=POLICY_SETTING)
    row.value = policy
    session.add(row)
    session.flush()


def load_overrides(*, session: Session) -> HolidayOverrides:
    """The staff-entered arrangement as the calendar rules take it."""
    days = session.exec(select(HolidayDay)).all()
    return HolidayOverrides(
        holidays=frozenset(d.day for d in days if d.kind == "holiday"),
        workdays=frozenset(d.day for d in days if d.kind == "workday"),
        years=frozenset(session.exec(select(HolidayYear.year))),
    )


# --- entering the official arrangement ----------------------------------------------------------------------

_DATE = re.compile(r"([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})\s*[日号]?")
_RANGE = re.compile(r"[至到~～]")


def parse_day_list(text: str, *, year: int, field: str, label: str) -> tuple[dict[date, str], list[str]]:
    """Dates typed one line each ("2027-02-06至2027-02-12 春节" or "2027-02-20"); returns day → name and errors."""
    days: dict[date, str] = {}
    problems: list[str] = []
    for number, raw in enumerate(unicodedata.normalize("NFKC", text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        found = list(_DATE.finditer(line))
        if not found:
            problems.append(f"{label}第{number}行“{line}”中没有日期（请写成 {year}-02-06）")
            continue
        try:
            dates = [date(int(m[1]), int(m[2]), int(m[3])) for m in found]
        except ValueError:
            problems.append(f"{label}第{number}行“{line}”中的日期不存在")
            continue
        name = _RANGE.sub("", _DATE.sub("", line)).strip(" ，,、;；")[:20]
        if len(dates) == 2 and _RANGE.search(line):
            first, last = sorted(dates)
            if (last - first).days > 40:
                problems.append(f"{label}第{number}行的日期范围超过40天")
                continue
            dates = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        for day in dates:
            if day.year != year:
                problems.append(f"{label}第{number}行的 {day.isoformat()} 不在{year}年")
                break
            days[day] = name
    return days, problems


def save_holiday_arrangement(*, session: Session, year: int | str, holidays: str, workdays: str, complete: bool,
                             staff_id: int | None, note: str = "") -> dict[str, int]:
    """Replace a year's entered arrangement (days off and adjusted working days); `complete` makes the year known."""
    errors: dict[str, str] = {}
    try:
        year = int(str(year).strip())
    except ValueError:
        year = 0
    if not 2000 <= year <= 2100:
        raise FormErrors({"year": "请填写年份，如 2027"})
    off, off_problems = parse_day_list(holidays, year=year, field="holidays", label="放假日期")
    work, work_problems = parse_day_list(workdays, year=year, field="workdays", label="调休上班日期")
    if off_problems:
        errors["holidays"] = "；".join(off_problems[:3])
    if work_problems:
        errors["workdays"] = "；".join(work_problems[:3])
    clash = sorted(set(off) & set(work))
    if clash and "workdays" not in errors:
        errors["workdays"] = "同一天不能既放假又调休上班：" + "、".join(d.isoformat() for d in clash)
    if complete and not off and "holidays" not in errors:
        errors["holidays"] = "标记为“全年已公布”时请填写放假日期"
    if errors:
        raise FormErrors(errors)
    session.execute(delete(HolidayDay).where(col(HolidayDay.day) >= date(year, 1, 1),
                                             col(HolidayDay.day) <= date(year, 12, 31)))
    for day, name in sorted(off.items()):
        session.add(HolidayDay(day=day, kind="holiday", name=name, entered_by=staff_id))
    for day, name in sorted(work.items()):
        session.add(HolidayDay(day=day, kind="workday", name=name, entered_by=staff_id))
    existing = session.get(HolidayYear, year)
    if complete:
        row = existing or HolidayYear(year=year)
        row.note, row.entered_by, row.entered_at = note.strip()[:200], staff_id, utcnow()
        session.add(row)
    elif existing is not None:
        session.delete(existing)
    session.flush()
    return {"holidays": len(off), "workdays": len(work)}


def entered_years(*, session: Session) -> list[tuple[int, bool, list[HolidayDay]]]:
    """Years with entered days: (year, complete, days)."""
    complete = set(session.exec(select(HolidayYear.year)))
    by_year: dict[int, list[HolidayDay]] = {year: [] for year in complete}
    for day in session.exec(select(HolidayDay).order_by(col(HolidayDay.day))):
        by_year.setdefault(day.day.year, []).append(day)
    return [(year, year in complete, days) for year, days in sorted(by_year.items(), reverse=True)]


# --- the job ----------------------------------------------------------------------------------------------


def _title(year: int, month: int) -> str:
    return f"{year}年{month}月综合招聘会"


def _rule_values(fd: FairDate, today: date) -> dict:
    opens = fd.day - timedelta(days=DEFAULTS.booking_opens_days_before)
    return dict(
        fair_date=fd.day, end_date=fd.day, planned_by_rule=fd.planned_by_rule, date_confirmed=fd.confirmed,
        date_reason=fd.reason[:300], booking_opens_on=opens,
        booking_closes_on=fd.day - timedelta(days=DEFAULTS.booking_closes_days_before),
    )


def _insert_monthly(*, session: Session, fd: FairDate, today: date) -> bool:
    """Insert the month's fair unless it ever existed; safe when two schedulers race (unique key)."""
    now = utcnow()
    rule = _rule_values(fd, today)
    status = status_for_dates(opens=rule["booking_opens_on"], closes=rule["booking_closes_on"], today=today)
    fair = Fair(
        title=_title(fd.year, fd.month), kind="monthly", status=status, start_time=DEFAULTS.start_time,
        end_time=DEFAULTS.end_time, venue=DEFAULTS.venue, town_code=DEFAULTS.town_code,
        booth_capacity=DEFAULTS.booth_capacity, per_employer_limit=1,
        description="每月最后一个星期三举办的综合性人才招聘会，各类用工单位集中招聘，求职者免费入场。",
        managed_by_rule=True, rule_year=fd.year, rule_month=fd.month, created_at=now, updated_at=now, **rule,
    )
    values = fair.model_dump(exclude={"id"})
    table = Fair.__table__
    insert = postgresql.insert(table) if session.get_bind().dialect.name == "postgresql" else sqlite.insert(table)
    # RETURNING says whether a row went in (psycopg reports rowcount -1 for an implicit RETURNING insert).
    inserted = session.execute(
        insert.values(**values).on_conflict_do_nothing(index_elements=["kind", "rule_year", "rule_month"])
        .returning(table.c.id)
    ).first()
    return inserted is not None


def _recheck(*, session: Session, today: date, policy: str, overrides: HolidayOverrides) -> tuple[int, int]:
    """Re-apply the rule to future fairs it still owns: move them when the arrangement says so, confirm them."""
    moved = confirmed = 0
    fairs = session.exec(select(Fair).where(
        Fair.kind == "monthly", col(Fair.managed_by_rule).is_(True), Fair.status != "cancelled",
        col(Fair.fair_date) >= today).order_by(col(Fair.fair_date))).all()
    for fair in fairs:
        fd = monthly_fair_date(year=fair.rule_year, month=fair.rule_month, policy=policy, overrides=overrides)
        if fd.day < today:
            continue  # never move a fair into the past; staff decide by hand
        if (fd.day, fd.confirmed, fd.reason[:300]) == (fair.fair_date, fair.date_confirmed, fair.date_reason):
            continue
        values = _rule_values(fd, today) if fd.day != fair.fair_date else dict(
            date_confirmed=fd.confirmed, date_reason=fd.reason[:300], planned_by_rule=fd.planned_by_rule)
        was_confirmed, old_day = fair.date_confirmed, fair.fair_date
        # Conditional on the rule still owning the fair and on the date we read: a staff edit in between wins.
        result = session.execute(
            update(Fair).where(col(Fair.id) == fair.id, col(Fair.managed_by_rule).is_(True),
                               Fair.status != "cancelled", col(Fair.fair_date) == fair.fair_date)
            .values(**values, updated_at=utcnow())
        )
        if not result.rowcount:
            continue
        session.refresh(fair)
        if fair.fair_date != old_day:
            moved += 1
            tell_participants_of_change(session=session, fair=fair, reason="按国家法定节假日安排调整")
        if fair.date_confirmed and not was_confirmed:
            confirmed += 1
    return moved, confirmed


def _alert_unconfirmed(*, session: Session, today: date) -> int:
    fairs = session.exec(select(Fair).where(
        Fair.kind == "monthly", col(Fair.date_confirmed).is_(False), Fair.status != "cancelled",
        col(Fair.fair_date) >= today).order_by(col(Fair.fair_date))).all()
    by_year: dict[int, list[Fair]] = {}
    for fair in fairs:
        by_year.setdefault(fair.fair_date.year, []).append(fair)
    sent = 0
    for year, items in by_year.items():
        days = "、".join(f.fair_date.isoformat() for f in items)
        sent += alert_staff(
            session=session, key=f"fair-date-unconfirmed:{year}", subject=f"{year}年招聘会日期待确认",
            link="/staff/fairs/holidays",
            body=f"{year}年国家法定节假日安排尚未录入，综合招聘会（{days}）暂按每月最后一个星期三安排，"
                 f"标记为“日期待确认”。请在放假安排公布后录入，系统会自动复核日期。",
        )
    return sent


def schedule_monthly_fairs(*, session: Session, today: date | None = None, months: int = MONTHS_AHEAD) -> dict:
    """Keep the monthly fair created `months` ahead, re-check the ones the rule owns, alert staff; idempotent."""
    today = today or today_local()
    write_lock(session=session)
    policy = get_policy(session=session)
    overrides = load_overrides(session=session)
    created = 0
    for year, month in months_ahead(today=today, months=months, policy=policy, overrides=overrides):
        fd = monthly_fair_date(year=year, month=month, policy=policy, overrides=overrides)
        created += _insert_monthly(session=session, fd=fd, today=today)
    moved, confirmed = _recheck(session=session, today=today, policy=policy, overrides=overrides)
    alerts = _alert_unconfirmed(session=session, today=today)
    return {"created": created, "moved": moved, "confirmed": confirmed, "alerts": alerts}
