"""The migrations build exactly the schema the models describe, and a database behind them
gets a clear message instead of a traceback."""

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from voting import create_app
from voting.db import db

MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_database_behind_the_migrations_gets_a_clear_message(tmp_path):
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.db'}"}
    )
    response = app.test_client().get("/login")
    assert response.status_code == 503
    assert "voting db upgrade" in response.get_data(as_text=True)
    result = app.test_cli_runner().invoke(args=["user", "token", "nobody"])
    assert result.exit_code == 2 and "voting db upgrade" in result.output


def test_migration_files_sort_in_the_order_they_run():
    """Revision ids are kept as first released (0006 runs before 0005 and 0003); the file
    names carry the running order so that reading the folder reads the history."""
    scripts = ScriptDirectory(MIGRATIONS)
    assert len(scripts.get_heads()) == 1
    running = [Path(s.path).name for s in reversed(list(scripts.walk_revisions()))]
    assert len(running) >= 7
    assert running == sorted(running)
    assert sorted(running) == sorted(p.name for p in (Path(MIGRATIONS) / "versions").glob("*.py"))
