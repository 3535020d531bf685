"""Frameworks administration for HR and administrators: settings, the competency tree, and
Moodle CSV import and export."""

from __future__ import annotations

import base64
import binascii
import zlib

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from wtforms.fields.choices import SelectChoice

from competencies.forms import (
    LEVEL_POLICY_NAMES,
    CompetencyForm,
    FrameworkForm,
    FrameworkImportConfirmForm,
    FrameworkImportForm,
)
from competencies.models import Competency
from competencies.services import framework_csv
from competencies.services.competency_tree import (
    CompetencyDetails,
    competency_tree,
    get_competency,
    save_competency,
)
from competencies.services.descriptors import DESCRIPTOR_MAX
from competencies.services.frameworks import (
    FrameworkSettings,
    get_framework,
    list_frameworks,
    update_framework,
)
from competencies.services.moodle_csv import COLUMNS, OUR_COLUMNS
from courses.learning.services.principles import principles_by_code
from lms.access import allow
from lms.csvfiles import decode_upload
from lms.edge import saving
from lms.errors import ValidationError
from lms.extensions import db

blueprint = Blueprint(
    "frameworks", __name__, url_prefix="/frameworks", template_folder="../templates"
)

STAFF = ("hr", "admin")
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
# The checked file travels back compressed in the confirmation form, under Werkzeug's
# 500 kB limit for a form field.
MAX_CARRIED_CHARS = 450_000


@blueprint.route("/")
@allow(*STAFF)
def index():
    counts = dict(
        db.session.execute(
            select(Competency.framework_id, func.count(Competency.id))
            .where(Competency.retired_at.is_(None))
            .group_by(Competency.framework_id)
        ).all()
    )
    return render_template(
        "frameworks/index.html",
        frameworks=list_frameworks(),
        counts=counts,
        policy_names=LEVEL_POLICY_NAMES,
    )


@blueprint.route("/<int:framework_id>")
@allow(*STAFF)
def show(framework_id: int):
    framework = get_framework(framework_id)
    return render_template(
        "frameworks/show.html",
        framework=framework,
        tree=competency_tree(framework),
        policy_names=LEVEL_POLICY_NAMES,
    )


@blueprint.route("/<int:framework_id>/edit", methods=["GET", "POST"])
@allow(*STAFF)
def edit_framework(framework_id: int):
    framework = get_framework(framework_id)
    # A POST is read from the form alone: a missing field is an error, not the old value.
    form = FrameworkForm(obj=framework if request.method == "GET" else None)
    if request.method == "GET":
        form.scale.data = ", ".join(framework.scale)
    if form.validate_on_submit():
        settings = FrameworkSettings(
            form.name.data,
            form.description.data or "",
            form.scale_names(),
            form.proficient_level.data,
            form.level_policy.data,
            form.validity_months.data,
            form.min_questions_per_level.data,
        )
        with saving(form) as saved:
            change = update_framework(framework, settings, actor_id=current_user.id)
        if saved:
            if not change.changed:
                flash(_("Nothing to save: the settings are unchanged."), "info")
            elif change.levels_rebuilt is not None:
                flash(
                    _(
                        "Framework saved. The current level rule changed, so %(n)d current "
                        "levels were recomputed from the evidence.",
                        n=change.levels_rebuilt,
                    ),
                    "success",
                )
            else:
                flash(_("Framework saved."), "success")
            return redirect(url_for("frameworks.show", framework_id=framework.id))
    return render_template("frameworks/framework_form.html", form=form, framework=framework)


