"""A course's structure: its modules and their alignment, lessons, and the order and removal
of items. Functions flush; callers commit."""

from __future__ import annotations

import re

from sqlalchemy import select

from courses.learning.models import (
    Attempt,
    Course,
    CourseItem,
    ItemKind,
    Lesson,
    Module,
    ModuleCompetency,
)
from courses.learning.services.principles import principles_by_code
from courses.marking.models import Submission
from lms.database import get_or_raise
from lms.errors import Conflict, NotFound, ValidationError
from lms.extensions import db
from lms.markdown import render_markdown
from lms.timeutil import utcnow

COMPETENCY_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,31}$")


def get_item(item_id: int, course: Course | None = None) -> CourseItem:
    message = f"No item with id {item_id} in this course."
    item = get_or_raise(CourseItem, item_id, message)
    if course is not None and item.course_id != course.id:
        raise NotFound(message)
    return item


def get_module(module_id: int, course: Course) -> Module:
    message = f"No module with id {module_id} in this course."
    module = get_or_raise(Module, module_id, message)
    if module.course_id != course.id:
        raise NotFound(message)
    return module


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


def next_position(module: Module) -> int:
    """The position of an item added at the end of `module`."""
    return max((item.position for item in module.items), default=0) + 1


def add_lesson(module: Module, title: str, markdown: str, *, required: bool = True) -> CourseItem:
    if not title.strip():
        raise ValidationError("A lesson needs a title.")
    item = CourseItem(
        module=module,
        course_id=module.course_id,
        kind=ItemKind.LESSON.value,
        title=title.strip(),
        position=next_position(module),
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


def swap_with_neighbour(rows: list, row, direction: int) -> None:
    """Swap `row`'s position with its neighbour's among `rows` (direction -1 up, +1 down;
    nothing at either end). Positions may be unique within their parent, and one flush may
    write the two rows in either order: park this row, move the other into its place, then
    take the other's old place."""
    ordered = sorted(rows, key=lambda r: r.position)
    other_index = ordered.index(row) + (1 if direction > 0 else -1)
    if not 0 <= other_index < len(ordered):
        return
    other = ordered[other_index]
    mine, theirs = row.position, other.position
    row.position = -1
    db.session.flush()
    other.position = mine
    db.session.flush()
    row.position = theirs
    db.session.flush()


def move_item(item: CourseItem, direction: int) -> None:
    """Swap an item with its neighbour in the module (direction -1 up, +1 down)."""
    swap_with_neighbour(item.module.items, item, direction)


def move_module(module: Module, direction: int) -> None:
    swap_with_neighbour(module.course.modules, module, direction)


def delete_item(item: CourseItem) -> None:
    """Remove an item nobody has attempted or handed an answer to (those are records and
    stay)."""
    if db.session.scalar(select(Attempt.id).where(Attempt.item_id == item.id).limit(1)):
        raise Conflict(
            "Officers have attempted this quiz: its attempts are kept as records, "
            "so it cannot be deleted. Mark it optional instead."
        )
    if db.session.scalar(select(Submission.id).where(Submission.task_id == item.id).limit(1)):
        raise Conflict(
            "Officers have handed in answers to this task: their submissions and markings are "
            "kept as records, so it cannot be deleted. Mark it optional instead."
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
