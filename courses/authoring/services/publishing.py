"""Publishing a course: what still stops it, and moving it between draft, published and
archived. Functions flush; callers commit."""

from __future__ import annotations

from sqlalchemy import func, select

from courses.learning.models import Course, CourseStatus, ItemKind, Question, Quiz
from courses.learning.models.questions import DrawMode
from lms.errors import ValidationError
from lms.extensions import db
from lms.timeutil import utcnow


class PublicationProblems(ValidationError):
    """A course that cannot be published yet; `problems` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("Cannot publish yet: " + " ".join(problems))
        self.problems = problems


def publication_problems(course: Course) -> list[str]:
    """Why a course cannot be published yet (empty when it can)."""
    problems = []
    items = [item for module in course.modules for item in module.items]
    if not items:
        problems.append("The course has no lessons or quizzes.")
    for module in course.modules:
        if not module.principles:
            problems.append(f"Module '{module.title}' is not aligned to any reform principle.")
    available = _bank_counts(course.id)
    for item in items:
        if item.kind == ItemKind.QUIZ and item.quiz is not None:
            problems.extend(_draw_problems(item.title, item.quiz, available))
    return problems


def _bank_counts(course_id: int) -> dict[tuple[str, int], int]:
    rows = db.session.execute(
        select(Question.category, Question.level, func.count(Question.id))
        .where(Question.course_id == course_id, Question.archived.is_(False))
        .group_by(Question.category, Question.level)
    ).all()
    return {(category, level): count for category, level, count in rows}


def _draw_problems(title: str, quiz: Quiz, available: dict[tuple[str, int], int]) -> list[str]:
    def count(level: int | None = None) -> int:
        return sum(
            n
            for (category, lvl), n in available.items()
            if (not quiz.category or category == quiz.category) and (level is None or lvl == level)
        )

    if count() == 0:
        return [f"Quiz '{title}' has no questions to draw from."]
    problems = []
    if quiz.draw_mode == DrawMode.PER_LEVEL:
        for level, wanted in sorted(quiz.draw_per_level.items()):
            if wanted > count(int(level)):
                problems.append(
                    f"Quiz '{title}' draws {wanted} question(s) of level {level} but "
                    f"the bank has {count(int(level))}."
                )
    return problems


def set_status(course: Course, status: str) -> Course:
    """Publish, archive or return a course to draft. Publishing checks the course is complete."""
    if status not in {s.value for s in CourseStatus}:
        raise ValidationError(f"Unknown status {status}.")
    if status == CourseStatus.PUBLISHED:
        problems = publication_problems(course)
        if problems:
            raise PublicationProblems(problems)
        course.published_at = course.published_at or utcnow()
    course.status = status
    db.session.flush()
    return course
