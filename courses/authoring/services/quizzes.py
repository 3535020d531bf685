"""Quizzes in a course: adding them to a module and their settings (pass mark, attempts, time
limit, how questions are drawn, shuffling, review). Functions flush; callers commit."""

from __future__ import annotations

from dataclasses import dataclass, field

from courses.authoring.services.structure import next_position
from courses.learning.models import CourseItem, ItemKind, Module, Quiz, ReviewMode
from courses.learning.models.questions import DrawMode
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
    shuffle_questions: bool = True
    shuffle_choices: bool = True
    review_mode: str = ReviewMode.AFTER_SUBMIT.value


def _check_quiz_settings(settings: QuizSettings) -> None:
    if not 0 <= settings.pass_mark <= 100:
        raise ValidationError("The pass mark is a percentage from 0 to 100.")
    if not 0 <= settings.attempts_allowed <= 100:
        raise ValidationError("Attempts allowed is 0 (unlimited) to 100.")
    if settings.time_limit_minutes is not None and not 1 <= settings.time_limit_minutes <= 600:
        raise ValidationError("A time limit is 1 to 600 minutes, or none.")
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
    if settings.review_mode not in {mode.value for mode in ReviewMode}:
        raise ValidationError(f"Unknown review option {settings.review_mode}.")


def _apply_quiz_settings(quiz: Quiz, settings: QuizSettings) -> None:
    _check_quiz_settings(settings)
    quiz.pass_mark, quiz.attempts_allowed = settings.pass_mark, settings.attempts_allowed
    quiz.time_limit_minutes, quiz.category = settings.time_limit_minutes, settings.category.strip()
    quiz.draw_mode = settings.draw_mode
    quiz.draw_per_level = (
        dict(settings.draw_per_level) if settings.draw_mode == DrawMode.PER_LEVEL else {}
    )
    quiz.shuffle_questions, quiz.shuffle_choices = (
        settings.shuffle_questions,
        settings.shuffle_choices,
    )
    quiz.review_mode = settings.review_mode


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
    _apply_quiz_settings(item.quiz, settings)
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
    item.title, item.required = title.strip(), required
    _apply_quiz_settings(item.quiz, settings)
    db.session.flush()
