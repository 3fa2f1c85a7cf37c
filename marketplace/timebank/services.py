"""Time-bank services: accounts, transfers, holds, gifts and adjustments.

This is the interface other domains call (bookings pays in hours through
`place_hold` / `settle_hold` / `release_hold`). Functions flush and never
commit; `run_in_transaction` is the unit-of-work helper that commits and
retries deadlocks and serialisation failures.
"""
from __future__ import annotations

import logging
import os
import random
import time
from collections.abc import Callable
from typing import TypeVar

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from models import (
    ISSUANCE,
    Account,
    AccountKind,
    Group,
    Hold,
    Transfer,
    TransferReason,
    User,
    UserStatus,
)
from models.errors import DomainError, NotFound, ValidationFailed

from .. import audit
from ..accounts.services import find_user_by_email
from ..extensions import db
from ..tx import commit, rollback
from . import ledger
from .amounts import parse_hours
from .errors import InsufficientHours, InvalidAmount, TransferRefused, check_minutes

__all__ = [
    "InsufficientHours", "TransferRefused", "adjust_account", "ensure_group_account", "ensure_user_account",
    "gift_hours", "give_hours", "issuance_account", "place_hold", "read_gift", "release_hold", "reverse_transfer",
    "run_in_transaction", "settle_hold", "transfer_hours",
]

log = logging.getLogger(__name__)
T = TypeVar("T")

# SQLSTATEs worth another try: serialization_failure, deadlock_detected.
RETRYABLE_SQLSTATES = {"40001", "40P01"}

DEFAULTS = {
    "TIMEBANK_RESIDENT_FLOOR": 0,       # minutes a resident may go below zero (0: no credit)
    "TIMEBANK_GROUP_FLOOR": 0,
    "TIMEBANK_GIFTS_ENABLED": False,
    "TIMEBANK_DEFAULT_FUNDING": "issuance",
    "TIMEBANK_RETRIES": 5,
}


def setting(name: str):
    """A time-bank setting: app config first, then the environment, then the default."""
    default = DEFAULTS[name]
    value = current_app.config.get(name) if has_app_context() else None
    if value is None:
        value = os.environ.get(name)
    if value is None or value == "":
        return default
    if isinstance(default, bool):
        return value if isinstance(value, bool) else str(value).strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(value)
    return value


def gifts_enabled() -> bool:
    return bool(setting("TIMEBANK_GIFTS_ENABLED"))


# --- accounts ---------------------------------------------------------------

def _ensure(column, value, **values) -> Account:
    account = db.session.scalar(select(Account).where(column == value))
    if account is None:
        ledger.insert_ignoring_conflict(db.session, Account, {"balance": 0, "held": 0, **values})
        account = db.session.scalar(select(Account).where(column == value))
    return account


def ensure_user_account(user: User) -> Account:
    """The user's account, created on first use with the resident floor setting."""
    return _ensure(Account.user_id, user.id, kind=AccountKind.USER.value, user_id=user.id,
                   name=user.display_name[:120], floor=-abs(setting("TIMEBANK_RESIDENT_FLOOR")))


def ensure_group_account(group: Group) -> Account:
    """The group's account, created on first use with the group floor setting."""
    return _ensure(Account.group_id, group.id, kind=AccountKind.GROUP.value, group_id=group.id,
                   name=group.name[:120], floor=-abs(setting("TIMEBANK_GROUP_FLOOR")))


def issuance_account() -> Account:
    """The city's issuance account (unlimited floor): hours enter circulation from it."""
    return _ensure(Account.code, ISSUANCE, kind=AccountKind.SYSTEM.value, code=ISSUANCE,
                   name="City issuance", floor=None)


def user_account(user: User) -> Account | None:
    return db.session.scalar(select(Account).where(Account.user_id == user.id))


def group_account(group: Group) -> Account | None:
    return db.session.scalar(select(Account).where(Account.group_id == group.id))


# --- transfers --------------------------------------------------------------

def transfer_hours(from_account: Account | int, to_account: Account | int, minutes: int, *,
                   reason: TransferReason | str, reference: str = "", actor: User | None = None,
                   memo: str = "") -> Transfer:
    """Move `minutes` between two accounts (objects or ids). Raises InsufficientHours
    below the sender's floor, InvalidAmount for a bad amount, TransferRefused to oneself."""
    from_id = from_account if isinstance(from_account, int) else from_account.id
    to_id = to_account if isinstance(to_account, int) else to_account.id
    return ledger.move(db.session, from_id, to_id, minutes, reason=reason,
                       reference=reference, memo=memo, actor_id=getattr(actor, "id", None))


def reverse_transfer(transfer: Transfer | int, actor: User | None = None, memo: str = "") -> Transfer:
    """Post the reversing transfer of `transfer` (once); refused below a floor."""
    transfer_id = transfer if isinstance(transfer, int) else transfer.id
    return ledger.reverse(db.session, transfer_id, actor_id=getattr(actor, "id", None), memo=memo)


def _gift_recipient(sender: User, recipient: User | None) -> User:
    """The resident who may receive `sender`'s hours, or TransferRefused (per field: "recipient")."""
    if recipient is None:
        raise TransferRefused(_("There is no resident with this email address."),
                              fields={"recipient": [_("Not found.")]})
    if recipient.status != UserStatus.ACTIVE.value:
        raise TransferRefused(_("This account is suspended and cannot receive hours."),
                              fields={"recipient": [_("Suspended account.")]})
    if recipient.id == sender.id:
        raise TransferRefused(_("You cannot give hours to yourself."),
                              fields={"recipient": [_("Choose someone else.")]})
    return recipient


