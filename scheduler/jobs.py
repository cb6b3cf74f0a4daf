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


def _purge_vacancy_imports(session: Session) -> dict:
    from jobbridge.employers.imports import purge_imports

    return {"purged": purge_imports(session=session)}


def _notify_graduate_matches(session: Session) -> dict:
    from jobbridge.graduates.matches import notify_new_matches

    return notify_new_matches(session=session)


def _schedule_monthly_fairs(session: Session) -> dict:
    from jobbridge.fairs.monthly import schedule_monthly_fairs

    return schedule_monthly_fairs(session=session)


def _advance_fair_states(session: Session) -> dict:
    from jobbridge.fairs.service import advance_states

    return advance_states(session=session)


def _send_fair_reminders(session: Session) -> dict:
    from jobbridge.fairs.reminders import send_fair_reminders

    return send_fair_reminders(session=session)


def _push_vacancies(session: Session) -> dict:
    from jobbridge.outreach.targeting import run_push

    # Each vacancy is pushed in its own short transaction on the same engine.
    return run_push(engine=session.get_bind())


def _deliver_outbox(session: Session) -> dict:
    from jobbridge.outreach.delivery import deliver_due

    # Claims commit before sending and each outcome commits alone, so the job opens its own sessions.
    return deliver_due(engine=session.get_bind())


def _weekly_village_bulletins(session: Session) -> dict:
    from jobbridge.outreach.notices import run_bulletin_batch

    return run_bulletin_batch(engine=session.get_bind())


def _rebuild_match_index(session: Session) -> dict:
    from jobbridge.matching.service import rebuild_match_index

    return rebuild_match_index(session=session)


def _refit_match_weights(session: Session) -> dict:
    from jobbridge.matching.outcomes import refit_match_weights

    return refit_match_weights(session=session)


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
    JobSpec(
        id="purge-vacancy-imports",
        description="删除超过24小时未确认的岗位导入文件",
        trigger={"trigger": "cron", "hour": 3, "minute": 20},
        func=_purge_vacancy_imports,
    ),
    JobSpec(
        id="notify-graduate-matches",
        description="向订阅的高校毕业生推送新匹配的岗位（每个岗位每人最多一次）",
        trigger={"trigger": "cron", "hour": 9, "minute": 15},
        func=_notify_graduate_matches,
    ),
    JobSpec(
        id="schedule-monthly-fairs",
        description="按规则提前3个月安排每月最后一个星期三的综合招聘会，并按放假安排复核日期",
        trigger={"trigger": "cron", "hour": 1, "minute": 5},
        func=_schedule_monthly_fairs,
    ),
    JobSpec(
        id="update-fair-states",
        description="按日期开放、截止招聘会展位预订，标记已举办和归档",
        trigger={"trigger": "cron", "hour": 0, "minute": 10},
        func=_advance_fair_states,
    ),
    JobSpec(
        id="send-fair-reminders",
        description="招聘会前3天和前1天提醒参会单位和报名求职者（每人每次只发一次）",
        trigger={"trigger": "cron", "hour": 9, "minute": 0},
        func=_send_fair_reminders,
    ),
    JobSpec(
        id="push-vacancies",
        description="把新发布的岗位推送到村居信息栏，并按意向通知订阅的村民",
        trigger={"trigger": "interval", "minutes": 5},
        func=_push_vacancies,
    ),
    JobSpec(
        id="deliver-outbox",
        description="发送待发消息（站内信、短信），失败的按间隔重试",
        trigger={"trigger": "interval", "minutes": 1},
        func=_deliver_outbox,
    ),
    JobSpec(
        id="weekly-village-bulletins",
        description="每周一生成各村招聘信息周报（可打印张贴）",
        trigger={"trigger": "cron", "day_of_week": "mon", "hour": 7, "minute": 0},
        func=_weekly_village_bulletins,
    ),
    JobSpec(
        id="rebuild-match-index",
        description="重建岗位匹配索引并保存新版本（各服务进程自动换用）",
        trigger={"trigger": "cron", "hour": 2, "minute": 30},
        func=_rebuild_match_index,
    ),
    JobSpec(
        id="refit-match-weights",
        description="根据浏览、报名、不感兴趣和录用记录重新学习匹配权重（只有在留出数据上更好时才采用）",
        trigger={"trigger": "cron", "day_of_week": "sun", "hour": 3, "minute": 40},
        func=_refit_match_weights,
    ),
)


def job_table() -> dict[str, JobSpec]:
    """Jobs by id."""
    return {job.id: job for job in JOBS}
