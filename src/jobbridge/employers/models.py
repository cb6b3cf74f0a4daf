"""Employers, their vacancies, and people's interest (报名) in a vacancy."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from jobbridge.db import aware_field

EMPLOYER_STATUSES = ("pending", "verified", "rejected", "suspended")
EMPLOYER_STATUS_LABELS = {"pending": "待审核", "verified": "已认证", "rejected": "未通过", "suspended": "已暂停"}

VACANCY_STATUSES = ("draft", "pending", "published", "rejected", "closed", "filled", "expired")
VACANCY_STATUS_LABELS = {
    "draft": "草稿",
    "pending": "待审核",
    "published": "招聘中",
    "rejected": "未通过",
    "closed": "已关闭",
    "filled": "已招满",
    "expired": "已过期",
}

INTEREST_STATUSES = ("已报名", "已联系", "已面试", "已录用", "未录用")
PUSH_SCOPES = {"district": "全区", "towns": "指定镇街", "villages": "指定村居"}


class Employer(SQLModel, table=True):
    """A registered employer (用工单位)."""

    __tablename__ = "employer"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, index=True)
    uscc: str = Field(max_length=18, unique=True)
    industry: str = Field(default="", max_length=60)
    size: str = Field(default="", max_length=20)
    town_code: str = Field(foreign_key="town.code", max_length=9, index=True)
    village_code: str | None = Field(default=None, foreign_key="village.code", max_length=12)
    address: str = Field(default="", max_length=200)
    contact_name: str = Field(max_length=40)
    contact_phone: str = Field(max_length=20)
    status: str = Field(default="pending", max_length=12, index=True)
    reject_reason: str = Field(default="", max_length=500)
    verified_at: datetime | None = aware_field()
    verified_by: int | None = Field(default=None, description="Staff user id (no FK: users reference employers)")
    is_demo: bool = False
    created_at: datetime = aware_field(now=True)
    updated_at: datetime = aware_field(now=True, index=True)


class Vacancy(SQLModel, table=True):
    """A job posting with structured fields."""

    __tablename__ = "vacancy"
    __table_args__ = (
        UniqueConstraint("employer_id", "source_ref"),
        # Public search: equality on status and town, newest first, and the facet columns so counting reads
        # only the index.
        Index("ix_vacancy_browse", "status", "town_code", "published_at", "valid_until", "employment_type",
              "occupation_code", "employer_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    employer_id: int = Field(foreign_key="employer.id", index=True)
    title: str = Field(max_length=80)
    occupation_code: str | None = Field(default=None, max_length=12, index=True)
    occupation_level: int | None = None
    occupation_confidence: float | None = None
    headcount: int = 1
    employment_type: str = Field(max_length=12, index=True)
    pay_kind: str = Field(max_length=4)
    pay_low: float | None = None
    pay_high: float | None = None
    pay_unit: str | None = Field(default=None, max_length=20)
    pay_monthly_min: float | None = Field(default=None, index=True)
    pay_monthly_max: float | None = None
    min_education: str = Field(default="不限", max_length=12)
    experience: str = Field(default="不限", max_length=40)
    age_min: int | None = None
    age_max: int | None = None
    skills: str = Field(default="", max_length=500)
    description: str = Field(default="", sa_type=Text)
    benefits: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    town_code: str = Field(foreign_key="town.code", max_length=9, index=True)
    village_code: str | None = Field(default=None, foreign_key="village.code", max_length=12, index=True)
    address: str = Field(default="", max_length=200)
    working_hours: str = Field(default="", max_length=100)
    valid_until: date
    push_scope: str = Field(default="district", max_length=10)
    push_codes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="draft", max_length=10, index=True)
    reject_reason: str = Field(default="", max_length=500)
    compliance_flags: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    search_text: str = Field(default="", sa_type=Text, description="Lower-cased title, skills and description")
    source_ref: str | None = Field(default=None, max_length=80)
    is_demo: bool = False
    published_at: datetime | None = aware_field(index=True)
    closed_at: datetime | None = aware_field()
    created_at: datetime = aware_field(now=True)
    updated_at: datetime = aware_field(now=True, index=True)


class VacancyBenefit(SQLModel, table=True):
    """One benefit tag of a vacancy, kept in its own table so facets count fast."""

    __tablename__ = "vacancy_benefit"

    vacancy_id: int = Field(foreign_key="vacancy.id", primary_key=True, ondelete="CASCADE")
    benefit: str = Field(primary_key=True, max_length=12, index=True)


class Interest(SQLModel, table=True):
    """A person's registration of interest (报名) in a vacancy and its outcome."""

    __tablename__ = "interest"
    __table_args__ = (UniqueConstraint("vacancy_id", "phone"),)

    id: int | None = Field(default=None, primary_key=True)
    vacancy_id: int = Field(foreign_key="vacancy.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    name: str = Field(max_length=40)
    phone: str = Field(max_length=11)
    village_code: str | None = Field(default=None, foreign_key="village.code", max_length=12)
    via: str = Field(default="self", max_length=16)
    registered_by: int | None = Field(default=None, foreign_key="app_user.id")
    status: str = Field(default="已报名", max_length=8)
    note: str = Field(default="", max_length=500)
    created_at: datetime = aware_field(now=True)
    updated_at: datetime = aware_field(now=True)
