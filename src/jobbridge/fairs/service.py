"""Creating, editing, opening, closing and cancelling fairs, and reading them for the public pages."""

from __future__ import annotations

import re
import unicodedata
import zlib
from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from jobbridge.db import utcnow
from jobbridge.employers.service import FormErrors
from jobbridge.employers.vacancies import today_local
from jobbridge.errors import Conflict, DomainError, NotFound
from jobbridge.fairs.announce import announce_fair, withdraw_announcements
from jobbridge.fairs.locks import lock_fair
from jobbridge.fairs.models import (
    ACTIVE_BOOKINGS,
    FAIR_KINDS,
    FAIR_STATUSES,
    HOLDING,
    STAFF_KINDS,
    THEMES,
    BoothBooking,
    Fair,
    FairRegistration,
)
from jobbridge.fairs.notify import notify_employer, notify_visitor
from jobbridge.geo.models import Town, Village
from jobbridge.validation import ValidationError, parse_date, validate_int_range

MAX_ONLINE_DAYS = 60
MAX_CAPACITY = {"online": 2000}
DEFAULT_MAX_CAPACITY = 500
# Staff may move a fair through these; "cancelled" goes through cancel_fair so everyone is told.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "planned": ("booking_open",),
    "booking_open": ("booking_closed", "planned"),
    "booking_closed": ("booking_open", "held"),
    "held": ("archived",),
    "archived": (),
    "cancelled": (),
}
OPEN_FOR_VISITORS = ("planned", "booking_open", "booking_closed")
PUBLIC_STATUSES = ("planned", "booking_open", "booking_closed", "held", "archived", "cancelled")
_TIME = re.compile(r"([01]?[0-9]|2[0-3])[:：]([0-5][0-9])")


@dataclass
class FairInput:
    """Fair fields as staff type them (form or API)."""

    title: str = ""
    kind: str = "themed"
    theme: str = ""
    fair_date: str | date = ""
    end_date: str | date = ""
    start_time: str = "08:30"
    end_time: str = "11:30"
    venue: str = ""
    town_code: str = ""
    village_code: str = ""
    booth_capacity: str | int = 50
    per_employer_limit: str | int = 1
    booking_opens_on: str | date = ""
    booking_closes_on: str | date = ""
    requires_approval: bool | str = False
    description: str = ""


def input_from_fair(fair: Fair) -> FairInput:
    """The edit form pre-filled from a fair."""
    return FairInput(
        title=fair.title, kind=fair.kind, theme=fair.theme, fair_date=fair.fair_date.isoformat(),
        end_date=fair.end_date.isoformat() if fair.kind == "online" else "",
        start_time=fair.start_time.strftime("%H:%M"), end_time=fair.end_time.strftime("%H:%M"), venue=fair.venue,
        town_code=fair.town_code or "", village_code=fair.village_code or "", booth_capacity=fair.booth_capacity,
        per_employer_limit=fair.per_employer_limit,
        booking_opens_on=fair.booking_opens_on.isoformat() if fair.booking_opens_on else "",
        booking_closes_on=fair.booking_closes_on.isoformat() if fair.booking_closes_on else "",
        requires_approval=fair.requires_approval, description=fair.description,
    )


def _parse_time(value: str, *, key: str, label: str, errors: dict) -> time | None:
    text = unicodedata.normalize("NFKC", str(value or "")).strip()
    match = _TIME.fullmatch(text)
    if not match:
        errors[key] = f"{label}应写成 08:30 这样的时间"
        return None
    return time(int(match[1]), int(match[2]))


def _date(value, *, key: str, label: str, errors: dict, required: bool) -> date | None:  # noqa: ANN001
    if value in (None, ""):
        if required:
            errors[key] = f"请填写{label}"
        return None
    try:
        return parse_date(value, field=key, label=label)
    except ValidationError as exc:
        errors[key] = exc.message
        return None


def _truthy(value: bool | str) -> bool:
    return value is True or str(value).strip().lower() in {"1", "true", "on", "yes", "是"}


