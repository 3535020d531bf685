"""Follow-up of assignments for trainers and HR: completion and overdue rates per content, by
unit and by position, and the overdue officers.

Every read is one grouped query (or one paged query), whatever the number of officers and
assignments. What a viewer sees: an admin everything; a trainer the memberships of their
training unit's assignments; HR the memberships of officers within their scope. A membership
counts once it is open or completed (withdrawn ones are left out); it is overdue when still
open after its due date.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select, true
from sqlalchemy.orm import contains_eager, joinedload, lazyload

from courses.assignments.models import (
    Assignment,
    AssignmentMembership,
    Curriculum,
    MembershipStatus,
)
from courses.assignments.services.assignments import assignment_scope
from courses.learning.models import Course
from lms.accounts.models import User
from lms.extensions import db
from lms.organisation.models import JobPosition, OrgUnit
from lms.organisation.services import subtree_condition


@dataclass(frozen=True)
class FollowupFilter:
    """Narrows the follow-up to an assignment, or to one content (a curriculum or a course),
    and to officers of a unit's subtree (which must be within the viewer's scope)."""

    assignment_id: int | None = None
    curriculum_id: int | None = None
    course_id: int | None = None
    unit: OrgUnit | None = None


@dataclass(frozen=True)
class Rates:
    assigned: int = 0
    completed: int = 0
    overdue: int = 0

    @property
    def open(self) -> int:
        return self.assigned - self.completed

    @property
    def completion_rate(self) -> float | None:
        return self.completed / self.assigned if self.assigned else None

    @property
    def overdue_rate(self) -> float | None:
        return self.overdue / self.assigned if self.assigned else None


@dataclass(frozen=True)
class RateLine:
    key: str  # "curriculum-3", "course-7", a unit or position id, or "" for none
    label: str
    rates: Rates


@dataclass(frozen=True)
class OverdueRow:
    membership_id: int
    user_id: int
    full_name: str
    service_number: str
    email: str
    unit_name: str
    position_title: str
    content: str
    assignment_id: int
    assigned_on: date
    due_on: date
    days_overdue: int


def visibility_condition(viewer: User) -> ColumnElement[bool]:
    """The memberships `viewer` may follow (over memberships ⋈ assignments ⋈ users ⋈ units)."""
    if viewer.has_role("admin"):
        return true()
    conditions = [Assignment.created_by_id == viewer.id]
    if viewer.has_role("trainer"):
        conditions.append(Assignment.owner_unit_id == viewer.unit_id)
    if viewer.has_role("hr"):
        conditions.append(subtree_condition(assignment_scope(viewer)))
    return or_(*conditions)


def _base(viewer: User, f: FollowupFilter, *columns, with_withdrawn: bool = False) -> Select:
    query = (
        select(*columns)
        .select_from(AssignmentMembership)
        .join(Assignment, Assignment.id == AssignmentMembership.assignment_id)
        .join(User, User.id == AssignmentMembership.user_id)
        .join(OrgUnit, OrgUnit.id == User.unit_id)
        .where(visibility_condition(viewer))
    )
    if not with_withdrawn:
        query = query.where(AssignmentMembership.status != MembershipStatus.WITHDRAWN.value)
    if f.assignment_id is not None:
        query = query.where(Assignment.id == f.assignment_id)
    if f.curriculum_id is not None:
        query = query.where(Assignment.curriculum_id == f.curriculum_id)
    if f.course_id is not None:
        query = query.where(Assignment.course_id == f.course_id)
    if f.unit is not None:
        query = query.where(subtree_condition(f.unit))
    return query


def _overdue(today: date) -> ColumnElement[bool]:
    return and_(
        AssignmentMembership.status == MembershipStatus.OPEN.value,
        AssignmentMembership.due_on < today,
    )


def _counts(today: date) -> tuple:
    return (
        func.count(AssignmentMembership.id),
        func.sum(
            case((AssignmentMembership.status == MembershipStatus.COMPLETED.value, 1), else_=0)
        ),
        func.sum(case((_overdue(today), 1), else_=0)),
    )


def _rates(assigned, completed, overdue) -> Rates:
    return Rates(assigned or 0, completed or 0, overdue or 0)


def total_rates(viewer: User, f: FollowupFilter, today: date) -> Rates:
    row = db.session.execute(_base(viewer, f, *_counts(today))).one()
    return _rates(*row)


def rates_by_content(viewer: User, f: FollowupFilter, today: date) -> list[RateLine]:
    """One line per curriculum and per course assigned, by name (one query)."""
    rows = db.session.execute(
        _base(
            viewer,
            f,
            Assignment.curriculum_id,
            Assignment.course_id,
            Curriculum.name,
            Course.title,
            *_counts(today),
        )
        .outerjoin(Curriculum, Curriculum.id == Assignment.curriculum_id)
        .outerjoin(Course, Course.id == Assignment.course_id)
        .group_by(Assignment.curriculum_id, Assignment.course_id, Curriculum.name, Course.title)
    ).all()
    lines = [
        RateLine(
            f"curriculum-{curriculum_id}" if curriculum_id else f"course-{course_id}",
            name or title,
            _rates(*counts),
        )
        for curriculum_id, course_id, name, title, *counts in rows
    ]
    return sorted(lines, key=lambda line: line.label.lower())


def rates_by_unit(viewer: User, f: FollowupFilter, today: date) -> list[RateLine]:
    """One line per unit the officers are in now, by unit name (one query)."""
    rows = db.session.execute(
        _base(viewer, f, OrgUnit.id, OrgUnit.name, *_counts(today)).group_by(
            OrgUnit.id, OrgUnit.name
        )
    ).all()
    lines = [RateLine(str(unit_id), name, _rates(*counts)) for unit_id, name, *counts in rows]
    return sorted(lines, key=lambda line: line.label.lower())


def rates_by_position(viewer: User, f: FollowupFilter, today: date) -> list[RateLine]:
    """One line per position the officers hold now ("" for none), by title (one query)."""
    rows = db.session.execute(
        _base(viewer, f, JobPosition.id, JobPosition.title, *_counts(today))
        .outerjoin(JobPosition, JobPosition.id == User.position_id)
        .group_by(JobPosition.id, JobPosition.title)
    ).all()
    lines = [
        RateLine(str(position_id or ""), title or "", _rates(*counts))
        for position_id, title, *counts in rows
    ]
    return sorted(lines, key=lambda line: (not line.key, line.label.lower()))


def _with_officer(query: Select) -> Select:
    """Memberships loaded with their officer (unit, position) and assignment (content), from
    the joins already made: no query per row."""
    return query.outerjoin(JobPosition, JobPosition.id == User.position_id).options(
        contains_eager(AssignmentMembership.user).options(
            contains_eager(User.unit), contains_eager(User.position), lazyload(User.role_rows)
        ),
        contains_eager(AssignmentMembership.assignment).options(
            joinedload(Assignment.curriculum), joinedload(Assignment.course)
        ),
    )


def overdue_query(viewer: User, f: FollowupFilter, today: date) -> Select:
    """The overdue memberships, longest overdue first (for paging; see overdue_row)."""
    return (
        _with_officer(_base(viewer, f, AssignmentMembership))
        .where(_overdue(today))
        .order_by(AssignmentMembership.due_on, User.full_name, AssignmentMembership.id)
    )


def overdue_row(membership: AssignmentMembership, today: date) -> OverdueRow:
    user = membership.user
    return OverdueRow(
        membership.id,
        user.id,
        user.full_name,
        user.service_number,
        user.email,
        user.unit.name,
        user.position.title if user.position else "",
        membership.assignment.title,
        membership.assignment_id,
        membership.assigned_at.date(),
        membership.due_on,
        (today - membership.due_on).days,
    )


def overdue_rows(viewer: User, f: FollowupFilter, today: date) -> Iterator[OverdueRow]:
    """Every overdue membership, streamed (for the CSV export)."""
    memberships = db.session.scalars(
        overdue_query(viewer, f, today).execution_options(yield_per=2000)
    )
    for membership in memberships:
        yield overdue_row(membership, today)


def members_query(assignment_id: int, viewer: User) -> Select:
    """An assignment's members the viewer may see (withdrawn ones too), by name, with their
    officer loaded (for paging)."""
    return _with_officer(
        _base(
            viewer,
            FollowupFilter(assignment_id=assignment_id),
            AssignmentMembership,
            with_withdrawn=True,
        )
    ).order_by(User.full_name, AssignmentMembership.id)
