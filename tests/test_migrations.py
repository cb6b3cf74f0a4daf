"""Migrations and models describe the same schema."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from jobbridge.models import metadata


def test_migrated_schema_matches_the_models(engine):
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), metadata)
    assert diff == [], f"run scripts/regen_initial_migration.sh: {diff}"
