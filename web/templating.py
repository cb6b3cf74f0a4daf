"""Jinja globals and filters shared by every template."""

from __future__ import annotations

from datetime import date, datetime

from litestar.plugins.jinja import JinjaTemplateEngine

from jobbridge.config import get_settings
from jobbridge.validation import mask_id_number, mask_phone
from jobbridge.vocab import ROLE_LABELS


def local_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Format a UTC timestamp in the centre's time zone."""
    if value is None:
        return ""
    return value.astimezone(get_settings().tz).strftime(fmt)


def chinese_date(value: date | datetime | None) -> str:
    """2026年12月3日."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(get_settings().tz).date()
    return f"{value.year}年{value.month}月{value.day}日"


def configure(engine: JinjaTemplateEngine) -> None:
    """Register filters and globals."""
    env = engine.engine
    env.filters.update(
        local_time=local_time, chinese_date=chinese_date, mask_phone=mask_phone, mask_id=mask_id_number
    )
    env.globals.update(role_labels=ROLE_LABELS, site_name="就业桥", centre_name="文登区人力资源公共服务中心")
