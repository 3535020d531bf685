"""The routes of issue 5 (curricula, assignments, follow-up, the gap-driven assignment page and
the notifications that carry the reminders) and what each role gets from them (see
tests/access_table.py). Merged into the courses table in tests/courses/access_routes.py.

The walk's trainer belongs to the training unit that owns {curriculum} and made {assignment}
(to the walk's officer); its HR user sits at the administration, so that officer is in scope.
Posted without data, the forms are shown again with their errors (400).
"""

from __future__ import annotations

from courses.assignments.models import TargetKind
from courses.assignments.services.assignments import AssignmentSpec, create_assignment
from courses.assignments.services.curricula import (
    CurriculumDetails,
    CurriculumEntry,
    create_curriculum,
)
from courses.authoring.services import authored_courses, publishing, structure
from courses.learning.services.principles import ensure_principles
from lms.access import AUTHENTICATED
from lms.accounts.models import User
from lms.extensions import db
from lms.timeutil import utcnow
from tests.access_table import ANY_USER, LOGGED_IN_REDIRECTED, statuses

TRAINER = frozenset({"trainer"})
ASSIGNERS = frozenset({"trainer", "hr"})
FOLLOWERS = frozenset({"trainer", "hr", "admin"})
TRAINER_PAGE = statuses(302, 403, 200, 403, 403)
TRAINER_FORM_ERRORS = statuses(302, 403, 400, 403, 403)
ASSIGNER_PAGE = statuses(302, 403, 200, 200, 403)
ASSIGNER_FORM_ERRORS = statuses(302, 403, 400, 400, 403)
FOLLOWER_PAGE = statuses(302, 403, 200, 200, 200)


def create_assignment_objects(users: dict[str, User]) -> dict[str, int | str]:
    """A published course of the trainer's unit in a curriculum, assigned to the officer."""
    ensure_principles()
    trainer = users["trainer"]
    course = authored_courses.create_course(
        authored_courses.CourseDetails("AS-1", "Assigned course", "Assigned to the officer."),
        training_unit_id=trainer.unit_id,
    )
    module = structure.add_module(course, "Module 1", ["P-INT"], [])
    structure.add_lesson(module, "Lesson 1", "Integrity **first**.")
    db.session.refresh(course)
    publishing.set_status(course, "published")
    curriculum = create_curriculum(
        CurriculumDetails("Access curriculum", "", (CurriculumEntry(course.id),)), actor=trainer
    )
    assignment = create_assignment(
        AssignmentSpec(
            TargetKind.OFFICERS.value,
            curriculum_id=curriculum.id,
            officer_ids=(users["officer"].id,),
            due_date=utcnow().date(),
        ),
        actor=trainer,
        inline_limit=500,
    )
    return {"curriculum": curriculum.id, "assignment": assignment.id}


ASSIGNMENT_ROUTES = {
    ("GET", "/curricula"): ("/curricula", ASSIGNER_PAGE),
    ("GET", "/curricula/<int:curriculum_id>"): ("/curricula/{curriculum}", ASSIGNER_PAGE),
    ("GET", "/curricula/new"): ("/curricula/new", TRAINER_PAGE),
    ("POST", "/curricula/new"): ("/curricula/new", TRAINER_FORM_ERRORS),
    ("GET", "/curricula/<int:curriculum_id>/edit"): (
        "/curricula/{curriculum}/edit",
        TRAINER_PAGE,
    ),
    ("POST", "/curricula/<int:curriculum_id>/edit"): (
        "/curricula/{curriculum}/edit",
        TRAINER_FORM_ERRORS,
    ),
    ("GET", "/assignments"): ("/assignments", FOLLOWER_PAGE),
    ("GET", "/assignments/new"): ("/assignments/new", ASSIGNER_PAGE),
    ("POST", "/assignments/new"): ("/assignments/new", ASSIGNER_FORM_ERRORS),
    ("GET", "/assignments/<int:assignment_id>"): ("/assignments/{assignment}", FOLLOWER_PAGE),
    ("GET", "/assignments/follow-up"): ("/assignments/follow-up", FOLLOWER_PAGE),
    ("GET", "/assignments/follow-up/overdue.csv"): (
        "/assignments/follow-up/overdue.csv",
        FOLLOWER_PAGE,
    ),
    ("GET", "/matrix/assign"): ("/matrix/assign", ASSIGNER_PAGE),
    ("POST", "/matrix/assign"): ("/matrix/assign", ASSIGNER_FORM_ERRORS),
    ("GET", "/notifications"): ("/notifications", ANY_USER),
    ("POST", "/notifications/read"): ("/notifications/read", LOGGED_IN_REDIRECTED),
}

ASSIGNMENT_ENDPOINT_RULES = {
    "curricula.index": ASSIGNERS,
    "curricula.show": ASSIGNERS,
    "curricula.edit": TRAINER,
    "assignments.index": FOLLOWERS,
    "assignments.new": ASSIGNERS,
    "assignments.show": FOLLOWERS,
    "assignments.follow_up": FOLLOWERS,
    "assignments.overdue_csv": FOLLOWERS,
    "gap_assignment.assign": ASSIGNERS,
    "gap_assignment.confirm": ASSIGNERS,
    "notifications.index": AUTHENTICATED,
    "notifications.mark_read": AUTHENTICATED,
}
