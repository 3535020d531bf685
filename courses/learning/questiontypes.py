"""Question types: one class each, in one registry. A new type is one class here.

A type knows how to check its data, freeze itself into an attempt (the choices in their shown
order), show itself without its key, read an answer from a submitted form, and grade it. Grading
is pure: plain data in, a fraction from 0 to 1 out.
"""

from __future__ import annotations

import math
import random
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l
from markupsafe import escape

from lms.markdown import render_markdown

Data = dict[str, Any]


class QuestionType(ABC):
    name: ClassVar[str]
    label: ClassVar[Any]
    # Stated to officers and authors wherever the type is graded.
    grading_rule: ClassVar[Any]

    @abstractmethod
    def validate(self, data: Data) -> list[str]:
        """Problems with a question's data; empty when it can be used."""

    def freeze(self, data: Data, rng: random.Random, shuffle: bool) -> Data:
        """The attempt's copy: rendered texts, choices in their shown order, and the key."""
        return {}

    def public(self, frozen: Data) -> Data:
        """What the quiz page may show: never a weight, an accepted answer or feedback."""
        return {}

    def read_answer(self, values: list[str]) -> Any:
        """The answer from the form's values for this question (ignoring anything odd)."""
        return values[0].strip()[:500] if values else ""

    @abstractmethod
    def grade(self, frozen: Data, answer: Any) -> float:
        """The fraction of the marks this answer earns, from 0 to 1."""

    def feedback(self, frozen: Data, answer: Any) -> list[str]:
        """Feedback texts (HTML) earned by this answer, for the review."""
        return []

    def answer_html(self, frozen: Data, answer: Any) -> list[str]:
        """The officer's answer as HTML, for the review (typed text escaped)."""
        return [str(escape(answer))] if isinstance(answer, str) and answer else []

    def marked_answers(self, frozen: Data) -> list[tuple[str, float]]:
        """The answers that earn marks, as (HTML, fraction) pairs, best first: for the review
        only, never for the quiz page."""
        return []


def _freeze_choices(data: Data, rng: random.Random, shuffle: bool) -> list[Data]:
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


class _ChoiceType(QuestionType):
    def freeze(self, data: Data, rng: random.Random, shuffle: bool) -> Data:
        return {"choices": _freeze_choices(data, rng, shuffle)}

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


class SingleChoice(_ChoiceType):
    name = "single_choice"
    label = _l("Single choice")
    grading_rule = _l("One answer is right: choosing it scores the question in full.")

    def validate(self, data: Data) -> list[str]:
        choices = data.get("choices", [])
        problems = []
        if len(choices) < 2:
            problems.append("A single-choice question needs at least two choices.")
        if sum(1 for c in choices if float(c.get("fraction", 0)) == 1.0) != 1:
            problems.append("A single-choice question needs exactly one right choice.")
        if any(not str(c.get("text", "")).strip() for c in choices):
            problems.append("Every choice needs a text.")
        return problems

    def grade(self, frozen: Data, answer: Any) -> float:
        for choice in frozen["choices"]:
            if choice["id"] == answer:
                return max(0.0, min(1.0, choice["fraction"]))
        return 0.0


class MultipleResponse(_ChoiceType):
    name = "multiple_response"
    label = _l("Multiple response")
    grading_rule = _l(
        "Several answers may be right. Each right answer chosen adds its share of the marks; "
        "each wrong answer chosen takes its penalty away. The total is never below 0% or above "
        "100%."
    )

    def validate(self, data: Data) -> list[str]:
        choices = data.get("choices", [])
        problems = []
        if len(choices) < 2:
            problems.append("A multiple-response question needs at least two choices.")
        positive = sum(
            float(c.get("fraction", 0)) for c in choices if float(c.get("fraction", 0)) > 0
        )
        if not math.isclose(positive, 1.0, abs_tol=0.011):
            problems.append(
                f"The weights of the right choices add up to {positive * 100:g}%; they must add "
                "up to 100%."
            )
        # Without penalties, ticking every box would earn the marks of the right choices.
        everything = sum(float(c.get("fraction", 0)) for c in choices)
        if any(float(c.get("fraction", 0)) <= 0 for c in choices) and everything > 0.011:
            problems.append(
                f"Ticking every box would score {everything * 100:g}%: give the wrong choices "
                "penalties (negative weights) that add up to at least -100%, so that ticking "
                "everything earns nothing."
            )
        if any(not str(c.get("text", "")).strip() for c in choices):
            problems.append("Every choice needs a text.")
        return problems

    def read_answer(self, values: list[str]) -> list[str]:
        return sorted({value[:20] for value in values})[:50]

    def grade(self, frozen: Data, answer: Any) -> float:
        chosen = set(answer) if isinstance(answer, list) else set()
        total = sum(c["fraction"] for c in frozen["choices"] if c["id"] in chosen)
        return max(0.0, min(1.0, total))


