"""Towns, villages and which towns border which."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from jobbridge.db import aware_field


class Town(SQLModel, table=True):
    """A town-level unit (镇 / 街道 / 办事处) with its NBS code."""

    __tablename__ = "town"

    code: str = Field(primary_key=True, max_length=9)
    name: str = Field(max_length=40, description="Display name: MCA 2025 where it exists, else NBS 2023")
    name_nbs: str = Field(max_length=40)
    name_mca: str | None = Field(default=None, max_length=40)
    kind: str = Field(max_length=8)
    sort_order: int = 0


class Village(SQLModel, table=True):
    """A village (村) or urban community (社区) with its 12-digit NBS code."""

    __tablename__ = "village"

    code: str = Field(primary_key=True, max_length=12)
    name: str = Field(max_length=60)
    short_name: str = Field(max_length=40)
    town_code: str = Field(foreign_key="town.code", index=True, max_length=9)
    kind: str = Field(max_length=4)


class TownAdjacency(SQLModel, table=True):
    """One unordered pair of bordering towns (stored with town_a < town_b)."""

    __tablename__ = "town_adjacency"

    town_a: str = Field(foreign_key="town.code", primary_key=True, max_length=9)
    town_b: str = Field(foreign_key="town.code", primary_key=True, max_length=9)
    source: str = Field(default="", max_length=500)
    updated_at: datetime = aware_field(now=True)
    updated_by: int | None = Field(default=None, description="Staff user id; no FK so reference data never cascades")