@blueprint.route("/<int:framework_id>/competencies/new", methods=["GET", "POST"])
@blueprint.route("/<int:framework_id>/competencies/<int:competency_id>", methods=["GET", "POST"])
@allow(*STAFF)
def edit_competency(framework_id: int, competency_id: int | None = None):
    framework = get_framework(framework_id)
    competency = get_competency(framework, competency_id) if competency_id else None
    form = CompetencyForm.for_scale(framework.scale)(
        obj=competency if request.method == "GET" else None
    )
    tree = competency_tree(framework)
    form.parent_id.choices = [SelectChoice(0, _("(none: top level)"))] + [
        SelectChoice(c.id, "\u2003" * c.depth + f"{c.name} ({c.code})")
        for c in tree
        if competency is None or not c.path.startswith(competency.path)
    ]
    form.principles.choices = [
        SelectChoice(p.code, f"{p.code} {p.name}")
        for p in sorted(principles_by_code().values(), key=lambda p: p.position)
    ]
    if request.method == "GET":
        if competency is not None:
            form.parent_id.data = competency.parent_id or 0
            form.principles.data = [p.code for p in competency.principles]
            for level, field in enumerate(form.descriptor_fields(), start=1):
                field.data = competency.descriptor(level)
        else:
            form.parent_id.data = request.args.get("parent", 0, type=int)
    if form.validate_on_submit():
        details = CompetencyDetails(
            form.code.data,
            form.name.data,
            form.description.data or "",
            form.parent_id.data or None,
            tuple(form.principles.data or ()),
            form.descriptors(),
            form.external_id.data or "",
        )
        with saving(form) as saved:
            competency = save_competency(framework, competency, details, actor_id=current_user.id)
        if saved:
            flash(_("Competency %(code)s saved.", code=competency.code), "success")
            return redirect(url_for("frameworks.show", framework_id=framework.id))
    return render_template(
        "frameworks/competency_form.html",
        form=form,
        framework=framework,
        competency=competency,
        descriptor_max=DESCRIPTOR_MAX,
    )


@blueprint.route("/import", methods=["GET", "POST"])
@allow(*STAFF)
def import_upload():
    """Upload a file and see every problem with it, or a preview to confirm."""
    form = FrameworkImportForm()
    if form.validate_on_submit():
        data = form.file.data.read(MAX_UPLOAD_BYTES + 1)
        try:
            if len(data) > MAX_UPLOAD_BYTES:
                raise ValidationError(_("The file is larger than 2 MB."))
            text = decode_upload(data)
            carried = _pack(text)
            if len(carried) > MAX_CARRIED_CHARS:
                raise ValidationError(
                    _(
                        "The file is too large to preview here; import it with the command "
                        "`flask competencies import-framework FILE`."
                    )
                )
        except ValidationError as error:
            form.file.errors = [error.message]
        else:
            checked = framework_csv.check_framework_import(text)
            confirm = FrameworkImportConfirmForm(formdata=None, text=carried)
            return render_template(
                "frameworks/import_preview.html",
                checked=checked,
                filename=form.file.data.filename or "framework.csv",
                form=confirm,
                policy_names=LEVEL_POLICY_NAMES,
            )
    return render_template(
        "frameworks/import_upload.html", form=form, columns=COLUMNS, our_columns=OUR_COLUMNS
    )


@blueprint.route("/import/confirm", methods=["POST"])
@allow(*STAFF)
def import_confirm():
    """Check the file again (the platform may have changed) and import it if still clean."""
    form = FrameworkImportConfirmForm()
    if not form.validate_on_submit():
        raise ValidationError(_("The confirmation form was incomplete; upload the file again."))
    text = _unpack(form.text.data)
    checked = framework_csv.check_framework_import(text)
    if not checked.ok:
        return render_template(
            "frameworks/import_preview.html",
            checked=checked,
            filename=_("the confirmed file"),
            form=FrameworkImportConfirmForm(formdata=None, text=form.text.data),
            policy_names=LEVEL_POLICY_NAMES,
        ), 400
    with saving():
        framework = framework_csv.import_framework(text, actor_id=current_user.id)
    flash(
        _(
            "Framework %(code)s imported with %(n)d competencies.",
            code=framework.code,
            n=len(checked.competencies),
        ),
        "success",
    )
    return redirect(url_for("frameworks.show", framework_id=framework.id))


@blueprint.route("/<int:framework_id>/export.csv")
@allow(*STAFF)
def export(framework_id: int):
    framework = get_framework(framework_id)
    body = framework_csv.export_framework_csv(framework)
    return Response(
        body.encode("utf-8"),
        mimetype="text/csv",
        headers={
            "Content-Disposition": "attachment; "
            f'filename="{framework_csv.export_filename(framework)}"',
            "Cache-Control": "no-store",
        },
    )


def _pack(text: str) -> str:
    return base64.urlsafe_b64encode(zlib.compress(text.encode("utf-8"), 9)).decode("ascii")


def _unpack(carried: str) -> str:
    damaged = ValidationError(_("The confirmation form was damaged; upload the file again."))
    try:
        inflater = zlib.decompressobj()
        # Never inflate more than an upload may hold, whatever was posted.
        data = inflater.decompress(base64.urlsafe_b64decode(carried), MAX_UPLOAD_BYTES)
        if inflater.unconsumed_tail or not inflater.eof:
            raise damaged
        return data.decode("utf-8")
    except (binascii.Error, zlib.error, UnicodeError, ValueError) as error:
        raise damaged from error
