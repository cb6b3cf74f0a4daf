"""Helpers shared by the fair pages: form values, notices after redirects, labels for templates."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from litestar.enums import RequestEncodingType
from litestar.params import Body
from sqlmodel import Session

from jobbridge.fairs.calendar import POLICY_LABELS
from jobbridge.fairs.listing import days_until
from jobbridge.fairs.models import BOOKING_STATUSES, FAIR_KINDS, FAIR_STATUSES, THEMES, Fair
from jobbridge.fairs.service import when_text

FormBody = Annotated[dict, Body(media_type=RequestEncodingType.URL_ENCODED)]

# Messages shown after a redirect (?done=key), so a reload never repeats an action.
NOTICES = {
    "booked": "展位申请已提交。",
    "waitlisted": "展位已满，已为您登记候补，有空位时会按先后顺序通知您。",
    "cancelled": "已取消展位预订。",
    "outcome": "招聘成效已保存，谢谢！",
    "created": "招聘会已创建。",
    "saved": "已保存。",
    "status": "招聘会状态已更新。",
    "fair_cancelled": "招聘会已取消，已通知所有预订单位和报名求职者。",
    "approved": "已确认该展位。",
    "refused": "已退回该展位申请，已通知单位；空出的展位已按候补顺序递补。",
    "moved": "展位号已调整，已通知相关单位。",
    "booth_cancelled": "已取消该展位，空出的展位已按候补顺序递补。",
    "walkins": "已记录现场来访人数。",
    "holidays": "放假安排已保存，招聘会日期已按新安排复核。",
}


@contextmanager
def settle(db: Session) -> Iterator[None]:
    """Commit (or roll back) inside the handler's own worker thread, so no lock outlives the handler.

    Litestar runs sync handlers and the cleanup of the `db` dependency (its commit) in the event loop's default
    executor, only cpu+4 workers. A request that returned still holding the fair's row lock would need a free
    worker to commit; with every worker waiting for that very lock, none ever frees up and all requests hang.
    """
    try:
        yield
    except BaseException:
        db.rollback()
        raise
    db.commit()


def form_text(form: dict[str, Any], key: str) -> str:
    """One text value of a URL-encoded form (the last one when a key repeats)."""
    value = form.get(key, "")
    if isinstance(value, list):
        value = value[-1] if value else ""
    return str(value or "")


def form_list(form: dict[str, Any], key: str) -> list[str]:
    """Every value of a repeated key; Litestar gives a list only when the key repeats."""
    value = form.get(key)
    if value is None or value == "":
        return []
    return [str(v) for v in value if v] if isinstance(value, list) else [str(value)]


def int_list(values: list[str]) -> list[int]:
    """The integers among form values (anything else is dropped: it cannot name a row)."""
    return [int(v) for v in values if v.strip().isdigit()]


def labels() -> dict[str, Any]:
    """Vocabulary and helpers every fair template may use."""
    return {
        "kinds": FAIR_KINDS, "statuses": FAIR_STATUSES, "booking_statuses": BOOKING_STATUSES, "themes": THEMES,
        "policies": POLICY_LABELS, "when": when_text, "days_until": days_until,
    }


def fair_tag(fair: Fair) -> str:
    """The kind of a fair, with the theme for themed ones."""
    if fair.kind == "themed" and fair.theme:
        return f"{fair.theme}专场"
    return FAIR_KINDS.get(fair.kind, fair.kind)
