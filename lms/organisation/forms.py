from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from lms.organisation.models import OrgUnit

UNIT_KIND_LABELS = {
    "administration": _l("Administration"),
    "region": _l("Region"),
    "office": _l("Customs office"),
    "port": _l("Port"),
    "border_post": _l("Border post"),
    "training_centre": _l("Training centre"),
    "directorate": _l("Directorate"),
}


class UnitForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(
        _l("Kind"), choices=[SelectChoice(kind, label) for kind, label in UNIT_KIND_LABELS.items()]
    )
    parent_id = SelectField(_l("Part of"), coerce=int, validators=[Optional()])


class PositionForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=4000)])


class WorkforceFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form changes nothing

    q = StringField(_l("Name, email or service number"), validators=[Optional(), Length(max=100)])
    unit = SelectField(_l("Unit (with its sub-units)"), coerce=int, validators=[Optional()])
    position = SelectField(_l("Job position"), coerce=int, validators=[Optional()])


def unit_choices(units: list[OrgUnit], *, blank: str | None = None) -> list[SelectChoice]:
    """Units as select options, indented by depth; `blank` labels a first option of 0."""
    choices = [SelectChoice(0, blank)] if blank else []
    return choices + [
        SelectChoice(unit.id, "\u2003" * unit.depth + f"{unit.name} ({unit.code})")
        for unit in units
    ]
