"""Loading the reference data shipped in the package (divisions, occupations) into the database, idempotently."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib.resources import files

from sqlmodel import Session, select

from jobbridge.geo.models import Town, TownAdjacency, Village
from jobbridge.occupations.models import Occupation

DATA = files("jobbridge") / "data"


@dataclass
class SeedReport:
    """How many rows a seed run inserted or changed, per table."""

    inserted: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def bump(self, kind: str, table: str) -> None:
        """Count one inserted or updated row."""
        target = self.inserted if kind == "inserted" else self.updated
        target[table] = target.get(table, 0) + 1

    @property
    def changed(self) -> int:
        """Total rows inserted or updated."""
        return sum(self.inserted.values()) + sum(self.updated.values())


def _rows(relative: str) -> Iterator[dict[str, str]]:
    with (DATA / relative).open(encoding="utf-8") as fh:
        yield from csv.DictReader(fh)


def _upsert(*, session: Session, model: type, key: str | tuple[str, ...], values: dict, report: SeedReport) -> None:
    if isinstance(key, tuple):
        existing = session.exec(select(model).filter_by(**{k: values[k] for k in key})).first()
    else:
        existing = session.get(model, values[key])
    table = model.__tablename__
    if existing is None:
        session.add(model(**values))
        report.bump("inserted", table)
        return
    changed = False
    for name, value in values.items():
        if getattr(existing, name) != value:
            setattr(existing, name, value)
            changed = True
    if changed:
        session.add(existing)
        report.bump("updated", table)


def _town_kind(name: str) -> str:
    if name.endswith("街道"):
        return "街道"
    if name.endswith("镇"):
        return "镇"
    return "办事处"


def village_short_name(name: str) -> str:
    """A village's everyday name without the committee suffix (e.g. 西字城村委会 → 西字城村)."""
    for suffix, replacement in (
        ("社区居民委员会", "社区"),
        ("社区居委会", "社区"),
        ("居民委员会", "社区"),
        ("居委会", ""),
        ("村民委员会", "村"),
        ("村委会", "村"),
    ):
        if name.endswith(suffix):
            return name[: -len(suffix)] + replacement
    return name


def load_divisions(*, session: Session, report: SeedReport) -> None:
    """Load Wendeng's towns (NBS codes, MCA names where they differ) and villages."""
    mca = {row["code"]: row["name"] for row in _rows("divisions/wendeng_371003_towns_mca20251231.csv")}
    for order, row in enumerate(_rows("divisions/wendeng_371003_towns_nbs2023.csv")):
        name_mca = mca.get(row["code"])
        values = {
            "code": row["code"],
            "name": name_mca or row["name"],
            "name_nbs": row["name"],
            "name_mca": name_mca,
            "kind": _town_kind(row["name"]),
            "sort_order": order,
        }
        _upsert(session=session, model=Town, key="code", values=values, report=report)
    session.flush()
    for row in _rows("divisions/wendeng_371003_villages_nbs2023.csv"):
        short = village_short_name(row["name"])
        values = {
            "code": row["code"],
            "name": row["name"],
            "short_name": short,
            "town_code": row["streetCode"],
            "kind": "社区" if short.endswith("社区") or "居委会" in row["name"] else "村",
        }
        _upsert(session=session, model=Village, key="code", values=values, report=report)
    session.flush()


def load_adjacency(*, session: Session, report: SeedReport) -> None:
    """Seed the town adjacency table once; afterwards it belongs to staff, who may edit it."""
    path = DATA / "divisions/wendeng_town_adjacency.csv"
    if not path.is_file() or session.exec(select(TownAdjacency)).first() is not None:
        return
    for row in _rows("divisions/wendeng_town_adjacency.csv"):
        a, b = sorted((row["town_a"].strip(), row["town_b"].strip()))
        source = f"{row.get('evidence', '')} — {row.get('source', '')}".strip(" —")[:500]
        session.add(TownAdjacency(town_a=a, town_b=b, source=source))
        report.bump("inserted", "town_adjacency")
    session.flush()


def parent_code(code: str) -> str | None:
    """The code one level up (e.g. 6-18-02-04 → 6-18-02-00), or None for a 大类."""
    parts = code.split("-")
    for index in range(len(parts) - 1, 0, -1):
        if parts[index] != "00":
            parts[index] = "00"
            return "-".join(parts)
    return None


def load_occupations(*, session: Session, report: SeedReport) -> None:
    """Load all four levels of the 2022 occupational classification (exact duplicate rows in the source once)."""
    seen: set[tuple[str, str]] = set()
    for row in _rows("occupations/csco22.csv"):
        if (row["level"], row["code"]) in seen:
            continue
        seen.add((row["level"], row["code"]))
        name = row["name"].strip()
        aliases = [a.strip() for a in row["alias"].split(",") if a.strip()]
        values = {
            "code": row["code"],
            "level": int(row["level"]),
            "name": name,
            "parent_code": parent_code(row["code"]),
            "definition": row["definition"] or "",
            "tasks": row["tasks"] or "",
            "aliases": "|".join(a for a in aliases if a != name),
            "is_digital": name.endswith("S"),
            "is_green": name.endswith("L"),
        }
        _upsert(session=session, model=Occupation, key=("level", "code"), values=values, report=report)
    session.flush()


def load_reference_data(*, session: Session) -> SeedReport:
    """Load every reference table; a second run reports no changes."""
    report = SeedReport()
    load_divisions(session=session, report=report)
    load_adjacency(session=session, report=report)
    load_occupations(session=session, report=report)
    return report
