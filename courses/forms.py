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
    FieldList,
    Form,
    FormField,
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
    StopValidation,
)
from wtforms.validators import ValidationError as FieldError

from courses.models import CourseItem, Question
from courses.models.questions import DrawMode, ReviewMode
from courses.questiontypes import QUESTION_TYPES, parse_number
from courses.services.authoring import COMPETENCY_CODE, COURSE_CODE, QuizSettings
from courses.services.questions import QuestionInput
from lms.accounts.forms import MultiCheckboxField

LEVEL_LABELS = {1: _l("1 Aware"), 2: _l("2 Trained"), 3: _l("3 Advanced"), 4: _l("4 Expert")}
REVIEW_LABELS = {
    ReviewMode.SCORE_ONLY.value: _l("The score only, never the answers"),
    ReviewMode.AFTER_SUBMIT.value: _l("Answers and feedback right after each submit"),
    ReviewMode.AFTER_CLOSE.value: _l("Answers and feedback after the last attempt (or a pass)"),
}
DRAW_LABELS = {
    DrawMode.ALL.value: _l("Every question (of the category)"),
    DrawMode.PER_LEVEL.value: _l("A number of questions of each level, at random"),
}
CHOICE_ROWS = 8
MAX_CHOICE_ROWS = 20
CHOICE_TYPES = ("single_choice", "multiple_response")


def strip_upper(value: str | None) -> str | None:
    return value.strip().upper() if isinstance(value, str) else value


