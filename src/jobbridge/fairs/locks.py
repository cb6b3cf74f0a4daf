"""Serialising writers: a row lock on the fair (PostgreSQL) or SQLite's single write lock taken up front."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, select

from jobbridge.errors import NotFound
from jobbridge.fairs.models import Fair


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def write_lock(*, session: Session) -> None:
    """On SQLite, take the database write lock now so later reads and writes cannot go stale.

    A deferred SQLite transaction that reads first and writes later fails at once (no busy wait) when another
    writer committed in between; writing first makes it queue behind the other writer instead. PostgreSQL
    needs nothing here: callers there rely on row locks and unique keys.
    """
    if _dialect(session) == "sqlite":
        # An UPDATE matching no row still takes SQLite's RESERVED lock for the transaction.
        session.execute(update(Fair.__table__).where(Fair.__table__.c.id == -1).values(lock_ticks=0))


def lock_fair(*, session: Session, fair_id: int) -> Fair:
    """Lock one fair for the rest of the transaction and return it freshly read; call it first."""
    if _dialect(session) == "postgresql":
        query = select(Fair).where(Fair.id == fair_id).with_for_update()
    else:
        table = Fair.__table__
        session.execute(update(table).where(table.c.id == fair_id).values(lock_ticks=table.c.lock_ticks))
        query = select(Fair).where(Fair.id == fair_id)
    fair = session.exec(query.execution_options(populate_existing=True)).first()
    if fair is None:
        raise NotFound("没有找到该招聘会", code="fair.not_found")
    return fair
