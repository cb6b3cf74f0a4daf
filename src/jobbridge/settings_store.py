"""Switches staff can flip at run time (e.g. auto-approval), stored in the database."""

from __future__ import annotations

from sqlmodel import Field, Session, SQLModel

DEFAULTS = {"auto_approve_verified_employers": "0"}


class AppSetting(SQLModel, table=True):
    """One named switch or value."""

    __tablename__ = "app_setting"

    key: str = Field(primary_key=True, max_length=60)
    value: str = Field(default="", max_length=500)


def get_flag(*, session: Session, key: str) -> bool:
    """A boolean switch."""
    row = session.get(AppSetting, key)
    return (row.value if row else DEFAULTS.get(key, "0")) == "1"


def set_flag(*, session: Session, key: str, on: bool) -> None:
    """Flip a boolean switch."""
    row = session.get(AppSetting, key) or AppSetting(key=key)
    row.value = "1" if on else "0"
    session.add(row)
