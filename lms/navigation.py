"""Template helpers: the navigation each role sees, and small display filters."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, g
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from lms.accounts.forms import ROLE_LABELS
from lms.notifications.services import unread_count
from lms.pagination import page_url


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object
    roles: frozenset[str]


NAV_ITEMS = (
    NavItem("learning.my_learning", _l("My learning"), frozenset({"officer"})),
    NavItem("learning.catalogue_page", _l("Catalogue"), frozenset({"officer"})),
    NavItem("profiles.my_profile", _l("My competencies"), frozenset({"officer"})),
    NavItem("certificates.my_certificates", _l("My certificates"), frozenset({"officer"})),
    NavItem("profiles.search", _l("Officers' competencies"), frozenset({"trainer"})),
    NavItem("authoring.courses", _l("Authoring"), frozenset({"trainer"})),
    NavItem("marking.queue", _l("Marking"), frozenset({"trainer"})),
    NavItem("curricula.index", _l("Curricula"), frozenset({"trainer", "hr"})),
    NavItem("assignments.index", _l("Assignments"), frozenset({"trainer", "hr", "admin"})),
    NavItem("organisation.overview", _l("Organisation"), frozenset({"trainer"})),
    NavItem("certificates.holders", _l("Certificates"), frozenset({"trainer", "hr", "admin"})),
    NavItem("organisation.workforce", _l("Workforce"), frozenset({"hr", "admin"})),
    NavItem("matrix.index", _l("Skills matrix"), frozenset({"hr", "admin"})),
    NavItem("requirements.positions", _l("Required levels"), frozenset({"hr", "admin"})),
    NavItem("frameworks.index", _l("Frameworks"), frozenset({"hr", "admin"})),
    NavItem("users_admin.dashboard", _l("Administration"), frozenset({"admin"})),
    NavItem("users_admin.users", _l("Accounts"), frozenset({"admin"})),
    NavItem("audit.index", _l("Audit log"), frozenset({"admin"})),
    NavItem("home.my_account", _l("My account"), frozenset({"officer", "trainer", "hr", "admin"})),
)


def navigation_items() -> list[NavItem]:
    roles = current_user.roles if current_user.is_authenticated else frozenset()
    return [item for item in NAV_ITEMS if not item.roles.isdisjoint(roles)]


def unread_notifications() -> int:
    """How many unread notifications the signed-in user has (one query per request)."""
    if not current_user.is_authenticated:
        return 0
    if "unread_notifications" not in g:
        g.unread_notifications = unread_count(current_user.id)
    return g.unread_notifications


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.globals["navigation_items"] = navigation_items
    app.jinja_env.globals["unread_notifications"] = unread_notifications
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["page_url"] = page_url

    @app.template_filter("role_label")
    def role_label(role: str) -> str:
        return str(ROLE_LABELS.get(role, role))
