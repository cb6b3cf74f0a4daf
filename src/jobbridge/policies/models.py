"""The policy catalogue as data: one row per policy and one row per version of its content."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from jobbridge.db import aware_field

VERSION_ORIGINS = ("seed", "staff")


class Policy(SQLModel, table=True):
    """A policy's identity; its content lives in PolicyVersion and the highest version is the current one."""

    __tablename__ = "policy"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=60, unique=True)
    current_version: int = 1
    created_at: datetime = aware_field(now=True)
    updated_at: datetime = aware_field(now=True)


class PolicyVersion(SQLModel, table=True):
    """One immutable version of a policy; an edit adds a row, so every earlier text stays on record."""

    __tablename__ = "policy_version"
    __table_args__ = (UniqueConstraint("policy_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    policy_id: int = Field(foreign_key="policy.id", index=True)
    version: int
    name: str = Field(max_length=120)
    category: str = Field(max_length=20)
    beneficiary: str = Field(default="graduate", max_length=10)
    summary: str = Field(default="", sa_type=Text, description="Plain-language text of the policy")
    amount: str | None = Field(default=None, sa_type=Text)
    conditions: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    intents: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    priority_group: str = Field(default="其他", max_length=8)
    where_to_apply: str = Field(default="", max_length=300)
    how_to_apply: str | None = Field(default=None, sa_type=Text)
    materials: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    source: str | None = Field(default=None, sa_type=Text)
    confidence: str | None = Field(default=None, max_length=8)
    effective_from: date | None = None
    effective_to: date | None = None
    conditions_stated: bool = True
    condition_texts: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    source_note: str | None = Field(default=None, sa_type=Text)
    notes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    origin: str = Field(default="staff", max_length=8, description="seed (from the YAML files) or staff")
    change_note: str = Field(default="", max_length=300)
    edited_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = aware_field(now=True)
