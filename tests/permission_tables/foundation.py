from tests.permission_tables import LOGIN, OK, Row, everyone, signed_in

ROWS = [
    Row("GET", "web.home", lambda w: "/", everyone(200)),
    Row("GET", "web.about", lambda w: "/about", everyone(200)),
    Row("POST", "web.set_language", lambda w: "/language", everyone(302), data=lambda w: {"locale": "ro"}),
    Row("GET", "health.healthz", lambda w: "/healthz", everyone(200)),
    Row("GET", "listings.detail", lambda w: f"/listings/{w.listing}", everyone(200)),
    Row("GET", "groups.index", lambda w: "/groups", everyone(200)),
    Row("GET", "groups.detail", lambda w: f"/groups/{w.group_a_slug}", everyone(200)),
    Row("GET", "pacts.index", lambda w: "/pacts", everyone(200)),
    Row("GET", "pacts.detail", lambda w: f"/pacts/{w.pact}", everyone(200)),
    # Signed-in people are sent home from the log-in and register pages.
    Row("GET", "accounts.login", lambda w: "/login", {"anonymous": 200, "*": 302}),
    Row("POST", "accounts.login", lambda w: "/login", {"anonymous": 422, "*": 302}, data=lambda w: {}),
    Row("GET", "accounts.register", lambda w: "/register", {"anonymous": 200, "*": 302}),
    Row("POST", "accounts.register", lambda w: "/register", {"anonymous": 422, "*": 302}, data=lambda w: {}),
    Row("POST", "accounts.logout", lambda w: "/logout", signed_in(302)),
    Row("GET", "accounts.account", lambda w: "/account", signed_in(200)),
    Row("POST", "accounts.account", lambda w: "/account", signed_in(OK), data=lambda w: {"display_name": "New"}),
    Row("GET", "accounts.change_password", lambda w: "/account/password", signed_in(200)),
    Row("POST", "accounts.change_password", lambda w: "/account/password", signed_in(422), data=lambda w: {}),
    Row("GET", "accounts.forgot_password", lambda w: "/password/forgot", everyone(200)),
    Row("POST", "accounts.forgot_password", lambda w: "/password/forgot", everyone(302),
        data=lambda w: {"email": "nobody@example.org"}),
    Row("GET", "accounts.reset_password", lambda w: "/password/reset/bad-token", everyone(200)),
    Row("POST", "accounts.reset_password", lambda w: "/password/reset/bad-token", everyone(422),
        data=lambda w: {"password": "long enough pw", "confirm": "long enough pw"}),
    Row("GET", "notifications.index", lambda w: "/notifications", signed_in(200)),
    Row("POST", "notifications.mark_read", lambda w: "/notifications/read", signed_in(302)),
]

__all__ = ["ROWS", "LOGIN"]
