"""Graduate files (毕业生档案登记), their hardship facts, the case history and service ratings."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from jobbridge.db import aware_field

# The policy vocabularies are the single source: a file only holds values the rules understand.
from jobbridge.policies.basic_conditions import (  # noqa: F401 - re-exported for the graduates capability
    DEGREES,
    EMPLOYER_TYPES,
    EMPLOYMENT_STATUSES,
    HARDSHIPS,
    INTENTS,
)

FILE_STATUSES = ("待转入", "已接收", "在库托管", "已转出")
HARDSHIP_LABELS = {"低保": "低保家庭", "特困": "特困人员", "脱贫家庭": "脱贫家庭", "残疾": "残疾人",
                   "国家助学贷款": "国家助学贷款获得者"}
RATINGS = ("非常满意", "满意", "基本满意", "不满意")
CHANNELS = {"online": "网上登记", "window": "窗口登记", "api": "接口登记"}


class Graduate(SQLModel, table=True):
    """One graduate's registered file and the facts the policies and the matching need."""

    __tablename__ = "graduate"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = Field(default=None, foreign_key="app_user.id", unique=True)
    name: str = Field(max_length=40)
    id_number: str = Field(max_length=18, unique=True)
    gender: str = Field(max_length=2)
    birth_date: date
    phone: str = Field(max_length=11, index=True)
    school: str = Field(max_length=80)
    major: str = Field(max_length=80)
    degree: str = Field(max_length=4)
    graduation_date: date
    hukou_in_district: bool = False
    town_code: str | None = Field(default=None, foreign_key="town.code", max_length=9)
    village_code: str | None = Field(default=None, foreign_key="village.code", max_length=12)
    file_status: str = Field(default="待转入", max_length=6, index=True)
    file_status_on: date | None = Field(default=None, description="When the file reached its current status")
    file_expected_on: date | None = Field(default=None, description="When a file still to come is expected")
    intent: str = Field(default="待定", max_length=4)
    preferred_work: str = Field(default="", max_length=200)
    occupation_codes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    preferred_towns: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    employment_types: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    travel_range: str = Field(default="全区", max_length=4)
    expected_pay: int | None = None
    skills: str = Field(default="", max_length=500)
    experience: str = Field(default="", sa_type=Text)
    employment_status: str | None = Field(default=None, max_length=6)
    employer_type: str | None = Field(default=None, max_length=8)
    employer_in_weihai: bool | None = None
    first_job_year: int | None = None
    social_insurance_months: int | None = None
    social_insurance_in_weihai: bool | None = None
    paying_social_insurance: bool | None = None
    business_registered: bool | None = None
    notify_matches: bool = False
    notify_since: datetime | None = aware_field()  # only vacancies published after this are announced
    responsible_staff_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    registered_by: int | None = Field(default=None, foreign_key="app_user.id")
    channel: str = Field(default="online", max_length=8)
    next_action: str = Field(default="", max_length=200)
    next_action_on: date | None = Field(default=None, index=True)
    created_at: datetime = aware_field(now=True)
    updated_at: datetime = aware_field(now=True)


class GraduateHardship(SQLModel, table=True):
    """Hardship facts, kept apart from the file: asked only with consent, shown only to staff with a need."""

    __tablename__ = "graduate_hardship"

    graduate_id: int = Field(foreign_key="graduate.id", primary_key=True, ondelete="CASCADE")
    consent: bool = False
    consent_at: datetime | None = aware_field()
    consent_recorded_by: int | None = Field(default=None, foreign_key="app_user.id")
    facts: list[str] | None = Field(default=None, sa_column=Column(JSON, nullable=True),
                                    description="None: not asked; [] means none apply")
    updated_at: datetime = aware_field(now=True)


class GraduateEvent(SQLModel, table=True):
    """One thing done on a case (registration, file status, reassignment …), the sheet's 今日办理."""

    __tablename__ = "graduate_event"

    id: int | None = Field(default=None, primary_key=True)
    graduate_id: int = Field(foreign_key="graduate.id", index=True, ondelete="CASCADE")
    at: datetime = aware_field(now=True, index=True)
    actor_id: int | None = Field(default=None, foreign_key="app_user.id")
    kind: str = Field(max_length=20)
    text: str = Field(max_length=300)


class ServiceRating(SQLModel, table=True):
    """A graduate's rating of one day's service, credited to the responsible staff member."""

    __tablename__ = "service_rating"
    __table_args__ = (UniqueConstraint("graduate_id", "visit_on"),)

    id: int | None = Field(default=None, primary_key=True)
    graduate_id: int = Field(foreign_key="graduate.id", index=True, ondelete="CASCADE")
    staff_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    visit_on: date
    rating: str = Field(max_length=4)
    comment: str = Field(default="", max_length=500)
    created_at: datetime = aware_field(now=True)
