"""The question form of the authoring pages: the fields every question has, plus the fields of
its type, which the type gives and turns into the question bank's input. The question-type
registry decides what can be saved."""

from __future__ import annotations

from typing import Any, ClassVar

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from courses.authoring.forms import strip_text, strip_upper
from courses.authoring.services.questions import QuestionInput
from courses.authoring.services.structure import COMPETENCY_CODE
from courses.learning.models import Question
from courses.learning.questiontypes import (
    DEFAULT_TYPE,
    QUESTION_TYPES,
    QuestionType,
    question_type,
)
from courses.learning.questiontypes.base import normalise_newlines

LEVEL_LABELS = {1: _l("1 Aware"), 2: _l("2 Trained"), 3: _l("3 Advanced"), 4: _l("4 Expert")}


class QuestionForm(FlaskForm):
    """The fields of every question type. Build it with `question_form`, which adds the fields
    of one type (`kind`); only those are read."""

    kind: ClassVar[QuestionType]

    qtype = SelectField(_l("Question type"), default=DEFAULT_TYPE)
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
    save = SubmitField(_l("Save"))
    preview = SubmitField(_l("Preview"))
    refresh = SubmitField(_l("Show the fields for this type"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Read when the form is made, so a type registered later is offered too.
        self.qtype.choices = [
            SelectChoice(name, kind.label) for name, kind in QUESTION_TYPES.items()
        ]

    def question_data(self) -> dict[str, Any]:
        """The chosen type's `data`, as the registry expects it (the registry checks it)."""
        return self.kind.data_from_form(self)

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
        return {
            "qtype": question.qtype,
            "text": question.text,
            "level": question.level,
            "competency_code": question.competency_code or "",
            "category": question.category,
            "name": question.name,
            "general_feedback": question.general_feedback,
            **question_type(question.qtype).form_values(question.data or {}),
        }


def question_form(values: dict[str, Any]) -> QuestionForm:
    """The question form with the fields of one type: the type posted, else the one in
    `values` (a saved question's, or the one asked for), else single choice. Switching the type
    keeps what the two types share (the choice rows of single choice and multiple response)."""
    name = request.form.get("qtype") or values.get("qtype") or ""
    kind = QUESTION_TYPES.get(name) or QUESTION_TYPES[DEFAULT_TYPE]
    form_class = type(
        f"{type(kind).__name__}QuestionForm", (QuestionForm,), {"kind": kind, **kind.form_fields()}
    )
    return form_class(**values)


def form_drops_details(question: Question) -> bool:
    """Whether saving this question through the form would lose part of it (details imported
    from GIFT that its type's fields cannot show)."""
    return question_type(question.qtype).form_drops_details(question.data or {})


class GiftImportForm(FlaskForm):
    """A GIFT file for a course's question bank, and what its untagged questions get."""

    file = FileField(
        _l("GIFT file"),
        validators=[FileRequired(message=_l("Choose a GIFT file (.gift or .txt)."))],
        description=_l(
            "Questions in Moodle's GIFT format, as Moodle's export or this page's export writes "
            "them: multiple choice, true/false, short answer, numerical and matching."
        ),
    )
    level = SelectField(
        _l("Level for questions without a level tag"),
        coerce=int,
        choices=[SelectChoice(level, label) for level, label in LEVEL_LABELS.items()],
        description=_l(
            "Moodle writes no level: such questions take this one. A question whose comment "
            "line holds [tag:level-N] keeps its own."
        ),
    )
    competency_code = StringField(
        _l("Competency for questions without a competency tag"),
        filters=[strip_upper],
        validators=[
            Optional(),
            Regexp(
                COMPETENCY_CODE,
                message=_l("A competency code is capital letters, digits and hyphens (OPS-VAL)."),
            ),
        ],
        description=_l("Optional; a question tagged [tag:competency-CODE] keeps its own."),
    )
