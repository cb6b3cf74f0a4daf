#!/usr/bin/env bash
# Regenerate the initial migration from the models (only while no release has shipped it).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
rm -f src/jobbridge/migrations/versions/0001_*.py
JOBBRIDGE_DATABASE_URL="sqlite:///$tmp/gen.sqlite3" .venv/bin/python - <<PY
from alembic import command
from jobbridge.migrate import alembic_config
command.revision(alembic_config(database_url="sqlite:///$tmp/gen.sqlite3"), message="initial schema",
                 autogenerate=True, rev_id="0001")
PY
rm -rf "$tmp"
