"""The job table: id → trigger → domain function. Each job returns counts and must be idempotent."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlmodel import Session


@dataclass(frozen=True)
class JobSpec:
    """One scheduled job."""

    id: str
    description: str
    trigger: dict = field(default_factory=dict)
    func: Callable[[Session], dict] | None = None

    def trigger_text(self) -> str:
        """A readable form of the trigger."""
        kind = self.trigger.get("trigger", "cron")
        args = ", ".join(f"{k}={v}" for k, v in self.trigger.items() if k != "trigger")
        return f"{kind}({args})"


def _purge_expired(session: Session) -> dict:
    from jobbridge.accounts.kvstore import kv_purge_expired

    return {"purged": kv_purge_expired(engine=session.get_bind())}


def _expire_vacancies(session: Session) -> dict:
    from jobbridge.employers.lifecycle import expire_vacancies

    return {"expired": expire_vacancies(session=session)}


JOBS: tuple[JobSpec, ...] = (
    JobSpec(
        id="purge-expired-sessions",
        description="删除过期的登录会话和限流计数",
        trigger={"trigger": "interval", "minutes": 30},
        func=_purge_expired,
    ),
    JobSpec(
        id="expire-vacancies",
        description="把超过有效期的岗位下架",
        trigger={"trigger": "cron", "minute": "*/10"},
        func=_expire_vacancies,
    ),
)


def job_table() -> dict[str, JobSpec]:
    """Jobs by id."""
    return {job.id: job for job in JOBS}
