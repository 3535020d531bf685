"""Numeric: a number within a tolerance of the answer (GIFT `#value:tolerance`, `#min..max`,
or several `=` answers after the `#`, and `~#…` the feedback for any other answer)."""

from __future__ import annotations

import math
import random
from typing import Any

from flask_babel import lazy_gettext as _l
from markupsafe import escape
from wtforms import Field, Form, StringField
from wtforms.validators import Length
from wtforms.validators import ValidationError as FieldError

from courses.learning.questiontypes.base import (
    Data,
    GiftSyntax,
    GiftSyntaxError,
    TypedAnswerType,
    exact_number,
    format_number,
    parse_number,
    weight_problems,
)
from courses.learning.questiontypes.registry import register
from lms.accounts.forms import strip_whitespace
from lms.markdown import render_markdown


def check_answer(form: Form, field: StringField) -> None:
    if parse_number(field.data or "") is None:
        raise FieldError(_l("The answer must be a number, for example 1500 or 12.5."))


def check_tolerance(form: Form, field: StringField) -> None:
    if not (field.data or "").strip():
        return
    value = parse_number(field.data)
    if value is None or value < 0:
        raise FieldError(_l("The tolerance must be a number, 0 or more."))


@register
class Numeric(TypedAnswerType):
    name = "numeric"
    label = _l("Numeric")
    grading_rule = _l("A number within the stated tolerance of the answer scores in full.")
    position = 40
    gift_order = 10

    def validate(self, data: Data) -> list[str]:
        answers = data.get("answers", [])
        if not answers:
            return ["A numeric question needs an answer."]
        problems = []
        for answer in answers:
            if not isinstance(answer.get("value"), int | float) or not math.isfinite(
                answer["value"]
            ):
                problems.append("Every answer must be a number.")
            if float(answer.get("tolerance", 0)) < 0:
                problems.append("A tolerance cannot be negative.")
        if not any(float(a.get("fraction", 0)) == 1.0 for a in answers):
            problems.append("One answer must be worth 100%.")
        return problems + weight_problems([float(a.get("fraction", 1.0)) for a in answers])

    def freeze(self, data: Data, rng: random.Random, shuffle: bool) -> Data:
        return {
            "answers": [
                {
                    "value": float(a["value"]),
                    "tolerance": float(a.get("tolerance", 0)),
                    "fraction": float(a.get("fraction", 1.0)),
                    "feedback_html": render_markdown(a.get("feedback", "")),
                }
                for a in data["answers"]
            ],
            **(
                {"other_feedback_html": render_markdown(data["other_feedback"])}
                if data.get("other_feedback")
                else {}
            ),
        }

    def feedback(self, frozen: Data, answer: Any) -> list[str]:
        """The matched answer's feedback; for any other number typed, the 'other' feedback."""
        if self._match(frozen, answer) is not None:
            return super().feedback(frozen, answer)
        other = frozen.get("other_feedback_html", "")
        return [other] if other and isinstance(answer, str) and answer.strip() else []

    def _match(self, frozen: Data, answer: Any) -> Data | None:
        value = parse_number(answer) if isinstance(answer, str) else None
        if value is None:
            return None
        hits = [a for a in frozen["answers"] if abs(value - a["value"]) <= a["tolerance"] + 1e-9]
        return max(hits, key=lambda a: a["fraction"], default=None)

    def marked_answers(self, frozen: Data) -> list[tuple[str, float]]:
        right = sorted(
            (a for a in frozen["answers"] if a["fraction"] > 0), key=lambda a: -a["fraction"]
        )
        return [
            (
                str(
                    escape(
                        f"{format_number(a['value'])} ± {format_number(a['tolerance'])}"
                        if a["tolerance"]
                        else format_number(a["value"])
                    )
                ),
                a["fraction"],
            )
            for a in right
        ]

    def sample_answer(self, frozen: Data, right: bool, rng: random.Random) -> list[str]:
        value = frozen["answers"][0]["value"]
        return [exact_number(value if right else value * 1.5 + 7)]

    # --- authoring: one answer with its tolerance ----------------------------------------------

    def form_fields(self) -> dict[str, Field]:
        return {
            "numeric_answer": StringField(
                _l("Right answer (a number)"), validators=[Length(max=50), check_answer]
            ),
            "numeric_tolerance": StringField(
                _l("Tolerance (±)"),
                validators=[Length(max=50), check_tolerance],
                description=_l(
                    "Answers this far from the right one also score. Blank means exact."
                ),
            ),
            "numeric_feedback": StringField(
                _l("Feedback for the right answer"),
                filters=[strip_whitespace],
                validators=[Length(max=2000)],
            ),
            "numeric_other_feedback": StringField(
                _l("Feedback for any other answer"),
                filters=[strip_whitespace],
                validators=[Length(max=2000)],
            ),
        }

    def data_from_form(self, form: Form) -> Data:
        value = parse_number(form.numeric_answer.data or "")
        tolerance = parse_number(form.numeric_tolerance.data or "") or 0.0
        if value is None:
            return {"answers": []}
        answer = {
            "value": value,
            "tolerance": abs(tolerance),
            "fraction": 1.0,
            "feedback": form.numeric_feedback.data or "",
        }
        return with_other_feedback({"answers": [answer]}, form.numeric_other_feedback.data)

    def form_values(self, data: Data) -> dict[str, Any]:
        best = max(data.get("answers", []), key=lambda a: a.get("fraction", 0), default={})
        if not best:
            return {}
        return {
            "numeric_answer": format_number(float(best["value"])),
            "numeric_tolerance": format_number(float(best.get("tolerance", 0))),
            "numeric_feedback": best.get("feedback", ""),
            "numeric_other_feedback": data.get("other_feedback", ""),
        }

    def form_drops_details(self, data: Data) -> bool:
        return len(data.get("answers", [])) > 1

    # --- GIFT ----------------------------------------------------------------------------------

    def read_gift(self, body: str, syntax: GiftSyntax) -> Data | None:
        if not body.startswith("#"):
            return None
        body = body[1:].strip()
        entries = syntax.entries(body) if body[:1] in ("=", "~") else [("=", body)]
        answers, other = [], ""
        for marker, entry in entries:
            if marker == "=":
                try:
                    answers.append(_read_answer(entry, syntax))
                except GiftSyntaxError as error:
                    raise GiftSyntaxError(error.message, near=marker + entry) from None
            elif entry.strip().startswith("#") and not other:
                other = syntax.text(entry.strip()[1:])
            else:
                raise GiftSyntaxError(
                    "In a numeric question, '~' starts only the feedback for any other answer "
                    "('~#…'), once.",
                    near=marker + entry,
                )
        return with_other_feedback({"answers": answers}, other)

    def write_gift(self, data: Data, syntax: GiftSyntax) -> str:
        lines = []
        for answer in data["answers"]:
            fraction = answer["fraction"]
            weight = "" if fraction == 1.0 else syntax.format_weight(fraction)
            lines.append(
                f"\t={weight}{exact_number(answer['value'])}:{exact_number(answer['tolerance'])}"
                f"{syntax.feedback(answer.get('feedback', ''))}"
            )
        if data.get("other_feedback"):
            lines.append(f"\t~{syntax.feedback(data['other_feedback'])}")
        return "#\n" + "\n".join(lines)


def with_other_feedback(data: Data, other: str | None) -> Data:
    """The data with the feedback for any other answer, kept only when there is one."""
    return {**data, "other_feedback": other} if other else data


def _read_answer(entry: str, syntax: GiftSyntax) -> Data:
    """One answer: `value`, `value:tolerance` or `min..max`, with a weight and feedback."""
    weight, entry = syntax.weight(entry.strip())
    text, feedback = syntax.split_feedback(entry)
    text = text.strip()
    if ".." in text:
        low, high = (syntax.number(part) for part in text.split("..", 1))
        if low > high:
            raise GiftSyntaxError(f"The range {low:g}..{high:g} is reversed.")
        value, tolerance = (low + high) / 2, (high - low) / 2
    else:
        separator = syntax.escaped_colon if syntax.escaped_colon in text else ":"
        if separator in text:
            value_text, tolerance_text = text.split(separator, 1)
            value, tolerance = syntax.number(value_text), syntax.number(tolerance_text)
        else:
            value, tolerance = syntax.number(text), 0.0
    return {
        "value": value,
        "tolerance": abs(tolerance),
        "fraction": 1.0 if weight is None else weight,
        "feedback": syntax.text(feedback),
    }
