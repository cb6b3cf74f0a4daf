"""Outreach tables: the outbox and inbox, subscriptions, village feeds, push receipts, reach and notices."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from jobbridge.db import aware_field

OUTBOX_STATES = ("queued", "sending", "sent", "failed", "dead", "cancelled")
OUTBOX_STATE_LABELS = {"queued": "排队中", "sending": "发送中", "sent": "已发送", "failed": "失败待重试",
                       "dead": "已放弃", "cancelled": "已取消"}
CHANNELS = ("inbox", "sms")
REGISTERED_VIA = {"self": "本人订阅", "coordinator": "协理员代办", "staff": "窗口代办", "api": "接口登记"}


class OutboxMessage(SQLModel, table=True):
    """One message to one person on one channel; the dedupe key makes every logical message unique forever."""

    __tablename__ = "outbox_message"
    # Few indexes on purpose: a push writes tens of thousands of rows; claims use (state, next_attempt_at).
    __table_args__ = (Index("ix_outbox_due", "state", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(max_length=160, unique=True)
    channel: str = Field(default="inbox", max_length=8)
    kind: str = Field(max_length=30)
    phone: str | None = Field(default=None, max_length=11, index=True)
    user_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    subject: str = Field(default="", max_length=120)
    body: str = Field(sa_type=Text)
    link: str = Field(default="", max_length=300)
    vacancy_id: int | None = None
    village_code: str | None = Field(default=None, max_length=12)
    state: str = Field(default="queued", max_length=10)
    attempts: int = 0
    next_attempt_at: datetime = aware_field(now=True)
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


class Subscription(SQLModel, table=True):
    """A person's consent to hear of one village's vacancies, with simple preferences (one per phone)."""

    __tablename__ = "outreach_subscription"

    id: int | None = Field(default=None, primary_key=True)
    phone: str = Field(max_length=11, unique=True)
    person_key: str = Field(max_length=32, unique=True, description="Keyed hash of the phone; outlives deletion")
    name: str = Field(default="", max_length=40)
    village_code: str = Field(foreign_key="village.code", max_length=12, index=True)
    travel_range: str = Field(default="本镇", max_length=4)
    employment_types: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    work_kinds: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    pay_floor: float | None = None
    user_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    consent_at: datetime = aware_field(now=True)
    consent_version: str = Field(default="", max_length=20)
    consent_method: str = Field(default="网页勾选", max_length=20)
    registered_via: str = Field(default="self", max_length=12)
    registered_by: int | None = Field(default=None, foreign_key="app_user.id")
    unanswered: int = 0
    last_response_at: datetime | None = aware_field()
    created_at: datetime = aware_field(now=True)
    updated_at: datetime = aware_field(now=True)


class VillageFeed(SQLModel, table=True):
    """A vacancy listed in one village's feed, with how near it is (0 same village … 3 elsewhere in the district)."""

    __tablename__ = "village_feed"
    __table_args__ = (UniqueConstraint("village_code", "vacancy_id", name="uq_village_feed"),
                      Index("ix_village_feed_order", "village_code", "distance"))

    id: int | None = Field(default=None, primary_key=True)
    village_code: str = Field(foreign_key="village.code", max_length=12)
    vacancy_id: int = Field(foreign_key="vacancy.id", index=True, ondelete="CASCADE")
    distance: int = 3
    added_at: datetime = aware_field(now=True, index=True)


class VacancyPush(SQLModel, table=True):
    """The marker that a vacancy was pushed (claimed once by whichever run inserts it) and what it did."""

    __tablename__ = "vacancy_push"

    vacancy_id: int = Field(foreign_key="vacancy.id", primary_key=True, ondelete="CASCADE",
                            sa_column_kwargs={"autoincrement": False})
    pushed_at: datetime = aware_field(now=True, index=True)
    feed_villages: int = 0
    candidates: int = 0
    messages: int = 0
    digested: int = 0
    note: str = Field(default="", max_length=200)


class PushReceipt(SQLModel, table=True):
    """That one person was told (or will be, in a digest) of one vacancy: at most once ever per person."""

    __tablename__ = "push_receipt"
    __table_args__ = (UniqueConstraint("person_key", "vacancy_id", name="uq_push_receipt"),
                      Index("ix_push_receipt_day", "day", "mode"),
                      Index("ix_push_receipt_digest", "mode", "digest_due_at"))

    id: int | None = Field(default=None, primary_key=True)
    person_key: str = Field(max_length=32)
    vacancy_id: int = Field(foreign_key="vacancy.id", index=True, ondelete="CASCADE")
    village_code: str = Field(max_length=12)
    mode: str = Field(default="message", max_length=8, description="message | digest | dropped")
    day: date = Field(description="Local day the message counts against, or the digest period's first day")
    digest_due_at: datetime | None = aware_field()
    message_key: str | None = Field(default=None, max_length=160)
    created_at: datetime = aware_field(now=True, index=True)
    opened_at: datetime | None = aware_field()


class ReachEvent(SQLModel, table=True):
    """A response to outreach: a message link or a printed QR code opened."""

    __tablename__ = "reach_event"

    id: int | None = Field(default=None, primary_key=True)
    vacancy_id: int | None = Field(default=None, foreign_key="vacancy.id", index=True, ondelete="CASCADE")
    village_code: str | None = Field(default=None, max_length=12, index=True)
    kind: str = Field(default="open", max_length=10)
    source: str = Field(max_length=10, description="sms | inbox | digest | qr | poster")
    person_key: str | None = Field(default=None, max_length=32)
    at: datetime = aware_field(now=True, index=True)


class AccessCode(SQLModel, table=True):
    """A one-time code sent to a phone so its owner may see and delete what is held about them."""

    __tablename__ = "access_code"

    id: int | None = Field(default=None, primary_key=True)
    person_key: str = Field(max_length=32, index=True)
    code_hash: str = Field(max_length=64)
    created_at: datetime = aware_field(now=True)
    expires_at: datetime = aware_field(nullable=False)
    attempts: int = 0
    used_at: datetime | None = aware_field()


class BulletinBatch(SQLModel, table=True):
    """One weekly run producing every village's bulletin, with progress for the staff page."""

    __tablename__ = "bulletin_batch"

    id: int | None = Field(default=None, primary_key=True)
    week_start: date = Field(unique=True)
    state: str = Field(default="running", max_length=10)
    total: int = 0
    done: int = 0
    started_at: datetime = aware_field(now=True)
    finished_at: datetime | None = aware_field()
    started_by: int | None = Field(default=None, foreign_key="app_user.id")


class VillageBulletin(SQLModel, table=True):
    """The vacancies chosen for one village's weekly notice-board bulletin."""

    __tablename__ = "village_bulletin"
    __table_args__ = (UniqueConstraint("village_code", "week_start", name="uq_village_bulletin"),)

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int | None = Field(default=None, foreign_key="bulletin_batch.id", index=True)
    village_code: str = Field(foreign_key="village.code", max_length=12)
    week_start: date = Field(index=True)
    vacancy_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = aware_field(now=True)
