"""Matching tables: jobseeker profiles, persisted index artifacts, adopted weights, outcome events, comparisons."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Index, LargeBinary, Text, event
from sqlalchemy.orm import Session
from sqlmodel import Field, SQLModel

from jobbridge.db import aware_field
from jobbridge.employers.models import Interest

EVENT_KINDS = ("view", "interest", "dismiss", "hire")
EVENT_LABELS = {"view": "浏览", "interest": "报名", "dismiss": "不感兴趣", "hire": "录用"}


class JobseekerProfile(SQLModel, table=True):
    """What a jobseeker wants and can do, kept by the person or by a village coordinator on their behalf."""

    __tablename__ = "jobseeker_profile"

    id: int | None = Field(default=None, primary_key=True)
    # A villager registered by a coordinator may have no account: then the phone identifies them.
    user_id: int | None = Field(default=None, foreign_key="app_user.id", unique=True)
    phone: str | None = Field(default=None, max_length=11, unique=True)
    name: str = Field(default="", max_length=40)
    village_code: str | None = Field(default=None, foreign_key="village.code", max_length=12, index=True)
    town_code: str | None = Field(default=None, foreign_key="town.code", max_length=9, index=True)
    birth_year: int | None = None
    education: str | None = Field(default=None, max_length=12)
    wanted_work: str = Field(default="", max_length=200, description="Kinds of work wanted, in their own words")
    occupation_codes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    skills: str = Field(default="", max_length=500)
    experience: str = Field(default="", sa_type=Text)
    pay_expectation: int | None = Field(default=None, description="Monthly yuan")
    employment_types: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    travel_range: str | None = Field(default=None, max_length=4)
    consent_at: datetime | None = aware_field()
    consent_by: str | None = Field(default=None, max_length=12, description="self or coordinator")
    consent_by_user_id: int | None = Field(default=None, foreign_key="app_user.id")
    updated_by: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = aware_field(now=True)
    updated_at: datetime = aware_field(now=True)


class MatchArtifact(SQLModel, table=True):
    """A persisted, versioned match index every web worker loads (the newest few are kept)."""

    __tablename__ = "match_artifact"

    id: int | None = Field(default=None, primary_key=True)
    version: str = Field(max_length=64)
    doc_count: int = 0
    size_bytes: int = 0
    weights: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # Vacancy changes up to this time are in the artifact; workers replay later ones on top.
    data_through: datetime | None = aware_field()
    # updated_at of recently changed vacancies/employers already in the artifact (their replay is skipped).
    stamps: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = aware_field(now=True)


class MatchWeightSet(SQLModel, table=True):
    """Signal weights adopted for ranking (the newest row wins; none means the hand-set defaults)."""

    __tablename__ = "match_weight_set"

    id: int | None = Field(default=None, primary_key=True)
    weights: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    source: str = Field(default="learned", max_length=20)
    comparison_id: int | None = Field(default=None, foreign_key="match_weight_comparison.id")
    created_at: datetime = aware_field(now=True)


class MatchEvent(SQLModel, table=True):
    """One outcome (view, interest, dismissal, hire) with the ranking signals of the pair at that moment."""

    __tablename__ = "match_event"
    __table_args__ = (Index("ix_match_event_person", "person_key", "vacancy_id"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=10, index=True)
    vacancy_id: int = Field(foreign_key="vacancy.id", index=True)
    person_key: str = Field(max_length=24, description="u:<user id> or p:<profile id>")
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    profile_id: int | None = Field(default=None, foreign_key="jobseeker_profile.id")
    signals: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    score: float | None = None
    index_version: str = Field(default="", max_length=64)
    created_at: datetime = aware_field(now=True, index=True)


class MatchWeightComparison(SQLModel, table=True):
    """One comparison of learned against current weights on held-out outcomes (kept for staff to review)."""

    __tablename__ = "match_weight_comparison"

    id: int | None = Field(default=None, primary_key=True)
    metric: str = Field(max_length=12)
    current_score: float | None = None
    candidate_score: float | None = None
    n_train: int = 0
    n_held_out: int = 0
    adopted: bool = False
    current_weights: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    candidate_weights: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    note: str = Field(default="", max_length=300)
    created_at: datetime = aware_field(now=True, index=True)


@event.listens_for(Session, "before_flush")
def _learn_from_interests(session: Session, _context: object, _instances: object) -> None:
    """Interest and hires are recorded wherever they happen (web, API, coordinator, staff) as outcome events."""
    if any(isinstance(o, Interest) for o in session.new) or any(isinstance(o, Interest) for o in session.dirty):
        from jobbridge.matching.outcomes import capture_interest_outcomes

        capture_interest_outcomes(session)
