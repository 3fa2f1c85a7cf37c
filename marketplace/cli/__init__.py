"""`flask --app marketplace ...` commands. Each domain adds its own group."""
from __future__ import annotations


def register_commands(app) -> None:
    from .demo import demo_cli
    from .mail import mail_cli
    from .pacts import pacts_cli
    from .users import users_cli

    for group in (users_cli, demo_cli, mail_cli, pacts_cli):
        app.cli.add_command(group)

    from .ledger import ledger_cli

    app.cli.add_command(ledger_cli)

    from .bookings import bookings_cli
    from .payments import payments_cli

    app.cli.add_command(bookings_cli)
    app.cli.add_command(payments_cli)

    from .search import search_cli

    app.cli.add_command(search_cli)

    from .photos import photos_cli

    app.cli.add_command(photos_cli)
