"""The authoring blueprint and what every authoring page uses to find the course it edits.

Every page is for trainers, and every course page first checks that the course belongs to the
trainer's training unit (`editable_course`, a 403 otherwise); modules, items and questions are
then looked up within that course (a 404 for another course's ids)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from courses.authoring.services import authored_courses, structure
from courses.learning.models import Course, CourseItem, CourseStatus, ItemKind
from lms.errors import NotFound, ValidationError

blueprint = Blueprint("authoring", __name__, url_prefix="/author", template_folder="../templates")

STATUS_MESSAGES = {
    CourseStatus.PUBLISHED.value: _l("Course published: officers can now find it."),
    CourseStatus.ARCHIVED.value: _l("Course archived: officers no longer see it."),
    CourseStatus.DRAFT.value: _l("Course back to draft: officers no longer see it."),
}
DIRECTIONS = {"up": -1, "down": 1}


def editable_course(course_id: int) -> Course:
    """The course, when the signed-in trainer may edit it (DomainErrors become 404/403)."""
    course = authored_courses.get_course(course_id)
    authored_courses.ensure_can_edit(current_user, course)
    return course


def item_of_kind(course: Course, item_id: int, kind: ItemKind) -> CourseItem:
    item = structure.get_item(item_id, course)
    if item.kind != kind:
        raise NotFound(f"No {kind.value} with id {item_id} in this course.")
    return item


def outline_url(course: Course, anchor: str | None = None) -> str:
    return url_for("authoring.outline", course_id=course.id, _anchor=anchor)


def shown_on_get(values: dict[str, Any]) -> dict[str, Any]:
    """The saved values fill a form only when it is shown: a POST is read alone, so a field
    left out of it is missing, not silently kept from the saved object."""
    return values if request.method == "GET" else {}


def direction_asked() -> int:
    try:
        return DIRECTIONS[request.form.get("direction", "")]
    except KeyError:
        raise ValidationError("Say whether to move it up or down.") from None
