"""`flask --app marketplace demo load`: the Cluj-Napoca demo city."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from ..demo import data
from ..demo.loader import describe, load_demo
from ..extensions import db
from ..tx import commit, rollback

demo_cli = AppGroup("demo", help="Demo data: a small city of commons, pacts and listings.")


@demo_cli.command("load")
@click.option("--allow-production", is_flag=True,
              help="Load even when COMMONS_ENV=production (demo accounts share one known password).")
def load(allow_production: bool) -> None:
    """Add the demo city (Cluj-Napoca); running it again adds nothing."""
    if current_app.config.get("ENV_NAME") == "production" and not allow_production:
        raise click.ClickException(
            "refusing to load demo accounts into production; pass --allow-production to insist"
        )
    try:
        counts = load_demo(db.session)
        commit()
    except Exception:
        rollback()
        raise
    click.echo(f"Demo city {data.CITY}: {describe(counts)}.")
    if counts["users"]:
        click.echo(f"Demo logins (password: {data.DEMO_PASSWORD}):")
        for email, role in data.DEMO_LOGINS:
            click.echo(f"  {email:<34} {role}")
