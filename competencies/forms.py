"""Forms of the competencies pages."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from competencies.models import LevelPolicy
from competencies.rules import DEFAULT_MIN_QUESTIONS
from competencies.services.descriptors import DESCRIPTOR_MAX, EXTERNAL_ID_MAX
from lms.accounts.forms import MultiCheckboxField, strip_whitespace

LEVEL_POLICY_NAMES = {
    LevelPolicy.HIGHEST.value: _l("Highest"),
    LevelPolicy.LATEST.value: _l("Latest"),
    LevelPolicy.HIGHEST_VALID.value: _l("Highest valid"),
}
LEVEL_POLICY_LABELS = {
    LevelPolicy.HIGHEST.value: _l("Highest: the best level ever demonstrated"),
    LevelPolicy.LATEST.value: _l("Latest: the most recent evidence decides"),
    LevelPolicy.HIGHEST_VALID.value: _l(
        "Highest valid: the best level within the validity period (older evidence lapses)"
    ),
}


class FrameworkForm(FlaskForm):
    name = StringField(
        _l("Name"), filters=[strip_whitespace], validators=[DataRequired(), Length(max=200)]
    )
    description = TextAreaField(_l("Description"), validators=[Length(max=10_000)])
    scale = StringField(
        _l("Scale: level names, lowest first"),
        filters=[strip_whitespace],
        validators=[DataRequired(), Length(max=700)],
        description=_l("Separated by commas, for example: Aware, Trained, Advanced, Expert."),
    )
    proficient_level = IntegerField(
        _l("Proficient from level"),
        validators=[InputRequired(), NumberRange(min=1, max=10)],
        description=_l("This level and those above it count as proficient (1 is the lowest)."),
    )
    level_policy = SelectField(
        _l("Current level rule"),
        choices=[SelectChoice(value, label) for value, label in LEVEL_POLICY_LABELS.items()],
    )
    validity_months = IntegerField(
        _l("Validity (months)"),
        validators=[Optional(), NumberRange(min=1, max=240)],
        description=_l(
            "Only for the 'highest valid' rule: evidence older than this stops counting. "
            "Leave empty for the other rules."
        ),
    )

    min_questions_per_level = IntegerField(
        _l("Questions needed per level"),
        default=DEFAULT_MIN_QUESTIONS,
        validators=[InputRequired(), NumberRange(min=1, max=20)],
        description=_l(
            "A quiz evidences a level of a competency only when the attempt holds at least "
            "this many questions of that competency at that level (1 to 20). Applies to "
            "attempts graded from now on; evidence already recorded stays as it is."
        ),
    )

    def scale_names(self) -> tuple[str, ...]:
        return tuple(name.strip() for name in (self.scale.data or "").split(","))


class CompetencyForm(FlaskForm):
    code = StringField(
        _l("Code"),
        filters=[strip_whitespace],
        validators=[DataRequired(), Length(max=32)],
        description=_l(
            "Capital letters, digits and hyphens, unique across frameworks. Course modules and "
            "questions name the competency by this code."
        ),
    )
    name = StringField(
        _l("Name"), filters=[strip_whitespace], validators=[DataRequired(), Length(max=200)]
    )
    description = TextAreaField(_l("Description"), validators=[Length(max=10_000)])
    parent_id = SelectField(_l("Part of"), coerce=int, validators=[Optional()])
    principles = MultiCheckboxField(_l("Reform principles it serves"))
    external_id = StringField(
        _l("External identifier"),
        filters=[strip_whitespace],
        validators=[
            Length(
                max=EXTERNAL_ID_MAX,
                message=_l("An external identifier is at most %(max)d characters."),
            )
        ],
        description=_l(
            "Optional: the competency's reference in an outside framework, such as a PICARD "
            "area or an EU competency framework code. Exported in the framework CSV."
        ),
    )

    @classmethod
    def for_scale(cls, scale: Sequence[str]) -> type[CompetencyForm]:
        """The form with a descriptor field for each level of the framework's scale
        (`descriptor_1`, …), read back in level order by `descriptors`."""

        class ScaledCompetencyForm(cls):
            levels = len(scale)

        for level, name in enumerate(scale, start=1):
            field = TextAreaField(
                _l("Level %(n)d, %(name)s", n=level, name=name),
                filters=[strip_whitespace],
                validators=[
                    Length(
                        max=DESCRIPTOR_MAX,
                        message=_l("A level descriptor is at most %(max)d characters."),
                    )
                ],
                render_kw={"rows": 2},
            )
            setattr(ScaledCompetencyForm, f"descriptor_{level}", field)
        return ScaledCompetencyForm

    levels = 0

    def descriptor_fields(self) -> list:
        return [self[f"descriptor_{level}"] for level in range(1, self.levels + 1)]

    def descriptors(self) -> tuple[str, ...]:
        return tuple(field.data or "" for field in self.descriptor_fields())


class FrameworkImportForm(FlaskForm):
    file = FileField(
        _l("Moodle competency framework CSV"),
        validators=[FileRequired(message=_l("Choose a CSV file."))],
    )


class FrameworkImportConfirmForm(FlaskForm):
    """The checked file travels back with the confirmation and is checked again."""

    text = HiddenField(validators=[DataRequired()])
