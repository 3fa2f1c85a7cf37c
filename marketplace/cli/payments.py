"""`flask --app marketplace payments reconcile`."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

payments_cli = AppGroup("payments", help="Stripe payments.")


@payments_cli.command("reconcile")
def reconcile() -> None:
    """Ask Stripe about every open payment and fix what a lost webhook left behind."""
    if not current_app.config.get("STRIPE_SECRET_KEY"):
        raise click.ClickException("STRIPE_SECRET_KEY is not set: there are no card payments to reconcile")
    from ..payments.services import reconcile as run

    changes = run()
    for line in changes:
        click.echo(line)
    click.echo(f"{len(changes)} change(s)")
