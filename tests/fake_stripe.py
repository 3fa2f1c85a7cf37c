"""A local fake of the few Stripe endpoints Commons Market uses.

Runs in a thread on 127.0.0.1 (a random port unless given). The real
`stripe` library talks to it through `base_addresses={"api": fake.url}`.

Endpoints: create / retrieve / expire a Checkout Session, create / retrieve a
Refund, retrieve a PaymentIntent. Idempotency-Key headers are honoured (same
key, same response). Test helpers complete sessions and build events; the
`/pay/<session>` page lets a person "pay" in a browser, after which the fake
posts a signed `checkout.session.completed` to --webhook-url.

    python -m tests.fake_stripe --port 12111 \\
        --webhook-url http://127.0.0.1:5000/payments/stripe/webhook --webhook-secret whsec_local
"""
from __future__ import annotations

import argparse
import html
import itertools
import json
import re
import secrets
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import stripe

_ids = itertools.count(1)


def _id(prefix: str) -> str:
    return f"{prefix}_test_{next(_ids):06d}{secrets.token_hex(4)}"


def decode_form(body: str) -> dict:
    """Stripe's bracket form encoding (a[b][0][c]=1) back to nested dicts and lists."""
    root: dict = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = re.findall(r"[^\[\]]+", key)
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _listify(root)


def _listify(node):
    if isinstance(node, dict):
        if node and all(k.isdigit() for k in node):
            return [_listify(node[k]) for k in sorted(node, key=int)]
        return {k: _listify(v) for k, v in node.items()}
    return node


class FakeStripe:
    def __init__(self, port: int = 0, webhook_url: str | None = None, webhook_secret: str | None = None):
        self.sessions: dict[str, dict] = {}
        self.payment_intents: dict[str, dict] = {}
        self.charges: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.idempotent: dict[tuple[str, str], tuple[int, dict]] = {}
        self.requests: list[tuple[str, str, dict]] = []
        self.lock = threading.Lock()
        self.webhook_url, self.webhook_secret = webhook_url, webhook_secret
        self.server = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> FakeStripe:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- the Stripe API --------------------------------------------------------

    def api(self, method: str, path: str, params: dict, idempotency_key: str | None) -> tuple[int, dict]:
        with self.lock:
            self.requests.append((method, path, params))
            if method == "POST" and idempotency_key:
                cached = self.idempotent.get((path, idempotency_key))
                if cached:
                    return cached
            result = self._route(method, path, params)
            if method == "POST" and idempotency_key and result[0] < 500:
                self.idempotent[(path, idempotency_key)] = result
            return result

    def _route(self, method: str, path: str, params: dict) -> tuple[int, dict]:
        parts = path.strip("/").split("/")
        if parts[:3] == ["v1", "checkout", "sessions"]:
            if method == "POST" and len(parts) == 3:
                return 200, self._create_session(params)
            session = self.sessions.get(parts[3]) if len(parts) > 3 else None
            if session is None:
                return _missing("checkout.session")
            if method == "GET" and len(parts) == 4:
                return 200, session
            if method == "POST" and parts[4:] == ["expire"]:
                if session["status"] != "open":
                    return 400, {"error": {"type": "invalid_request_error",
                                           "message": f"Session is {session['status']}, not open."}}
                session["status"] = "expired"
                return 200, session
        if parts[:2] == ["v1", "refunds"]:
            if method == "POST" and len(parts) == 2:
                return self._create_refund(params)
            refund = self.refunds.get(parts[2]) if len(parts) > 2 else None
            return (200, refund) if refund else _missing("refund")
        if parts[:2] == ["v1", "payment_intents"] and len(parts) == 3 and method == "GET":
            intent = self.payment_intents.get(parts[2])
            return (200, intent) if intent else _missing("payment_intent")
        return 404, {"error": {"type": "invalid_request_error", "message": f"Unrecognized request URL ({path})."}}

    def _create_session(self, params: dict) -> dict:
        session_id = _id("cs")
        items = params.get("line_items") or []
        total = sum(int(i["price_data"]["unit_amount"]) * int(i.get("quantity", 1)) for i in items)
        currency = items[0]["price_data"]["currency"] if items else "ron"
        session = {
            "id": session_id, "object": "checkout.session", "mode": params.get("mode", "payment"),
            "status": "open", "payment_status": "unpaid", "amount_total": total, "currency": currency,
            "client_reference_id": params.get("client_reference_id"),
            "customer_email": params.get("customer_email"), "metadata": params.get("metadata") or {},
            "payment_intent": None, "success_url": params.get("success_url"),
            "cancel_url": params.get("cancel_url"), "url": f"{self.url}/pay/{session_id}",
            "created": int(time.time()), "expires_at": int(time.time()) + 24 * 3600, "livemode": False,
            "_payment_intent_metadata": (params.get("payment_intent_data") or {}).get("metadata") or {},
        }
        self.sessions[session_id] = session
        return session

    def _create_refund(self, params: dict) -> tuple[int, dict]:
        intent = self.payment_intents.get(params.get("payment_intent", ""))
        if intent is None or intent["status"] != "succeeded":
            return 400, {"error": {"type": "invalid_request_error", "message": "No such payment to refund."}}
        charge = self.charges[intent["latest_charge"]]
        if charge["refunded"]:
            return 400, {"error": {"type": "invalid_request_error", "code": "charge_already_refunded",
                                   "message": "Charge has already been refunded."}}
        refund = {"id": _id("re"), "object": "refund", "amount": charge["amount"], "currency": charge["currency"],
                  "charge": charge["id"], "payment_intent": intent["id"], "status": "succeeded",
                  "metadata": params.get("metadata") or {}, "created": int(time.time())}
        self.refunds[refund["id"]] = refund
        charge.update(refunded=True, amount_refunded=charge["amount"])
        return 200, refund

    # --- test helpers ------------------------------------------------------------

    def complete_session(self, session_id: str) -> dict:
        """The resident paid: the session is complete and a PaymentIntent and charge exist."""
        with self.lock:
            session = self.sessions[session_id]
            intent_id, charge_id = _id("pi"), _id("ch")
            metadata = session["_payment_intent_metadata"]
            self.charges[charge_id] = {"id": charge_id, "object": "charge", "amount": session["amount_total"],
                                       "currency": session["currency"], "payment_intent": intent_id,
                                       "refunded": False, "amount_refunded": 0, "metadata": metadata}
            self.payment_intents[intent_id] = {"id": intent_id, "object": "payment_intent",
                                               "amount": session["amount_total"], "currency": session["currency"],
                                               "status": "succeeded", "latest_charge": charge_id,
                                               "metadata": metadata}
            session.update(status="complete", payment_status="paid", payment_intent=intent_id)
            return self.public(session)

    def public(self, obj: dict) -> dict:
        return {k: v for k, v in obj.items() if not k.startswith("_")}

    def charge_of(self, intent_id: str) -> dict:
        return dict(self.charges[self.payment_intents[intent_id]["latest_charge"]])

    @staticmethod
    def event(kind: str, obj: dict, event_id: str | None = None) -> dict:
        return {"id": event_id or _id("evt"), "object": "event", "type": kind, "api_version": "2025-01-01",
                "created": int(time.time()), "livemode": False, "pending_webhooks": 1,
                "data": {"object": {k: v for k, v in obj.items() if not k.startswith("_")}}}

    @staticmethod
    def sign(payload: str, secret: str, timestamp: int | None = None) -> str:
        return stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp)

    def send_webhook(self, event: dict) -> int:
        payload = json.dumps(event)
        request = urllib.request.Request(self.webhook_url, data=payload.encode(), method="POST", headers={
            "Content-Type": "application/json", "Stripe-Signature": self.sign(payload, self.webhook_secret)})
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status


