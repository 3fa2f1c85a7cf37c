"""`flask --app marketplace pacts ...`: the pact registry's maintenance."""
from __future__ import annotations

import datetime as dt

import click
from flask.cli import AppGroup

pacts_cli = AppGroup("pacts", help="Pact registry maintenance.")


@pacts_cli.command("expire")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Evaluate as of this date (YYYY-MM-DD); default: today.")
def expire(today):
    """Write `expired` for active pacts past their end date and print each change.

    Pages already treat such pacts as expired; this makes the stored status
    agree, writes the audit trail and tells the groups.
    """
    from ..pacts.services import expire_pacts
    from ..tx import commit

    day = today.date() if today else dt.date.today()
    changed = expire_pacts(day)
    lines = [f"pact {pact.id} \"{pact.title}\": {old} -> {pact.status} (ended {pact.end_date.isoformat()})"
             for pact, old in changed]
    commit()
    for line in lines:
        click.echo(line)
    click.echo(f"{len(changed)} pact(s) expired as of {day.isoformat()}.")
