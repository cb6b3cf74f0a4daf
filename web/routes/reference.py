"""Reference data readable by anyone: towns, villages, occupations."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import get
from sqlmodel import Session

from jobbridge.geo.service import list_towns, villages_of
from jobbridge.occupations.models import LEVEL_LABELS
from jobbridge.occupations.service import search_occupations


@dataclass
class TownOut:
    """A town with its village count."""

    code: str
    name: str
    name_nbs: str
    name_mca: str | None
    kind: str
    village_count: int


@dataclass
class VillageOut:
    """A village or community."""

    code: str
    name: str
    short_name: str
    kind: str
    town_code: str


@dataclass
class OccupationOut:
    """One class of the occupational classification."""

    code: str
    level: int
    level_label: str
    name: str
    parent_code: str | None
    definition: str
    aliases: list[str]


@dataclass
class OccupationPage:
    """A page of occupations with the total count."""

    total: int
    page: int
    page_size: int
    items: list[OccupationOut]


@get("/api/v1/towns", sync_to_thread=True, tags=["参考数据"])
def api_towns(db: Session) -> list[TownOut]:
    """The district's 16 town-level units, each with its number of villages."""
    return [
        TownOut(code=t.code, name=t.name, name_nbs=t.name_nbs, name_mca=t.name_mca, kind=t.kind, village_count=n)
        for t, n in list_towns(session=db)
    ]


@get("/api/v1/towns/{code:str}/villages", sync_to_thread=True, tags=["参考数据"])
def api_villages(db: Session, code: str) -> list[VillageOut]:
    """The villages and communities of one town."""
    return [
        VillageOut(code=v.code, name=v.name, short_name=v.short_name, kind=v.kind, town_code=v.town_code)
        for v in villages_of(session=db, town_code=code)
    ]


@get("/api/v1/occupations", sync_to_thread=True, tags=["参考数据"])
def api_occupations(
    db: Session, level: int | None = None, q: str | None = None, page: int = 1, page_size: int = 20
) -> OccupationPage:
    """Search the 2022 occupational classification by level and keyword, paginated."""
    total, rows = search_occupations(session=db, level=level, q=q, page=page, page_size=page_size)
    items = [
        OccupationOut(
            code=o.code, level=o.level, level_label=LEVEL_LABELS[o.level], name=o.name, parent_code=o.parent_code,
            definition=o.definition, aliases=[a for a in o.aliases.split("|") if a],
        )
        for o in rows
    ]
    return OccupationPage(total=total, page=page, page_size=page_size, items=items)


handlers = [api_towns, api_villages, api_occupations]
