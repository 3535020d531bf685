"""Authoring courses: structure, lessons, quizzes, publishing. Functions flush; callers commit.

Only trainers of the training unit that owns a course may change it (`ensure_can_edit`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from courses.learning.models import (
    Attempt,
    Course,
    CourseItem,
    CourseStatus,
    ItemKind,
    Lesson,
    Module,
    ModuleCompetency,
    Question,
    Quiz,
    ReviewMode,
)
from courses.learning.models.questions import DrawMode
from courses.learning.services.principles import principles_by_code
from lms.accounts.models import User
from lms.errors import Conflict, NotFound, PermissionDenied, ValidationError
from lms.extensions import db
from lms.markdown import render_markdown
from lms.timeutil import utcnow

COURSE_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,31}$")
COMPETENCY_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,31}$")


def get_course(course_id: int) -> Course:
    course = db.session.get(Course, course_id)
    if course is None:
        raise NotFound(f"No course with id {course_id}.")
    return course


def get_item(item_id: int, course: Course | None = None) -> CourseItem:
    item = db.session.get(CourseItem, item_id)
    if item is None or (course is not None and item.course_id != course.id):
        raise NotFound(f"No item with id {item_id} in this course.")
    return item


def get_module(module_id: int, course: Course) -> Module:
    module = db.session.get(Module, module_id)
    if module is None or module.course_id != course.id:
        raise NotFound(f"No module with id {module_id} in this course.")
    return module


def can_edit(user: User, course: Course) -> bool:
    return user.has_role("trainer") and course.training_unit_id == user.unit_id


def ensure_can_edit(user: User, course: Course) -> None:
    """Trainers edit only the courses of their own training unit."""
    if not can_edit(user, course):
        raise PermissionDenied(
            "Only trainers of the training unit that owns this course can change it."
        )


def courses_of_unit(unit_id: int) -> list[Course]:
    return list(
        db.session.scalars(
            select(Course).where(Course.training_unit_id == unit_id).order_by(Course.code)
        )
    )


@dataclass(frozen=True)
class CourseSummary:
    """A course as listed on the authoring page, with the size of its parts."""

    course: Course
    modules: int
    items: int
    questions: int


def course_summaries(unit_id: int) -> list[CourseSummary]:
    """The courses of a training unit with their module, item and question counts (four
    queries, whatever the number of courses)."""
    courses = courses_of_unit(unit_id)
    ids = [course.id for course in courses]

    def counts(column: Any, course_column: Any) -> dict[int, int]:
        if not ids:
            return {}
        return dict(
            db.session.execute(
                select(course_column, func.count(column))
                .where(course_column.in_(ids))
                .group_by(course_column)
            ).all()
        )

    modules = counts(Module.id, Module.course_id)
    items = counts(CourseItem.id, CourseItem.course_id)
    questions = counts(Question.id, Question.course_id)
    return [
        CourseSummary(c, modules.get(c.id, 0), items.get(c.id, 0), questions.get(c.id, 0))
        for c in courses
    ]


@dataclass(frozen=True)
class CourseDetails:
    code: str
    title: str
    summary: str = ""
    validity_months: int | None = None
    # Assign the course again to holders whose certificates expire.
    recertify: bool = False


def _clean_course(details: CourseDetails) -> CourseDetails:
    code = details.code.strip().upper()
    if not COURSE_CODE.match(code):
        raise ValidationError("A course code is 2 to 32 capital letters, digits or hyphens.")
    if not details.title.strip():
        raise ValidationError("A course needs a title.")
    if details.validity_months is not None and not 1 <= details.validity_months <= 240:
        raise ValidationError("A validity period is 1 to 240 months, or none.")
    if details.recertify and details.validity_months is None:
        raise ValidationError(
            "Recertification needs a validity period: certificates that never expire are "
            "never taken again."
        )
    return CourseDetails(
        code,
        details.title.strip(),
        details.summary.strip(),
        details.validity_months,
        details.recertify,
    )


def create_course(details: CourseDetails, *, training_unit_id: int) -> Course:
    details = _clean_course(details)
    if db.session.scalar(select(Course.id).where(Course.code == details.code)):
        raise Conflict(f"The course code {details.code} is already used.")
    course = Course(
        code=details.code,
        title=details.title,
        summary=details.summary,
        validity_months=details.validity_months,
        recertify=details.recertify,
        training_unit_id=training_unit_id,
        status=CourseStatus.DRAFT.value,
    )
    db.session.add(course)
    db.session.flush()
    return course


def update_course(course: Course, details: CourseDetails) -> Course:
    details = _clean_course(details)
    clash = db.session.scalar(
        select(Course.id).where(Course.code == details.code, Course.id != course.id)
    )
    if clash:
        raise Conflict(f"The course code {details.code} is already used.")
    course.code, course.title, course.summary = details.code, details.title, details.summary
    course.validity_months = details.validity_months
    course.recertify = details.recertify
    db.session.flush()
    return course


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


def _set_alignment(module: Module, principle_codes: list[str], competency_codes: list[str]) -> None:
    known = principles_by_code()
    unknown = [code for code in principle_codes if code not in known]
    if unknown:
        raise ValidationError(f"Unknown reform principle: {', '.join(unknown)}.")
    bad = [code for code in competency_codes if not COMPETENCY_CODE.match(code)]
    if bad:
        raise ValidationError(f"Not a competency code: {', '.join(bad)}.")
    module.principles = [known[code] for code in dict.fromkeys(principle_codes)]
    wanted = list(dict.fromkeys(competency_codes))
    module.competency_links = [
        next((link for link in module.competency_links if link.competency_code == code), None)
        or ModuleCompetency(competency_code=code)
        for code in wanted
    ]


def add_module(
    course: Course, title: str, principle_codes: list[str], competency_codes: list[str]
) -> Module:
    if not title.strip():
        raise ValidationError("A module needs a title.")
    module = Module(
        course=course,
        title=title.strip(),
        position=max((m.position for m in course.modules), default=0) + 1,
    )
    db.session.add(module)
    _set_alignment(module, principle_codes, competency_codes)
    db.session.flush()
    return module


def update_module(
    module: Module, title: str, principle_codes: list[str], competency_codes: list[str]
) -> Module:
    if not title.strip():
        raise ValidationError("A module needs a title.")
    module.title = title.strip()
    _set_alignment(module, principle_codes, competency_codes)
    db.session.flush()
    return module


def _next_position(module: Module) -> int:
    return max((item.position for item in module.items), default=0) + 1


def add_lesson(module: Module, title: str, markdown: str, *, required: bool = True) -> CourseItem:
    if not title.strip():
        raise ValidationError("A lesson needs a title.")
    item = CourseItem(
        module=module,
        course_id=module.course_id,
        kind=ItemKind.LESSON.value,
        title=title.strip(),
        position=_next_position(module),
        required=required,
    )
    item.lesson = Lesson(markdown=markdown, html=render_markdown(markdown), revision=1)
    db.session.add(item)
    db.session.flush()
    return item


def update_lesson(item: CourseItem, title: str, markdown: str, *, required: bool = True) -> None:
    """Save a new revision; its HTML is rendered and sanitised here, once."""
    if item.lesson is None:
        raise ValidationError("This item is not a lesson.")
    if not title.strip():
        raise ValidationError("A lesson needs a title.")
    item.title, item.required = title.strip(), required
    if markdown != item.lesson.markdown:
        item.lesson.markdown = markdown
        item.lesson.html = render_markdown(markdown)
        item.lesson.revision += 1
        item.lesson.updated_at = utcnow()
    db.session.flush()


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
        position=_next_position(module),
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


def move_item(item: CourseItem, direction: int) -> None:
    """Swap an item with its neighbour in the module (direction -1 up, +1 down)."""
    siblings = sorted(item.module.items, key=lambda i: i.position)
    index = siblings.index(item)
    other_index = index + (1 if direction > 0 else -1)
    if not 0 <= other_index < len(siblings):
        return
    other = siblings[other_index]
    mine, theirs = item.position, other.position
    # (module_id, position) is unique, and one flush may write the two rows in either order:
    # park this item, move the other into its place, then take the other's old place.
    item.position = -1
    db.session.flush()
    other.position = mine
    db.session.flush()
    item.position = theirs
    db.session.flush()


def move_module(module: Module, direction: int) -> None:
    siblings = sorted(module.course.modules, key=lambda m: m.position)
    index = siblings.index(module)
    other_index = index + (1 if direction > 0 else -1)
    if 0 <= other_index < len(siblings):
        other = siblings[other_index]
        module.position, other.position = other.position, module.position
        db.session.flush()


def delete_item(item: CourseItem) -> None:
    """Remove an item nobody has attempted (attempts are records and stay)."""
    if db.session.scalar(select(Attempt.id).where(Attempt.item_id == item.id).limit(1)):
        raise Conflict(
            "Officers have attempted this quiz: its attempts are kept as records, "
            "so it cannot be deleted. Mark it optional instead."
        )
    module = item.module
    # Taking it out of the collection deletes it (delete-orphan); also calling
    # session.delete() on it makes the flush fail ("Failed to add object to the flush
    # context") once its lesson or quiz is loaded.
    module.items.remove(item)
    db.session.flush()
    for position, sibling in enumerate(sorted(module.items, key=lambda i: i.position), start=1):
        sibling.position = -position
    db.session.flush()
    for sibling in module.items:
        sibling.position = -sibling.position
    db.session.flush()
