"""A namespaced key-value table with expiry, shared by all web workers (sessions, rate limits)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from jobbridge.accounts.models import KVEntry
from jobbridge.db import utcnow

_table = KVEntry.__table__


def _insert_for(engine: Engine):  # noqa: ANN202
    return postgresql.insert(_table) if engine.dialect.name == "postgresql" else sqlite.insert(_table)


def kv_set(*, engine: Engine, namespace: str, key: str, value: bytes, expires_in: int | None) -> None:
    """Store a value, replacing any previous one."""
    expires = utcnow() + timedelta(seconds=expires_in) if expires_in else None
    stmt = _insert_for(engine).values(namespace=namespace, key=key, value=value, expires_at=expires)
    stmt = stmt.on_conflict_do_update(
        index_elements=["namespace", "key"], set_={"value": value, "expires_at": expires}
    )
    with engine.begin() as conn:
        conn.execute(stmt)


def kv_get(*, engine: Engine, namespace: str, key: str, renew_for: int | None = None) -> bytes | None:
    """Fetch a live value, optionally extending its expiry."""
    now = utcnow()
    where = (_table.c.namespace == namespace, _table.c.key == key)
    with engine.begin() as conn:
        if renew_for:
            # Write first: on SQLite a read that later upgrades to a write can fail with "database is locked".
            conn.execute(
                _table.update().where(*where, _table.c.expires_at > now)
                .values(expires_at=now + timedelta(seconds=renew_for))
            )
        row = conn.execute(select(_table.c.value, _table.c.expires_at).where(*where)).first()
        if row is None:
            return None
        expires = _aware(row.expires_at)
        if expires is not None and expires <= now:
            conn.execute(delete(_table).where(*where))
            return None
        return row.value


def kv_expires_in(*, engine: Engine, namespace: str, key: str) -> int | None:
    """Seconds until a value expires (None when absent or without expiry)."""
    with engine.begin() as conn:
        expires = conn.execute(
            select(_table.c.expires_at).where(_table.c.namespace == namespace, _table.c.key == key)
        ).scalar()
    expires = _aware(expires)
    return None if expires is None else max(0, int((expires - utcnow()).total_seconds()))


def kv_delete(*, engine: Engine, namespace: str, key: str | None = None) -> None:
    """Delete one key, or the whole namespace when no key is given."""
    stmt = delete(_table).where(_table.c.namespace == namespace)
    if key is not None:
        stmt = stmt.where(_table.c.key == key)
    with engine.begin() as conn:
        conn.execute(stmt)


def kv_purge_expired(*, engine: Engine) -> int:
    """Delete every expired entry; returns how many went."""
    with engine.begin() as conn:
        result = conn.execute(delete(_table).where(_table.c.expires_at <= utcnow()))
    return result.rowcount or 0


def _aware(value: datetime | None) -> datetime | None:
    # Core selects bypass the ORM type's result processing on some drivers; normalise here.
    if value is None:
        return None
    from datetime import UTC

    return value if value.tzinfo else value.replace(tzinfo=UTC)
