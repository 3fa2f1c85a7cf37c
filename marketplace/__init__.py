"""Commons Market: the Flask application factory."""
from __future__ import annotations

import logging
import os
from pathlib import Path

from dotenv import load_dotenv
from flask import Flask

from .config import build_config

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Build the app. `config` overrides what the environment says."""
    load_dotenv(PROJECT_ROOT / ".env", override=False)
    instance_path = os.environ.get("COMMONS_INSTANCE_PATH") or str(PROJECT_ROOT / "instance")
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder="static",
    )
    env = dict(os.environ)
    if config and "COMMONS_ENV" in config:
        env["COMMONS_ENV"] = config["COMMONS_ENV"]
    app.config.update(build_config(app.instance_path, env))
    if config:
        app.config.update(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    register_logging(app)
    register_extensions(app)
    register_transactions(app)
    register_blueprints(app)
    register_cli(app)
    register_template_helpers(app)

    from .http_errors import register_error_handlers
    from .security import register_security_headers

    register_error_handlers(app)
    register_security_headers(app)
    return app


def register_logging(app: Flask) -> None:
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        # Alembic announces every plugin at INFO on each start; keep the log readable.
        logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


def register_extensions(app: Flask) -> None:
    from .extensions import babel, csrf, db, limiter, login_manager, migrate
    from .i18n import select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(PROJECT_ROOT / "translations"))
    limiter.init_app(app)
    login_manager.init_app(app)
    from .accounts.session import configure_login

    configure_login(login_manager)


def register_transactions(app: Flask) -> None:
    from .tx import register_teardown

    register_teardown(app)


def register_blueprints(app: Flask) -> None:
    from .accounts.views import bp as accounts_bp
    from .groups.views import bp as groups_bp
    from .health.views import bp as health_bp
    from .listings.views import bp as listings_bp
    from .moderation.views import bp as moderation_bp
    from .notifications.views import bp as notifications_bp
    from .pacts.views import bp as pacts_bp
    from .web.views import bp as web_bp

    for blueprint in (web_bp, accounts_bp, listings_bp, groups_bp, pacts_bp, health_bp, notifications_bp,
                      moderation_bp):
        app.register_blueprint(blueprint)

    from .timebank import register_blueprints as register_timebank

    register_timebank(app)

    from .bookings.api import bp as bookings_api_bp
    from .bookings.manage_views import bp as bookings_manage_bp
    from .bookings.views import bp as bookings_bp
    from .payments.views import bp as payments_bp

    for blueprint in (bookings_bp, bookings_manage_bp, bookings_api_bp, payments_bp):
        app.register_blueprint(blueprint)

    from .search_integration import init_app as init_search
    from .searchweb.views import api_bp as search_api_bp
    from .searchweb.views import bp as search_bp

    init_search(app)
    app.register_blueprint(search_bp)
    app.register_blueprint(search_api_bp)


def register_cli(app: Flask) -> None:
    from .cli import register_commands

    register_commands(app)


def register_template_helpers(app: Flask) -> None:
    from .templating import register_template_helpers as register

    register(app)
