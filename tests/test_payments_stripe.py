"""Stripe payments with the real `stripe` library against tests/fake_stripe.py,
webhook payloads signed exactly as Stripe signs them."""
from __future__ import annotations

import json

import pytest

from marketplace.bookings import services
from marketplace.extensions import db
from marketplace.payments.services import start_checkout
from models import Booking, Notification, Payment, Slot, StripeEvent
from tests.bookings_support import STRIPE_KEY, WEBHOOK_SECRET, make_event
from tests.factories import login, make_user
from tests.fake_stripe import FakeStripe

WEBHOOK = "/payments/stripe/webhook"


@pytest.fixture(scope="module")
def fake():
    server = FakeStripe().start()
    yield server
    server.stop()


@pytest.fixture
def stripe_app(make_app, fake):
    return make_app(STRIPE_SECRET_KEY=STRIPE_KEY, STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET, STRIPE_API_BASE=fake.url)


def paid_booking(app, capacity=5, **policy):
    """A committed pending_payment booking with its Checkout Session created."""
    with app.app_context():
        listing, slot = make_event(capacity=capacity, price_minor=2500, currency="RON", policy=policy or None)
        user = make_user()
        booking, _ = services.book_slot(user, slot, method="stripe")
        db.session.commit()
        with app.test_request_context():
            start_checkout(booking.payment)
        db.session.commit()
        return booking.id, booking.payment.checkout_session_id, slot.id, user.email


def post_event(client, event, secret=WEBHOOK_SECRET, signature=None):
    payload = json.dumps(event)
    header = signature if signature is not None else FakeStripe.sign(payload, secret)
    headers = {"Stripe-Signature": header} if header else {}
    return client.post(WEBHOOK, data=payload, headers=headers, content_type="application/json")


def state(app, booking_id):
    with app.app_context():
        booking = db.session.get(Booking, booking_id)
        return booking.status, booking.payment.status, db.session.get(Slot, booking.slot_id).reserved


def test_checkout_session_created_with_idempotency_key(stripe_app, fake):
    booking_id, session_id, slot_id, _ = paid_booking(stripe_app)
    assert session_id in fake.sessions
    session = fake.sessions[session_id]
    assert session["amount_total"] == 2500 and session["metadata"]["booking_id"] == str(booking_id)
    assert state(stripe_app, booking_id) == ("pending_payment", "pending", 1)
    # Asking again (a retry after a lost response) gives the same session, not a second one.
    with stripe_app.app_context(), stripe_app.test_request_context():
        payment = db.session.get(Booking, booking_id).payment
        payment.checkout_url = None
        assert start_checkout(payment).endswith(session_id)


def test_valid_webhook_confirms_and_return_url_alone_does_not(stripe_app, fake):
    booking_id, session_id, _, email = paid_booking(stripe_app)
    client = stripe_app.test_client()
    login(client, email)
    # Coming back from Stripe without having paid: the server asks Stripe, nothing changes.
    response = client.get(f"/bookings/{booking_id}/paid?session_id={session_id}")
    assert response.status_code == 303
    assert state(stripe_app, booking_id)[:2] == ("pending_payment", "pending")
    completed = fake.complete_session(session_id)
    response = post_event(client, fake.event("checkout.session.completed", completed))
    assert response.status_code == 200 and response.get_json()["applied"] is True
    assert state(stripe_app, booking_id) == ("confirmed", "paid", 1)
    with stripe_app.app_context():
        assert db.session.get(Payment, db.session.get(Booking, booking_id).payment.id).payment_intent_id
        assert db.session.query(StripeEvent).count() == 1


@pytest.mark.parametrize("signature", ["", "t=1,v1=deadbeef", "forged"])
def test_forged_or_missing_signature_changes_nothing(stripe_app, fake, signature):
    booking_id, session_id, _, _ = paid_booking(stripe_app)
    completed = fake.complete_session(session_id)
    client = stripe_app.test_client()
    event = fake.event("checkout.session.completed", completed)
    if signature == "forged":
        response = post_event(client, event, secret="whsec_someone_else")
    else:
        response = post_event(client, event, signature=signature)
    assert response.status_code == 400
    assert state(stripe_app, booking_id)[:2] == ("pending_payment", "pending")
    with stripe_app.app_context():
        assert db.session.query(StripeEvent).count() == 0


def test_replayed_event_is_applied_once(stripe_app, fake):
    booking_id, session_id, _, _ = paid_booking(stripe_app)
    client = stripe_app.test_client()
    event = fake.event("checkout.session.completed", fake.complete_session(session_id))
    assert post_event(client, event).get_json()["applied"] is True
    with stripe_app.app_context():
        notes = db.session.query(Notification).count()
    replay = post_event(client, event)
    assert replay.status_code == 200 and replay.get_json() == {
        "received": True, "applied": False, "outcome": "already processed"}
    with stripe_app.app_context():
        assert db.session.query(Notification).count() == notes
        assert db.session.query(StripeEvent).count() == 1


def test_expired_after_completed_changes_nothing(stripe_app, fake):
    booking_id, session_id, _, _ = paid_booking(stripe_app)
    client = stripe_app.test_client()
    completed = fake.complete_session(session_id)
    post_event(client, fake.event("checkout.session.completed", completed))
    expired = dict(completed, status="expired")
    response = post_event(client, fake.event("checkout.session.expired", expired))
    assert response.status_code == 200 and response.get_json()["outcome"].startswith("ignored")
    assert state(stripe_app, booking_id) == ("confirmed", "paid", 1)


