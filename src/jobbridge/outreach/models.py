"""The outbox (every message before any send) and the in-app inbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from jobbridge.db import aware_field

OUTBOX_STATES = ("queued", "sending", "sent", "failed", "dead")
OUTBOX_STATE_LABELS = {"queued": "排队中", "sending": "发送中", "sent": "已发送", "failed": "失败待重试", "dead": "已放弃"}
CHANNELS = ("inbox", "sms")


class OutboxMessage(SQLModel, table=True):
    """One message to one person on one channel; the dedupe key makes every logical message unique forever."""

    __tablename__ = "outbox_message"

    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(max_length=160, unique=True)
    channel: str = Field(default="inbox", max_length=8, index=True)
    kind: str = Field(max_length=30, index=True)
    phone: str | None = Field(default=None, max_length=11, index=True)
    user_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    subject: str = Field(default="", max_length=120)
    body: str = Field(sa_type=Text)
    link: str = Field(default="", max_length=300)
    vacancy_id: int | None = Field(default=None, index=True)
    village_code: str | None = Field(default=None, max_length=12)
    state: str = Field(default="queued", max_length=8, index=True)
    attempts: int = 0
    next_attempt_at: datetime = aware_field(now=True, index=True)
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_at: datetime | None = aware_field()
    last_error: str = Field(default="", max_length=500)
    created_at: datetime = aware_field(now=True)
    sent_at: datetime | None = aware_field()


class InboxItem(SQLModel, table=True):
    """A message delivered to the in-app inbox, found by account or by phone number."""

    __tablename__ = "inbox_item"

    id: int | None = Field(default=None, primary_key=True)
    outbox_id: int = Field(foreign_key="outbox_message.id", unique=True)
    user_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    phone: str | None = Field(default=None, max_length=11, index=True)
    subject: str = Field(default="", max_length=120)
    body: str = Field(sa_type=Text)
    link: str = Field(default="", max_length=300)
    created_at: datetime = aware_field(now=True)
    read_at: datetime | None = aware_field()
