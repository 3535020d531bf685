"""Signing in and out, and the user's own password."""

from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from lms.access import allow_authenticated, allow_public
from lms.accounts import services
from lms.accounts.forms import ChangePasswordForm, LoginForm
from lms.accounts.models import User
from lms.accounts.sessions import authenticate, close_session, load_session_user, open_session
from lms.edge import saving
from lms.extensions import limiter, login_manager

blueprint = Blueprint("accounts", __name__)


def register_login_manager(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None
    login_manager.session_protection = None  # the server-side session table does this job
    login_manager.user_loader(load_session_user)


def safe_next_url(target: str | None) -> str | None:
    """Only same-site paths: '/x' yes; '//evil', 'https://…' and '/\\evil' no. Browsers drop
    tabs and newlines from URLs (slash, tab, slash becomes '//'), so a control character or a
    backslash anywhere refuses the target."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and all(ord(char) > 0x20 and ord(char) != 0x7F for char in target)
    ):
        return target
    return None


def start_session(user: User) -> None:
    """Begin a fresh session: a new server-side token and a cleared cookie (no fixation)."""
    session.clear()
    open_session(user, lifetime_seconds=current_app.config["PERMANENT_SESSION_LIFETIME"])
    session.permanent = True
    login_user(user)


def _address_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT_PER_ADDRESS"]


@blueprint.route("/login", methods=["GET", "POST"])
@allow_public
@limiter.limit(_address_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        with saving():  # a failed sign-in is recorded too
            outcome = authenticate(
                form.email.data,
                form.password.data,
                remote_addr=request.remote_addr or "",
                max_failures=current_app.config["LOGIN_MAX_FAILURES"],
                window_seconds=current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"],
            )
            if outcome.succeeded:
                start_session(outcome.user)
        if outcome.succeeded:
            return redirect(safe_next_url(request.args.get("next")) or url_for("home.index"))
        if outcome.locked_until is not None:
            form.form_errors.append(
                _(
                    "Too many failed sign-ins for this account. It is locked for a while: try "
                    "again after %(time)s UTC, or ask your administrator to reset your password.",
                    time=outcome.locked_until.strftime("%H:%M"),
                )
            )
        else:
            form.form_errors.append(_("The email or password is not correct."))
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


@blueprint.route("/logout", methods=["POST"])
@allow_authenticated
def logout():
    with saving():
        close_session(current_user.get_id())
        logout_user()
        session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("accounts.login"))


@blueprint.route("/account/password", methods=["GET", "POST"])
@allow_authenticated
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        with saving(form.new_password) as saved:
            services.change_password(user, form.current_password.data, form.new_password.data)
            start_session(user)
        if saved:
            flash(
                _("Your password has been changed. Other sessions have been signed out."), "success"
            )
            return redirect(url_for("home.index"))
    return render_template("auth/change_password.html", form=form)
