"""The registry of question types: every page, the GIFT reader and the grading ask it for a
type by name. A type's module registers its class with `@register`."""

from __future__ import annotations

from typing import TypeVar

from courses.learning.questiontypes.base import QuestionType

# Name -> the type, in the order the question form offers them (their `position`).
QUESTION_TYPES: dict[str, QuestionType] = {}
DEFAULT_TYPE = "single_choice"

T = TypeVar("T", bound=type[QuestionType])


def register(cls: T) -> T:
    """Class decorator: add one instance of the type to the registry under its name."""
    if cls.name in QUESTION_TYPES:
        raise ValueError(f"question type {cls.name!r} is already registered")
    kinds = [*QUESTION_TYPES.values(), cls()]
    QUESTION_TYPES.clear()
    QUESTION_TYPES.update((kind.name, kind) for kind in sorted(kinds, key=lambda k: k.position))
    return cls


def unregister(name: str) -> None:
    """Remove a type (a test's own type, once the test is done)."""
    QUESTION_TYPES.pop(name, None)


def question_type(name: str) -> QuestionType:
    try:
        return QUESTION_TYPES[name]
    except KeyError:
        raise ValueError(f"unknown question type {name!r}") from None


def question_partial(name: str, part: str) -> list[str]:
    """The templates a page includes for one part of a question of type `name` (a template
    global: `{% include question_partial(question.qtype, "attempt") %}`)."""
    return question_type(name).templates(part)


def gift_readers() -> list[QuestionType]:
    """The types in the order their GIFT readers are asked."""
    return sorted(QUESTION_TYPES.values(), key=lambda kind: kind.gift_order)
