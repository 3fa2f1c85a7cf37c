"""Telling people about decisions that concern them."""
from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, select, update

from models import Notification, User, utcnow

from ..extensions import db
from ..mail import queue_email


def notify(user: User, subject: str, body: str = "", link: str | None = None, *, email: bool = True) -> Notification:
    """Add an in-app notification (and an email) in the caller's transaction.

    Pass already-translated strings; the email goes out after commit.
    """
    note = Notification(user_id=user.id, subject=subject, body=body, link=link)
    db.session.add(note)
    if email and user.email:
        text = body + (f"\n\n{link}" if link else "")
        queue_email(user.email, subject, text)
    db.session.flush()
    return note


def in_language_of(user: User):
    """Write to `user` in the language they chose (the site's default when they chose none), whoever acts."""
    return force_locale(user.locale or current_app.config.get("DEFAULT_LOCALE", "en"))


def tell(users: Iterable[User], message: Callable[[], tuple[str, str]], link: str | None = None, *,
         email: bool = True) -> None:
    """Notify each user in their own language; `message` builds (subject, body) and runs once per user."""
    for user in users:
        with in_language_of(user):
            subject, body = message()
        notify(user, subject, body, link, email=email)


def unread_count(user: User) -> int:
    return db.session.scalar(
        select(func.count(Notification.id)).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    ) or 0


def recent(user: User, limit: int = 50) -> list[Notification]:
    return list(db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id.desc()).limit(limit)
    ))


def mark_all_read(user: User) -> int:
    result = db.session.execute(
        update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return result.rowcount or 0
