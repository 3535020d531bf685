"""Item analysis (Moodle's quiz statistics) as pure functions over plain data.

For one quiz, from its graded attempts: per question the number of attempts that drew it, the
facility index (the mean fraction of its marks earned), the discrimination (the corrected
item-total correlation: Pearson's r between the question's fraction and the attempt's total
marks without that question), how often each choice was picked, and flags.

Every question is worth one mark (grading scores an attempt as the mean of its fractions), so an
attempt's total is the sum of its fractions. The figures are accumulated in one pass, keeping
only sums per question and per choice: memory does not grow with the number of attempts, so
100,000 attempts can be read as a stream.

The cut-offs (Moodle-like defaults, in one place, stated on the page):
- fewer than `MIN_ATTEMPTS` (20) attempts at a question: "too few attempts to judge", no other
  flag;
- facility above `TOO_EASY` (0.9): too easy; below `TOO_HARD` (0.2): too hard;
- discrimination below `NEGATIVE_DISCRIMINATION` (0): negative discrimination (officers who do
  well on the rest of the quiz do worse on this question);
- a choice worth no marks picked by nobody (`UNUSED_DISTRACTOR_SHARE`, 0): a distractor nobody
  picks.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

MIN_ATTEMPTS = 20
TOO_EASY = 0.9
TOO_HARD = 0.2
NEGATIVE_DISCRIMINATION = 0.0
UNUSED_DISTRACTOR_SHARE = 0.0

TOO_FEW_ATTEMPTS = "too_few_attempts"
FLAG_TOO_EASY = "too_easy"
FLAG_TOO_HARD = "too_hard"
FLAG_NEGATIVE_DISCRIMINATION = "negative_discrimination"
FLAG_UNUSED_DISTRACTOR = "unused_distractor"


class ShownChoice(NamedTuple):
    """A choice as one attempt showed it: a key that stays the same across attempts (the
    bank's choice id, not the shuffled position), its text and the fraction it is worth."""

    key: str
    label_html: str
    fraction: float


class AnsweredQuestion(NamedTuple):
    """One question of one graded attempt. `choices` is empty for a question without choices;
    `picked` holds the keys of the choices picked (None: the answer is not a pick of choices,
    so the question gets no choice shares)."""

    question_id: int
    fraction: float
    choices: tuple[ShownChoice, ...] = ()
    picked: frozenset[str] | None = None


@dataclass(frozen=True)
class ChoiceFigures:
    key: str
    label_html: str
    fraction: float
    shown: int  # attempts that showed this choice
    picked: int

    @property
    def share(self) -> float:
        return self.picked / self.shown if self.shown else 0.0

    @property
    def distractor(self) -> bool:
        return self.fraction <= 0


@dataclass(frozen=True)
class QuestionFigures:
    question_id: int
    attempts: int
    facility: float  # 0 to 1
    discrimination: float | None  # None: undefined (no spread in the marks, or one attempt)
    choices: tuple[ChoiceFigures, ...] | None  # None: not a choice question
    flags: tuple[str, ...]


@dataclass(frozen=True)
class QuizFigures:
    attempts: int
    mean_score: float | None  # percent, as attempts are scored
    questions: tuple[QuestionFigures, ...]


@dataclass
class _Sums:
    """Running sums for one question: x is its fraction, t the attempt's total marks."""

    n: int = 0
    x: float = 0.0
    xx: float = 0.0
    t: float = 0.0
    tt: float = 0.0
    xt: float = 0.0
    choice_shape: bool = True  # every answer so far was a pick of choices
    labels: dict[str, tuple[str, float]] = field(default_factory=dict)
    shown: dict[str, int] = field(default_factory=dict)
    picked: dict[str, int] = field(default_factory=dict)


def analyse_attempts(attempts: Iterable[Sequence[AnsweredQuestion]]) -> QuizFigures:
    """The figures of one quiz from its graded attempts (each a sequence of its questions),
    read once, in order; questions come out by id."""
    sums: dict[int, _Sums] = {}
    count = 0
    score_total = 0.0
    for attempt in attempts:
        if not attempt:
            continue
        count += 1
        total = sum(question.fraction for question in attempt)
        score_total += total / len(attempt)
        for question in attempt:
            entry = sums.get(question.question_id)
            if entry is None:
                entry = sums[question.question_id] = _Sums()
            x = question.fraction
            entry.n += 1
            entry.x += x
            entry.xx += x * x
            entry.t += total
            entry.tt += total * total
            entry.xt += x * total
            if question.choices:
                _count_choices(entry, question)
    questions = tuple(_figures(question_id, sums[question_id]) for question_id in sorted(sums))
    return QuizFigures(
        attempts=count,
        mean_score=round(100 * score_total / count, 2) if count else None,
        questions=questions,
    )


def _count_choices(entry: _Sums, question: AnsweredQuestion) -> None:
    if question.picked is None:
        entry.choice_shape = False
        return
    for choice in question.choices:
        entry.labels[choice.key] = (choice.label_html, choice.fraction)  # the latest wins
        entry.shown[choice.key] = entry.shown.get(choice.key, 0) + 1
        if choice.key in question.picked:
            entry.picked[choice.key] = entry.picked.get(choice.key, 0) + 1


def corrected_item_total(sums: _Sums) -> float | None:
    """Pearson's r between x and r = t - x (the rest of the attempt), from the running sums:
    Σr = Σt - Σx, Σr² = Σt² - 2Σxt + Σx², Σxr = Σxt - Σx²."""
    n = sums.n
    if n < 2:
        return None
    rest = sums.t - sums.x
    rest_squares = sums.tt - 2 * sums.xt + sums.xx
    cross = sums.xt - sums.xx
    covariance = n * cross - sums.x * rest
    spread_x = n * sums.xx - sums.x * sums.x
    spread_rest = n * rest_squares - rest * rest
    # Rounding in the sums can leave a spread a hair above zero when there is none.
    tolerance = 1e-9 * n * n
    if spread_x <= tolerance or spread_rest <= tolerance:
        return None
    return max(-1.0, min(1.0, covariance / math.sqrt(spread_x * spread_rest)))


def _figures(question_id: int, sums: _Sums) -> QuestionFigures:
    facility = sums.x / sums.n
    discrimination = corrected_item_total(sums)
    choices = None
    if sums.choice_shape and sums.labels:
        choices = tuple(
            ChoiceFigures(
                key=key,
                label_html=label,
                fraction=fraction,
                shown=sums.shown[key],
                picked=sums.picked.get(key, 0),
            )
            for key, (label, fraction) in sorted(sums.labels.items(), key=_bank_order)
        )
    return QuestionFigures(
        question_id=question_id,
        attempts=sums.n,
        facility=facility,
        discrimination=discrimination,
        choices=choices,
        flags=question_flags(sums.n, facility, discrimination, choices),
    )


def _bank_order(item: tuple[str, Any]) -> tuple[int, str]:
    """Choices in the bank's order whatever the shuffles: keys c1, c2 … c10 (shorter first)."""
    return len(item[0]), item[0]


def question_flags(
    attempts: int,
    facility: float,
    discrimination: float | None,
    choices: Sequence[ChoiceFigures] | None,
) -> tuple[str, ...]:
    """What a trainer should look at, by the cut-offs above (none judged below MIN_ATTEMPTS)."""
    if attempts < MIN_ATTEMPTS:
        return (TOO_FEW_ATTEMPTS,)
    flags = []
    if facility > TOO_EASY:
        flags.append(FLAG_TOO_EASY)
    if facility < TOO_HARD:
        flags.append(FLAG_TOO_HARD)
    if discrimination is not None and discrimination < NEGATIVE_DISCRIMINATION:
        flags.append(FLAG_NEGATIVE_DISCRIMINATION)
    if choices and any(
        c.distractor and c.shown and c.share <= UNUSED_DISTRACTOR_SHARE for c in choices
    ):
        flags.append(FLAG_UNUSED_DISTRACTOR)
    return tuple(flags)
