"""What the booking box on a listing page needs (used by bookings/_book_form.html)."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms.validators import InputRequired

from models import Booking, Listing, PaymentMethod, Slot, utcnow
from models.booking import ACTIVE
from models.visibility import is_public

from ..extensions import db
from ..forms import choices
from ..templating import hours, money
from . import inventory as inv
from .forms import BookForm, WaitlistForm, new_key
from .services import allowed_methods

METHOD_LABELS = {
    PaymentMethod.FREE: _l("Free"),
    PaymentMethod.STRIPE: _l("Card (Stripe)"),
    PaymentMethod.HOURS: _l("Time-bank hours"),
}


def method_choices(listing: Listing):
    labels = []
    for method in allowed_methods(listing):
        label = str(METHOD_LABELS[method])
        if method is PaymentMethod.STRIPE:
            label += f" · {money(listing.price_minor, listing.currency)}"
        elif method is PaymentMethod.HOURS:
            label += f" · {hours(listing.price_minutes)}"
        labels.append((method.value, label))
    return choices(labels)


def future_slots(listing: Listing) -> list[Slot]:
    now = utcnow()
    return [s for s in listing.slots if s.starts_at > now]


def book_form_for(listing: Listing, **kwargs) -> BookForm:
    form = BookForm(**kwargs)
    form.slot_id.choices = choices(
        (s.id, f"{format_datetime(s.starts_at, 'medium')} · {s.seats_left}/{s.capacity}")
        for s in future_slots(listing)
    )
    form.slot_id.flags.required = listing.kind != "good"
    form.payment_method.choices = method_choices(listing)
    if len(form.payment_method.choices) == 1 and not form.payment_method.data:
        form.payment_method.data = form.payment_method.choices[0].value
    elif len(form.payment_method.choices) > 1:
        # The service refuses a booking without a choice too; asked here, it is said with the other problems.
        form.payment_method.validators = [InputRequired(message=_l("Choose how to pay."))]
    if not form.idempotency_key.data:
        form.idempotency_key.data = new_key()
    return form


@dataclass
class Panel:
    listing: Listing
    bookable: bool
    reason: str = ""
    form: BookForm | None = None
    sold_out_slots: list = field(default_factory=list)
    waitlist_form: WaitlistForm | None = None
    my_bookings: list = field(default_factory=list)
    money_unavailable: bool = False
    good_sold_out: bool = False


def booking_panel(listing: Listing) -> Panel:
    """Read-only: the listing page is a GET and writes nothing."""
    panel = Panel(listing=listing, bookable=False)
    panel.money_unavailable = listing.accepts_money and not inv.stripe_enabled()
    if not is_public(listing):
        panel.reason = str(_l("Bookings open once the listing is public."))
        return panel
    if listing.kind == "good" and listing.stock is None:
        panel.reason = str(_l("This good is not offered for booking."))
        return panel
    if listing.kind != "good" and not future_slots(listing):
        panel.reason = str(_l("There are no upcoming dates."))
        return panel
    if not allowed_methods(listing):
        panel.reason = str(_l("Card payments are not available on this site, so this listing "
                              "cannot be booked here. Please contact the group."))
        return panel
    panel.bookable = True
    panel.form = book_form_for(listing, formdata=None)
    panel.sold_out_slots = [s for s in future_slots(listing) if s.seats_left == 0]
    panel.good_sold_out = listing.kind == "good" and (listing.stock or 0) == 0
    panel.waitlist_form = WaitlistForm(formdata=None)
    if getattr(current_user, "is_authenticated", False):
        panel.my_bookings = list(db.session.scalars(
            select(Booking).where(Booking.user_id == current_user.id, Booking.listing_id == listing.id,
                                  Booking.status.in_([s.value for s in ACTIVE])).order_by(Booking.id)
        ))
    return panel
