from __future__ import annotations

import secrets

import click
from flask.cli import AppGroup

from models import SiteRole

from ..accounts import services
from ..extensions import db
from ..tx import commit

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create-admin")
@click.argument("email")
@click.option("--name", default="Administrator", help="Display name for a new account.")
@click.option("--password", envvar="ADMIN_PASSWORD", default=None,
              help="Password for a new account (or $ADMIN_PASSWORD); generated and printed if omitted.")
def create_admin(email: str, name: str, password: str | None) -> None:
    """Create an admin account for EMAIL, or promote the existing one."""
    user = services.find_user_by_email(email)
    generated = None
    if user is None:
        if password is None:
            generated = password = secrets.token_urlsafe(12)
        try:
            user = services.register_user(email, name, password)
        except Exception as exc:  # a domain validation message, shown as is
            db.session.rollback()
            raise click.ClickException(getattr(exc, "message", str(exc))) from exc
        action = "created"
    else:
        action = "promoted"
    granted = services.grant_site_role(user, SiteRole.ADMIN)
    commit()
    if action == "promoted" and not granted:
        click.echo(f"{user.email} is already an admin.")
        return
    click.echo(f"Admin {action}: {user.email}")
    if generated:
        click.echo(f"Password: {generated}  (change it after logging in)")
