"""The question type: one class owns every part of a type (its checks, its copy frozen into an
attempt, its grading, its authoring fields, its GIFT syntax and its partial templates).

Grading is pure: plain data in, a fraction from 0 to 1 out. The methods that touch a form or a
GIFT text take what they need as arguments (the form, a GIFT syntax helper), so this package
imports nothing from the authoring room.
"""

from __future__ import annotations

import math
import random
import re
from abc import ABC, abstractmethod
from typing import Any, ClassVar, Protocol

from markupsafe import escape
from wtforms import Field, Form

Data = dict[str, Any]


# Moodle's fractions for an answer's weight (question_bank::fraction_options_full, the list its
# GIFT import matches a weight against with the default "error" setting), as Moodle writes them.
MOODLE_PERCENTS = (
    "100", "90", "83.33333", "80", "75", "70", "66.66667", "60", "50", "40", "33.33333", "30",
    "25", "20", "16.66667", "14.28571", "12.5", "11.11111", "10", "5", "0",
)  # fmt: skip
# Moodle's import takes a weight within 0.00001 of a fraction of the list (0.001 percent).
_MOODLE_TOLERANCE = 0.00001


def is_moodle_fraction(fraction: float) -> bool:
    """Whether Moodle takes this weight (from -1 to 1): one of its list, or the list's negative."""
    return any(abs(abs(fraction) - float(p) / 100) < _MOODLE_TOLERANCE for p in MOODLE_PERCENTS)


def weight_problems(fractions: list[float]) -> list[str]:
    """A problem naming the weights Moodle would refuse, so that every bank can be exchanged."""
    odd = sorted(
        {f"{fraction * 100:g}%" for fraction in fractions if not is_moodle_fraction(fraction)}
    )
    if not odd:
        return []
    return [
        f"The weight(s) {', '.join(odd)} are not in Moodle's list: use one of "
        f"{', '.join(p + '%' for p in MOODLE_PERCENTS)} or their negatives (a third is "
        "33.33333%)."
    ]


class GiftSyntaxError(ValueError):
    """A GIFT question that cannot be read; `line_offset` counts from the question's first line,
    or `near` is the (protected) text of the answer at fault, whose line the reader finds."""

    def __init__(self, message: str, line_offset: int = 0, near: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.line_offset = line_offset
        self.near = near


class GiftSyntax(Protocol):
    """The generic GIFT helpers a type reads and writes its answer body with (courses.authoring.gift
    provides them). Texts given to a type are still protected: `restore` unescapes a piece."""

    escaped_colon: str

    def restore(self, text: str) -> str: ...
    def text(self, text: str) -> str: ...
    def escape(self, text: str) -> str: ...
    def entries(self, body: str) -> list[tuple[str, str]]: ...
    def answer_entries(self, body: str) -> list[tuple[str, str]]: ...
    def weight(self, entry: str) -> tuple[float | None, str]: ...
    def split_feedback(self, entry: str) -> tuple[str, str]: ...
    def number(self, text: str) -> float: ...
    def format_weight(self, fraction: float) -> str: ...
    def feedback(self, text: str) -> str: ...


class QuestionType(ABC):
    name: ClassVar[str]
    label: ClassVar[Any]
    # Stated to officers and authors wherever the type is graded.
    grading_rule: ClassVar[Any]
    # Where the question form offers the type: the built-in ones from 10 to 50.
    position: ClassVar[int] = 100
    # GIFT readers are asked from the lowest order up: a type with its own syntax (`#`, `T`)
    # comes before the types read from a list of `=`/`~` answers, which take what is left.
    gift_order: ClassVar[int] = 50

    # --- the question's data ---------------------------------------------------------------

    @abstractmethod
    def validate(self, data: Data) -> list[str]:
        """Problems with a question's data; empty when it can be used."""

    def freeze(self, data: Data, rng: random.Random, shuffle: bool) -> Data:
        """The attempt's copy: rendered texts, choices in their shown order, and the key."""
        return {}

    def public(self, frozen: Data) -> Data:
        """What the quiz page may show: never a weight, an accepted answer or feedback."""
        return {}

    # --- answering and grading ---------------------------------------------------------------

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

    def sample_answer(self, frozen: Data, right: bool, rng: random.Random) -> list[str]:
        """Form values an officer might send, right or wrong (for the demo data)."""
        return []

    # --- authoring ---------------------------------------------------------------------------

    def form_fields(self) -> dict[str, Field]:
        """The question form's fields for this type (unbound), added to the generic ones."""
        return {}

    def data_from_form(self, form: Form) -> Data:
        """The question's `data` from this type's fields of a submitted form (validate checks
        it afterwards)."""
        return {}

    def form_values(self, data: Data) -> dict[str, Any]:
        """This type's form fields filled from a question's `data`."""
        return {}

    def form_drops_details(self, data: Data) -> bool:
        """Whether saving this question through the form would lose part of its data (details
        GIFT can hold but the form cannot show)."""
        return False

    # --- GIFT ----------------------------------------------------------------------------------

    @abstractmethod
    def read_gift(self, body: str, syntax: GiftSyntax) -> Data | None:
        """The `data` of a GIFT answer body written in this type's syntax, or None when the body
        is not this type's. Raise GiftSyntaxError for a body that is this type's but wrong."""

    def gift_notes(self, body: str, syntax: GiftSyntax) -> list[str]:
        """What read_gift decided that the import report should state (a grading rule)."""
        return []

    @abstractmethod
    def write_gift(self, data: Data, syntax: GiftSyntax) -> str:
        """The GIFT answer body (between `{` and the general feedback) that read_gift reads back
        to the same data."""

    # --- templates -----------------------------------------------------------------------------

    def templates(self, part: str) -> list[str]:
        """The partial templates for `part` (attempt, review, preview, form), the first found
        used: the type's own folder, then a generic partial where there is one."""
        return [f"questiontypes/{self.name}/{part}.html", f"questiontypes/{part}.html"]


class TypedAnswerType(QuestionType):
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


_FIRST_THOUSANDS_GROUP = re.compile(r"[+-]?[1-9]\d{0,2}")


def parse_number(text: str) -> float | None:
    """A number typed by an officer: '1500', '1 500', '1,500.5' or '1500,5'.

    One comma before three digits separates thousands only where what precedes it can be the
    first group of thousands ('1,500'); '0,125' and '1500,125' are decimal commas."""
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
    if cleaned.count(",") == 1 and "." not in cleaned:
        whole, fraction = cleaned.split(",")
        if len(fraction) != 3 or not _FIRST_THOUSANDS_GROUP.fullmatch(whole):
            cleaned = f"{whole}.{fraction}"
    cleaned = cleaned.replace(",", "")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def exact_number(value: float) -> str:
    """A number as text that reads back as the same number: '42', '0.5', and '1234567.0'
    where '%g' would round it to '1.23457e+06' (for files, such as GIFT)."""
    short = f"{value:g}"
    return short if float(short) == value else repr(value)


def format_number(value: float) -> str:
    """A stored number as a form and the review show it: at most four decimals, and every digit
    of a large number ('1234567', where '%g' would show '1.23457e+06' and saving would store
    1234570)."""
    return f"{round(value, 4):.15g}"


def normalise_newlines(value: str | None) -> str | None:
    """Browsers send a textarea's lines ending in CRLF; stored texts use LF, so an unchanged
    lesson or question posted back stays the same revision."""
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value
