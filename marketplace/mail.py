"""Email through the outbox table.

`queue_email` writes the message in the caller's transaction; delivery runs
after commit. With MAIL_SERVER set it goes over SMTP; otherwise it is written
to the application log and stays readable in the outbox (so `make run` works
offline and a developer can follow a password-reset link).
"""
from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage as MimeMessage

from flask import current_app
from sqlalchemy import select

from models import EmailMessage, utcnow

from .extensions import db
from .tx import on_commit

log = logging.getLogger("commons.mail")


def queue_email(recipient: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage(recipient=recipient, subject=subject, body=body)
    db.session.add(message)
    db.session.flush()
    message_id = message.id
    on_commit(lambda: deliver([message_id]))
    return message


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
            if config.get("MAIL_SERVER"):
                _send_smtp(config, message)
                message.transport = "smtp"
            else:
                log.info("email to %s: %s\n%s", message.recipient, message.subject, message.body)
                message.transport = "log"
            message.sent_at = utcnow()
            message.error = None
            sent += 1
        except (OSError, smtplib.SMTPException) as exc:
            # Kept unsent; `flask mail deliver` retries later.
            log.warning("email %s not sent: %s", message.id, exc)
            message.error = str(exc)[:500]
    db.session.commit()
    return sent
