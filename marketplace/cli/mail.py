from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from models import EmailMessage

from ..extensions import db
from ..mail import deliver

mail_cli = AppGroup("mail", help="The outgoing email outbox.")


@mail_cli.command("deliver")
def deliver_command() -> None:
    """Retry delivery of every unsent message."""
    click.echo(f"Delivered {deliver()} message(s).")


@mail_cli.command("outbox")
@click.option("--limit", default=10, show_default=True)
@click.option("--to", "recipient", default=None, help="Only messages to this address.")
def outbox(limit: int, recipient: str | None) -> None:
    """Print the latest messages (handy offline: reset links are here)."""
    query = select(EmailMessage).order_by(EmailMessage.id.desc()).limit(limit)
    if recipient:
        query = query.where(EmailMessage.recipient == recipient.strip().lower())
    for message in db.session.scalars(query):
        state = f"sent via {message.transport}" if message.sent_at else "unsent"
        click.echo(f"--- #{message.id} to {message.recipient} ({state}) {message.created_at:%Y-%m-%d %H:%M}")
        click.echo(f"Subject: {message.subject}\n\n{message.body}\n")
