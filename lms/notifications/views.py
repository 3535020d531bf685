"""The user's own notifications: the list, and marking them read."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from lms.access import allow_authenticated
from lms.edge import saving
from lms.notifications import services
from lms.pagination import paginate

blueprint = Blueprint("notifications", __name__, url_prefix="/notifications")


class MarkReadForm(FlaskForm):
    pass


@blueprint.route("")
@allow_authenticated
def index():
    page = paginate(services.notifications_query(current_user.id), per_page=30)
    return render_template("notifications/index.html", page=page, form=MarkReadForm())


@blueprint.route("/read", methods=["POST"])
@allow_authenticated
def mark_read():
    if MarkReadForm().validate_on_submit():
        with saving():
            services.mark_all_read(current_user.id)
    return redirect(url_for("notifications.index"))
