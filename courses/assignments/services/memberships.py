"""Memberships: each officer's copy of an assignment, kept in line with the organisation and
with their progress. Functions flush; callers commit.

Memberships are written in bulk: multi-row INSERTs of MEMBERSHIP_CHUNK rows that skip the rows
already there, so a fan-out can be re-run or race a placement change without duplicates.
Officers are active users holding the officer role.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, update
from sqlalchemy.orm import joinedload, selectinload

from courses.assignments.models import (
    Assignment,
    AssignmentMembership,
    Curriculum,
    CurriculumCourse,
    MembershipStatus,
    TargetKind,
)
from courses.events import CourseCompleted
from courses.learning.models import CourseEnrolment
from lms.accounts.models import Role, User, UserRole
from lms.database import insert_ignoring_duplicates
from lms.events import PlacementChanged
from lms.extensions import db
from lms.organisation.models import OrgUnit
from lms.organisation.services import subtree_unit_ids
from lms.timeutil import utcnow

MEMBERSHIP_CHUNK = 1000


# --- who is targeted -------------------------------------------------------------------------


def officer_condition() -> ColumnElement[bool]:
    """Active users holding the officer role."""
    return and_(
        User.active.is_(True),
        User.id.in_(select(UserRole.user_id).where(UserRole.role == Role.OFFICER.value)),
    )


def target_condition(assignment: Assignment) -> ColumnElement[bool]:
    """The officers a unit or position assignment reaches now."""
    if assignment.target_kind == TargetKind.UNIT:
        if assignment.include_subunits:
            where = User.unit_id.in_(subtree_unit_ids(assignment.unit))
        else:
            where = User.unit_id == assignment.unit_id
    elif assignment.target_kind == TargetKind.POSITION:
        where = and_(
            User.position_id == assignment.position_id,
            User.unit_id.in_(subtree_unit_ids(assignment.unit)),
        )
    else:
        raise ValueError("named officers are not a rule to evaluate")
    return and_(officer_condition(), where)


def target_officer_ids(assignment: Assignment) -> Select[tuple[int]]:
    return select(User.id).where(target_condition(assignment)).order_by(User.id)


def count_target(assignment: Assignment) -> int:
    return db.session.scalar(select(func.count(User.id)).where(target_condition(assignment))) or 0


def matches(
    assignment: Assignment, unit_id: int, ancestors: Collection[int], position_id: int | None
) -> bool:
    """Whether an officer placed in `unit_id` (whose path holds `ancestors`, itself included)
    and holding `position_id` falls under a unit or position assignment (pure)."""
    if assignment.target_kind == TargetKind.UNIT:
        if assignment.include_subunits:
            return assignment.unit_id in ancestors
        return assignment.unit_id == unit_id
    if assignment.target_kind == TargetKind.POSITION:
        return position_id is not None and (
            assignment.position_id == position_id and assignment.unit_id in ancestors
        )
    return False


def unit_ids_on_path(path: str) -> set[int]:
    """The ids in a materialised path ("/1/4/9/" → {1, 4, 9})."""
    return {int(part) for part in path.strip("/").split("/") if part}


# --- content and completion ------------------------------------------------------------------


def required_course_ids(assignment: Assignment) -> list[int]:
    """The courses an officer must complete to complete the assignment."""
    if assignment.course_id is not None:
        return [assignment.course_id]
    return assignment.curriculum.required_course_ids


def completion_times(
    user_ids: Iterable[int], course_ids: Iterable[int]
) -> dict[int, dict[int, datetime]]:
    """When each officer completed each of the courses, by officer then course (one query)."""
    user_ids, course_ids = list(set(user_ids)), list(set(course_ids))
    if not user_ids or not course_ids:
        return {}
    found: dict[int, dict[int, datetime]] = defaultdict(dict)
    for user_id, course_id, completed_at in db.session.execute(
        select(
            CourseEnrolment.user_id, CourseEnrolment.course_id, CourseEnrolment.completed_at
        ).where(
            CourseEnrolment.user_id.in_(user_ids),
            CourseEnrolment.course_id.in_(course_ids),
            CourseEnrolment.completed_at.is_not(None),
        )
    ).all():
        found[user_id][course_id] = completed_at
    return found


def completed_at(required: Sequence[int], done: dict[int, datetime]) -> datetime | None:
    """When the last required course was completed, or None while one is missing (pure)."""
    if not required or any(course_id not in done for course_id in required):
        return None
    return max(done[course_id] for course_id in required)


def due_on(assignment: Assignment, assigned_at: datetime) -> date:
    if assignment.due_date is not None:
        return assignment.due_date
    return assigned_at.date() + timedelta(days=assignment.due_days or 0)


def add_memberships(
    assignment: Assignment, user_ids: Sequence[int], *, now: datetime | None = None
) -> int:
    """Give these officers a membership (those who have one keep it); returns how many ids
    were given. Officers who already completed the content get it completed."""
    now = now or utcnow()
    required = required_course_ids(assignment)
    due = due_on(assignment, now)
    for start in range(0, len(user_ids), MEMBERSHIP_CHUNK):
        chunk = list(user_ids[start : start + MEMBERSHIP_CHUNK])
        done = completion_times(chunk, required)
        rows = []
        for user_id in chunk:
            finished = completed_at(required, done.get(user_id, {}))
            rows.append(
                {
                    "assignment_id": assignment.id,
                    "user_id": user_id,
                    "assigned_at": now,
                    "due_on": due,
                    "status": (
                        MembershipStatus.COMPLETED if finished else MembershipStatus.OPEN
                    ).value,
                    "completed_at": finished,
                }
            )
        # One statement per chunk: a multi-row VALUES list.
        db.session.execute(insert_ignoring_duplicates(AssignmentMembership).values(rows))
    return len(user_ids)


# --- following the organisation --------------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    user_id: int
    unit_id: int
    ancestors: frozenset[int]
    position_id: int | None
    eligible: bool


def _placements(user_ids: Sequence[int]) -> list[Placement]:
    officers = set(
        db.session.scalars(select(User.id).where(User.id.in_(user_ids), officer_condition()))
    )
    rows = db.session.execute(
        select(User.id, User.unit_id, OrgUnit.path, User.position_id)
        .join(OrgUnit, OrgUnit.id == User.unit_id)
        .where(User.id.in_(user_ids))
    ).all()
    return [
        Placement(
            user_id, unit_id, frozenset(unit_ids_on_path(path)), position_id, user_id in officers
        )
        for user_id, unit_id, path, position_id in rows
    ]


def sync_memberships(changed: PlacementChanged, *, now: datetime | None = None) -> None:
    """Bring these officers' memberships in line with where they now are (handler of
    PlacementChanged, in the same transaction).

    An officer now under a unit or position assignment gets it (again, if they had left it);
    one no longer under it has the open membership withdrawn, completed ones kept. Named
    officers keep theirs while they are active officers. Set-based: a fixed number of queries,
    plus two per assignment the officers join, whatever the number of officers.
    """
    user_ids = list(dict.fromkeys(changed.user_ids))
    if not user_ids:
        return
    now = now or utcnow()
    db.session.flush()
    placements = _placements(user_ids)
    units = set().union(*(p.ancestors for p in placements)) if placements else set()
    positions = {p.position_id for p in placements if p.position_id is not None}
    rule_assignments = list(
        db.session.scalars(
            select(Assignment)
            .where(
                Assignment.unit_id.in_(units),
                or_(
                    Assignment.target_kind == TargetKind.UNIT.value,
                    and_(
                        Assignment.target_kind == TargetKind.POSITION.value,
                        Assignment.position_id.in_(positions),
                    ),
                ),
            )
            .options(selectinload(Assignment.curriculum).selectinload(Curriculum.entries))
        )
    )
    memberships = list(
        db.session.scalars(
            select(AssignmentMembership)
            .where(AssignmentMembership.user_id.in_(user_ids))
            .options(
                joinedload(AssignmentMembership.assignment)
                .selectinload(Assignment.curriculum)
                .selectinload(Curriculum.entries)
            )
        )
    )
    by_user: dict[int, dict[int, AssignmentMembership]] = defaultdict(dict)
    for membership in memberships:
        by_user[membership.user_id][membership.assignment_id] = membership
    new_rows: dict[int, list[int]] = defaultdict(list)  # assignment id → user ids
    to_withdraw: list[int] = []
    to_reopen: list[AssignmentMembership] = []
    assignments = {a.id: a for a in rule_assignments}
    for placement in placements:
        wanted = (
            {
                a.id
                for a in rule_assignments
                if matches(a, placement.unit_id, placement.ancestors, placement.position_id)
            }
            if placement.eligible
            else set()
        )
        held = by_user.get(placement.user_id, {})
        for assignment_id, membership in held.items():
            keep = assignment_id in wanted or (
                placement.eligible and membership.assignment.target_kind == TargetKind.OFFICERS
            )
            if membership.status == MembershipStatus.OPEN and not keep:
                to_withdraw.append(membership.id)
            elif membership.status == MembershipStatus.WITHDRAWN and keep:
                to_reopen.append(membership)
        for assignment_id in wanted - set(held):
            new_rows[assignment_id].append(placement.user_id)
    if to_withdraw:
        db.session.execute(
            update(AssignmentMembership)
            .where(AssignmentMembership.id.in_(to_withdraw))
            .values(status=MembershipStatus.WITHDRAWN.value, withdrawn_at=now)
        )
    if to_reopen:
        required = {m.id: required_course_ids(m.assignment) for m in to_reopen}
        done = completion_times(
            [m.user_id for m in to_reopen], {c for ids in required.values() for c in ids}
        )
        for membership in to_reopen:
            finished = completed_at(required[membership.id], done.get(membership.user_id, {}))
            membership.status = (
                MembershipStatus.COMPLETED if finished else MembershipStatus.OPEN
            ).value
            membership.completed_at = finished
            membership.withdrawn_at = None
            membership.assigned_at = now
            membership.due_on = due_on(membership.assignment, now)
    for assignment_id, ids in new_rows.items():
        add_memberships(assignments[assignment_id], ids, now=now)
    db.session.flush()


# --- completion ------------------------------------------------------------------------------


def complete_memberships_for(completed: CourseCompleted) -> int:
    """Complete the officer's open memberships that this course completion finishes (handler
    of CourseCompleted, in the same transaction); returns how many."""
    user_id, course_id = completed.user_id, completed.course_id
    open_memberships = list(
        db.session.scalars(
            select(AssignmentMembership)
            .join(Assignment, Assignment.id == AssignmentMembership.assignment_id)
            .where(
                AssignmentMembership.user_id == user_id,
                AssignmentMembership.status == MembershipStatus.OPEN.value,
                or_(
                    Assignment.course_id == course_id,
                    Assignment.curriculum_id.in_(
                        select(CurriculumCourse.curriculum_id).where(
                            CurriculumCourse.course_id == course_id,
                            CurriculumCourse.required.is_(True),
                        )
                    ),
                ),
            )
            .options(
                joinedload(AssignmentMembership.assignment)
                .selectinload(Assignment.curriculum)
                .selectinload(Curriculum.entries)
            )
        )
    )
    if not open_memberships:
        return 0
    required = {m.id: required_course_ids(m.assignment) for m in open_memberships}
    done = completion_times([user_id], {c for ids in required.values() for c in ids}).get(
        user_id, {}
    )
    completed = 0
    for membership in open_memberships:
        finished = completed_at(required[membership.id], done)
        if finished is not None:
            membership.status = MembershipStatus.COMPLETED.value
            membership.completed_at = finished
            completed += 1
    db.session.flush()
    return completed


def refresh_curriculum_completion(curriculum_id: int) -> int:
    """Complete the open memberships of a curriculum whose (changed) required courses the
    officers have all completed; returns how many. A set-based pass, in chunks."""
    curriculum = db.session.get(Curriculum, curriculum_id)
    required = curriculum.required_course_ids if curriculum else []
    if not required:
        return 0
    open_rows = db.session.execute(
        select(AssignmentMembership.id, AssignmentMembership.user_id)
        .join(Assignment, Assignment.id == AssignmentMembership.assignment_id)
        .where(
            Assignment.curriculum_id == curriculum_id,
            AssignmentMembership.status == MembershipStatus.OPEN.value,
        )
    ).all()
    completed = 0
    for start in range(0, len(open_rows), MEMBERSHIP_CHUNK):
        chunk = open_rows[start : start + MEMBERSHIP_CHUNK]
        done = completion_times([user_id for _, user_id in chunk], required)
        for membership_id, user_id in chunk:
            finished = completed_at(required, done.get(user_id, {}))
            if finished is not None:
                db.session.execute(
                    update(AssignmentMembership)
                    .where(AssignmentMembership.id == membership_id)
                    .values(status=MembershipStatus.COMPLETED.value, completed_at=finished)
                    .execution_options(synchronize_session=False)
                )
                completed += 1
    return completed
