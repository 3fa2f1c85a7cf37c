"""One booking as an iCalendar file."""
from __future__ import annotations

from icalendar import Calendar, Event

from models import Booking, utcnow


def booking_ics(booking: Booking, url: str) -> bytes:
    listing, slot = booking.listing, booking.slot
    cal = Calendar()
    cal.add("prodid", "-//Commons Market//bookings//EN")
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"booking-{booking.id}@commons-market")
    event.add("dtstamp", utcnow())
    event.add("dtstart", slot.starts_at)
    event.add("dtend", slot.ends_at)
    event.add("summary", listing.title)
    event.add("location", listing.place[0])
    event.add("url", url)
    event.add("description", f"{listing.group.name} · {booking.quantity} × · {url}")
    event.add("status", "CONFIRMED" if booking.status in ("confirmed", "attended") else
              "CANCELLED" if booking.status in ("cancelled", "expired", "refunded") else "TENTATIVE")
    cal.add_component(event)
    return cal.to_ical()
