"""The audit log, read-only, for admins."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, Field, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional

from lms.access import allow
from lms.audit.services import AuditAction, AuditFilter, audit_query
from lms.pagination import paginate
from lms.routing import MAX_ID

blueprint = Blueprint("audit", __name__, url_prefix="/admin/audit")

ACTIONS = sorted(value for name, value in vars(AuditAction).items() if name.isupper())


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    action = SelectField(
        _l("Action"),
        choices=[SelectChoice("", _l("Any action"))] + [SelectChoice(a) for a in ACTIONS],
        validators=[Optional()],
    )
    actor = StringField(_l("Done by (email)"), validators=[Optional(), Length(max=254)])
    target_type = SelectField(
        _l("Concerning"),
        choices=[
            SelectChoice("", _l("Anything")),
            SelectChoice("user", _l("User")),
            SelectChoice("unit", _l("Unit")),
            SelectChoice("position", _l("Position")),
            SelectChoice("user_import", _l("User import")),
        ],
        validators=[Optional()],
    )
    target_id = IntegerField(
        _l("Record number"), validators=[Optional(), NumberRange(min=1, max=MAX_ID)]
    )
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])


@blueprint.route("/")
@allow("admin")
def index():
    form = AuditFilterForm(formdata=request.args)
    form.validate()

    def valid(field: Field) -> Any:
        """The field's value, or None when it is empty or has an error (shown on the page)."""
        return None if field.errors or field.data in ("", None) else field.data

    filters = AuditFilter(
        action=valid(form.action),
        actor_email=valid(form.actor),
        target_type=valid(form.target_type),
        target_id=valid(form.target_id),
        since=valid(form.since),
        until=valid(form.until),
    )
    page = paginate(audit_query(filters))
    return render_template("audit/index.html", form=form, page=page)
