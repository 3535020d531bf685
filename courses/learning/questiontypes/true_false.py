"""True or false: a statement the officer judges (GIFT `T`, `TRUE`, `F` or `FALSE`)."""

from __future__ import annotations

import random
import re
from typing import Any

from flask_babel import lazy_gettext as _l
from markupsafe import escape
from wtforms import Field, Form, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from courses.learning.questiontypes.base import Data, GiftSyntax, QuestionType
from courses.learning.questiontypes.registry import register
from lms.accounts.forms import strip_whitespace
from lms.markdown import render_markdown

_GIFT_BODY = re.compile(r"(?i)(T|TRUE|F|FALSE)\s*(?:#([^#]*))?(?:#(.*))?", re.S)


@register
class TrueFalse(QuestionType):
    name = "true_false"
    label = _l("True or false")
    grading_rule = _l("Choosing the right one of true and false scores the question in full.")
    position = 30
    gift_order = 20

    def validate(self, data: Data) -> list[str]:
        return (
            [] if isinstance(data.get("answer"), bool) else ["Say whether the statement is true."]
        )

    def freeze(self, data: Data, rng: random.Random, shuffle: bool) -> Data:
        return {
            "answer": data["answer"],
            "feedback_right_html": render_markdown(data.get("feedback_right", "")),
            "feedback_wrong_html": render_markdown(data.get("feedback_wrong", "")),
        }

    def public(self, frozen: Data) -> Data:
        return {
            "choices": [
                {"id": "true", "html": str(_l("True"))},
                {"id": "false", "html": str(_l("False"))},
            ]
        }

    def grade(self, frozen: Data, answer: Any) -> float:
        if answer not in ("true", "false"):
            return 0.0
        return 1.0 if (answer == "true") == frozen["answer"] else 0.0

    def answer_html(self, frozen: Data, answer: Any) -> list[str]:
        if answer not in ("true", "false"):
            return []
        return [str(escape(_l("True") if answer == "true" else _l("False")))]

    def marked_answers(self, frozen: Data) -> list[tuple[str, float]]:
        return [(str(escape(_l("True") if frozen["answer"] else _l("False"))), 1.0)]

    def feedback(self, frozen: Data, answer: Any) -> list[str]:
        if answer not in ("true", "false"):
            return []
        html = (
            frozen["feedback_right_html"]
            if self.grade(frozen, answer)
            else frozen["feedback_wrong_html"]
        )
        return [html] if html else []

    def sample_answer(self, frozen: Data, right: bool, rng: random.Random) -> list[str]:
        return ["true" if frozen["answer"] == right else "false"]

    # --- authoring -----------------------------------------------------------------------------

    def form_fields(self) -> dict[str, Field]:
        return {
            "tf_answer": SelectField(
                _l("The statement is"),
                validate_choice=False,  # validate() says what is missing
                choices=[
                    SelectChoice("", "—"),
                    SelectChoice("true", _l("True")),
                    SelectChoice("false", _l("False")),
                ],
            ),
            "tf_feedback_right": StringField(
                _l("Feedback for a right answer"),
                filters=[strip_whitespace],
                validators=[Length(max=2000)],
            ),
            "tf_feedback_wrong": StringField(
                _l("Feedback for a wrong answer"),
                filters=[strip_whitespace],
                validators=[Length(max=2000)],
            ),
        }

    def data_from_form(self, form: Form) -> Data:
        data: Data = {
            "feedback_right": form.tf_feedback_right.data or "",
            "feedback_wrong": form.tf_feedback_wrong.data or "",
        }
        if form.tf_answer.data in ("true", "false"):
            data["answer"] = form.tf_answer.data == "true"
        return data

    def form_values(self, data: Data) -> dict[str, Any]:
        return {
            "tf_answer": "true" if data.get("answer") else "false",
            "tf_feedback_right": data.get("feedback_right", ""),
            "tf_feedback_wrong": data.get("feedback_wrong", ""),
        }

    # --- GIFT: `TRUE#feedback for a wrong answer#feedback for a right answer` ------------------

    def read_gift(self, body: str, syntax: GiftSyntax) -> Data | None:
        match = _GIFT_BODY.fullmatch(body)
        if not match:
            return None
        return {
            "answer": match.group(1).upper().startswith("T"),
            "feedback_wrong": syntax.text(match.group(2) or ""),
            "feedback_right": syntax.text(match.group(3) or ""),
        }

    def write_gift(self, data: Data, syntax: GiftSyntax) -> str:
        feedback = ""
        if data.get("feedback_wrong") or data.get("feedback_right"):
            wrong, right = data.get("feedback_wrong", ""), data.get("feedback_right", "")
            feedback = f"#{syntax.escape(wrong)}#{syntax.escape(right)}"
        return ("TRUE" if data["answer"] else "FALSE") + feedback
