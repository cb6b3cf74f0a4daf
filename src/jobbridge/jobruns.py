"""Records of scheduled job runs, written by the scheduler and read by staff and the CLI."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, Session, SQLModel, col, select

from jobbridge.db import aware_field, utcnow


class JobRun(SQLModel, table=True):
    """One run of a scheduled job: when, how it ended and what it counted."""

    __tablename__ = "job_run"

    id: int | None = Field(default=None, primary_key=True)
    job_id: str = Field(max_length=60, index=True)
    started_at: datetime = aware_field(now=True, index=True)
    finished_at: datetime | None = aware_field()
    outcome: str = Field(default="running", max_length=10)
    counts: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    error: str = Field(default="", sa_type=Text)
    runner: str = Field(default="", max_length=100)


def start_run(*, session: Session, job_id: str, runner: str) -> JobRun:
    """Record that a job has started."""
    run = JobRun(job_id=job_id, runner=runner)
    session.add(run)
    session.flush()
    return run


def finish_run(*, session: Session, run: JobRun, counts: dict | None = None, error: str = "") -> JobRun:
    """Record how a job run ended."""
    run.finished_at = utcnow()
    run.outcome = "error" if error else "ok"
    run.counts = dict(counts or {})
    run.error = error
    session.add(run)
    return run


def last_runs(*, session: Session) -> dict[str, JobRun]:
    """The most recent run of every job."""
    latest: dict[str, JobRun] = {}
    for run in session.exec(select(JobRun).order_by(col(JobRun.started_at).desc(), col(JobRun.id).desc())):
        latest.setdefault(run.job_id, run)
    return latest