def read_gift(sender: User, recipient_email: str | None, hours_text: str | None) -> tuple[User, int]:
    """What a resident typed to give hours, read as (recipient, minutes); writes nothing.

    Both fields are read whatever the other holds, so ValidationFailed names every problem at once."""
    problems: list[DomainError] = []
    recipient = minutes = None
    try:
        minutes = parse_hours(hours_text)
    except InvalidAmount as exc:
        problems.append(exc)
    try:
        recipient = _gift_recipient(sender, find_user_by_email(recipient_email or ""))
    except TransferRefused as exc:
        problems.append(exc)
    if problems:
        raise ValidationFailed(problems[0].message, fields={k: v for p in problems for k, v in p.fields.items()})
    return recipient, minutes


def give_hours(sender: User, recipient_email: str | None, hours_text: str | None, memo: str = "") -> Transfer:
    """gift_hours from what the resident typed in the form."""
    recipient, minutes = read_gift(sender, recipient_email, hours_text)
    return gift_hours(sender, recipient, minutes, memo)


def gift_hours(sender: User, recipient: User | None, minutes: int, memo: str = "") -> Transfer:
    """A resident gives hours to another resident (only if the city allows gifts)."""
    if not gifts_enabled():
        raise TransferRefused(_("Gifting hours is not enabled in this city."))
    check_minutes(minutes)
    recipient = _gift_recipient(sender, recipient)
    source, target = ensure_user_account(sender), ensure_user_account(recipient)
    transfer = ledger.move(db.session, source.id, target.id, minutes, reason=TransferReason.GIFT,
                           reference=f"gift:user:{recipient.id}", memo=(memo or "")[:500], actor_id=sender.id)
    from ..notifications.services import tell
    from .amounts import format_minutes

    tell([recipient], lambda: (_("%(name)s gave you %(hours)s", name=sender.display_name,
                                 hours=format_minutes(minutes)), memo or ""), email=False)
    return transfer


def adjust_account(actor: User, account: Account, minutes: int, reason: str) -> Transfer:
    """An admin correction: credit (minutes > 0) or debit (< 0) an account
    against the issuance account. A reason is required; it is audit logged."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Say why this adjustment is made."), fields={"reason": [_("Required.")]})
    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes == 0:
        raise ValidationFailed(_("The adjustment must be a non-zero number of minutes."),
                               fields={"hours": [_("Must not be zero.")]})
    check_minutes(abs(minutes))
    issuance = issuance_account()
    if account.id == issuance.id:
        raise TransferRefused(_("The issuance account cannot be adjusted against itself."))
    before = {"balance": account.balance}
    legs = [(issuance.id, -minutes), (account.id, minutes)]
    transfer = ledger.post_transfer(db.session, legs, reason=TransferReason.ADJUSTMENT,
                                    reference=f"account:{account.id}", memo=reason, actor_id=actor.id)
    audit.record(actor, "timebank.adjust", account, before=before,
                 after={"balance": account.balance, "minutes": minutes, "transfer_id": transfer.id}, reason=reason)
    return transfer


# --- holds (used by bookings) -----------------------------------------------

def place_hold(user: User, minutes: int, reference: str) -> Hold:
    """Set `minutes` aside on the user's account for `reference` (e.g. "booking:12").

    Lowers the available balance (balance - held). Raises InsufficientHours if
    available - minutes would be below the account's floor. Idempotent per
    reference: while a hold with this reference is open, the same hold is returned.
    """
    account = ensure_user_account(user)
    return ledger.place_hold(db.session, account.id, minutes, reference)


def release_hold(reference: str) -> None:
    """Release the open hold for `reference` (cancellation, expiry, no-show); no-op if none is open."""
    ledger.release_hold(db.session, reference)


def settle_hold(reference: str, to_group_id: int, actor: User | None = None) -> Transfer:
    """Turn the open hold for `reference` into a transfer (reason booking_payment)
    from the user to the group's account, in the caller's transaction."""
    group = db.session.get(Group, to_group_id)
    if group is None:
        raise NotFound(_("This group does not exist."))
    target = ensure_group_account(group)
    return ledger.settle_hold(db.session, reference, target.id, actor_id=getattr(actor, "id", None))


def open_holds(account: Account) -> list[Hold]:
    return list(db.session.scalars(
        select(Hold).where(Hold.account_id == account.id, Hold.status == "open").order_by(Hold.id)
    ))


# --- unit of work -----------------------------------------------------------

def is_retryable(exc: BaseException) -> bool:
    """Deadlock or serialisation failure on PostgreSQL; a busy database on SQLite."""
    if not isinstance(exc, DBAPIError):
        return False
    orig = exc.orig
    if getattr(orig, "sqlstate", None) in RETRYABLE_SQLSTATES:
        return True
    return "database is locked" in str(orig)


def run_in_transaction(work: Callable[[], T], *, attempts: int | None = None) -> T:
    """Run `work()` and commit; on a deadlock or serialisation failure roll
    back and run it again (a bounded number of times, with jittered backoff).

    Domain errors and anything else roll back and propagate at once.
    """
    attempts = attempts or setting("TIMEBANK_RETRIES")
    for attempt in range(1, attempts + 1):
        try:
            result = work()
            commit()
            return result
        except Exception as exc:
            rollback()
            if not is_retryable(exc) or attempt == attempts:
                raise
            log.info("time bank: retrying after %s (attempt %d of %d)", type(exc.orig).__name__, attempt, attempts)
            time.sleep(random.uniform(0, 0.01 * 2 ** attempt))
    raise AssertionError("unreachable")
