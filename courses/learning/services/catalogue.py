"""What officers may read of the courses: published courses, their outlines and items.

Every read is a fixed number of queries, whatever the number of modules, items or courses.
A course that is not published is "not found" here, the same as one that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from courses.learning.models import (
    Course,
    CourseItem,
    CourseStatus,
    Module,
    Principle,
    module_principles,
)
from lms.errors import NotFound
from lms.extensions import db


def published_courses(principle_code: str | None = None) -> list[Course]:
    """Published courses by title, with their owning unit and their modules' principles
    (three queries); with `principle_code`, only courses with a module aligned to it."""
    query = (
        select(Course)
        .where(Course.status == CourseStatus.PUBLISHED.value)
        .options(
            joinedload(Course.training_unit),
            selectinload(Course.modules).selectinload(Module.principles),
        )
        .order_by(Course.title, Course.id)
    )
    if principle_code:
        query = query.where(
            Course.id.in_(
                select(Module.course_id)
                .join(module_principles, module_principles.c.module_id == Module.id)
                .join(Principle, Principle.id == module_principles.c.principle_id)
                .where(Principle.code == principle_code)
            )
        )
    return list(db.session.scalars(query))


def principles_of(course: Course) -> list[Principle]:
    """The principles a course's modules align to, once each, in the principles' order."""
    seen = {p.id: p for module in course.modules for p in module.principles}
    return sorted(seen.values(), key=lambda p: p.position)


def published_outline(course_id: int) -> Course:
    """A published course with its modules, their items, principles and competency codes."""
    course = db.session.scalar(
        select(Course)
        .where(Course.id == course_id)
        .options(
            selectinload(Course.modules).options(
                selectinload(Module.items),
                selectinload(Module.principles),
                selectinload(Module.competency_links),
            )
        )
    )
    if course is None or not course.is_published:
        raise NotFound("There is no published course at this address.")
    return course


def published_item(course_id: int, item_id: int) -> CourseItem:
    """An item of a published course, with its lesson or quiz, its module and course (one
    query)."""
    item = db.session.scalar(
        select(CourseItem)
        .where(CourseItem.id == item_id, CourseItem.course_id == course_id)
        .options(
            joinedload(CourseItem.lesson),
            joinedload(CourseItem.quiz),
            joinedload(CourseItem.module).joinedload(Module.course),
        )
    )
    if item is None or not item.module.course.is_published:
        raise NotFound("There is no such lesson or quiz in a published course.")
    return item


@dataclass(frozen=True)
class ItemRef:
    """An item's place in its course, without its body."""

    id: int
    title: str
    kind: str
    required: bool


def item_sequence(course_id: int) -> list[ItemRef]:
    """A course's items in reading order: modules in order, items in order (one query)."""
    rows = db.session.execute(
        select(CourseItem.id, CourseItem.title, CourseItem.kind, CourseItem.required)
        .join(Module, Module.id == CourseItem.module_id)
        .where(CourseItem.course_id == course_id)
        .order_by(Module.position, Module.id, CourseItem.position, CourseItem.id)
    ).all()
    return [ItemRef(*row) for row in rows]


def items_by_id(item_ids: list[int]) -> dict[int, ItemRef]:
    """Items named by id, without their bodies (one query)."""
    if not item_ids:
        return {}
    rows = db.session.execute(
        select(CourseItem.id, CourseItem.title, CourseItem.kind, CourseItem.required).where(
            CourseItem.id.in_(item_ids)
        )
    ).all()
    return {row[0]: ItemRef(*row) for row in rows}
