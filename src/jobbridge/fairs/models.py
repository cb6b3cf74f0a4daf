"""Job fairs, booth bookings, visitor registrations, walk-ins, village announcements and holiday arrangements."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from jobbridge.db import aware_field

FAIR_KINDS: dict[str, str] = {
    "monthly": "综合招聘会",
    "themed": "专场招聘会",
    "town": "送岗下乡",
    "online": "网络招聘会",
}
# Kinds staff create by hand; the monthly fair belongs to the rule (staff edit the one the job made).
STAFF_KINDS = ("themed", "town", "online")
THEMES: tuple[str, ...] = (
    "春风行动",
    "高校毕业生",
    "民营企业招聘月",
    "金秋招聘月",
    "就业援助月",
    "退役军人专场",
    "残疾人专场",
    "其他",
)
FAIR_STATUSES: dict[str, str] = {
    "planned": "筹备中",
    "booking_open": "展位预订中",
    "booking_closed": "预订已截止",
    "held": "已举办",
    "archived": "已归档",
    "cancelled": "已取消",
}
BOOKING_STATUSES: dict[str, str] = {
    "pending": "待审核",
    "confirmed": "已确认",
    "waitlisted": "候补中",
    "refused": "未通过",
    "cancelled": "已取消",
}
# Bookings that occupy a booth; a waitlisted one does not.
HOLDING = ("pending", "confirmed")
ACTIVE_BOOKINGS = ("pending", "confirmed", "waitlisted")


class Fair(SQLModel, table=True):
    """One job fair (招聘会) of any kind; the monthly one is keyed by (kind, rule_year, rule_month)."""

    __tablename__ = "fair"
    __table_args__ = (UniqueConstraint("kind", "rule_year", "rule_month", name="uq_fair_rule_month"),)

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=100)
    kind: str = Field(max_length=10, index=True)
    theme: str = Field(default="", max_length=20)
    status: str = Field(default="planned", max_length=16, index=True)
    fair_date: date = Field(index=True)
    end_date: date = Field(description="Last day; equals fair_date except for online fairs")
    start_time: time
    end_time: time
    venue: str = Field(default="", max_length=200)
    town_code: str | None = Field(default=None, foreign_key="town.code", max_length=9, index=True)
    village_code: str | None = Field(default=None, foreign_key="village.code", max_length=12)
    booth_capacity: int = 0
    per_employer_limit: int = 1
    requires_approval: bool = False
    booking_opens_on: date | None = None
    booking_closes_on: date | None = None
    description: str = Field(default="", sa_type=Text)
    # True while the monthly rule owns the date; any staff edit, move or cancellation clears it for good.
    managed_by_rule: bool = False
    rule_year: int | None = None
    rule_month: int | None = None
    planned_by_rule: date | None = None
    date_confirmed: bool = True
    date_reason: str = Field(default="", max_length=300)
    # Written (unchanged) by lock_fair on SQLite only to take the database write lock; it means nothing else.
    lock_ticks: int = 0
    cancel_reason: str = Field(default="", max_length=300)
    created_by: int | None = Field(default=None, foreign_key="app_user.id")
    updated_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = aware_field(now=True)
    updated_at: datetime = aware_field(now=True)


class BoothBooking(SQLModel, table=True):
    """An employer's application for a booth at a fair: holding a numbered booth, or waiting in line."""

    __tablename__ = "fair_booth"
    __table_args__ = (
        UniqueConstraint("fair_id", "booth_number", name="uq_fair_booth_number"),
        UniqueConstraint("fair_id", "seq", name="uq_fair_booth_seq"),
    )

    id: int | None = Field(default=None, primary_key=True)
    fair_id: int = Field(foreign_key="fair.id", index=True)
    employer_id: int = Field(foreign_key="employer.id", index=True)
    status: str = Field(max_length=12, index=True)
    booth_number: int | None = None
    seq: int = Field(description="Arrival order within the fair")
    note: str = Field(default="", max_length=300)
    refuse_reason: str = Field(default="", max_length=300)
    requested_by: int | None = Field(default=None, foreign_key="app_user.id")
    requested_at: datetime = aware_field(now=True)
    decided_by: int | None = Field(default=None, foreign_key="app_user.id")
    decided_at: datetime | None = aware_field()
    cancelled_at: datetime | None = aware_field()
    outcome_recorded_at: datetime | None = aware_field()
    updated_at: datetime = aware_field(now=True)


