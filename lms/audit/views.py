"""The audit log, read-only, for admins."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional

from lms.access import allow
from lms.audit.services import AuditAction, AuditFilter, audit_query
from lms.extensions import db

blueprint = Blueprint("audit", __name__, url_prefix="/admin/audit")

ACTIONS = sorted(value for name, value in vars(AuditAction).items() if name.isupper())


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    action = SelectField(
        _l("Action"),
        choices=[("", _l("Any action"))] + [(a, a) for a in ACTIONS],
        validators=[Optional()],
    )
    actor = StringField(_l("Done by (email)"), validators=[Optional(), Length(max=254)])
    target_type = SelectField(
        _l("Concerning"),
        choices=[
            ("", _l("Anything")),
            ("user", _l("User")),
            ("unit", _l("Unit")),
            ("position", _l("Position")),
            ("user_import", _l("User import")),
        ],
        validators=[Optional()],
    )
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])


@blueprint.route("/")
@allow("admin")
def index():
    form = AuditFilterForm(formdata=request.args)
    valid = form.validate()
    filters = AuditFilter()
    if valid:
        filters = AuditFilter(
            action=form.action.data or None,
            actor_email=form.actor.data or None,
            target_type=form.target_type.data or None,
            target_id=request.args.get("target_id", type=int),
            since=form.since.data if isinstance(form.since.data, date) else None,
            until=form.until.data if isinstance(form.until.data, date) else None,
        )
    page = db.paginate(audit_query(filters), per_page=50, error_out=False)
    return render_template("audit/index.html", form=form, page=page)
