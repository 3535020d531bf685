"""Quizzes in a course: adding them to a module and their settings (kind, pass mark, attempts,
time limit, closing time, how questions are drawn, shuffling, review). Functions flush; callers
commit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from courses.authoring.services.structure import next_position
from courses.learning.models import CourseItem, ItemKind, Module, Quiz
from courses.learning.models.questions import (
    DEFAULT_REVIEW,
    DrawMode,
    QuizKind,
    ReviewShows,
    ReviewWhen,
    reveals_keys_while_open,
)
from lms.errors import ValidationError
from lms.extensions import db


@dataclass(frozen=True)
class QuizSettings:
    pass_mark: int = 70
    attempts_allowed: int = 3
    time_limit_minutes: int | None = 20
    category: str = ""
    draw_mode: str = DrawMode.ALL.value
    draw_per_level: dict[str, int] = field(default_factory=dict)
    draw_count: int | None = None  # per_competency_level only
    shuffle_questions: bool = True
    shuffle_choices: bool = True
    kind: str = QuizKind.ASSESSMENT.value
    review_shows: str = ""  # empty: the kind's default (DEFAULT_REVIEW)
    review_when: str = ""
    closes_at: datetime | None = None

    @property
    def review(self) -> tuple[str, str]:
        """What the review shows and when, the kind's default filling what is not chosen."""
        shows, when = DEFAULT_REVIEW.get(QuizKind(self.kind), DEFAULT_REVIEW[QuizKind.ASSESSMENT])
        return self.review_shows or shows.value, self.review_when or when.value


# How many questions of each competency and level a per-competency-level draw may take.
DRAW_COUNT_RANGE = (1, 20)


def leak_message(title: str) -> str:
    return (
        f"Quiz '{title}' is an assessment that would show its answer keys while the officer "
        "can still attempt it: show the keys after the last attempt or a pass, after the quiz "
        "closes, or never; or show less than the keys."
    )


def _check_quiz_settings(settings: QuizSettings, title: str) -> None:
    if settings.kind not in {kind.value for kind in QuizKind}:
        raise ValidationError(f"Unknown quiz kind {settings.kind}.")
    if not 0 <= settings.pass_mark <= 100:
        raise ValidationError("The pass mark is a percentage from 0 to 100.")
    if not 0 <= settings.attempts_allowed <= 100:
        raise ValidationError("Attempts allowed is 0 (unlimited) to 100.")
    if settings.time_limit_minutes is not None and not 1 <= settings.time_limit_minutes <= 600:
        raise ValidationError("A time limit is 1 to 600 minutes, or none.")
    _check_draw(settings)
    shows, when = settings.review
    if shows not in {s.value for s in ReviewShows}:
        raise ValidationError(f"Unknown review option {shows}.")
    if when not in {w.value for w in ReviewWhen}:
        raise ValidationError(f"Unknown review timing {when}.")
    if reveals_keys_while_open(settings.kind, shows, when):
        raise ValidationError(leak_message(title))


def _check_draw(settings: QuizSettings) -> None:
    if settings.draw_mode not in {mode.value for mode in DrawMode}:
        raise ValidationError(f"Unknown draw mode {settings.draw_mode}.")
    if settings.draw_mode == DrawMode.PER_LEVEL and (
        not settings.draw_per_level
        or any(
            level not in {"1", "2", "3", "4"} or not 0 <= n <= 200
            for level, n in settings.draw_per_level.items()
        )
        or sum(settings.draw_per_level.values()) == 0
    ):
        raise ValidationError("Say how many questions of each level (1 to 4) to draw.")
    low, high = DRAW_COUNT_RANGE
    if settings.draw_mode == DrawMode.PER_COMPETENCY_LEVEL and not (
        settings.draw_count is not None and low <= settings.draw_count <= high
    ):
        raise ValidationError(
            f"Say how many questions of each competency and level to draw, {low} to {high}."
        )


def _apply_quiz_settings(quiz: Quiz, settings: QuizSettings, title: str) -> None:
    _check_quiz_settings(settings, title)
    quiz.pass_mark, quiz.attempts_allowed = settings.pass_mark, settings.attempts_allowed
    quiz.time_limit_minutes, quiz.category = settings.time_limit_minutes, settings.category.strip()
    quiz.draw_mode = settings.draw_mode
    quiz.draw_per_level = (
        dict(settings.draw_per_level) if settings.draw_mode == DrawMode.PER_LEVEL else {}
    )
    quiz.draw_count = (
        settings.draw_count if settings.draw_mode == DrawMode.PER_COMPETENCY_LEVEL else None
    )
    quiz.shuffle_questions, quiz.shuffle_choices = (
        settings.shuffle_questions,
        settings.shuffle_choices,
    )
    quiz.kind = settings.kind
    quiz.review_shows, quiz.review_when = settings.review
    quiz.closes_at = settings.closes_at


def add_quiz(
    module: Module, title: str, settings: QuizSettings, *, required: bool = True
) -> CourseItem:
    if not title.strip():
        raise ValidationError("A quiz needs a title.")
    item = CourseItem(
        module=module,
        course_id=module.course_id,
        kind=ItemKind.QUIZ.value,
        title=title.strip(),
        position=next_position(module),
        required=required,
    )
    item.quiz = Quiz()
    _apply_quiz_settings(item.quiz, settings, item.title)
    db.session.add(item)
    db.session.flush()
    return item


def update_quiz(
    item: CourseItem, title: str, settings: QuizSettings, *, required: bool = True
) -> None:
    if item.quiz is None:
        raise ValidationError("This item is not a quiz.")
    if not title.strip():
        raise ValidationError("A quiz needs a title.")
    _apply_quiz_settings(item.quiz, settings, title.strip())
    item.title, item.required = title.strip(), required
    db.session.flush()
