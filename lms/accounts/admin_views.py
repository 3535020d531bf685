"""Admin pages for accounts: list, create, edit, roles, deactivation, password reset."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from wtforms.fields.choices import SelectChoice

from lms.access import allow
from lms.accounts import services
from lms.accounts.forms import ConfirmForm, RolesForm, UserForm
from lms.accounts.models import User
from lms.accounts.services import matches_search
from lms.edge import saving
from lms.extensions import db
from lms.organisation.forms import unit_choices
from lms.organisation.services import list_positions, list_units
from lms.pagination import paginate

blueprint = Blueprint("users_admin", __name__, url_prefix="/admin")


@blueprint.route("/")
@allow("admin")
def dashboard():
    counts = dict(
        db.session.execute(select(User.active, func.count(User.id)).group_by(User.active)).all()
    )
    return render_template(
        "admin/dashboard.html", active=counts.get(True, 0), inactive=counts.get(False, 0)
    )


@blueprint.route("/users")
@allow("admin")
def users():
    term = (request.args.get("q") or "").strip()[:100]
    query = (
        select(User)
        .options(joinedload(User.unit), joinedload(User.position))
        .order_by(User.full_name)
    )
    if term:
        query = query.where(matches_search(term))
    page = paginate(query)
    return render_template("admin/users.html", page=page, term=term)


def _fill_choices(form: UserForm) -> None:
    form.unit_id.choices = unit_choices(list_units())
    form.position_id.choices = [SelectChoice(0, _("(no position)"))] + [
        SelectChoice(p.id, f"{p.title} ({p.code})") for p in list_positions()
    ]


@blueprint.route("/users/new", methods=["GET", "POST"])
@allow("admin")
def create_user():
    form = UserForm()
    _fill_choices(form)
    if form.validate_on_submit():
        details = services.UserDetails(
            form.email.data,
            form.full_name.data,
            form.service_number.data,
            form.unit_id.data,
            form.position_id.data or None,
        )
        with saving(form) as saved:
            user = services.create_user(details, form.roles.data, actor_id=current_user.id)
            temporary = services.reset_password(user, actor_id=current_user.id)
        if saved:
            return render_template("admin/temporary_password.html", user=user, temporary=temporary)
    return render_template("admin/user_form.html", form=form, user=None)


@blueprint.route("/users/<int:user_id>", methods=["GET", "POST"])
@allow("admin")
def edit_user(user_id: int):
    user = services.get_user(user_id)
    form = UserForm(obj=user)
    _fill_choices(form)
    if request.method == "GET":
        form.roles.data = sorted(user.roles)
        form.position_id.data = user.position_id or 0
    if form.validate_on_submit():
        details = services.UserDetails(
            form.email.data,
            form.full_name.data,
            form.service_number.data,
            form.unit_id.data,
            form.position_id.data or None,
        )
        with saving(form) as saved:
            services.update_user(user, details, actor_id=current_user.id)
            services.set_roles(user, set(form.roles.data), actor_id=current_user.id)
        if saved:
            flash(_("Account %(email)s saved.", email=user.email), "success")
            return redirect(url_for("users_admin.edit_user", user_id=user.id))
    return render_template(
        "admin/user_form.html",
        form=form,
        user=user,
        action_form=ConfirmForm(),
        roles_form=RolesForm(),
    )


@blueprint.route("/users/<int:user_id>/active", methods=["POST"])
@allow("admin")
def toggle_active(user_id: int):
    user = services.get_user(user_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        with saving(flash_errors=True) as saved:
            services.set_active(user, not user.active, actor_id=current_user.id)
        if saved:
            flash(
                _("Account reactivated.")
                if user.active
                else _("Account deactivated; its sessions have ended."),
                "success",
            )
    return redirect(url_for("users_admin.edit_user", user_id=user.id))


@blueprint.route("/users/<int:user_id>/password-reset", methods=["POST"])
@allow("admin")
def reset_password(user_id: int):
    user = services.get_user(user_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(_("The form expired; try again."), "error")
        return redirect(url_for("users_admin.edit_user", user_id=user.id))
    with saving():
        temporary = services.reset_password(user, actor_id=current_user.id)
    return render_template("admin/temporary_password.html", user=user, temporary=temporary)