def clean_fair(*, session: Session, data: FairInput, kind: str, today: date,
               existing: Fair | None = None) -> tuple[dict, dict[str, str]]:
    """Validate fair fields together; returns clean values and field → Chinese error."""
    errors: dict[str, str] = {}
    c: dict = {"kind": kind}
    c["title"] = " ".join((data.title or "").split())
    if not 2 <= len(c["title"]) <= 100:
        errors["title"] = "请填写招聘会名称（2到100个字）"
    c["theme"] = (data.theme or "").strip()
    if kind == "themed" and c["theme"] not in THEMES:
        errors["theme"] = "请选择专场主题：" + "、".join(THEMES)
    elif kind != "themed" and c["theme"] and c["theme"] not in THEMES:
        errors["theme"] = "主题只能从列表中选择"
    start = _date(data.fair_date, key="fair_date", label="举办日期", errors=errors, required=True)
    moved = existing is None or start != existing.fair_date
    if start and moved and start < today:
        errors["fair_date"] = f"举办日期不能早于今天（{today.isoformat()}）"
    end = start
    if kind == "online":
        end = _date(data.end_date, key="end_date", label="结束日期", errors=errors, required=True)
        if start and end and end < start:
            errors["end_date"] = "结束日期不能早于开始日期"
        elif start and end and (end - start).days > MAX_ONLINE_DAYS:
            errors["end_date"] = f"网络招聘会最长{MAX_ONLINE_DAYS}天"
    c["fair_date"], c["end_date"] = start, end
    c["start_time"] = _parse_time(data.start_time, key="start_time", label="开始时间", errors=errors)
    c["end_time"] = _parse_time(data.end_time, key="end_time", label="结束时间", errors=errors)
    if c["start_time"] and c["end_time"] and c["end_time"] <= c["start_time"]:
        errors["end_time"] = "结束时间应晚于开始时间"
    c["venue"] = " ".join((data.venue or "").split())[:200]
    if kind != "online" and len(c["venue"]) < 2:
        errors["venue"] = "请填写举办地点"
    town_code = (data.town_code or "").strip() or None
    if town_code and session.get(Town, town_code) is None:
        errors["town_code"] = "请选择镇街"
    elif kind == "town" and not town_code:
        errors["town_code"] = "送岗下乡招聘会请选择所在镇街，系统会通知该镇各村"
    c["town_code"] = town_code
    village_code = (data.village_code or "").strip() or None
    if village_code:
        village = session.get(Village, village_code)
        if village is None or village.town_code != town_code:
            errors["village_code"] = "所选村居不在该镇街"
    c["village_code"] = village_code
    try:
        c["booth_capacity"] = validate_int_range(data.booth_capacity, field="booth_capacity", minimum=1,
                                                 maximum=MAX_CAPACITY.get(kind, DEFAULT_MAX_CAPACITY), label="展位数")
    except ValidationError as exc:
        errors["booth_capacity"] = exc.message
    try:
        c["per_employer_limit"] = validate_int_range(data.per_employer_limit, field="per_employer_limit", minimum=1,
                                                     maximum=10, label="每家单位可订展位数")
    except ValidationError as exc:
        errors["per_employer_limit"] = exc.message
    opens = _date(data.booking_opens_on, key="booking_opens_on", label="预订开始日期", errors=errors, required=False)
    closes = _date(data.booking_closes_on, key="booking_closes_on", label="预订截止日期", errors=errors,
                   required=False)
    if start and "booking_opens_on" not in errors and "booking_closes_on" not in errors:
        opens = opens or (existing.booking_opens_on if existing else None) or min(today, start)
        if existing and closes and closes == existing.booking_closes_on and start != existing.fair_date:
            # The window was left as it was: it follows the moved fair.
            closes = closes + (start - existing.fair_date)
        if closes is None:
            closes = max((end or start) - timedelta(days=0 if kind == "online" else 1), opens)
        if opens > closes:
            errors["booking_closes_on"] = "预订截止日期不能早于开始日期"
        elif closes > (end or start):
            errors["booking_closes_on"] = "预订截止日期不能晚于招聘会结束日期"
    c["booking_opens_on"], c["booking_closes_on"] = opens, closes
    c["requires_approval"] = _truthy(data.requires_approval)
    c["description"] = (data.description or "").strip()
    if len(c["description"]) > 2000:
        errors["description"] = "介绍最多2000字"
    return c, errors


def status_for_dates(*, opens: date | None, closes: date | None, today: date) -> str:
    if opens and opens <= today and (closes is None or today <= closes):
        return "booking_open"
    if closes and closes < today:
        return "booking_closed"
    return "planned"


