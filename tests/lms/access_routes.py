"""The platform core's routes and what each role gets from them (see tests/access_table.py).

The objects named by {user}, {unit}, {position} and {import} are made by the `world` fixture
in tests/lms/conftest.py."""

from __future__ import annotations

from lms.access import AUTHENTICATED, PUBLIC
from tests.access_table import (
    ADMIN_PAGE,
    ADMIN_REDIRECT,
    ANY_USER,
    EVERYONE,
    LOGGED_IN_REDIRECTED,
    RouteTable,
    statuses,
)

ADMIN = frozenset({"admin"})

# For an allowed user, a POST with no data is a form shown again with its errors (200) or an
# action done (302). An edit form whose fields are all absent (not empty) keeps the record's
# values, so it saves (302).
TABLE = RouteTable(
    routes={
        ("GET", "/static/<path:filename>"): ("/static/platform.css", EVERYONE),
        ("GET", "/"): ("/", LOGGED_IN_REDIRECTED),
        ("GET", "/healthz"): ("/healthz", EVERYONE),
        ("GET", "/me"): ("/me", ANY_USER),
        ("GET", "/login"): ("/login", statuses(200, 302, 302, 302, 302)),
        ("POST", "/login"): ("/login", statuses(200, 302, 302, 302, 302)),
        ("GET", "/account/password"): ("/account/password", ANY_USER),
        ("POST", "/account/password"): ("/account/password", ANY_USER),
        ("POST", "/logout"): ("/logout", LOGGED_IN_REDIRECTED),
        ("GET", "/admin/"): ("/admin/", ADMIN_PAGE),
        ("GET", "/admin/users"): ("/admin/users", ADMIN_PAGE),
        ("GET", "/admin/users/new"): ("/admin/users/new", ADMIN_PAGE),
        ("POST", "/admin/users/new"): ("/admin/users/new", ADMIN_PAGE),
        ("GET", "/admin/users/<int:user_id>"): ("/admin/users/{user}", ADMIN_PAGE),
        ("POST", "/admin/users/<int:user_id>"): ("/admin/users/{user}", ADMIN_PAGE),
        ("POST", "/admin/users/<int:user_id>/active"): (
            "/admin/users/{user}/active",
            ADMIN_REDIRECT,
        ),
        ("POST", "/admin/users/<int:user_id>/password-reset"): (
            "/admin/users/{user}/password-reset",
            ADMIN_PAGE,
        ),
        ("GET", "/admin/imports/"): ("/admin/imports/", ADMIN_PAGE),
        ("POST", "/admin/imports/"): ("/admin/imports/", ADMIN_PAGE),
        ("GET", "/admin/imports/<int:import_id>"): ("/admin/imports/{import}", ADMIN_PAGE),
        ("POST", "/admin/imports/<int:import_id>/confirm"): (
            "/admin/imports/{import}/confirm",
            ADMIN_REDIRECT,
        ),
        ("GET", "/admin/units"): ("/admin/units", ADMIN_PAGE),
        ("GET", "/admin/units/new"): ("/admin/units/new", ADMIN_PAGE),
        ("POST", "/admin/units/new"): ("/admin/units/new", ADMIN_PAGE),
        ("GET", "/admin/units/<int:unit_id>"): ("/admin/units/{unit}", ADMIN_PAGE),
        ("POST", "/admin/units/<int:unit_id>"): ("/admin/units/{unit}", ADMIN_REDIRECT),
        ("GET", "/admin/positions"): ("/admin/positions", ADMIN_PAGE),
        ("GET", "/admin/positions/new"): ("/admin/positions/new", ADMIN_PAGE),
        ("POST", "/admin/positions/new"): ("/admin/positions/new", ADMIN_PAGE),
        ("GET", "/admin/positions/<int:position_id>"): (
            "/admin/positions/{position}",
            ADMIN_PAGE,
        ),
        ("POST", "/admin/positions/<int:position_id>"): (
            "/admin/positions/{position}",
            ADMIN_REDIRECT,
        ),
        ("GET", "/organisation"): ("/organisation", statuses(302, 403, 200, 200, 200)),
        ("GET", "/workforce"): ("/workforce", statuses(302, 403, 403, 200, 200)),
        ("GET", "/admin/audit/"): ("/admin/audit/", ADMIN_PAGE),
        ("GET", "/notifications"): ("/notifications", ANY_USER),
        ("POST", "/notifications/read"): ("/notifications/read", LOGGED_IN_REDIRECTED),
    },
    # The rule each endpoint declares: loosening one must be a visible change here.
    endpoint_rules={
        "static": PUBLIC,
        "home.index": PUBLIC,
        "home.health": PUBLIC,
        "home.my_account": AUTHENTICATED,
        "accounts.login": PUBLIC,
        "accounts.logout": AUTHENTICATED,
        "accounts.change_password": AUTHENTICATED,
        "users_admin.dashboard": ADMIN,
        "users_admin.users": ADMIN,
        "users_admin.create_user": ADMIN,
        "users_admin.edit_user": ADMIN,
        "users_admin.toggle_active": ADMIN,
        "users_admin.reset_password": ADMIN,
        "user_imports.upload": ADMIN,
        "user_imports.confirm": ADMIN,
        "user_imports.status": ADMIN,
        "organisation.units": ADMIN,
        "organisation.edit_unit": ADMIN,
        "organisation.positions": ADMIN,
        "organisation.edit_position": ADMIN,
        "organisation.overview": frozenset({"trainer", "hr", "admin"}),
        "organisation.workforce": frozenset({"hr", "admin"}),
        "audit.index": ADMIN,
        "notifications.index": AUTHENTICATED,
        "notifications.mark_read": AUTHENTICATED,
    },
)
