"""The review history of vacancies: who approved or rejected what, and what changed since the last approval."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, Session, SQLModel, col, select

from jobbridge.db import aware_field
from jobbridge.employers.models import Vacancy

REVIEW_ACTIONS = {"approved": "审核通过", "auto_approved": "自动通过", "rejected": "退回"}
# What staff compare between the approved version and the current one, in the order the form shows them.
FIELD_LABELS = {
    "title": "岗位名称", "occupation_code": "职业代码", "headcount": "招聘人数", "employment_type": "用工形式",
    "pay_kind": "薪酬方式", "pay_low": "薪酬下限", "pay_high": "薪酬上限", "pay_unit": "计件单位",
    "min_education": "最低学历", "experience": "工作经验", "age_min": "最低年龄", "age_max": "最高年龄",
    "skills": "技能要求", "description": "岗位描述", "benefits": "福利待遇", "town_code": "工作镇街",
    "village_code": "工作村居", "address": "工作地址", "working_hours": "工作时间", "valid_until": "有效期至",
    "push_scope": "推送范围", "push_codes": "推送目标",
}


class VacancyReview(SQLModel, table=True):
    """One review decision on a vacancy, with the approved content kept for later comparison."""

    __tablename__ = "vacancy_review"

    id: int | None = Field(default=None, primary_key=True)
    vacancy_id: int = Field(foreign_key="vacancy.id", index=True, ondelete="CASCADE")
    employer_id: int = Field(foreign_key="employer.id", index=True)
    action: str = Field(max_length=16)
    reason: str = Field(default="", max_length=500)
    snapshot: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    staff_id: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = aware_field(now=True, index=True)


def _plain(value):  # noqa: ANN001, ANN202
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return list(value)
    return value


def snapshot(vacancy: Vacancy) -> dict:
    """The fields staff review, as JSON-safe values."""
    return {name: _plain(getattr(vacancy, name)) for name in FIELD_LABELS}


def record_review(*, session: Session, vacancy: Vacancy, action: str, staff_id: int | None = None,
                  reason: str = "") -> VacancyReview:
    """Append a decision to the vacancy's history."""
    row = VacancyReview(vacancy_id=vacancy.id, employer_id=vacancy.employer_id, action=action, reason=reason[:500],
                        snapshot=snapshot(vacancy) if action != "rejected" else {}, staff_id=staff_id)
    session.add(row)
    return row


def review_history(*, session: Session, vacancy_id: int) -> list[VacancyReview]:
    """Every decision on one vacancy, newest first."""
    query = select(VacancyReview).where(VacancyReview.vacancy_id == vacancy_id).order_by(col(VacancyReview.id).desc())
    return list(session.exec(query))


def changes_since_approval(*, session: Session, vacancy: Vacancy) -> list[tuple[str, object, object]] | None:
    """(label, approved value, current value) for each changed field; None when never approved."""
    last = session.exec(
        select(VacancyReview).where(VacancyReview.vacancy_id == vacancy.id,
                                    col(VacancyReview.action).in_(("approved", "auto_approved")))
        .order_by(col(VacancyReview.id).desc())
    ).first()
    if last is None:
        return None
    now = snapshot(vacancy)
    return [(label, last.snapshot.get(name), now[name]) for name, label in FIELD_LABELS.items()
            if last.snapshot.get(name) != now[name]]


def rejected_since(*, session: Session, employer_id: int, since: datetime) -> bool:
    """Whether staff sent back any of the employer's vacancies since a moment."""
    query = select(VacancyReview.id).where(VacancyReview.employer_id == employer_id,
                                           VacancyReview.action == "rejected", col(VacancyReview.created_at) >= since)
    return session.exec(query).first() is not None