def create_fair(*, session: Session, data: FairInput, staff_id: int | None, today: date | None = None) -> Fair:
    """Staff create a themed, town/village or online fair (the monthly fair comes from the rule)."""
    today = today or today_local()
    kind = (data.kind or "").strip()
    if kind not in STAFF_KINDS:
        labels = "、".join(FAIR_KINDS[k] for k in STAFF_KINDS)
        raise FormErrors({"kind": f"请选择招聘会类型：{labels}（综合招聘会由系统按月自动安排）"})
    values, errors = clean_fair(session=session, data=data, kind=kind, today=today)
    if errors:
        raise FormErrors(errors)
    status = status_for_dates(opens=values["booking_opens_on"], closes=values["booking_closes_on"], today=today)
    fair = Fair(**values, status=status, created_by=staff_id, updated_by=staff_id, date_confirmed=True)
    session.add(fair)
    session.flush()
    if fair.kind == "town":
        announce_fair(session=session, fair=fair)
    return fair


def get_fair(*, session: Session, fair_id: int) -> Fair:
    """One fair or NotFound."""
    fair = session.get(Fair, fair_id)
    if fair is None:
        raise NotFound("没有找到该招聘会", code="fair.not_found")
    return fair


def holding_count(*, session: Session, fair_id: int) -> int:
    """Booths taken (confirmed or awaiting approval)."""
    return session.exec(select(func.count()).select_from(BoothBooking).where(
        BoothBooking.fair_id == fair_id, col(BoothBooking.status).in_(HOLDING))).one()


def update_fair(*, session: Session, fair_id: int, data: FairInput, staff_id: int | None,
                today: date | None = None) -> Fair:
    """Staff edit a fair; from now on the monthly rule leaves it alone, and participants hear of a new date."""
    from jobbridge.fairs.booths import fill_free_booths

    today = today or today_local()
    fair = lock_fair(session=session, fair_id=fair_id)
    if fair.status in {"cancelled", "archived"}:
        raise Conflict("已取消或已归档的招聘会不能修改", code="fair.state")
    values, errors = clean_fair(session=session, data=data, kind=fair.kind, today=today, existing=fair)
    taken = holding_count(session=session, fair_id=fair.id)
    if "booth_capacity" not in errors and values["booth_capacity"] < taken:
        errors["booth_capacity"] = f"已有{taken}个展位被预订，展位数不能少于{taken}"
    if errors:
        raise FormErrors(errors)
    old_when = (fair.fair_date, fair.end_date, fair.start_time, fair.end_time, fair.venue)
    old_town = fair.town_code
    for name, value in values.items():
        setattr(fair, name, value)
    if fair.kind == "monthly" and fair.fair_date != fair.planned_by_rule:
        fair.date_reason = "工作人员调整了日期"
    fair.managed_by_rule = False
    fair.date_confirmed = True
    fair.updated_by, fair.updated_at = staff_id, utcnow()
    session.add(fair)
    session.flush()
    new_when = (fair.fair_date, fair.end_date, fair.start_time, fair.end_time, fair.venue)
    if new_when != old_when:
        tell_participants_of_change(session=session, fair=fair, reason="工作人员调整")
    if fair.kind == "town" and fair.town_code != old_town:
        announce_fair(session=session, fair=fair)
    fill_free_booths(session=session, fair=fair)
    return fair


def when_text(fair: Fair) -> str:
    """"2026年12月30日 08:30—11:30" or a date range for online fairs."""
    day = f"{fair.fair_date.year}年{fair.fair_date.month}月{fair.fair_date.day}日"
    if fair.end_date != fair.fair_date:
        return f"{day}至{fair.end_date.year}年{fair.end_date.month}月{fair.end_date.day}日"
    return f"{day} {fair.start_time:%H:%M}—{fair.end_time:%H:%M}"


def participants(*, session: Session, fair_id: int) -> tuple[list[BoothBooking], list[FairRegistration]]:
    """Active bookings and registrations: the people to tell about a change."""
    bookings = session.exec(select(BoothBooking).where(
        BoothBooking.fair_id == fair_id, col(BoothBooking.status).in_(ACTIVE_BOOKINGS)).order_by(col(BoothBooking.id)))
    registrations = session.exec(select(FairRegistration).where(
        FairRegistration.fair_id == fair_id, FairRegistration.status == "registered").order_by(col(FairRegistration.id)))
    return list(bookings), list(registrations)


