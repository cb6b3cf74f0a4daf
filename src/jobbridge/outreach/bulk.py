"""Bulk "insert unless it exists" for the tens of thousands of rows one push writes, fast on both databases."""

from __future__ import annotations

from sqlalchemy import Table, text
from sqlalchemy.dialects import sqlite
from sqlmodel import Session

_CHUNK = 5000


def insert_ignoring(session: Session, table: Table, rows: list[dict], *, conflict: list[str],
                    returning: list[str]) -> list[tuple]:
    """Insert rows (all with the same keys), skipping those that clash on `conflict`; returns the new rows' values.

    On PostgreSQL the rows travel as one array per column through unnest(): one statement per chunk instead of
    SQLAlchemy's many-row VALUES, several times faster for pushes to thousands of people.
    """
    if not rows:
        return []
    dialect = session.get_bind().dialect
    out: list[tuple] = []
    if dialect.name != "postgresql":
        statement = sqlite.insert(table).on_conflict_do_nothing(index_elements=conflict).returning(
            *(table.c[name] for name in returning))
        for start in range(0, len(rows), _CHUNK):
            out.extend(tuple(row) for row in session.execute(statement, rows[start:start + _CHUNK]).all())
        return out
    columns = list(rows[0])
    arrays = ", ".join(f"CAST(:{name} AS {table.c[name].type.compile(dialect=dialect)}[])" for name in columns)
    statement = text(
        f'INSERT INTO "{table.name}" ({", ".join(columns)}) SELECT * FROM unnest({arrays}) '
        f'ON CONFLICT ({", ".join(conflict)}) DO NOTHING RETURNING {", ".join(returning)}'
    )
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start:start + _CHUNK]
        params = {name: [row[name] for row in chunk] for name in columns}
        out.extend(tuple(row) for row in session.execute(statement, params).all())
    return out