class TrueFalse(QuestionType):
    name = "true_false"
    label = _l("True or false")
    grading_rule = _l("Choosing the right one of true and false scores the question in full.")

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


def parse_number(text: str) -> float | None:
    """A number typed by an officer: '1500', '1 500', '1,500.5' or '1500,5'."""
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
    if cleaned.count(",") == 1 and "." not in cleaned and len(cleaned.split(",")[1]) != 3:
        cleaned = cleaned.replace(",", ".")
    cleaned = cleaned.replace(",", "")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


class _TypedAnswerType(QuestionType):
    """A type graded by matching a typed answer against a list of accepted answers."""

    @abstractmethod
    def _match(self, frozen: Data, answer: Any) -> Data | None:
        """The accepted answer the typed one matches best, or None."""

    def grade(self, frozen: Data, answer: Any) -> float:
        match = self._match(frozen, answer)
        return max(0.0, min(1.0, match["fraction"])) if match else 0.0

    def feedback(self, frozen: Data, answer: Any) -> list[str]:
        match = self._match(frozen, answer)
        return [match["feedback_html"]] if match and match["feedback_html"] else []


class Numeric(_TypedAnswerType):
    name = "numeric"
    label = _l("Numeric")
    grading_rule = _l("A number within the stated tolerance of the answer scores in full.")

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
        return problems

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
            ]
        }

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
                        f"{a['value']:g} ± {a['tolerance']:g}"
                        if a["tolerance"]
                        else f"{a['value']:g}"
                    )
                ),
                a["fraction"],
            )
            for a in right
        ]


def normalise_text_answer(text: str) -> str:
    return " ".join(text.split()).casefold()


class ShortText(_TypedAnswerType):
    name = "short_text"
    label = _l("Short text")
    grading_rule = _l(
        "An answer matching one of the accepted answers scores in full. Capitals and extra "
        "spaces do not matter."
    )

    def validate(self, data: Data) -> list[str]:
        answers = data.get("answers", [])
        if not answers or any(not str(a.get("text", "")).strip() for a in answers):
            return ["A short-text question needs at least one accepted answer, none empty."]
        return []

    def freeze(self, data: Data, rng: random.Random, shuffle: bool) -> Data:
        return {
            "answers": [
                {
                    "text": a["text"],
                    "fraction": float(a.get("fraction", 1.0)),
                    "feedback_html": render_markdown(a.get("feedback", "")),
                }
                for a in data["answers"]
            ]
        }

    def _match(self, frozen: Data, answer: Any) -> Data | None:
        typed = normalise_text_answer(answer) if isinstance(answer, str) else ""
        hits = [a for a in frozen["answers"] if typed and normalise_text_answer(a["text"]) == typed]
        return max(hits, key=lambda a: a["fraction"], default=None)

    def marked_answers(self, frozen: Data) -> list[tuple[str, float]]:
        right = sorted(
            (a for a in frozen["answers"] if a["fraction"] > 0), key=lambda a: -a["fraction"]
        )
        return [(str(escape(a["text"])), a["fraction"]) for a in right]


QUESTION_TYPES: dict[str, QuestionType] = {
    qtype.name: qtype() for qtype in (SingleChoice, MultipleResponse, TrueFalse, Numeric, ShortText)
}


def question_type(name: str) -> QuestionType:
    try:
        return QUESTION_TYPES[name]
    except KeyError:
        raise ValueError(f"unknown question type {name!r}") from None


def answer_from_form(qtype: str, form: Mapping[str, list[str]], field: str) -> Any:
    return question_type(qtype).read_answer(list(form.get(field, [])))
