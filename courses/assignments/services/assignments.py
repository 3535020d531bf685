"""Assignments: curricula and courses put in front of officers. Functions flush; callers commit.

An assignment names its content (a curriculum or a course), its target (named officers, a unit
with or without its sub-units, or a position within a unit's subtree) and its due rule (a fixed
date, or N days after each officer is assigned). Each officer reached gets a membership row
(see memberships.py). Targets beyond the inline limit get theirs from the
"courses.fan_out_assignment" job, queued for after the commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, true
from sqlalchemy.orm import joinedload

from courses.assignments.models import (
    Assignment,
    AssignmentMembership,
    Curriculum,
    CurriculumCourse,
    FanOutStatus,
    TargetKind,
)
from courses.assignments.services.memberships import (
    MEMBERSHIP_CHUNK,
    add_memberships,
    count_target,
    officer_condition,
    target_officer_ids,
)
from courses.learning.models import Course, CourseStatus
from lms.accounts.models import User
from lms.errors import NotFound, PermissionDenied, ValidationError
from lms.extensions import db
from lms.jobs import queue_job
from lms.organisation.models import JobPosition, OrgUnit
from lms.organisation.services import subtree_condition
from lms.timeutil import utcnow

FAN_OUT_TASK = "courses.fan_out_assignment"
MAX_DUE_DAYS = 3650
# A fan-out without a heartbeat for this long was abandoned by its worker.
FAN_OUT_ABANDONED_AFTER = timedelta(minutes=2)
ASSIGNING_ROLES = ("trainer", "hr")


@dataclass(frozen=True)
class AssignmentSpec:
    """What to assign, to whom, due when. Exactly one content and one due rule."""

    target_kind: str
    curriculum_id: int | None = None
    course_id: int | None = None
    officer_ids: tuple[int, ...] = ()
    unit_id: int | None = None
    include_subunits: bool = False
    position_id: int | None = None
    due_date: date | None = None
    due_days: int | None = None


# --- scope -----------------------------------------------------------------------------------


def root_unit() -> OrgUnit | None:
    return db.session.scalar(select(OrgUnit).where(OrgUnit.parent_id.is_(None)))


def assignment_scope(user: User) -> OrgUnit:
    """The subtree whose officers `user` may assign and follow up: an admin's is the whole
    administration, HR's their own unit's subtree, a trainer's the subtree their training unit
    serves (its parent's: the national centre serves the administration, a regional training
    office its region). With several roles, the widest."""
    candidates: list[OrgUnit] = []
    if user.has_role("admin"):
        root = root_unit()
        if root is not None:
            return root
    if user.has_role("hr"):
        candidates.append(user.unit)
    if user.has_role("trainer"):
        candidates.append(user.unit.parent or user.unit)
    if not candidates:
        candidates.append(user.unit)
    return min(candidates, key=lambda unit: (unit.depth, unit.id))


def within(unit: OrgUnit, scope: OrgUnit) -> bool:
    return unit.path.startswith(scope.path)


# --- creating --------------------------------------------------------------------------------


def get_assignment(assignment_id: int) -> Assignment:
    assignment = db.session.scalar(
        select(Assignment)
        .where(Assignment.id == assignment_id)
        .options(
            joinedload(Assignment.curriculum)
            .selectinload(Curriculum.entries)
            .joinedload(CurriculumCourse.course),
            joinedload(Assignment.course),
            joinedload(Assignment.unit),
            joinedload(Assignment.position),
            joinedload(Assignment.owner_unit),
            joinedload(Assignment.created_by),
        )
    )
    if assignment is None:
        raise NotFound(f"No assignment with id {assignment_id}.")
    return assignment


def _check_content(spec: AssignmentSpec) -> tuple[Curriculum | None, Course | None]:
    if (spec.curriculum_id is None) == (spec.course_id is None):
        raise ValidationError("Choose one curriculum or one course to assign.")
    if spec.course_id is not None:
        course = db.session.get(Course, spec.course_id)
        if course is None:
            raise ValidationError(f"No course with id {spec.course_id}.")
        if course.status != CourseStatus.PUBLISHED:
            raise ValidationError(
                f"The course {course.code} is not published: only published courses can be "
                "assigned."
            )
        return None, course
    curriculum = db.session.get(Curriculum, spec.curriculum_id)
    if curriculum is None:
        raise ValidationError(f"No curriculum with id {spec.curriculum_id}.")
    unpublished = [e.course.code for e in curriculum.entries if not e.course.is_published]
    if unpublished:
        raise ValidationError(
            f"The curriculum {curriculum.name} has courses that are not published "
            f"({', '.join(unpublished)}): remove them from it, or have them published, first."
        )
    if not curriculum.required_course_ids:
        raise ValidationError(f"The curriculum {curriculum.name} has no required course.")
    return curriculum, None


def _check_due(spec: AssignmentSpec, today: date) -> None:
    if (spec.due_date is None) == (spec.due_days is None):
        raise ValidationError(
            "Give the due date: a fixed date, or a number of days after each officer is assigned."
        )
    if spec.due_date is not None and spec.due_date < today:
        raise ValidationError(
            f"The due date {spec.due_date.isoformat()} is in the past; choose today or later."
        )
    if spec.due_days is not None and not 1 <= spec.due_days <= MAX_DUE_DAYS:
        raise ValidationError(f"The number of days to complete is 1 to {MAX_DUE_DAYS}.")


def _check_named_officers(officer_ids: Sequence[int], scope: OrgUnit) -> list[int]:
    ids = list(dict.fromkeys(officer_ids))
    if not ids:
        raise ValidationError("Choose at least one officer to assign.")
    found = {
        user.id: user
        for user in db.session.scalars(
            select(User).where(User.id.in_(ids)).options(joinedload(User.unit))
        )
    }
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise ValidationError(f"No user with id {', '.join(missing)}.")
    eligible = set(db.session.scalars(select(User.id).where(User.id.in_(ids), officer_condition())))
    not_officers = [found[i].full_name for i in ids if i not in eligible]
    if not_officers:
        raise ValidationError(
            f"Only active officers can be assigned work: {', '.join(not_officers)}."
        )
    outside = [found[i].full_name for i in ids if not within(found[i].unit, scope)]
    if outside:
        raise PermissionDenied(
            f"These officers are outside your scope ({scope.name}): {', '.join(outside)}."
        )
    return ids


def _check_target(spec: AssignmentSpec, scope: OrgUnit) -> tuple[OrgUnit | None, list[int]]:
    """The unit of a unit or position assignment, or the checked ids of named officers."""
    kinds = {kind.value for kind in TargetKind}
    if spec.target_kind not in kinds:
        raise ValidationError("Choose whom to assign: officers, a unit or a job position.")
    if spec.target_kind == TargetKind.OFFICERS:
        return None, _check_named_officers(spec.officer_ids, scope)
    if spec.target_kind == TargetKind.UNIT and not spec.unit_id:
        raise ValidationError("Choose the unit to assign.")
    if spec.target_kind == TargetKind.POSITION:
        if not spec.position_id:
            raise ValidationError("Choose the job position to assign.")
        if db.session.get(JobPosition, spec.position_id) is None:
            raise ValidationError(f"No job position with id {spec.position_id}.")
    unit = db.session.get(OrgUnit, spec.unit_id) if spec.unit_id else scope
    if unit is None:
        raise ValidationError(f"No organisation unit with id {spec.unit_id}.")
    if not within(unit, scope):
        raise PermissionDenied(
            f"The unit {unit.name} is outside your scope ({scope.name}); you can assign only "
            "within it."
        )
    return unit, []


def create_assignment(
    spec: AssignmentSpec, *, actor: User, inline_limit: int, today: date | None = None
) -> Assignment:
    """Check and record an assignment, then give it its members: at once when the target has
    at most `inline_limit` officers, else by a job queued for after the commit."""
    if not actor.has_role(*ASSIGNING_ROLES):
        raise PermissionDenied("Only trainers and HR assign work to officers.")
    today = today or utcnow().date()
    scope = assignment_scope(actor)
    curriculum, course = _check_content(spec)
    _check_due(spec, today)
    unit, officer_ids = _check_target(spec, scope)
    assignment = Assignment(
        curriculum=curriculum,
        course=course,
        target_kind=spec.target_kind,
        unit=unit,
        # A position is assigned within the whole subtree of its unit.
        include_subunits=spec.include_subunits or spec.target_kind == TargetKind.POSITION,
        position_id=spec.position_id if spec.target_kind == TargetKind.POSITION else None,
        due_date=spec.due_date,
        due_days=spec.due_days,
        owner_unit_id=actor.unit_id,
        created_by_id=actor.id,
    )
    db.session.add(assignment)
    db.session.flush()
    if spec.target_kind == TargetKind.OFFICERS:
        total = add_memberships(assignment, officer_ids)
        _finish_fan_out(assignment, total)
        return assignment
    total = count_target(assignment)
    if total > inline_limit:
        assignment.fanout_status = FanOutStatus.QUEUED.value
        assignment.fanout_total = total
        assignment.fanout_queued_at = utcnow()
        queue_job(FAN_OUT_TASK, assignment.id)
    else:
        add_memberships(assignment, list(db.session.scalars(target_officer_ids(assignment))))
        _finish_fan_out(assignment, total)
    db.session.flush()
    return assignment


def _finish_fan_out(assignment: Assignment, total: int) -> None:
    assignment.fanout_status = FanOutStatus.DONE.value
    assignment.fanout_total = assignment.fanout_done = total
    assignment.fanout_finished_at = utcnow()
    assignment.fanout_message = f"{total} officers assigned."


# --- the background fan-out ------------------------------------------------------------------


def run_fan_out(assignment_id: int, *, commit: Callable[[], None]) -> Assignment:
    """Give a queued assignment its members, chunk by chunk, committing progress so the trainer
    can follow it. Safe to run twice: existing memberships are skipped."""
    assignment = get_assignment(assignment_id)
    if assignment.fanout_status not in (FanOutStatus.QUEUED, FanOutStatus.RUNNING):
        return assignment  # a duplicate delivery of a finished fan-out
    heartbeat = assignment.fanout_heartbeat_at
    if assignment.fanout_status == FanOutStatus.RUNNING and (
        heartbeat and heartbeat > utcnow() - FAN_OUT_ABANDONED_AFTER
    ):
        return assignment  # another worker is on it
    assignment.fanout_status = FanOutStatus.RUNNING.value
    assignment.fanout_heartbeat_at = utcnow()
    assignment.fanout_done = 0
    user_ids = list(db.session.scalars(target_officer_ids(assignment)))
    assignment.fanout_total = len(user_ids)
    commit()
    for start in range(0, len(user_ids), MEMBERSHIP_CHUNK):
        chunk = user_ids[start : start + MEMBERSHIP_CHUNK]
        add_memberships(assignment, chunk)
        assignment.fanout_done = start + len(chunk)
        assignment.fanout_heartbeat_at = utcnow()
        commit()
    _finish_fan_out(assignment, len(user_ids))
    commit()
    return assignment


def stalled_fan_outs(older_than: timedelta) -> list[int]:
    """Fan-outs queued long ago and never started (a lost message), or running without a
    recent heartbeat (a dead worker)."""
    cutoff = utcnow() - older_than
    return list(
        db.session.scalars(
            select(Assignment.id)
            .where(
                or_(
                    and_(
                        Assignment.fanout_status == FanOutStatus.QUEUED.value,
                        Assignment.fanout_queued_at < cutoff,
                    ),
                    and_(
                        Assignment.fanout_status == FanOutStatus.RUNNING.value,
                        or_(
                            Assignment.fanout_heartbeat_at.is_(None),
                            Assignment.fanout_heartbeat_at < cutoff,
                        ),
                    ),
                )
            )
            .order_by(Assignment.id)
        )
    )


# --- describing ------------------------------------------------------------------------------


def officers_by_reference(references: Iterable[str]) -> tuple[list[int], list[str]]:
    """Users named by service number or email (any case), in one query; returns their ids
    and the references that matched nobody."""
    wanted = [ref.strip() for ref in references if ref.strip()]
    if not wanted:
        return [], []
    lowered = {ref.lower() for ref in wanted}
    rows = db.session.execute(
        select(User.id, User.email, User.service_number).where(
            or_(User.email.in_(lowered), func.lower(User.service_number).in_(lowered))
        )
    ).all()
    by_ref: dict[str, int] = {}
    for user_id, email, service_number in rows:
        by_ref[email.lower()] = user_id
        by_ref[service_number.lower()] = user_id
    ids = [by_ref[ref.lower()] for ref in wanted if ref.lower() in by_ref]
    unknown = [ref for ref in wanted if ref.lower() not in by_ref]
    return list(dict.fromkeys(ids)), unknown


def visible_assignment_condition(user: User) -> ColumnElement[bool]:
    """The assignments `user` may follow: an admin all; a trainer their training unit's; HR
    those they made and those reaching officers in their scope."""
    if user.has_role("admin"):
        return true()
    conditions = [Assignment.created_by_id == user.id]
    if user.has_role("trainer"):
        conditions.append(Assignment.owner_unit_id == user.unit_id)
    if user.has_role("hr"):
        scope = assignment_scope(user)
        conditions.append(
            Assignment.id.in_(
                select(AssignmentMembership.assignment_id)
                .join(User, User.id == AssignmentMembership.user_id)
                .join(OrgUnit, OrgUnit.id == User.unit_id)
                .where(subtree_condition(scope))
            )
        )
    return or_(*conditions)


def visible_assignments_query(user: User) -> Select[tuple[Assignment]]:
    """The assignments `user` may follow, newest first, with what they name (for paging)."""
    return (
        select(Assignment)
        .where(visible_assignment_condition(user))
        .options(
            joinedload(Assignment.curriculum),
            joinedload(Assignment.course),
            joinedload(Assignment.unit),
            joinedload(Assignment.position),
            joinedload(Assignment.created_by),
        )
        .order_by(Assignment.created_at.desc(), Assignment.id.desc())
    )


def visible_assignment(assignment_id: int, user: User) -> Assignment:
    """An assignment `user` may follow; "not found" for others."""
    allowed = db.session.scalar(
        select(Assignment.id).where(
            Assignment.id == assignment_id, visible_assignment_condition(user)
        )
    )
    if allowed is None:
        raise NotFound("There is no assignment at this address that you can follow.")
    return get_assignment(assignment_id)
