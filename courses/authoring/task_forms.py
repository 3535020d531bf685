"""Forms of the task pages: a task's settings and one row of its rubric. They read what a
trainer typed into the services' inputs; the services (courses/authoring/services/tasks.py)
decide what can be saved."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Regexp

from courses.authoring.forms import strip_text, strip_upper
from courses.authoring.services.structure import COMPETENCY_CODE
from courses.authoring.services.tasks import (
    LEVELS,
    MAX_CRITERION_TITLE,
    MAX_DESCRIPTOR,
    MAX_INSTRUCTIONS,
    SUBMISSIONS_RANGE,
    CriterionInput,
    TaskSettings,
)
from courses.learning.models import CourseItem
from courses.learning.questiontypes.base import normalise_newlines
from courses.marking.models import AttachmentRule, RubricCriterion

ATTACHMENT_LABELS = {
    AttachmentRule.NONE.value: _l("No file: a written answer only"),
    AttachmentRule.OPTIONAL.value: _l("A file may come with the written answer"),
    AttachmentRule.REQUIRED.value: _l("A file must come with the written answer"),
}
LEVEL_NAMES = {
    "1": _l("Level 1 (Aware)"),
    "2": _l("Level 2 (Trained)"),
    "3": _l("Level 3 (Advanced)"),
    "4": _l("Level 4 (Expert)"),
}


class TaskForm(FlaskForm):
    title = StringField(
        _l("Title"), filters=[strip_text], validators=[DataRequired(), Length(max=200)]
    )
    required = BooleanField(_l("Required to complete the course"), default=True)
    instructions = TextAreaField(
        _l("Instructions (Markdown)"),
        filters=[normalise_newlines],
        validators=[Length(max=MAX_INSTRUCTIONS)],
        description=_l(
            "The case, what to hand in, how long it may be and how it is marked. End with a "
            "## References section naming the instruments. Raw HTML is shown as text."
        ),
    )
    attachment = SelectField(
        _l("File with the answer (PDF, PNG or JPEG)"),
        choices=[SelectChoice(rule, label) for rule, label in ATTACHMENT_LABELS.items()],
        default=AttachmentRule.NONE.value,
    )
    blind_marking = BooleanField(
        _l("Blind marking: markers do not see who handed the answer in until it is marked")
    )
    max_submissions = IntegerField(
        _l("Submissions allowed"),
        default=2,
        validators=[InputRequired(), NumberRange(*SUBMISSIONS_RANGE)],
        description=_l(
            "1 to 5. A marker may ask for a new submission while the officer has one left."
        ),
    )

    def settings(self) -> TaskSettings:
        return TaskSettings(
            attachment=self.attachment.data,
            blind_marking=self.blind_marking.data,
            max_submissions=self.max_submissions.data,
        )

    @classmethod
    def values_of(cls, item: CourseItem) -> dict[str, Any]:
        task = item.task
        return {
            "title": item.title,
            "required": item.required,
            "instructions": task.instructions,
            "attachment": task.attachment,
            "blind_marking": task.blind_marking,
            "max_submissions": task.max_submissions,
        }


def _descriptor_field(level: str) -> TextAreaField:
    return TextAreaField(
        LEVEL_NAMES[level],
        filters=[normalise_newlines, strip_text],
        validators=[Length(max=MAX_DESCRIPTOR)],
        render_kw={"rows": 3},
    )


class CriterionForm(FlaskForm):
    title = StringField(
        _l("What the marker judges"),
        filters=[strip_text],
        validators=[DataRequired(), Length(max=MAX_CRITERION_TITLE)],
        description=_l("For example: Chooses and applies the right valuation method."),
    )
    competency_code = StringField(
        _l("Competency it evidences"),
        filters=[strip_upper],
        validators=[
            DataRequired(),
            Regexp(
                COMPETENCY_CODE,
                message=_l(
                    "A competency code is capital letters, digits and hyphens, up to 32 "
                    "characters (for example OPS-VAL)."
                ),
            ),
        ],
        description=_l("One code of a loaded framework; the module's competencies are offered."),
        render_kw={"list": "competency-suggestions", "autocomplete": "off"},
    )
    level_1 = _descriptor_field("1")
    level_2 = _descriptor_field("2")
    level_3 = _descriptor_field("3")
    level_4 = _descriptor_field("4")

    @property
    def level_fields(self) -> list[TextAreaField]:
        return [self.level_1, self.level_2, self.level_3, self.level_4]

    def descriptors(self) -> dict[str, str]:
        """The levels described, by level; a blank box is a level a marker cannot give."""
        return {level: f.data for level, f in zip(LEVELS, self.level_fields, strict=True) if f.data}

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if not self.descriptors():
            self.form_errors.append(
                _l("Describe at least one level: what the work shows at that level.")
            )
            return False
        return valid

    def criterion(self) -> CriterionInput:
        return CriterionInput(self.title.data, self.competency_code.data, self.descriptors())

    @classmethod
    def values_of(cls, criterion: RubricCriterion) -> dict[str, Any]:
        return {
            "title": criterion.title,
            "competency_code": criterion.competency_code,
            **{f"level_{level}": criterion.descriptor(int(level)) for level in LEVELS},
        }
