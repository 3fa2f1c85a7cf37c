"""Settings from environment variables (and an optional `.env`).

Development generates a secret key once and keeps it in the instance folder;
production refuses to start without a real one.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

SUPPORTED_LOCALES = ("en", "ro", "it", "pl", "hu")
WEAK_SECRETS = {"", "dev", "changeme", "secret", "change-me"}


class ConfigError(RuntimeError):
    """The configuration cannot run safely."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(env: dict, name: str, default: int) -> int:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from exc


def _choice(env: dict, name: str, allowed: tuple[str, ...], default: str) -> str:
    value = env.get(name) or default
    if value not in allowed:
        raise ConfigError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def _instance_secret(instance_path: Path) -> str:
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def _database_url(env: dict, instance_path: Path) -> str:
    url = env.get("DATABASE_URL") or f"sqlite:///{instance_path / 'commons.db'}"
    # Accept the common postgres:// spellings and use psycopg 3.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix):]
    return url


def build_config(instance_path: str | os.PathLike, env: dict | None = None) -> dict:
    """Return the Flask config mapping for this environment."""
    env = dict(os.environ if env is None else env)
    instance = Path(instance_path)
    mode = env.get("COMMONS_ENV", "development")
    if mode not in {"development", "production", "testing"}:
        raise ConfigError(f"COMMONS_ENV must be development, production or testing, not {mode!r}")
    production = mode == "production"

    secret = env.get("SECRET_KEY", "")
    if production and (secret in WEAK_SECRETS or len(secret) < 32):
        raise ConfigError("SECRET_KEY must be set to a random value of 32+ characters in production")
    if not secret:
        secret = _instance_secret(instance)

    default_locale = env.get("DEFAULT_LOCALE", "en")
    if default_locale not in SUPPORTED_LOCALES:
        raise ConfigError(f"DEFAULT_LOCALE must be one of {', '.join(SUPPORTED_LOCALES)}")

    return {
        "ENV_NAME": mode,
        "TESTING": mode == "testing",
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": _database_url(env, instance),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SEARCH_INDEX_DIR": env.get("SEARCH_INDEX_DIR") or str(instance / "search-index"),
        "UPLOAD_DIR": env.get("UPLOAD_DIR") or str(instance / "uploads"),
        "STRIPE_SECRET_KEY": env.get("STRIPE_SECRET_KEY") or None,
        "STRIPE_WEBHOOK_SECRET": env.get("STRIPE_WEBHOOK_SECRET") or None,
        "STRIPE_API_BASE": env.get("STRIPE_API_BASE") or None,
        "MAIL_SERVER": env.get("MAIL_SERVER") or None,
        "MAIL_PORT": _int(env, "MAIL_PORT", 587),
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": _bool(env.get("MAIL_USE_TLS"), True),
        "MAIL_DELIVERY": _choice(env, "MAIL_DELIVERY", ("inline", "worker"), "inline"),
        "MAIL_DEFAULT_SENDER": env.get("MAIL_DEFAULT_SENDER", "Commons Market <no-reply@localhost>"),
        "DEFAULT_LOCALE": default_locale,
        "BABEL_DEFAULT_LOCALE": default_locale,
        "SUPPORTED_LOCALES": SUPPORTED_LOCALES,
        "CITY_NAME": env.get("CITY_NAME", "Cluj-Napoca"),
        "CURRENCY": env.get("CURRENCY", "RON").upper(),
        "TIMEZONE": env.get("TIMEZONE", "Europe/Bucharest"),
        "BABEL_DEFAULT_TIMEZONE": env.get("TIMEZONE", "Europe/Bucharest"),
        "REDIS_URL": env.get("REDIS_URL") or None,
        "RATELIMIT_STORAGE_URI": env.get("REDIS_URL") or "memory://",
        "RATELIMIT_ENABLED": _bool(env.get("RATELIMIT_ENABLED"), True),
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_MAX_FAILURES": _int(env, "LOGIN_MAX_FAILURES", 5),
        "LOGIN_LOCK_MINUTES": _int(env, "LOGIN_LOCK_MINUTES", 15),
        "PASSWORD_RESET_MAX_AGE": _int(env, "PASSWORD_RESET_MAX_AGE", 3600),
        "MAX_CONTENT_LENGTH": _int(env, "MAX_CONTENT_LENGTH", 32 * 1024 * 1024),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool(env.get("SESSION_COOKIE_SECURE"), production),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool(env.get("SESSION_COOKIE_SECURE"), production),
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "WTF_CSRF_TIME_LIMIT": None if not production else 8 * 3600,
        "SERVER_NAME": env.get("SERVER_NAME") or None,
    }
