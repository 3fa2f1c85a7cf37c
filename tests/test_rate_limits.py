"""Flask-Limiter caps log-in attempts per address, in memory or in Redis."""
from __future__ import annotations

import secrets
import socket

import pytest


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


def _hammer(app, n, address="127.0.0.1"):
    client = app.test_client()
    return [client.post("/login", data={"email": f"x{i}@example.org", "password": "nope nope"},
                        environ_base={"REMOTE_ADDR": address}).status_code
            for i in range(n)]


def test_login_posts_are_rate_limited_per_address(make_app):
    app = make_app(LOGIN_MAX_FAILURES=1000)
    codes = _hammer(app, 31)
    assert codes[:30] == [401] * 30
    assert codes[30] == 429


def test_rate_limits_shared_through_redis(make_app):
    if not _redis_up():
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    config = {"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0", "LOGIN_MAX_FAILURES": 1000}
    first, second = make_app(**config), make_app(**config)
    # A fresh client address keeps runs apart on a shared Redis.
    address = f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250)}"
    # Two app instances (two workers) share one budget.
    assert _hammer(first, 20, address) == [401] * 20
    codes = _hammer(second, 11, address)
    assert codes[:10] == [401] * 10 and codes[10] == 429
