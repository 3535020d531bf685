"""Bulk user import: upload, preview with every problem, confirm, follow the job."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from lms.access import allow
from lms.accounts import imports
from lms.accounts.forms import ConfirmForm, UserImportForm
from lms.accounts.models import UserImport
from lms.csvfiles import decode_upload
from lms.edge import saving
from lms.errors import ValidationError
from lms.extensions import db
from lms.jobs import queue_job

blueprint = Blueprint("user_imports", __name__, url_prefix="/admin/imports")
PREVIEW_ROWS = 20


@blueprint.route("/", methods=["GET", "POST"])
@allow("admin")
def upload():
    form = UserImportForm()
    if form.validate_on_submit():
        upload_file = form.file.data
        try:
            text = decode_upload(upload_file.read())
        except ValidationError as error:
            form.file.errors = [error.message]
        else:
            with saving():
                user_import, check = imports.create_import(
                    text,
                    upload_file.filename or "upload.csv",
                    actor_id=current_user.id,
                    max_rows=current_app.config["USER_IMPORT_MAX_ROWS"],
                )
            return render_template(
                "imports/preview.html",
                user_import=user_import,
                check=check,
                preview=check.rows[:PREVIEW_ROWS],
                form=ConfirmForm(),
            )
    recent = db.session.scalars(select(UserImport).order_by(UserImport.id.desc()).limit(10)).all()
    return render_template("imports/upload.html", form=form, recent=recent, columns=imports.COLUMNS)


@blueprint.route("/<int:import_id>/confirm", methods=["POST"])
@allow("admin")
def confirm(import_id: int):
    user_import = imports.get_import(import_id)
    if ConfirmForm().validate_on_submit():
        with saving():
            imports.confirm_import(user_import)
            queue_job("lms.import_users", user_import.id)
        flash(_("Import queued: %(n)d users.", n=user_import.total_rows), "success")
    return redirect(url_for("user_imports.status", import_id=user_import.id))


@blueprint.route("/<int:import_id>")
@allow("admin")
def status(import_id: int):
    user_import = imports.get_import(import_id)
    return render_template("imports/status.html", user_import=user_import)
