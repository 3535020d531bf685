"""Where each role lands after signing in, and the user's own record."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, url_for
from flask_login import current_user

from lms.access import allow_authenticated, allow_public

blueprint = Blueprint("home", __name__)

# The first role a user holds in this order decides their home page.
HOME_BY_ROLE = (
    ("admin", "users_admin.dashboard"),
    ("hr", "organisation.workforce"),
    ("trainer", "authoring.courses"),
    ("officer", "learning.my_learning"),
)


def home_endpoint_for(roles: frozenset[str]) -> str:
    for role, endpoint in HOME_BY_ROLE:
        if role in roles:
            return endpoint
    return "home.my_account"


@blueprint.route("/")
@allow_public
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login"))
    return redirect(url_for(home_endpoint_for(current_user.roles)))


@blueprint.route("/healthz")
@allow_public
def health():
    """For a load balancer's health check (and the load benchmark's baseline): the web
    process answers. It reads no database and sets no cookie."""
    return Response("ok\n", mimetype="text/plain", headers={"Cache-Control": "no-store"})


@blueprint.route("/me")
@allow_authenticated
def my_account():
    return render_template("account/me.html", user=current_user)