def _missing(kind: str) -> tuple[int, dict]:
    return 404, {"error": {"type": "invalid_request_error", "code": "resource_missing",
                           "message": f"No such {kind}."}}


PAY_PAGE = """<!doctype html><html lang="en"><meta charset="utf-8"><title>Fake Stripe Checkout</title>
<h1>Fake Stripe Checkout (test mode)</h1><p>{amount} {currency} &middot; session {sid}</p>
<form method="post"><button type="submit">Pay (test card)</button></form>
<p><a href="{cancel}">Back without paying</a></p></html>"""


def _handler(fake: FakeStripe):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet in tests
            pass

        def _send(self, status: int, body: dict | str, content_type: str = "application/json", headers=None):
            data = (json.dumps(body) if isinstance(body, dict) else body).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Request-Id", _id("req"))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> str:
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length).decode() if length else ""

        def _dispatch(self, method: str):
            url = urlsplit(self.path)
            if url.path.startswith("/pay/"):
                return self._pay_page(method, url.path.split("/")[2])
            if not (self.headers.get("Authorization") or "").startswith("Bearer sk_"):
                return self._send(401, {"error": {"type": "invalid_request_error", "message": "No API key."}})
            params = decode_form(self._body() if method == "POST" else url.query)
            status, body = fake.api(method, url.path, params, self.headers.get("Idempotency-Key"))
            self._send(status, fake.public(body) if status == 200 else body)

        def _pay_page(self, method: str, session_id: str):
            session = fake.sessions.get(session_id)
            if session is None:
                return self._send(404, "no such session", "text/plain")
            if method == "GET":
                page = PAY_PAGE.format(amount=session["amount_total"] / 100, currency=session["currency"].upper(),
                                       sid=html.escape(session_id), cancel=html.escape(session["cancel_url"] or "/"))
                return self._send(200, page, "text/html; charset=utf-8")
            if session["status"] == "open":
                completed = fake.complete_session(session_id)
                if fake.webhook_url and fake.webhook_secret:
                    fake.send_webhook(fake.event("checkout.session.completed", completed))
            target = (session["success_url"] or "/").replace("{CHECKOUT_SESSION_ID}", session_id)
            self._send(303, "", "text/plain", {"Location": target})

        def do_GET(self):  # noqa: N802 (http.server's naming)
            self._dispatch("GET")

        def do_POST(self):  # noqa: N802
            self._dispatch("POST")

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=12111)
    parser.add_argument("--webhook-url")
    parser.add_argument("--webhook-secret")
    args = parser.parse_args()
    fake = FakeStripe(args.port, args.webhook_url, args.webhook_secret)
    print(f"fake Stripe on {fake.url} (STRIPE_API_BASE={fake.url}); Ctrl-C to stop", flush=True)
    try:
        fake.server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
