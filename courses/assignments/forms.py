"""Forms of the curricula, assignments and follow-up pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from courses.assignments.models import TargetKind
from lms.accounts.forms import MultiCheckboxField, strip_whitespace

BLANK_COURSE_ROWS = 3


class CurriculumCourseRow(Form):
    """One line of a curriculum: a course, its place and whether it is required."""

    course_id = SelectField(_l("Course"), coerce=int, validators=[Optional()])
    position = IntegerField(_l("Order"), validators=[Optional(), NumberRange(min=1, max=999)])
    required = BooleanField(_l("Required"), default=True)


class CurriculumForm(FlaskForm):
    name = StringField(
        _l("Name"), filters=[strip_whitespace], validators=[DataRequired(), Length(max=200)]
    )
    description = TextAreaField(_l("Description"), validators=[Length(max=4000)])
    principles = MultiCheckboxField(_l("Reform principles covered"), validators=[Optional()])
    competencies = StringField(
        _l("Competency codes covered"),
        filters=[strip_whitespace],
        validators=[Optional(), Length(max=1000)],
        description=_l(
            "Separated by commas, for example P-INT, INT-COC. Leave the principles and "
            "competencies empty to take those of the courses' modules."
        ),
    )
    courses = FieldList(FormField(CurriculumCourseRow), min_entries=BLANK_COURSE_ROWS)


TARGET_LABELS = {
    TargetKind.UNIT.value: _l("An organisation unit"),
    TargetKind.POSITION.value: _l("A job position"),
    TargetKind.OFFICERS.value: _l("Named officers"),
}


class AssignmentForm(FlaskForm):
    content = SelectField(_l("What to assign"), validators=[DataRequired()])
    target_kind = RadioField(
        _l("Assign to"),
        choices=[SelectChoice(kind, label) for kind, label in TARGET_LABELS.items()],
        default=TargetKind.UNIT.value,
        validators=[DataRequired()],
    )
    unit = SelectField(
        _l("Unit"),
        coerce=int,
        validators=[Optional()],
        description=_l("For a job position: only its holders within this unit's subtree."),
    )
    include_subunits = BooleanField(_l("Include all its sub-units"), default=True)
    position = SelectField(_l("Job position"), coerce=int, validators=[Optional()])
    officers = TextAreaField(
        _l("Officers"),
        validators=[Optional(), Length(max=200_000)],
        description=_l("Service numbers or email addresses, one per line."),
    )
    due_kind = RadioField(
        _l("Due"),
        choices=[
            SelectChoice("date", _l("On a fixed date")),
            SelectChoice("days", _l("A number of days after each officer is assigned")),
        ],
        default="date",
        validators=[DataRequired()],
    )
    due_date = DateField(_l("Due date"), validators=[Optional()])
    due_days = IntegerField(
        _l("Days to complete"), validators=[Optional(), NumberRange(min=1, max=3650)]
    )


class FollowupFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    content = SelectField(_l("Curriculum or course"), validators=[Optional()])
    unit = SelectField(_l("Unit (with its sub-units)"), coerce=int, validators=[Optional()])


def content_key(curriculum_id: int | None = None, course_id: int | None = None) -> str:
    return f"curriculum-{curriculum_id}" if curriculum_id else f"course-{course_id}"


def parse_content_key(value: str | None) -> tuple[int | None, int | None]:
    """(curriculum id, course id) of "curriculum-3" / "course-7"; (None, None) otherwise."""
    kind, _, number = (value or "").partition("-")
    if not number.isdigit() or kind not in ("curriculum", "course"):
        return None, None
    return (int(number), None) if kind == "curriculum" else (None, int(number))