def tell_participants_of_change(*, session: Session, fair: Fair, reason: str) -> int:
    """Tell booked employers and registered visitors the fair's new date, time or place."""
    stamp = f"{fair.fair_date.isoformat()}:{fair.start_time:%H%M}:{zlib.crc32(fair.venue.encode()):08x}"
    body = f"【就业桥】{fair.title}时间地点有变：{when_text(fair)}，{fair.venue or '线上'}（{reason}）。"
    bookings, registrations = participants(session=session, fair_id=fair.id)
    sent = 0
    for booking in bookings:
        sent += notify_employer(session=session, employer_id=booking.employer_id,
                                key=f"fair-changed:{fair.id}:{stamp}:b{booking.id}", subject="招聘会时间地点变更",
                                body=body, link=f"/fairs/{fair.id}")
    for registration in registrations:
        sent += notify_visitor(session=session, registration=registration,
                               key=f"fair-changed:{fair.id}:{stamp}:r{registration.id}", subject="招聘会时间地点变更",
                               body=body, link=f"/fairs/{fair.id}")
    return sent


def set_status(*, session: Session, fair_id: int, status: str, staff_id: int | None) -> Fair:
    """Move a fair along planned → booking open → booking closed → held → archived."""
    fair = lock_fair(session=session, fair_id=fair_id)
    if status == "cancelled":
        raise DomainError("取消招聘会请填写原因", code="fair.cancel_reason", field="reason")
    if status not in TRANSITIONS.get(fair.status, ()):
        allowed = "、".join(FAIR_STATUSES[s] for s in TRANSITIONS.get(fair.status, ())) or "无"
        raise Conflict(f"招聘会当前为“{FAIR_STATUSES[fair.status]}”，只能改为：{allowed}", code="fair.transition")
    fair.status, fair.updated_by, fair.updated_at = status, staff_id, utcnow()
    session.add(fair)
    session.flush()
    return fair


def cancel_fair(*, session: Session, fair_id: int, reason: str, staff_id: int | None) -> int:
    """Cancel a fair and tell everyone booked or registered; returns the messages queued."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError("请填写取消原因，单位和求职者会收到它", code="reason.required", field="reason")
    fair = lock_fair(session=session, fair_id=fair_id)
    if fair.status in {"held", "archived", "cancelled"}:
        raise Conflict("该招聘会已举办、已归档或已取消", code="fair.state")
    fair.status, fair.cancel_reason, fair.managed_by_rule = "cancelled", reason[:300], False
    fair.updated_by, fair.updated_at = staff_id, utcnow()
    session.add(fair)
    session.flush()
    withdraw_announcements(session=session, fair_id=fair.id)
    body = f"【就业桥】很抱歉，{fair.title}（{when_text(fair)}）已取消。原因：{reason}"
    bookings, registrations = participants(session=session, fair_id=fair.id)
    sent = 0
    for booking in bookings:
        sent += notify_employer(session=session, employer_id=booking.employer_id,
                                key=f"fair-cancelled:{fair.id}:b{booking.id}", subject="招聘会已取消", body=body,
                                link=f"/fairs/{fair.id}")
    for registration in registrations:
        sent += notify_visitor(session=session, registration=registration,
                               key=f"fair-cancelled:{fair.id}:r{registration.id}", subject="招聘会已取消", body=body)
    return sent


def advance_states(*, session: Session, today: date | None = None) -> dict[str, int]:
    """Open and close booking and mark fairs held or archived as their dates pass; a second run changes nothing."""
    today = today or today_local()
    now = utcnow()
    counts: dict[str, int] = {}
    steps = (
        ("opened", ("planned",), "booking_open",
         (col(Fair.booking_opens_on) <= today, col(Fair.booking_closes_on) >= today)),
        ("closed", ("booking_open",), "booking_closed", (col(Fair.booking_closes_on) < today,)),
        ("held", ("planned", "booking_open", "booking_closed"), "held", (col(Fair.end_date) < today,)),
        ("archived", ("held",), "archived", (col(Fair.end_date) < today - timedelta(days=30),)),
    )
    for name, before, after, conditions in steps:
        result = session.execute(
            update(Fair).where(col(Fair.status).in_(before), *conditions).values(status=after, updated_at=now)
        )
        counts[name] = result.rowcount or 0
    return counts

