"""The database schema against the migrations: where they live and whether the database is
at their head. The app, the web layer and every command read it from here, so that none of
them imports another to ask."""

import sys
from pathlib import Path

import click

from voting.db import db

#: The Alembic scripts (``migrations/versions``), beside the package.
MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")


def schema_behind() -> str | None:
    """None when the database is at the migrations' head, else what differs."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    heads = set(ScriptDirectory(MIGRATIONS).get_heads())
    with db.engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    if current == heads:
        return None
    return f"database at {sorted(current) or 'empty'}, code at {sorted(heads)}"


def require_schema() -> None:
    """Commands that write stop (exit 2) with the fix to run when the schema is behind."""
    if behind := schema_behind():
        click.echo(
            f"The database schema is not current ({behind}). Run: voting db upgrade", err=True
        )
        sys.exit(2)
