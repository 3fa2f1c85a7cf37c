"""The one place that builds a Stripe client from the app's settings."""
from __future__ import annotations

import stripe
from flask import current_app

from ..bookings.errors import PaymentUnavailable


def stripe_client() -> stripe.StripeClient:
    """A StripeClient for this app (cached per app and key).

    STRIPE_API_BASE points it elsewhere (the local fake in tests and demos).
    stripe-python does not retry by default; two retries with its backoff
    are safe because every write carries an idempotency key.
    """
    key = current_app.config.get("STRIPE_SECRET_KEY")
    if not key:
        raise PaymentUnavailable()
    base = current_app.config.get("STRIPE_API_BASE")
    cache = current_app.extensions.setdefault("commons_stripe", {})
    cache_key = (key, base)
    if cache_key not in cache:
        options = {"max_network_retries": 2}
        if base:
            options["base_addresses"] = {"api": base}
        cache[cache_key] = stripe.StripeClient(key, **options)
    return cache[cache_key]
