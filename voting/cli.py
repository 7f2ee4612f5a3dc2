"""``voting`` subcommands for operators' scripts (FORMATS.md §8)."""

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from voting.db import db
from voting.schema import require_schema


def register(app: Flask) -> None:
    """Add the command groups to the app's CLI."""
    app.cli.add_command(user_group)
    app.cli.add_command(audit_group)
    app.cli.add_command(demo_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(worker_command)
    from voting.results.cli import keys_group

    app.cli.add_command(keys_group)


@click.group("user", cls=AppGroup)
def user_group():
    """Staff accounts."""


@user_group.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(["admin", "office", "committee"]), required=True)
@click.option("--office", "office_id", type=int, help="office id, for --role office")
@click.option("--community", "community_id", type=int, help="community id, for --role committee")
@click.option("--password-stdin", is_flag=True, help="read the password from standard input")
@click.option("--name", "display_name", default="", help="name shown in the interface")
def user_add(username, role, office_id, community_id, password_stdin, display_name):
    """Create a staff user."""
    from voting.auth.services import AccountError, add_user

    require_schema()
    password = _read_password(password_stdin)
    try:
        user = add_user(username, password, role, office_id=office_id,
                        community_id=community_id, display_name=display_name)  # fmt: skip
    except AccountError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"created {user.role} user {user.username} (id {user.id})")


@user_group.command("password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="read the password from standard input")
def user_password(username, password_stdin):
    """Give a staff user a new password (logged, never the password)."""
    from voting.auth.models import User
    from voting.auth.services import AccountError, reset_password

    require_schema()
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"no user {username}")
    password = _read_password(password_stdin)
    try:
        reset_password(user, password)
    except AccountError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"new password set for {user.username}")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@user_group.command("token")
@click.argument("username")
@click.option("--label", default="cli", help="what the token is for")
def user_token(username, label):
    """Print a new API bearer token for the user (last line)."""
    from voting.auth.models import User
    from voting.auth.services import issue_token

    require_schema()
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"no user {username}")
    token = issue_token(user, label)
    db.session.commit()
    click.echo(token)


@click.group("audit", cls=AppGroup)
def audit_group():
    """The audit log."""


@audit_group.command("verify")
@click.argument("community_id", type=int)
@with_appcontext
def audit_verify(community_id):
    """Check the live audit chain of a community."""
    from voting.audit.services import chain_events, chain_name, verify_live_chain
    from voting.rosters.models import Community

    require_schema()
    if db.session.get(Community, community_id) is None:
        raise click.ClickException(f"no community {community_id}")
    name = chain_name(community_id)
    problems = verify_live_chain(name)
    if problems:
        click.echo(f"MISMATCH: {problems[0]}")
        sys.exit(1)
    count = len(chain_events(name))
    click.echo(f"ok  audit chain {name}: {count} events, every hash and link checked")


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(target):
    """Copy the database to TARGET (SQLite: online backup; PostgreSQL: pg_dump)."""
    from voting.operations import BackupError, backup_database

    try:
        click.echo(backup_database(target))
    except BackupError as error:
        raise click.ClickException(str(error)) from None


@click.command("demo")
@with_appcontext
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@click.option("--no-serve", is_flag=True, help="seed only, do not start the server")
def demo_command(host, port, no_serve):
    """Migrate, seed what the demo lacks (any number of times) and serve it."""
    from pathlib import Path

    from flask_migrate import upgrade

    from voting.demo import DEMO_USERS, seed_demo

    upgrade(directory=current_app.extensions["migrate"].directory)
    report = seed_demo(Path(current_app.config["INSTANCE_PATH"]) / "demo")
    db.session.commit()
    base = f"http://{host}:{port}"
    click.echo("Demo data: " + ("; ".join(report.created) if report.created else "all present."))
    click.echo(f"\nVote as a resident ({report.resident}), no account needed:")
    click.echo(f"  {base}{report.ballot_path}")
    click.echo(f"  (their QR letter's link: {base}{report.link_path})")
    click.echo("\nA closed meeting, its result published and countersigned:")
    click.echo(f"  {base}/public/meetings/{report.closed_meeting_id}")
    click.echo("  check it offline:")
    click.echo(f"  {report.verify_command()}")
    click.echo(f"\nStaff: open {base}/login and sign in as:")
    for username, password, what in DEMO_USERS:
        click.echo(f"  {username:<12} {password:<22} {what}")
    if not no_serve:
        from werkzeug.serving import run_simple

        from voting.messages.worker import start_in_thread

        app = current_app._get_current_object()
        # Messages to owners' phones are sent by the worker, here in a thread of the demo;
        # with no provider configured they are printed (console).
        start_in_thread(app)
        # Flask's app.run() refuses to start inside a CLI command; serve the app directly.
        run_simple(host, port, app, threaded=True)


@click.command("worker")
@with_appcontext
@click.option("--once", is_flag=True, help="send what is due now, then stop")
@click.option("--interval", default=2.0, type=float, help="seconds between rounds")
def worker_command(once, interval):
    """Send queued messages to owners' phones (VOTING_SMS_PROVIDER), retrying refusals."""
    import threading

    from voting.messages.providers import make_provider
    from voting.messages.worker import deliver_due, run_worker

    require_schema()
    try:
        provider = make_provider(current_app.config)
    except (ImportError, ValueError) as error:
        raise click.ClickException(f"the SMS provider cannot start: {error}") from None
    if once:
        sent = deliver_due(provider)
        click.echo(f"sent {sent} message(s)")
        return
    click.echo(f"sending messages through {provider.name}; Ctrl-C stops")
    stop = threading.Event()
    try:
        run_worker(current_app._get_current_object(), stop, interval)
    except KeyboardInterrupt:
        stop.set()
