"""Users, roles, API tokens, audit log and the shared key-value store behind sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from jobbridge.db import aware_field


class User(SQLModel, table=True):
    """An account; people registered on someone's behalf may have no password."""

    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    username: str | None = Field(default=None, max_length=40, unique=True)
    phone: str | None = Field(default=None, max_length=11, unique=True)
    name: str = Field(max_length=40)
    role: str = Field(max_length=16, index=True)
    password_hash: str | None = Field(default=None, max_length=200)
    employer_id: int | None = Field(default=None, foreign_key="employer.id", index=True)
    window: str | None = Field(default=None, max_length=20, description="Service window, for staff")
    office_phone: str | None = Field(default=None, max_length=20)
    is_active: bool = True
    is_demo: bool = False
    created_at: datetime = aware_field(now=True)
    last_login_at: datetime | None = aware_field()


class CoordinatorArea(SQLModel, table=True):
    """A village or a whole town a coordinator looks after."""

    __tablename__ = "coordinator_area"
    __table_args__ = (UniqueConstraint("user_id", "town_code", "village_code"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    town_code: str | None = Field(default=None, foreign_key="town.code", max_length=9)
    village_code: str | None = Field(default=None, foreign_key="village.code", max_length=12)


class ApiToken(SQLModel, table=True):
    """A bearer token for API clients; only its hash is stored."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    created_at: datetime = aware_field(now=True)
    expires_at: datetime = aware_field(nullable=False)


class AuditLog(SQLModel, table=True):
    """Who read or changed whose personal data, and when."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = aware_field(now=True, index=True)
    actor_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    actor_role: str = Field(default="", max_length=16)
    action: str = Field(max_length=40)
    subject_type: str = Field(max_length=40, index=True)
    subject_id: str = Field(max_length=40)
    detail: str = Field(default="", sa_type=Text)


class KVEntry(SQLModel, table=True):
    """A namespaced, expiring blob: server-side web sessions and rate-limit counters shared by all workers."""

    __tablename__ = "kv_entry"

    namespace: str = Field(primary_key=True, max_length=32)
    key: str = Field(primary_key=True, max_length=200)
    value: bytes = Field(sa_type=LargeBinary)
    expires_at: datetime | None = aware_field(index=True)
