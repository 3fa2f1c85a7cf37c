"""The Stripe webhook: verified, stored once, applied once."""
from __future__ import annotations

import json
import logging

import stripe
from flask import Blueprint, current_app, jsonify, request

from ..extensions import csrf
from ..http_errors import error_response
from ..tx import commit
from . import services

bp = Blueprint("payments", __name__, url_prefix="/payments")
log = logging.getLogger("commons.payments")


@bp.post("/stripe/webhook")
@csrf.exempt  # Stripe cannot send our CSRF token; the signature authenticates the call instead.
def stripe_webhook():
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET")
    if not secret:
        log.error("STRIPE_WEBHOOK_SECRET is not set: webhook refused (nothing can be verified)")
        return error_response(400, code="bad_signature")
    payload = request.get_data()
    try:
        stripe.WebhookSignature.verify_header(payload.decode("utf-8"), request.headers.get("Stripe-Signature"),
                                              secret, stripe.Webhook.DEFAULT_TOLERANCE)
        event = json.loads(payload)
    except (stripe.SignatureVerificationError, ValueError, UnicodeDecodeError):
        log.warning("stripe webhook with a bad signature or body refused")
        return error_response(400, code="bad_signature")
    if not isinstance(event, dict) or not event.get("id") or not event.get("type"):
        return error_response(400)
    applied, outcome = services.handle_event(event)
    commit()
    return jsonify({"received": True, "applied": applied, "outcome": outcome})