class BoothVacancy(SQLModel, table=True):
    """A vacancy presented at a booth, with what came of it (达成意向 / 录用)."""

    __tablename__ = "fair_booth_vacancy"

    booking_id: int = Field(foreign_key="fair_booth.id", primary_key=True, ondelete="CASCADE")
    vacancy_id: int = Field(foreign_key="vacancy.id", primary_key=True, index=True)
    intents: int = 0
    hires: int = 0


class FairRegistration(SQLModel, table=True):
    """A visitor's pre-registration with a check-in code (6 digits) and a secret link to their pass."""

    __tablename__ = "fair_registration"
    __table_args__ = (
        UniqueConstraint("fair_id", "phone", name="uq_fair_registration_phone"),
        UniqueConstraint("fair_id", "checkin_code", name="uq_fair_registration_code"),
    )

    id: int | None = Field(default=None, primary_key=True)
    fair_id: int = Field(foreign_key="fair.id", index=True)
    name: str = Field(max_length=40)
    phone: str = Field(max_length=11, index=True)
    town_code: str | None = Field(default=None, foreign_key="town.code", max_length=9)
    village_code: str | None = Field(default=None, foreign_key="village.code", max_length=12)
    wanted_work: str = Field(default="", max_length=200)
    user_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    registered_by: int | None = Field(default=None, foreign_key="app_user.id")
    checkin_code: str = Field(max_length=6)
    token: str = Field(max_length=32, unique=True)
    status: str = Field(default="registered", max_length=12)
    checked_in_at: datetime | None = aware_field()
    checked_in_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = aware_field(now=True)


class FairWalkIn(SQLModel, table=True):
    """Visitors counted at the door without a pre-registration."""

    __tablename__ = "fair_walk_in"

    id: int | None = Field(default=None, primary_key=True)
    fair_id: int = Field(foreign_key="fair.id", index=True)
    count: int = 1
    town_code: str | None = Field(default=None, foreign_key="town.code", max_length=9)
    recorded_by: int | None = Field(default=None, foreign_key="app_user.id")
    recorded_at: datetime = aware_field(now=True)


class FairAnnouncement(SQLModel, table=True):
    """A fair announced in one village's feed (the outreach feed reads these)."""

    __tablename__ = "fair_announcement"
    __table_args__ = (UniqueConstraint("fair_id", "village_code", name="uq_fair_announcement"),)

    id: int | None = Field(default=None, primary_key=True)
    fair_id: int = Field(foreign_key="fair.id", index=True)
    village_code: str = Field(foreign_key="village.code", max_length=12, index=True)
    created_at: datetime = aware_field(now=True)
    withdrawn_at: datetime | None = aware_field()


class HolidayDay(SQLModel, table=True):
    """A day of the official holiday arrangement entered by staff: a day off, or an adjusted working day."""

    __tablename__ = "holiday_day"

    day: date = Field(primary_key=True)
    kind: str = Field(max_length=8, description="holiday or workday")
    name: str = Field(default="", max_length=20)
    entered_by: int | None = Field(default=None, foreign_key="app_user.id")
    entered_at: datetime = aware_field(now=True)


class HolidayYear(SQLModel, table=True):
    """A year whose complete official arrangement staff have entered."""

    __tablename__ = "holiday_year"

    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    note: str = Field(default="", max_length=200)
    entered_by: int | None = Field(default=None, foreign_key="app_user.id")
    entered_at: datetime = aware_field(now=True)
