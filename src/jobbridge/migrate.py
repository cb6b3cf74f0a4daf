"""Applying and creating Alembic migrations without an alembic.ini."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(*, database_url: str | None = None) -> Config:
    """An Alembic config pointing at the packaged migrations."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if database_url:
        cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


def upgrade(*, database_url: str | None = None, revision: str = "head") -> None:
    """Bring the database schema up to a revision (the newest by default)."""
    command.upgrade(alembic_config(database_url=database_url), revision)


def current_heads() -> tuple[str, ...]:
    """Revision ids of the newest migrations shipped in the package."""
    from alembic.script import ScriptDirectory

    return tuple(ScriptDirectory.from_config(alembic_config()).get_heads())


def autogenerate(*, message: str, database_url: str) -> None:
    """Write a new revision from the difference between the models and an up-to-date database."""
    command.revision(alembic_config(database_url=database_url), message=message, autogenerate=True)
