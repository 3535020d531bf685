"""A question type's form fields in a plain WTForms form, processed with form data: what the
question-form tests use to post, store and show a question without an app."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict
from wtforms import Form

from courses.learning.questiontypes import (
    Data,
    question_type,
)

TYPES = ("single_choice", "multiple_response", "true_false", "numeric", "short_text", "matching")


def form_class(qtype: str) -> type[Form]:
    return type("QuestionForm", (Form,), question_type(qtype).form_fields())


def posted(qtype: str, values: dict[str, Any]) -> Form:
    """The type's fields processed from form data as a browser would send them."""
    return form_class(qtype)(MultiDict(flatten(values)))


def flatten(values: dict[str, Any]) -> list[tuple[str, str]]:
    """Form values as posted: a list of rows becomes `name-0-key` fields."""
    pairs = []
    for name, value in values.items():
        if isinstance(value, list):
            for index, row in enumerate(value):
                pairs += [(f"{name}-{index}-{key}", str(v)) for key, v in row.items()]
        else:
            pairs.append((name, str(value)))
    return pairs


def errors(form: Form) -> dict[str, Any]:
    """The form's error messages by field, as text (rows without errors left out)."""
    form.validate()
    return {name: texts(value) for name, value in form.errors.items()}


def texts(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: texts(v) for key, v in value.items()}
    if isinstance(value, list):
        return [texts(v) for v in value if v != {}]
    return str(value)


def stored(qtype: str, values: dict[str, Any]) -> Data:
    form = posted(qtype, values)
    assert form.validate(), form.errors
    return question_type(qtype).data_from_form(form)


def round_trip(qtype: str, data: Data) -> Data:
    """A stored question shown in the form and saved unchanged."""
    return stored(qtype, question_type(qtype).form_values(data))


def labels(qtype: str) -> dict[str, str]:
    form = form_class(qtype)()
    return {name: str(field.label.text) for name, field in form._fields.items()}
