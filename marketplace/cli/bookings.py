"""`flask --app marketplace bookings expire|remind`."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..bookings import group as group_services
from ..bookings import services
from ..bookings.waitlist import lapse_offers
from ..tx import commit, rollback

bookings_cli = AppGroup("bookings", help="Bookings: expire unpaid holds and lapsed offers, send reminders.")


@bookings_cli.command("expire")
def expire() -> None:
    """Expire unpaid holds past BOOKING_HOLD_MINUTES and waiting-list offers past
    WAITLIST_OFFER_MINUTES (their places go to the next in line). Run it every minute."""
    try:
        holds = services.expire_due()
        offers = lapse_offers()
        commit()
    except Exception:
        rollback()
        raise
    click.echo(f"expired {holds} unpaid hold(s), {offers} waiting-list offer(s) passed on")


@bookings_cli.command("remind")
def remind() -> None:
    """Remind everyone whose booked date starts within 24 hours (once per booking). Run it hourly."""
    try:
        count = group_services.send_reminders()
        commit()
    except Exception:
        rollback()
        raise
    click.echo(f"sent {count} reminder(s)")
