"""Template helpers: the navigation each role sees, and small display filters."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from lms.accounts.forms import ROLE_LABELS


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object
    roles: frozenset[str]


NAV_ITEMS = (
    NavItem("organisation.overview", _l("Organisation"), frozenset({"trainer"})),
    NavItem("organisation.workforce", _l("Workforce"), frozenset({"hr", "admin"})),
    NavItem("users_admin.dashboard", _l("Administration"), frozenset({"admin"})),
    NavItem("users_admin.users", _l("Accounts"), frozenset({"admin"})),
    NavItem("audit.index", _l("Audit log"), frozenset({"admin"})),
    NavItem("home.my_account", _l("My account"), frozenset({"officer", "trainer", "hr", "admin"})),
)


def navigation_items() -> list[NavItem]:
    roles = current_user.roles if current_user.is_authenticated else frozenset()
    return [item for item in NAV_ITEMS if not item.roles.isdisjoint(roles)]


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.globals["navigation_items"] = navigation_items

    @app.template_filter("role_label")
    def role_label(role: str) -> str:
        return str(ROLE_LABELS.get(role, role))

    @app.template_filter("reject_page")
    def reject_page(args: dict) -> dict:
        return {key: value for key, value in args.items() if key != "page"}
