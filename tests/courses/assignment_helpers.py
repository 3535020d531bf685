"""Builders for the curricula and assignment tests: offices, officers in bulk, curricula,
assignments, and completing a course as an officer would.

Plain functions, not fixtures: the test modules pass in the fixtures they use.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import insert, select

from courses.assignments.models import Assignment, AssignmentMembership
from courses.assignments.services.assignments import AssignmentSpec, create_assignment
from courses.assignments.services.curricula import (
    CurriculumDetails,
    CurriculumEntry,
    create_curriculum,
)
from courses.authoring.services import authored_courses, publishing, structure
from courses.learning.models import Course, CourseItem, ItemKind
from courses.learning.services import attempts
from courses.learning.services.principles import ensure_principles
from courses.learning.services.progress import mark_item_done
from lms.accounts.models import User, UserRole
from lms.extensions import db
from lms.organisation.models import JobPosition, OrgUnit
from lms.timeutil import utcnow
from tests.courses.conftest import BuiltCourse, answers_for

PRINCIPLES = ("P-INT", "P-TRA", "P-PRE")


def today() -> date:
    return utcnow().date()


def principle_courses(create_course) -> list[BuiltCourse]:
    """Three published courses, one per principle of PRINCIPLES."""
    return [
        create_course(lessons=1, principles=(code,), title=f"{code} essentials")
        for code in PRINCIPLES
    ]


def lesson_course(code: str, unit: OrgUnit, *, competencies: tuple[str, ...] = ()) -> Course:
    """A published course of one lesson (no quiz): reading it completes it."""
    ensure_principles()
    course = authored_courses.create_course(
        authored_courses.CourseDetails(code, f"Course {code}", "One lesson."),
        training_unit_id=unit.id,
    )
    module = structure.add_module(course, "Module 1", ["P-INT"], list(competencies))
    structure.add_lesson(module, "The lesson", "Integrity comes **first**.")
    db.session.refresh(course)
    publishing.set_status(course, "published")
    db.session.commit()
    return course


def read_course(user_id: int, course: Course) -> None:
    """Complete a lesson-only course by reading its lessons, then commit."""
    for item in db.session.scalars(select(CourseItem).where(CourseItem.course_id == course.id)):
        mark_item_done(user_id, item)
    db.session.commit()


def curriculum_of(trainer: User, built: list[BuiltCourse], name: str = "Reform essentials"):
    curriculum = create_curriculum(
        CurriculumDetails(
            name, "Three principles.", tuple(CurriculumEntry(b.course.id) for b in built)
        ),
        actor=trainer,
    )
    db.session.commit()
    return curriculum


def assign(actor: User, *, inline_limit: int = 500, commit: bool = True, **spec) -> Assignment:
    """create_assignment with keyword arguments; a due date 30 days ahead unless given."""
    if "due_date" not in spec and "due_days" not in spec:
        spec["due_date"] = today() + timedelta(days=30)
    assignment = create_assignment(AssignmentSpec(**spec), actor=actor, inline_limit=inline_limit)
    if commit:
        db.session.commit()
    return assignment


def complete_course(user_id: int, built: BuiltCourse) -> None:
    """Read every lesson and pass the quiz, through the services, then commit."""
    for item in built.items:
        if item.kind == ItemKind.LESSON:
            mark_item_done(user_id, item)
        else:
            attempt = attempts.start_attempt(user_id, item)
            attempts.submit_attempt(user_id, attempt.id, answers_for(attempt.snapshot))
    db.session.commit()


def bulk_officers(
    count: int, unit: OrgUnit, *, position: JobPosition | None = None, prefix: str = "bulk"
) -> list[int]:
    """`count` active officers in `unit` in two statements; returns their ids."""
    ids = (
        db.session.execute(
            insert(User).returning(User.id, sort_by_parameter_order=True),
            [
                {
                    "email": f"{prefix}{n}@customs.example",
                    "full_name": f"{prefix.title()} Officer {n:05d}",
                    "service_number": f"{prefix.upper()}-{n:06d}",
                    "unit_id": unit.id,
                    "position_id": position.id if position else None,
                    "active": True,
                    "must_change_password": False,
                }
                for n in range(count)
            ],
        )
        .scalars()
        .all()
    )
    db.session.execute(insert(UserRole), [{"user_id": i, "role": "officer"} for i in ids])
    db.session.commit()
    return list(ids)


def membership(assignment: Assignment, user: User) -> AssignmentMembership | None:
    return db.session.scalar(
        select(AssignmentMembership).where(
            AssignmentMembership.assignment_id == assignment.id,
            AssignmentMembership.user_id == user.id,
        )
    )


def statuses_of(assignment: Assignment) -> dict[int, str]:
    """{officer id: membership status} of an assignment."""
    return dict(
        db.session.execute(
            select(AssignmentMembership.user_id, AssignmentMembership.status).where(
                AssignmentMembership.assignment_id == assignment.id
            )
        ).all()
    )
