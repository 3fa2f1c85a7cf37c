"""Optional Stripe payments: Checkout Sessions, verified webhooks, refunds, reconcile."""
