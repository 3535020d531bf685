"""The officer's hand-in form and the marker's rubric form (one radio group per criterion)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from courses.marking.models import RubricCriterion
from courses.marking.services.files import MAX_FILE_BYTES
from courses.marking.services.marking import MAX_COMMENT_CHARS
from courses.marking.services.submissions import MAX_ANSWER_CHARS

# The proficiency scale a rubric's descriptors are written against (the frameworks' default).
LEVEL_NAMES = {1: _l("Aware"), 2: _l("Trained"), 3: _l("Advanced"), 4: _l("Expert")}


class SubmissionForm(FlaskForm):
    answer = TextAreaField(
        _l("Your answer"),
        validators=[
            DataRequired(message=_l("Write your answer before handing it in.")),
            Length(max=MAX_ANSWER_CHARS),
        ],
        description=_l("Plain text or Markdown; at most 20,000 characters."),
    )
    file = FileField(
        _l("File"),
        description=_l(
            "A PDF, or a PNG or JPEG image, at most %(mb)d MB.", mb=MAX_FILE_BYTES // 1024**2
        ),
    )


class MarkingForm(FlaskForm):
    """Built per rubric: `for_rubric` adds a `criterion_<id>` radio group for each criterion."""

    comment = TextAreaField(
        _l("Comment for the officer"),
        validators=[Length(max=MAX_COMMENT_CHARS)],
        description=_l(
            "What the answer shows and what it lacks, in words the officer can act on. "
            "Recorded with the evidence as the reason for the levels."
        ),
    )
    mark = SubmitField(_l("Save the marking"))
    resubmit = SubmitField(_l("Ask for a resubmission"))

    @classmethod
    def for_rubric(cls, criteria: list[RubricCriterion]):
        """A form class with one required choice per criterion: each level its descriptors
        offer, or 0 (not shown)."""

        class RubricMarkingForm(cls):
            pass

        for criterion in criteria:
            choices = [SelectChoice(0, _l("Not shown"))] + [
                SelectChoice(
                    level, f"{level} · {LEVEL_NAMES.get(level, '')}: {criterion.descriptor(level)}"
                )
                for level in criterion.levels
            ]
            setattr(
                RubricMarkingForm,
                f"criterion_{criterion.id}",
                RadioField(
                    criterion.title,
                    choices=choices,
                    coerce=int,
                    validate_choice=True,
                    validators=[InputRequired(message=_l("Choose a level."))],
                ),
            )
        return RubricMarkingForm

    def levels(self, criteria: list[RubricCriterion]) -> dict[int, int]:
        return {c.id: self[f"criterion_{c.id}"].data for c in criteria}