def test_expired_then_late_payment_rebooks_or_refunds(stripe_app, fake):
    booking_id, session_id, slot_id, _ = paid_booking(stripe_app, capacity=1)
    client = stripe_app.test_client()
    post_event(client, fake.event("checkout.session.expired", dict(fake.sessions[session_id], status="expired")))
    assert state(stripe_app, booking_id) == ("expired", "expired", 0)
    # Someone else takes the only seat; then the first resident's payment arrives after all.
    with stripe_app.app_context():
        services.book_slot(make_user(), db.session.get(Slot, slot_id), method="stripe")
        db.session.commit()
    completed = fake.complete_session(session_id)
    response = post_event(client, fake.event("checkout.session.completed", completed))
    assert "refunded" in response.get_json()["outcome"]
    status, payment_status, reserved = state(stripe_app, booking_id)
    assert (status, payment_status, reserved) == ("expired", "refund_pending", 1)
    assert any(r["payment_intent"] == completed["payment_intent"] for r in fake.refunds.values())


def test_unknown_event_type_is_acknowledged_and_ignored(stripe_app, fake):
    client = stripe_app.test_client()
    response = post_event(client, fake.event("customer.created", {"id": "cus_1", "object": "customer"}))
    assert response.status_code == 200
    assert response.get_json()["outcome"] == "ignored: unhandled type"
    with stripe_app.app_context():
        assert db.session.query(StripeEvent).count() == 1


def test_payment_failed_is_recorded_and_the_hold_stays(stripe_app, fake):
    booking_id, session_id, _, _ = paid_booking(stripe_app)
    with stripe_app.app_context():
        payment_id = db.session.get(Booking, booking_id).payment.id
    intent = {"id": "pi_failed_1", "object": "payment_intent", "status": "requires_payment_method",
              "metadata": {"booking_id": str(booking_id), "payment_id": str(payment_id)},
              "last_payment_error": {"message": "Your card was declined."}}
    response = post_event(stripe_app.test_client(), fake.event("payment_intent.payment_failed", intent))
    assert response.status_code == 200
    assert state(stripe_app, booking_id)[:2] == ("pending_payment", "pending")
    with stripe_app.app_context():
        assert db.session.get(Payment, payment_id).last_error == "Your card was declined."


def test_reconcile_confirms_after_a_lost_webhook(stripe_app, fake):
    booking_id, session_id, _, _ = paid_booking(stripe_app)
    fake.complete_session(session_id)  # paid at Stripe; the webhook never arrives
    result = stripe_app.test_cli_runner().invoke(args=["payments", "reconcile"])
    assert result.exit_code == 0, result.output
    assert f"booking {booking_id} confirmed" in result.output
    assert state(stripe_app, booking_id) == ("confirmed", "paid", 1)
    again = stripe_app.test_cli_runner().invoke(args=["payments", "reconcile"])
    assert "0 change(s)" in again.output


def test_cancel_in_policy_refunds_through_stripe(stripe_app, fake):
    booking_id, session_id, slot_id, email = paid_booking(stripe_app)
    client = stripe_app.test_client()
    completed = fake.complete_session(session_id)
    post_event(client, fake.event("checkout.session.completed", completed))
    login(client, email)
    assert client.post(f"/bookings/{booking_id}/cancel").status_code == 303
    assert state(stripe_app, booking_id) == ("cancelled", "refund_pending", 0)
    refunds = [r for r in fake.refunds.values() if r["payment_intent"] == completed["payment_intent"]]
    assert len(refunds) == 1
    charge = fake.charge_of(completed["payment_intent"])
    post_event(client, fake.event("charge.refunded", charge))
    assert state(stripe_app, booking_id) == ("refunded", "refunded", 0)
    with stripe_app.app_context():
        assert db.session.get(Booking, booking_id).refunded_at is not None


def test_reconcile_completes_a_refund_whose_webhook_was_lost(stripe_app, fake):
    booking_id, session_id, _, email = paid_booking(stripe_app)
    client = stripe_app.test_client()
    post_event(client, fake.event("checkout.session.completed", fake.complete_session(session_id)))
    login(client, email)
    client.post(f"/bookings/{booking_id}/cancel")
    result = stripe_app.test_cli_runner().invoke(args=["payments", "reconcile"])
    assert f"booking {booking_id} refunded" in result.output
    assert state(stripe_app, booking_id)[:2] == ("refunded", "refunded")


def test_paid_booking_through_the_pages(stripe_app, fake):
    with stripe_app.app_context():
        listing, slot = make_event(capacity=3, price_minor=1500, currency="RON")
        user = make_user()
        db.session.commit()
        listing_id, slot_id, email = listing.id, slot.id, user.email
    client = stripe_app.test_client()
    login(client, email)
    page = client.get(f"/listings/{listing_id}").get_data(as_text=True)
    assert "Card (Stripe)" in page and 'name="idempotency_key"' in page
    response = client.post(f"/listings/{listing_id}/book", data={
        "slot_id": slot_id, "quantity": 1, "payment_method": "stripe", "idempotency_key": "web-key-000001"})
    assert response.status_code == 303
    booking_url = response.headers["Location"]
    checkout = client.get(booking_url.rstrip("/") + "/checkout")
    assert checkout.status_code == 303 and checkout.headers["Location"].startswith(fake.url + "/pay/cs_")
    session_id = checkout.headers["Location"].rsplit("/", 1)[1]
    post_event(client, fake.event("checkout.session.completed", fake.complete_session(session_id)))
    assert "Confirmed" in client.get(booking_url).get_data(as_text=True)


def test_without_a_key_money_is_not_offered(app):
    with app.app_context():
        listing, slot = make_event(price_minor=1500, currency="RON")
        db.session.commit()
        listing_id = listing.id
    page = app.test_client().get(f"/listings/{listing_id}").get_data(as_text=True)
    assert "Card payments are not available on this site" in page
