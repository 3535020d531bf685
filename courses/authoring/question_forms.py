"""The question form of the authoring pages: what a trainer typed for a question of any type,
turned into the question bank's input; the question-type registry decides what can be saved."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    FieldList,
    Form,
    FormField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Length,
    Optional,
    Regexp,
    StopValidation,
)
from wtforms.validators import ValidationError as FieldError

from courses.authoring.forms import normalise_newlines, strip_text, strip_upper
from courses.authoring.services.editing import COMPETENCY_CODE
from courses.authoring.services.questions import QuestionInput
from courses.learning.models import Question
from courses.learning.questiontypes import QUESTION_TYPES, parse_number

LEVEL_LABELS = {1: _l("1 Aware"), 2: _l("2 Trained"), 3: _l("3 Advanced"), 4: _l("4 Expert")}
CHOICE_ROWS = 8
MAX_CHOICE_ROWS = 20
CHOICE_TYPES = ("single_choice", "multiple_response")


def format_number(value: float) -> str:
    return f"{round(value, 4):g}"


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
