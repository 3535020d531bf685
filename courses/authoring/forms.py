"""Forms of the authoring pages. They read and check what a trainer typed and turn it into the
services' inputs; the services (and the question-type registry) decide what can be saved."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)
from wtforms.validators import ValidationError as FieldError

from courses.authoring.services.authored_courses import COURSE_CODE, VALIDITY_MONTHS_MAX
from courses.authoring.services.quizzes import DRAW_COUNT_RANGE, QuizSettings
from courses.authoring.services.structure import COMPETENCY_CODE
from courses.learning.models import CourseItem
from courses.learning.models.questions import DrawMode, QuizKind, ReviewShows, ReviewWhen
from courses.learning.questiontypes.base import normalise_newlines
from lms.accounts.forms import MultiCheckboxField

KIND_LABELS = {
    QuizKind.CHECKPOINT.value: _l("Checkpoint: practice, never evidence"),
    QuizKind.ASSESSMENT.value: _l("Assessment: evidence of the competencies its questions carry"),
}
REVIEW_SHOWS_LABELS = {
    "": _l("The kind's default (checkpoint: feedback; assessment: marks)"),
    ReviewShows.SCORE.value: _l("The score only"),
    ReviewShows.MARKS.value: _l("The score and which questions were right or wrong"),
    ReviewShows.FEEDBACK.value: _l(
        "Right or wrong, with each question's general feedback and the lesson to revisit"
    ),
    ReviewShows.KEYS.value: _l("All of that and the right answers (the keys)"),
}
REVIEW_WHEN_LABELS = {
    ReviewWhen.IMMEDIATELY.value: _l("Right after each submit"),
    ReviewWhen.AFTER_LAST_ATTEMPT.value: _l(
        "After the last allowed attempt or a pass (a pass then ends an assessment that "
        "shows its keys)"
    ),
    ReviewWhen.AFTER_CLOSE.value: _l("After the quiz closes"),
    ReviewWhen.NEVER.value: _l("Never: the score only"),
}
DRAW_LABELS = {
    DrawMode.ALL.value: _l("Every question (of the category)"),
    DrawMode.PER_LEVEL.value: _l("A number of questions of each level, at random"),
    DrawMode.PER_COMPETENCY_LEVEL.value: _l(
        "A number of questions of each competency at each level, at random (so that every "
        "attempt holds enough of each to evidence it)"
    ),
}


def strip_upper(value: str | None) -> str | None:
    return value.strip().upper() if isinstance(value, str) else value


def strip_text(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def split_codes(text: str | None) -> list[str]:
    """Codes typed as 'P-INT, int-coc' (separated by commas, semicolons or lines): trimmed,
    upper-cased, in order, once each."""
    pieces = (piece.strip().upper() for piece in re.split(r"[,;\n]", text or ""))
    return list(dict.fromkeys(piece for piece in pieces if piece))


class CourseForm(FlaskForm):
    code = StringField(
        _l("Code"),
        filters=[strip_upper],
        validators=[
            DataRequired(),
            Regexp(
                COURSE_CODE,
                message=_l(
                    "A course code is 2 to 32 capital letters, digits or hyphens, "
                    "starting with a letter or digit (for example P-INT-101)."
                ),
            ),
        ],
        description=_l("For example P-INT-101. Unique on the platform."),
    )
    title = StringField(
        _l("Title"), filters=[strip_text], validators=[DataRequired(), Length(max=200)]
    )
    summary = TextAreaField(
        _l("Summary"),
        filters=[normalise_newlines],
        validators=[Length(max=2000)],
        description=_l("One or two sentences shown in the catalogue."),
    )
    validity_months = IntegerField(
        _l("Certificate validity (months)"),
        validators=[Optional(), NumberRange(min=1, max=VALIDITY_MONTHS_MAX)],
        description=_l("Leave blank when certificates for this course never expire."),
    )
    recertify = BooleanField(
        _l("Assign the course again to officers whose certificates expire (recertification)")
    )


class ModuleForm(FlaskForm):
    title = StringField(
        _l("Title"), filters=[strip_text], validators=[DataRequired(), Length(max=200)]
    )
    principles = MultiCheckboxField(_l("Reform principles this module builds"))
    competency_codes = StringField(
        _l("Competency codes"),
        validators=[Length(max=500)],
        description=_l("Separated by commas, for example P-INT, INT-COC, OPS-VAL."),
    )

    def validate_competency_codes(self, field: StringField) -> None:
        bad = [code for code in split_codes(field.data) if not COMPETENCY_CODE.match(code)]
        if bad:
            # gettext, not lazy_gettext: a lazy string is marked safe for templates, and this
            # message carries what was typed.
            raise FieldError(
                _(
                    "Not a competency code: %(codes)s. A code is capital letters, digits and "
                    "hyphens, up to 32 characters.",
                    codes=", ".join(bad),
                )
            )

    def codes(self) -> list[str]:
        return split_codes(self.competency_codes.data)


class LessonForm(FlaskForm):
    title = StringField(
        _l("Title"), filters=[strip_text], validators=[DataRequired(), Length(max=200)]
    )
    required = BooleanField(_l("Required to complete the course"), default=True)
    markdown = TextAreaField(
        _l("Lesson text (Markdown)"),
        filters=[normalise_newlines],
        validators=[Length(max=200_000)],
        description=_l(
            "Headings from ## down, paragraphs, lists, tables, links and images uploaded for "
            "this course. Raw HTML is shown as text."
        ),
    )
    save = SubmitField(_l("Save"))
    preview = SubmitField(_l("Preview"))


class UploadForm(FlaskForm):
    file = FileField(
        _l("Image file"),
        validators=[FileRequired(message=_l("Choose an image file."))],
        description=_l("PNG, JPEG, GIF or WebP, at most 2 MB."),
    )


class ImportForm(FlaskForm):
    file = FileField(
        _l("Course zip"),
        validators=[FileRequired(message=_l("Choose a .zip file."))],
        description=_l(
            "A zip of one course folder: course.json, the lessons' .md files and the .gift "
            "question bank, as the export gives them."
        ),
    )


class QuizForm(FlaskForm):
    title = StringField(
        _l("Title"), filters=[strip_text], validators=[DataRequired(), Length(max=200)]
    )
    required = BooleanField(_l("Required to complete the course"), default=True)
    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice(kind, label) for kind, label in KIND_LABELS.items()],
        default=QuizKind.ASSESSMENT.value,
        description=_l("A checkpoint draws only the questions of its own module's competencies."),
    )
    pass_mark = IntegerField(
        _l("Pass mark (%)"), default=70, validators=[InputRequired(), NumberRange(min=0, max=100)]
    )
    attempts_allowed = IntegerField(
        _l("Attempts allowed"),
        default=3,
        validators=[InputRequired(), NumberRange(min=0, max=100)],
        description=_l("0 means unlimited."),
    )
    time_limit_minutes = IntegerField(
        _l("Time limit (minutes)"),
        default=20,
        validators=[Optional(), NumberRange(min=1, max=600)],
        description=_l("Leave blank for no time limit."),
    )
    closes_at = DateTimeLocalField(
        _l("Closes at (UTC)"),
        validators=[Optional()],
        description=_l("No attempt starts after this time. Leave blank to keep the quiz open."),
    )
    category = StringField(
        _l("Question category"),
        filters=[strip_text],
        validators=[Length(max=100)],
        description=_l("Draw only from this category of the bank; leave blank for the whole bank."),
    )
    draw_mode = SelectField(
        _l("Questions drawn"),
        choices=[SelectChoice(mode, label) for mode, label in DRAW_LABELS.items()],
        default=DrawMode.ALL.value,
    )
    level_1 = IntegerField(
        _l("Level 1 (Aware)"), default=0, validators=[Optional(), NumberRange(min=0, max=200)]
    )
    level_2 = IntegerField(
        _l("Level 2 (Trained)"), default=0, validators=[Optional(), NumberRange(min=0, max=200)]
    )
    level_3 = IntegerField(
        _l("Level 3 (Advanced)"), default=0, validators=[Optional(), NumberRange(min=0, max=200)]
    )
    level_4 = IntegerField(
        _l("Level 4 (Expert)"), default=0, validators=[Optional(), NumberRange(min=0, max=200)]
    )
    draw_count = IntegerField(
        _l("Questions of each competency and level"),
        validators=[Optional(), NumberRange(min=DRAW_COUNT_RANGE[0], max=DRAW_COUNT_RANGE[1])],
        description=_l(
            "When drawing per competency and level: %(low)d to %(high)d. A competency level with "
            "fewer questions gives all it has. An assessment evidences a competency level only "
            "when an attempt holds the number of its questions the framework asks (3 by default).",
            low=DRAW_COUNT_RANGE[0],
            high=DRAW_COUNT_RANGE[1],
        ),
    )
    shuffle_questions = BooleanField(_l("Shuffle the order of the questions"), default=True)
    shuffle_choices = BooleanField(_l("Shuffle the order of the choices"), default=True)
    review_shows = SelectField(
        _l("What officers see of a graded attempt"),
        choices=[SelectChoice(shows, label) for shows, label in REVIEW_SHOWS_LABELS.items()],
        default="",
        description=_l(
            "An assessment never shows its keys while the officer can still attempt it."
        ),
    )
    review_when = SelectField(
        _l("When they see it (the score is always shown at once)"),
        choices=[SelectChoice(when, label) for when, label in REVIEW_WHEN_LABELS.items()],
        default=ReviewWhen.IMMEDIATELY.value,
    )

    @property
    def level_fields(self) -> list[IntegerField]:
        return [self.level_1, self.level_2, self.level_3, self.level_4]

    def per_level(self) -> dict[str, int]:
        return {str(n): f.data for n, f in enumerate(self.level_fields, start=1) if f.data}

    def validate_draw_mode(self, field: SelectField) -> None:
        if field.data == DrawMode.PER_LEVEL and not self.per_level():
            raise FieldError(
                _l("Say how many questions of each level to draw (at least one in all).")
            )
        if field.data == DrawMode.PER_COMPETENCY_LEVEL and self.draw_count.data is None:
            raise FieldError(
                _l(
                    "Say how many questions of each competency and level to draw "
                    "(%(low)d to %(high)d).",
                    low=DRAW_COUNT_RANGE[0],
                    high=DRAW_COUNT_RANGE[1],
                )
            )

    def settings(self) -> QuizSettings:
        return QuizSettings(
            pass_mark=self.pass_mark.data,
            attempts_allowed=self.attempts_allowed.data,
            time_limit_minutes=self.time_limit_minutes.data,
            category=self.category.data or "",
            draw_mode=self.draw_mode.data,
            draw_per_level=self.per_level(),
            draw_count=self.draw_count.data,
            shuffle_questions=self.shuffle_questions.data,
            shuffle_choices=self.shuffle_choices.data,
            kind=self.kind.data,
            review_shows=self.review_shows.data or "",
            review_when=self.review_when.data,
            closes_at=self.closes_at.data,
        )

    @classmethod
    def values_of(cls, item: CourseItem) -> dict[str, Any]:
        """The form's values for an existing quiz item."""
        quiz = item.quiz
        levels = quiz.draw_per_level or {}
        return {
            "title": item.title,
            "required": item.required,
            "pass_mark": quiz.pass_mark,
            "attempts_allowed": quiz.attempts_allowed,
            "time_limit_minutes": quiz.time_limit_minutes,
            "category": quiz.category,
            "draw_mode": quiz.draw_mode,
            "draw_count": quiz.draw_count,
            "kind": quiz.kind,
            "review_shows": quiz.review_shows,
            "review_when": quiz.review_when,
            "closes_at": quiz.closes_at,
            "shuffle_questions": quiz.shuffle_questions,
            "shuffle_choices": quiz.shuffle_choices,
            **{f"level_{n}": int(levels.get(str(n), 0)) for n in range(1, 5)},
        }
