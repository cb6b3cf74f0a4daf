"""The 2022 national occupational classification (职业分类大典)."""

from __future__ import annotations

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

LEVEL_LABELS = {1: "大类", 2: "中类", 3: "小类", 4: "细类"}


class Occupation(SQLModel, table=True):
    """One class of the classification at any of its four levels."""

    __tablename__ = "occupation"
    # A 小类 without 细类 children is also listed as its own 细类 under the same code, so (level, code) is the key.
    __table_args__ = (UniqueConstraint("level", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=12, index=True)
    level: int = Field(index=True)
    name: str = Field(max_length=120, index=True)
    parent_code: str | None = Field(default=None, max_length=12, index=True)
    definition: str = Field(default="", sa_type=Text)
    tasks: str = Field(default="", sa_type=Text)
    aliases: str = Field(default="", sa_type=Text, description="Job-board titles, joined by '|'")
    is_digital: bool = False
    is_green: bool = False
