"""The ``voting`` command: the Flask CLI of the app, except ``voting verify`` and
``voting trustee decrypt`` (offline, for a trustee's own computer).

``voting verify`` runs the offline verifier, importing only ``voting.rules`` and
``voting.crypto``: a third party checks a result without the web app or a database.
"""

import sys


def main(argv: list[str] | None = None) -> None:
    """Dispatch ``voting verify`` to the verifier and everything else to the Flask CLI."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["verify"]:
        from voting.crypto.verify import main as verify_main

        sys.exit(verify_main(args[1:]))
    if args[:1] == ["trustee"]:
        from voting.trustees.offline import entry

        sys.exit(entry(args[1:]))
    from flask.cli import FlaskGroup

    from voting import create_app

    cli = FlaskGroup(
        create_app=lambda: create_app(),
        help="Gongyi (共议): voting for owners' assemblies. "
        "`voting verify RESULT.json` checks a published result offline.",
    )
    cli.main(args=args, prog_name="voting")
