"""The courses a training unit authors: looking one up, who may change it, listing them with
their sizes, creating them and changing their details. Functions flush; callers commit.

Only trainers of the training unit that owns a course may change it (`ensure_can_edit`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from courses.learning.models import Course, CourseItem, CourseStatus, Module, Question
from lms.accounts.models import User
from lms.database import get_or_raise
from lms.errors import Conflict, PermissionDenied, ValidationError
from lms.extensions import db

COURSE_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,31}$")
VALIDITY_MONTHS_MAX = 240


def get_course(course_id: int) -> Course:
    return get_or_raise(Course, course_id, f"No course with id {course_id}.")


def get_course_by_code(code: str) -> Course | None:
    return db.session.scalar(select(Course).where(Course.code == code.upper()))


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
    if details.validity_months is not None and not (
        1 <= details.validity_months <= VALIDITY_MONTHS_MAX
    ):
        raise ValidationError(f"A validity period is 1 to {VALIDITY_MONTHS_MAX} months, or none.")
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
