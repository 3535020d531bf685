"""What single choice and multiple response share: choices with weights and feedback, frozen in
their shown order, entered as rows of the question form and written as GIFT `=`/`~` answers."""

from __future__ import annotations

import random
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import Field, FieldList, Form, FormField, StringField
from wtforms.validators import Length, StopValidation
from wtforms.validators import ValidationError as FieldError

from courses.learning.questiontypes.base import (
    Data,
    GiftSyntax,
    QuestionType,
    format_number,
    parse_number,
    weight_problems,
)
from lms.accounts.forms import strip_whitespace
from lms.markdown import render_markdown

CHOICE_ROWS = 8
MAX_CHOICE_ROWS = 20


def check_percent(form: Form, field: StringField) -> None:
    if not (field.data or "").strip():
        return
    value = parse_number(field.data)
    if value is None or not -100 <= value <= 100:
        raise StopValidation(_l("A weight is a number from -100 to 100."))


def check_rows(form: Form, field: FieldList) -> None:
    for index, row in enumerate(field.entries, start=1):
        if not row.text.data and ((row.weight.data or "").strip() or row.feedback.data):
            raise FieldError(_l("Choice %(n)d has a weight or feedback but no text.", n=index))


class ChoiceRowForm(Form):
    """One choice (labels come from the template, which numbers the rows)."""

    text = StringField(_l("Choice text"), filters=[strip_whitespace], validators=[Length(max=2000)])
    weight = StringField(_l("Weight (%)"), validators=[check_percent])
    feedback = StringField(
        _l("Feedback for this choice"), filters=[strip_whitespace], validators=[Length(max=2000)]
    )


def freeze_choices(data: Data, rng: random.Random, shuffle: bool) -> list[Data]:
    """The choices in their shown order. Each gets a new id from its shown position: the bank's
    ids follow the author's order, and authors often write the right choice first (GIFT's
    habit), so sending them to the quiz page would give the answer away."""
    choices = [
        {
            "bank_id": choice["id"],
            "html": render_markdown(choice["text"]),
            "fraction": float(choice.get("fraction", 0)),
            "feedback_html": render_markdown(choice.get("feedback", "")),
        }
        for choice in data.get("choices", [])
    ]
    if shuffle:
        rng.shuffle(choices)
    return [{"id": f"o{index}", **choice} for index, choice in enumerate(choices, start=1)]


class ChoiceType(QuestionType):
    def _weight_problems(self, data: Data) -> list[str]:
        return weight_problems([float(c.get("fraction", 0)) for c in data.get("choices", [])])

    def freeze(self, data: Data, rng: random.Random, shuffle: bool) -> Data:
        return {"choices": freeze_choices(data, rng, shuffle)}

    def public(self, frozen: Data) -> Data:
        return {"choices": [{"id": c["id"], "html": c["html"]} for c in frozen["choices"]]}

    def answer_html(self, frozen: Data, answer: Any) -> list[str]:
        chosen = set(answer) if isinstance(answer, list) else {answer}
        return [c["html"] for c in frozen["choices"] if c["id"] in chosen]

    def marked_answers(self, frozen: Data) -> list[tuple[str, float]]:
        right = [c for c in frozen["choices"] if c["fraction"] > 0]
        return [(c["html"], c["fraction"]) for c in sorted(right, key=lambda c: -c["fraction"])]

    def feedback(self, frozen: Data, answer: Any) -> list[str]:
        chosen = set(answer) if isinstance(answer, list) else {answer}
        return [
            c["feedback_html"]
            for c in frozen["choices"]
            if c["id"] in chosen and c["feedback_html"]
        ]

    # --- authoring: one row per choice ---------------------------------------------------------

    def form_fields(self) -> dict[str, Field]:
        return {
            "choices": FieldList(
                FormField(ChoiceRowForm),
                min_entries=CHOICE_ROWS,
                max_entries=MAX_CHOICE_ROWS,
                validators=[check_rows],
            )
        }

    def data_from_form(self, form: Form) -> Data:
        rows = [row for row in form.choices.entries if row.text.data]
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

    def form_values(self, data: Data) -> dict[str, Any]:
        return {
            "choices": [
                {
                    "text": choice.get("text", ""),
                    "weight": format_number(float(choice.get("fraction", 0)) * 100),
                    "feedback": choice.get("feedback", ""),
                }
                for choice in data.get("choices", [])[:MAX_CHOICE_ROWS]
            ]
        }

    def form_drops_details(self, data: Data) -> bool:
        return len(data.get("choices", [])) > MAX_CHOICE_ROWS

    # --- GIFT: a list of `=` (right) and `~` (wrong or weighted) answers -----------------------

    def _read_choices(self, body: str, syntax: GiftSyntax) -> list[tuple[str, Data]]:
        """(marker, choice) for every answer of the body."""
        choices = []
        for index, (marker, entry) in enumerate(syntax.answer_entries(body)):
            weight, entry = syntax.weight(entry.strip())
            text, feedback = syntax.split_feedback(entry)
            fraction = weight if weight is not None else (1.0 if marker == "=" else 0.0)
            choice = {
                "id": f"c{index + 1}",
                "text": syntax.text(text),
                "fraction": fraction,
                "feedback": syntax.text(feedback),
            }
            choices.append((marker, choice))
        return choices

    def _gift_prefix(self, fraction: float, syntax: GiftSyntax) -> str:
        return "~" + syntax.format_weight(fraction)

    def write_gift(self, data: Data, syntax: GiftSyntax) -> str:
        lines = [
            f"\t{self._gift_prefix(choice['fraction'], syntax)}{syntax.escape(choice['text'])}"
            f"{syntax.feedback(choice.get('feedback', ''))}"
            for choice in data["choices"]
        ]
        return "\n" + "\n".join(lines)
