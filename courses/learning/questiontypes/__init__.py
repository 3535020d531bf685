"""Question types: one class each, in one registry.

Where to add a question type: write one module here (or anywhere imported at start-up) with a
`QuestionType` subclass decorated with `@register`, and a folder of partial templates
`templates/questiontypes/<name>/` (attempt.html, preview.html, form.html; review.html only to
replace the generic review). The class says how its data is checked, frozen into an attempt,
shown, answered and graded, which fields it adds to the question form and how they map to its
data, and how its GIFT answer body is read and written. The pages, the question form and the
GIFT reader ask the registry; none of them names a type.
"""

from __future__ import annotations

# The built-in types: importing a type's module registers it.
from courses.learning.questiontypes import (  # noqa: F401
    matching,
    multiple_response,
    numeric,
    short_text,
    single_choice,
    true_false,
)
from courses.learning.questiontypes.base import (
    Data,
    GiftSyntax,
    GiftSyntaxError,
    QuestionType,
    TypedAnswerType,
    format_number,
    parse_number,
)
from courses.learning.questiontypes.registry import (
    DEFAULT_TYPE,
    QUESTION_TYPES,
    gift_readers,
    question_partial,
    question_type,
    register,
    unregister,
)

__all__ = [
    "DEFAULT_TYPE",
    "QUESTION_TYPES",
    "Data",
    "GiftSyntax",
    "GiftSyntaxError",
    "QuestionType",
    "TypedAnswerType",
    "format_number",
    "gift_readers",
    "parse_number",
    "question_partial",
    "question_type",
    "register",
    "unregister",
]
