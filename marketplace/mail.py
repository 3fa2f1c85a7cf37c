"""Email through the outbox table.

`queue_email` writes the message in the caller's transaction; delivery runs
after commit. With MAIL_SERVER set it goes over SMTP; otherwise it is written
to the application log and stays readable in the outbox (so `make run` works
offline and a developer can follow a password-reset link).

With MAIL_DELIVERY=worker nothing is sent from the request: a separate
process (`flask mail deliver`, from cron or a loop) drains the outbox, which
takes the SMTP round trip and the bookkeeping off the web workers.

Delivery after commit uses the text it already has in memory and marks the row
sent with one autocommitted UPDATE by id (no SELECT, no second transaction on
the request's session). Failures stay unsent for `flask mail deliver`.
"""
from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage as MimeMessage
from types import SimpleNamespace

from flask import current_app
from sqlalchemy import select, update

from models import EmailMessage, utcnow

from .extensions import db
from .tx import on_commit

log = logging.getLogger("commons.mail")


def queue_email(recipient: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage(recipient=recipient, subject=subject, body=body)
    db.session.add(message)
    db.session.flush()
    message_id = message.id
    if current_app.config.get("MAIL_DELIVERY", "inline") == "inline":
        on_commit(lambda: _deliver_one(message_id, recipient, subject, body))
    return message


def _send(config, message) -> str:
    """Send one message (anything with recipient, subject, body); returns the transport."""
    if config.get("MAIL_SERVER"):
        _send_smtp(config, message)
        return "smtp"
    log.info("email to %s: %s\n%s", message.recipient, message.subject, message.body)
    return "log"


def _deliver_one(message_id: int, recipient: str, subject: str, body: str) -> None:
    """After commit: send a just-queued message and record the outcome with one
    autocommitted UPDATE (a failure is recorded and left for `flask mail deliver`)."""
    message = SimpleNamespace(recipient=recipient, subject=subject, body=body)
    try:
        values = {"transport": _send(current_app.config, message), "sent_at": utcnow(), "error": None}
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("email %s not sent: %s", message_id, exc)
        values = {"error": str(exc)[:500]}
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(update(EmailMessage).where(EmailMessage.id == message_id, EmailMessage.sent_at.is_(None))
                     .values(**values))


def _send_smtp(config, message: EmailMessage) -> None:
    mime = MimeMessage()
    mime["From"] = config["MAIL_DEFAULT_SENDER"]
    mime["To"] = message.recipient
    mime["Subject"] = message.subject
    mime.set_content(message.body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(mime)


def deliver(ids: list[int] | None = None) -> int:
    """Deliver unsent messages (all, or those in `ids`); returns how many went out."""
    config = current_app.config
    query = select(EmailMessage).where(EmailMessage.sent_at.is_(None))
    if ids is not None:
        query = query.where(EmailMessage.id.in_(ids))
    sent = 0
    for message in db.session.scalars(query).all():
        try:
            message.transport = _send(config, message)
            message.sent_at = utcnow()
            message.error = None
            sent += 1
        except (OSError, smtplib.SMTPException) as exc:
            # Kept unsent; `flask mail deliver` retries later.
            log.warning("email %s not sent: %s", message.id, exc)
            message.error = str(exc)[:500]
    db.session.commit()
    return sent
