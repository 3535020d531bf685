"""Where each role lands after signing in, and the user's own record."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from lms.access import allow_authenticated, allow_public

blueprint = Blueprint("home", __name__)

# The first role a user holds in this order decides their home page.
HOME_BY_ROLE = (
    ("admin", "users_admin.dashboard"),
    ("hr", "organisation.workforce"),
    ("trainer", "organisation.overview"),
    ("officer", "home.my_account"),
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


@blueprint.route("/me")
@allow_authenticated
def my_account():
    return render_template("account/me.html", user=current_user)
