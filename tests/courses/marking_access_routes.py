"""The marking room's routes and what each role gets (joined into courses' access table)."""

from __future__ import annotations

from competencies.services.frameworks import ensure_default_frameworks
from courses.authoring.services import authored_courses, publishing, structure
from courses.learning.services.principles import ensure_principles
from courses.marking.services import submissions
from lms.accounts.models import User
from lms.extensions import db
from tests.access_table import OFFICER_PAGE, statuses
from tests.courses.marking_fixtures import PDF, add_task

TRAINER_PAGE = statuses(302, 403, 200, 403, 403)
OFFICER, TRAINER = frozenset({"officer"}), frozenset({"trainer"})


def create_marking_objects(users: dict[str, User]) -> dict[str, int | str]:
    """A published course of the trainer's unit with a task, and the officer's answer to it
    (with a file), waiting in the trainer's queue."""
    ensure_principles()
    ensure_default_frameworks()
    course = authored_courses.create_course(
        authored_courses.CourseDetails("AC-TASK", "Task course", "A trainer-marked task."),
        training_unit_id=users["trainer"].unit_id,
    )
    module = structure.add_module(course, "Module 1", ["P-INT"], [])
    structure.add_lesson(module, "Lesson 1", "Integrity **first**.")
    task = add_task(module)
    db.session.refresh(course)
    publishing.set_status(course, "published")
    answer = submissions.submit(users["officer"].id, task, "My answer", ("a.pdf", PDF))
    return {"task_course": course.id, "task": task.item_id, "submission": answer.id}


MARKING_ROUTES = {
    ("GET", "/courses/<int:course_id>/tasks/<int:item_id>"): (
        "/courses/{task_course}/tasks/{task}",
        OFFICER_PAGE,
    ),
    # A POST without an answer is refused on the page.
    ("POST", "/courses/<int:course_id>/tasks/<int:item_id>"): (
        "/courses/{task_course}/tasks/{task}",
        statuses(302, 400, 403, 403, 403),
    ),
    ("GET", "/courses/<int:course_id>/tasks/<int:item_id>/submissions/<int:submission_id>/file"): (
        "/courses/{task_course}/tasks/{task}/submissions/{submission}/file",
        OFFICER_PAGE,
    ),
    ("GET", "/marking"): ("/marking", TRAINER_PAGE),
    # The trainer belongs to the course's training unit.
    ("GET", "/marking/submissions/<int:submission_id>"): (
        "/marking/submissions/{submission}",
        TRAINER_PAGE,
    ),
    # A POST without levels or a comment is refused on the page.
    ("POST", "/marking/submissions/<int:submission_id>"): (
        "/marking/submissions/{submission}",
        statuses(302, 403, 400, 403, 403),
    ),
    ("GET", "/marking/submissions/<int:submission_id>/file"): (
        "/marking/submissions/{submission}/file",
        TRAINER_PAGE,
    ),
}
MARKING_ENDPOINT_RULES = {
    "marking.task_page": OFFICER,
    "marking.own_file": OFFICER,
    "marking.queue": TRAINER,
    "marking.mark": TRAINER,
    "marking.submission_file": TRAINER,
}
