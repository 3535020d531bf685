"""Demo data for curricula and assignments: "Reform essentials", three principle courses,
assigned to a port (due in 30 days) and to every enforcement officer (assigned six weeks ago
with 30 days to complete, so the follow-up shows overdue officers); a few of the port's
officers have completed it. Loaded after the course demo; safe to run again (it adds nothing
once the curriculum exists)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update

from courses.assignments.models import (
    Assignment,
    AssignmentMembership,
    Curriculum,
    MembershipStatus,
    TargetKind,
)
from courses.assignments.services.assignments import AssignmentSpec, create_assignment
from courses.assignments.services.curricula import (
    CurriculumDetails,
    CurriculumEntry,
    create_curriculum,
)
from courses.demo import DEMO_SEED, _answer_form
from courses.learning.models import (
    Course,
    CourseEnrolment,
    CourseItem,
    CourseStatus,
    ItemKind,
    Module,
)
from courses.learning.services.attempts import start_attempt, submit_attempt
from courses.learning.services.progress import mark_item_done
from lms.accounts.models import User, UserRole
from lms.extensions import db
from lms.organisation.models import JobPosition, OrgUnit
from lms.timeutil import utcnow

CURRICULUM_NAME = "Reform essentials"
COURSE_CODES = ("P-INT-101", "P-TRA-101", "P-PRE-101")
OFFICE_CODE = "HGP"
POSITION_CODE = "OFF-ENF"
BACKDATED_BY = timedelta(days=45)
COMPLETING_OFFICERS = 4


@dataclass(frozen=True)
class AssignmentDemoSummary:
    curricula: int
    memberships: int
    completed: int
    overdue: int

    def report(self) -> str:
        if not self.curricula:
            return (
                "Assignments: the demo curriculum was already loaded, or its courses are missing."
            )
        return (
            f"Assignments: curriculum “{CURRICULUM_NAME}” assigned to {self.memberships} "
            f"officers: {self.completed} completed it, {self.overdue} are overdue."
        )


def _complete_for_some(office: OrgUnit, courses: list[Course]) -> None:
    """A few officers of the office who had not started any course work through the whole
    curriculum, as they would: the follow-up then shows some completions."""
    officers = db.session.scalars(
        select(User.id)
        .join(UserRole)
        .where(
            User.unit_id == office.id,
            UserRole.role == "officer",
            User.email != "officer@customs.example",  # the demo officer keeps it all to do
            ~User.id.in_(select(CourseEnrolment.user_id)),
        )
        .order_by(User.id)
        .limit(COMPLETING_OFFICERS)
    ).all()
    rng = random.Random(DEMO_SEED)
    items = db.session.scalars(
        select(CourseItem)
        .join(Module, Module.id == CourseItem.module_id)
        .where(CourseItem.course_id.in_([c.id for c in courses]))
        .order_by(CourseItem.course_id, Module.position, CourseItem.position)
    ).all()
    for officer_id in officers:
        for item in items:
            if item.kind == ItemKind.LESSON:
                mark_item_done(officer_id, item)
            elif item.kind == ItemKind.QUIZ:
                attempt = start_attempt(officer_id, item)
                submit_attempt(officer_id, attempt.id, _answer_form(attempt.snapshot, 1.0, rng))
    db.session.flush()


def load_assignment_demo() -> AssignmentDemoSummary:
    if db.session.scalar(select(Curriculum.id).where(Curriculum.name == CURRICULUM_NAME)):
        return AssignmentDemoSummary(0, 0, 0, 0)
    courses = {
        c.code: c
        for c in db.session.scalars(
            select(Course).where(
                Course.code.in_(COURSE_CODES), Course.status == CourseStatus.PUBLISHED.value
            )
        )
    }
    office = db.session.scalar(select(OrgUnit).where(OrgUnit.code == OFFICE_CODE))
    position = db.session.scalar(select(JobPosition).where(JobPosition.code == POSITION_CODE))
    if len(courses) != len(COURSE_CODES) or office is None or position is None:
        return AssignmentDemoSummary(0, 0, 0, 0)
    owner_unit_id = courses[COURSE_CODES[0]].training_unit_id
    trainer = db.session.scalar(
        select(User)
        .join(UserRole)
        .where(UserRole.role == "trainer", User.unit_id == owner_unit_id)
        .order_by(User.id)
        .limit(1)
    )
    if trainer is None:
        return AssignmentDemoSummary(0, 0, 0, 0)
    curriculum = create_curriculum(
        CurriculumDetails(
            name=CURRICULUM_NAME,
            description=(
                "The three principles every officer applies from the first day: integrity, "
                "transparency and predictability. Required for all front-line staff."
            ),
            entries=tuple(CurriculumEntry(courses[code].id) for code in COURSE_CODES),
        ),
        actor=trainer,
    )
    today = utcnow().date()
    everyone = 10**9  # the CLI has no worker to wait for: assign inline
    create_assignment(
        AssignmentSpec(
            TargetKind.UNIT.value,
            curriculum_id=curriculum.id,
            unit_id=office.id,
            include_subunits=True,
            due_date=today + timedelta(days=30),
        ),
        actor=trainer,
        inline_limit=everyone,
    )
    by_position = create_assignment(
        AssignmentSpec(
            TargetKind.POSITION.value,
            curriculum_id=curriculum.id,
            position_id=position.id,
            due_days=30,
        ),
        actor=trainer,
        inline_limit=everyone,
    )
    _complete_for_some(office, [courses[code] for code in COURSE_CODES])
    # Pretend the position assignment was made six weeks ago: its open work is now overdue.
    assigned = utcnow() - BACKDATED_BY
    by_position.created_at = assigned
    db.session.execute(
        update(AssignmentMembership)
        .where(AssignmentMembership.assignment_id == by_position.id)
        .values(assigned_at=assigned, due_on=assigned.date() + timedelta(days=30))
    )
    db.session.flush()
    memberships = db.session.scalars(
        select(AssignmentMembership)
        .join(Assignment)
        .where(Assignment.curriculum_id == curriculum.id)
    ).all()
    overdue = sum(1 for m in memberships if m.status == MembershipStatus.OPEN and m.due_on < today)
    completed = sum(1 for m in memberships if m.status == MembershipStatus.COMPLETED)
    return AssignmentDemoSummary(1, len(memberships), completed, overdue)
