"""Alembic environment: runs migrations against the configured engine."""

from __future__ import annotations

from alembic import context

import jobbridge.models  # noqa: F401 - registers every table
from jobbridge.db import get_engine, make_engine
from jobbridge.models import metadata

config = context.config


def run_migrations() -> None:
    """Run migrations online with the app's engine (SQLite pragmas included)."""
    url = config.get_main_option("sqlalchemy.url")
    engine = make_engine(url) if url else get_engine()
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations()
