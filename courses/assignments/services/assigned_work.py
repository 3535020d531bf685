"""The officer's assigned work, for their dashboard: what is due, when, and how far they are.

A fixed number of queries (seven), whatever the number of assignments and courses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from courses.assignments.models import (
    Assignment,
    AssignmentMembership,
    Curriculum,
    CurriculumCourse,
    MembershipStatus,
)
from courses.learning.models import Course
from courses.learning.services.progress import CourseProgress, progress_for
from lms.extensions import db

COMPLETED_SHOWN = 10


@dataclass(frozen=True)
class AssignedCourse:
    course: Course
    required: bool
    progress: CourseProgress


@dataclass(frozen=True)
class AssignedWork:
    membership_id: int
    title: str
    description: str
    is_curriculum: bool
    courses: tuple[AssignedCourse, ...]
    assigned_at: datetime
    due_on: date
    status: str
    completed_at: datetime | None
    today: date

    @property
    def overdue(self) -> bool:
        return self.status == MembershipStatus.OPEN and self.due_on < self.today

    @property
    def days_left(self) -> int:
        return (self.due_on - self.today).days

    @property
    def progress(self) -> CourseProgress:
        """Required items done over all required courses (a completed course counts whole)."""
        done = total = 0
        for entry in self.courses:
            if entry.required:
                total += entry.progress.total
                done += entry.progress.total if entry.progress.complete else entry.progress.done
        return CourseProgress(done, total, self.completed_at)

    @property
    def next_course(self) -> Course | None:
        """The first required course not completed yet, else the first not completed."""
        pending = [entry for entry in self.courses if not entry.progress.complete]
        first = next((entry for entry in pending if entry.required), None) or next(
            iter(pending), None
        )
        return first.course if first else None


@dataclass(frozen=True)
class OfficerAssignments:
    open: tuple[AssignedWork, ...]
    completed: tuple[AssignedWork, ...]

    @property
    def overdue(self) -> int:
        return sum(1 for work in self.open if work.overdue)

    @property
    def course_ids(self) -> set[int]:
        """The courses of open assigned work (the dashboard lists them there only)."""
        return {entry.course.id for work in self.open for entry in work.courses}


def _memberships(user_id: int, status: MembershipStatus, limit: int | None = None):
    query = (
        select(AssignmentMembership)
        .where(AssignmentMembership.user_id == user_id, AssignmentMembership.status == status)
        .options(
            joinedload(AssignmentMembership.assignment).options(
                joinedload(Assignment.course),
                joinedload(Assignment.curriculum)
                .selectinload(Curriculum.entries)
                .joinedload(CurriculumCourse.course),
            )
        )
    )
    if status == MembershipStatus.OPEN:
        query = query.order_by(AssignmentMembership.due_on, AssignmentMembership.id)
    else:
        query = query.order_by(
            AssignmentMembership.completed_at.desc(), AssignmentMembership.id.desc()
        )
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query).unique())


def _courses_of(assignment: Assignment) -> list[tuple[Course, bool]]:
    if assignment.course is not None:
        return [(assignment.course, True)]
    return [(entry.course, entry.required) for entry in assignment.curriculum.entries]


def assigned_work(user_id: int, today: date) -> OfficerAssignments:
    """The officer's open assignments, soonest due first, and their latest completed ones."""
    open_rows = _memberships(user_id, MembershipStatus.OPEN)
    done_rows = _memberships(user_id, MembershipStatus.COMPLETED, COMPLETED_SHOWN)
    course_ids = {
        course.id for row in open_rows + done_rows for course, _ in _courses_of(row.assignment)
    }
    progress = progress_for(user_id, sorted(course_ids))

    def work(row: AssignmentMembership) -> AssignedWork:
        assignment = row.assignment
        curriculum = assignment.curriculum
        return AssignedWork(
            membership_id=row.id,
            title=assignment.title,
            description=curriculum.description if curriculum else assignment.course.summary,
            is_curriculum=curriculum is not None,
            courses=tuple(
                AssignedCourse(course, required, progress[course.id])
                for course, required in _courses_of(assignment)
            ),
            assigned_at=row.assigned_at,
            due_on=row.due_on,
            status=row.status,
            completed_at=row.completed_at,
            today=today,
        )

    return OfficerAssignments(
        tuple(work(row) for row in open_rows), tuple(work(row) for row in done_rows)
    )