def strip_text(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def normalise_newlines(value: str | None) -> str | None:
    """Browsers send a textarea's lines ending in CRLF; the stored Markdown uses LF, so an
    unchanged lesson posted back stays the same revision."""
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def split_codes(text: str | None) -> list[str]:
    """Codes typed as 'P-INT, int-coc' (separated by commas, semicolons or lines): trimmed,
    upper-cased, in order, once each."""
    pieces = (piece.strip().upper() for piece in re.split(r"[,;\n]", text or ""))
    return list(dict.fromkeys(piece for piece in pieces if piece))


def format_number(value: float) -> str:
    return f"{round(value, 4):g}"


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
        validators=[Optional(), NumberRange(min=1, max=240)],
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
    shuffle_questions = BooleanField(_l("Shuffle the order of the questions"), default=True)
    shuffle_choices = BooleanField(_l("Shuffle the order of the choices"), default=True)
    review_mode = SelectField(
        _l("What officers see after submitting"),
        choices=[SelectChoice(mode, label) for mode, label in REVIEW_LABELS.items()],
        default=ReviewMode.AFTER_SUBMIT.value,
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

    def settings(self) -> QuizSettings:
        return QuizSettings(
            pass_mark=self.pass_mark.data,
            attempts_allowed=self.attempts_allowed.data,
            time_limit_minutes=self.time_limit_minutes.data,
            category=self.category.data or "",
            draw_mode=self.draw_mode.data,
            draw_per_level=self.per_level(),
            shuffle_questions=self.shuffle_questions.data,
            shuffle_choices=self.shuffle_choices.data,
            review_mode=self.review_mode.data,
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
            "review_mode": quiz.review_mode,
            "shuffle_questions": quiz.shuffle_questions,
            "shuffle_choices": quiz.shuffle_choices,
            **{f"level_{n}": int(levels.get(str(n), 0)) for n in range(1, 5)},
        }


def check_percent(form: Form, field: StringField) -> None:
    if not (field.data or "").strip():
        return
    value = parse_number(field.data)
    if value is None or not -100 <= value <= 100:
        raise StopValidation(_l("A weight is a number from -100 to 100."))


class ChoiceRowForm(Form):
    """One choice of a single-choice or multiple-response question (labels come from the
    template, which numbers the rows)."""

    text = StringField(_l("Choice text"), filters=[strip_text], validators=[Length(max=2000)])
    weight = StringField(_l("Weight (%)"), validators=[check_percent])
    feedback = StringField(
        _l("Feedback for this choice"), filters=[strip_text], validators=[Length(max=2000)]
    )


class QuestionForm(FlaskForm):
    """One form for every question type; only the fields of the chosen type are read."""

    qtype = SelectField(
        _l("Question type"),
        choices=[SelectChoice(name, kind.label) for name, kind in QUESTION_TYPES.items()],
        default="single_choice",
    )
    text = TextAreaField(
        _l("Question text (Markdown)"),
        filters=[normalise_newlines],
        validators=[DataRequired(), Length(max=20_000)],
    )
    level = SelectField(
        _l("Proficiency level tested"),
        coerce=int,
        choices=[SelectChoice(level, label) for level, label in LEVEL_LABELS.items()],
    )
    competency_code = StringField(
        _l("Competency code"),
        filters=[strip_upper],
        validators=[
            Optional(),
            Regexp(
                COMPETENCY_CODE,
                message=_l("A competency code is capital letters, digits and hyphens (OPS-VAL)."),
            ),
        ],
        description=_l("The competency this question gives evidence of, for example OPS-VAL."),
    )
    category = StringField(
        _l("Category"),
        filters=[strip_text],
        validators=[Length(max=100)],
        description=_l("Quizzes can draw from one category of the bank."),
    )
    name = StringField(
        _l("Short name (optional)"), filters=[strip_text], validators=[Length(max=200)]
    )
    general_feedback = TextAreaField(
        _l("General feedback (Markdown, shown at review)"),
        filters=[normalise_newlines],
        validators=[Length(max=20_000)],
    )
    choices = FieldList(
        FormField(ChoiceRowForm), min_entries=CHOICE_ROWS, max_entries=MAX_CHOICE_ROWS
    )
    tf_answer = SelectField(
        _l("The statement is"),
        validate_choice=False,  # read only for true/false, where the registry checks it
        choices=[
            SelectChoice("", "—"),
            SelectChoice("true", _l("True")),
            SelectChoice("false", _l("False")),
        ],
    )
    tf_feedback_right = StringField(
        _l("Feedback for a right answer"), filters=[strip_text], validators=[Length(max=2000)]
    )
    tf_feedback_wrong = StringField(
        _l("Feedback for a wrong answer"), filters=[strip_text], validators=[Length(max=2000)]
    )
    numeric_answer = StringField(_l("Right answer (a number)"), validators=[Length(max=50)])
    numeric_tolerance = StringField(
        _l("Tolerance (±)"),
        validators=[Length(max=50)],
        description=_l("Answers this far from the right one also score. Blank means exact."),
    )
    numeric_feedback = StringField(
        _l("Feedback for the right answer"), filters=[strip_text], validators=[Length(max=2000)]
    )
    accepted_answers = TextAreaField(
        _l("Accepted answers, one per line"),
        filters=[normalise_newlines],
        validators=[Length(max=5000)],
        description=_l("Capitals and extra spaces in an officer's answer do not matter."),
    )
    save = SubmitField(_l("Save"))
    preview = SubmitField(_l("Preview"))
    refresh = SubmitField(_l("Show the fields for this type"))

    def validate_choices(self, field: FieldList) -> None:
        if self.qtype.data not in CHOICE_TYPES:
            return
        for index, row in enumerate(field.entries, start=1):
            if not row.text.data and ((row.weight.data or "").strip() or row.feedback.data):
                raise FieldError(_l("Choice %(n)d has a weight or feedback but no text.", n=index))

    def validate_numeric_answer(self, field: StringField) -> None:
        if self.qtype.data == "numeric" and parse_number(field.data or "") is None:
            raise FieldError(_l("The answer must be a number, for example 1500 or 12.5."))

    def validate_numeric_tolerance(self, field: StringField) -> None:
        if self.qtype.data != "numeric" or not (field.data or "").strip():
            return
        value = parse_number(field.data)
        if value is None or value < 0:
            raise FieldError(_l("The tolerance must be a number, 0 or more."))

    def question_data(self) -> dict[str, Any]:
        """The chosen type's `data`, as the registry expects it (the registry checks it)."""
        qtype = self.qtype.data
        if qtype in CHOICE_TYPES:
            rows = [row for row in self.choices.entries if row.text.data]
            return {
                "choices": [
                    {
                        "id": f"c{index}",
                        "text": row.text.data,
                        "fraction": (parse_number(row.weight.data or "") or 0.0) / 100,
                        "feedback": row.feedback.data or "",
                    }
                    for index, row in enumerate(rows, start=1)
                ]
            }
        if qtype == "true_false":
            data: dict[str, Any] = {
                "feedback_right": self.tf_feedback_right.data or "",
                "feedback_wrong": self.tf_feedback_wrong.data or "",
            }
            if self.tf_answer.data in ("true", "false"):
                data["answer"] = self.tf_answer.data == "true"
            return data
        if qtype == "numeric":
            value = parse_number(self.numeric_answer.data or "")
            tolerance = parse_number(self.numeric_tolerance.data or "") or 0.0
            if value is None:
                return {"answers": []}
            return {
                "answers": [
                    {
                        "value": value,
                        "tolerance": abs(tolerance),
                        "fraction": 1.0,
                        "feedback": self.numeric_feedback.data or "",
                    }
                ]
            }
        lines = [line.strip() for line in (self.accepted_answers.data or "").splitlines()]
        return {
            "answers": [
                {"text": line, "fraction": 1.0, "feedback": ""}
                for line in dict.fromkeys(lines)
                if line
            ]
        }

    def question_input(self) -> QuestionInput:
        return QuestionInput(
            qtype=self.qtype.data,
            text=self.text.data or "",
            level=self.level.data,
            data=self.question_data(),
            competency_code=self.competency_code.data or None,
            name=self.name.data or "",
            category=self.category.data or "",
            general_feedback=self.general_feedback.data or "",
        )

    @classmethod
    def values_of(cls, question: Question) -> dict[str, Any]:
        """The form's values for a question of the bank."""
        data = question.data or {}
        values: dict[str, Any] = {
            "qtype": question.qtype,
            "text": question.text,
            "level": question.level,
            "competency_code": question.competency_code or "",
            "category": question.category,
            "name": question.name,
            "general_feedback": question.general_feedback,
        }
        if question.qtype in CHOICE_TYPES:
            values["choices"] = [
                {
                    "text": choice.get("text", ""),
                    "weight": format_number(float(choice.get("fraction", 0)) * 100),
                    "feedback": choice.get("feedback", ""),
                }
                for choice in data.get("choices", [])[:MAX_CHOICE_ROWS]
            ]
        elif question.qtype == "true_false":
            values["tf_answer"] = "true" if data.get("answer") else "false"
            values["tf_feedback_right"] = data.get("feedback_right", "")
            values["tf_feedback_wrong"] = data.get("feedback_wrong", "")
        elif question.qtype == "numeric":
            best = max(data.get("answers", []), key=lambda a: a.get("fraction", 0), default={})
            if best:
                values["numeric_answer"] = format_number(float(best["value"]))
                values["numeric_tolerance"] = format_number(float(best.get("tolerance", 0)))
                values["numeric_feedback"] = best.get("feedback", "")
        else:
            values["accepted_answers"] = "\n".join(
                a.get("text", "") for a in data.get("answers", []) if a.get("fraction", 1) > 0
            )
        return values


def form_drops_details(question: Question) -> bool:
    """Whether saving this question through the form would lose part of it: partial-credit
    numeric or text answers, feedback on accepted texts or more choices than the form has
    (imported from GIFT)."""
    data = question.data or {}
    if question.qtype in CHOICE_TYPES:
        return len(data.get("choices", [])) > MAX_CHOICE_ROWS
    if question.qtype == "numeric":
        return len(data.get("answers", [])) > 1
    if question.qtype == "short_text":
        return any(
            float(a.get("fraction", 1)) != 1.0 or a.get("feedback") for a in data.get("answers", [])
        )
    return False
