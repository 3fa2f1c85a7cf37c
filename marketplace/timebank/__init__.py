"""The time bank: accounts, transfers and entries, holds, volunteering, wallets."""


def register_blueprints(app) -> None:
    from . import manage_views  # noqa: F401  (adds the coordinator, moderator and admin pages to the blueprint)
    from .api import bp as api_bp
    from .views import bp

    app.register_blueprint(bp)
    app.register_blueprint(api_bp)
