"""``voting keys``: make, rotate and list the signing keys of committees and offices."""

import click
from flask.cli import AppGroup

from voting.db import db
from voting.results.keys import create_signing_key, key_rows
from voting.rosters.models import Community, Office
from voting.schema import require_schema

keys_group = AppGroup(
    "keys", help="Signing keys of committees and offices (private keys never leave the server)."
)


@keys_group.command("new")
@click.option("--community", "community_id", type=int, help="make the committee's key")
@click.option("--office", "office_id", type=int, help="make the street office's key")
def keys_new(community_id, office_id):
    """Make a signing key, or rotate it: the old key is retired and kept for old results."""
    require_schema()
    if (community_id is None) == (office_id is None):
        raise click.UsageError("give exactly one of --community ID or --office ID")
    owner_type = Community if community_id is not None else Office
    owner = db.session.get(owner_type, community_id or office_id)
    if owner is None:
        raise click.ClickException(
            f"no {owner_type.__tablename__[:-1]} {community_id or office_id}"
        )
    key = create_signing_key(owner, "cli")
    db.session.commit()
    click.echo(f"new {key.role} key for {owner.name}: key id {key.key_id}")
    click.echo(f"public key {key.public_key}")


@keys_group.command("list")
def keys_list():
    """Print every public key with its id, owner and state."""
    for key, community, office in key_rows():
        owner = community or office
        state = f"retired {key.retired_at:%Y-%m-%d}" if key.retired_at else "current"
        click.echo(
            f"{key.key_id}  {key.role:<9}  {owner.id:>4} {owner.name}  {state}  {key.public_key}"
        )
