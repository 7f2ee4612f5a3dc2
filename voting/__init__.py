"""Gongyi (共议): voting and consultation for owners' assemblies.

The package root stays free of web imports so that ``voting.rules`` and
``voting.crypto`` (and with them ``voting verify``) work without Flask or a database.
"""


def create_app(config=None):
    """Build the Flask application; ``config`` overrides settings (tests pass a mapping)."""
    from voting.app import build_app

    return build_app(config)
