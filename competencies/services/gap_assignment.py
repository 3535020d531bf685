"""Gap-driven assignment: the published courses that build a competency, assigned to the
officers below the level their position requires in it.

`plan_gap_assignment` is the preview: who is below requirement (from the matrix: current
levels against position requirements) and which courses each of them would get: every
published course with a module building the competency, less those the officer has completed
or already has open assigned work for. `confirm_gap_assignment` computes the plan again,
refuses if it no longer matches the preview the user saw (its digest), and creates exactly
those assignments: one per course, to the officers named, through the courses' assignment
service. Functions flush; callers commit.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select

from competencies.models import Competency
from competencies.services.matrix import MatrixFilter, PostStatus
from competencies.services.matrix_queries import drilldown_query, posts_of
from courses.assignments.models import (
    Assignment,
    AssignmentMembership,
    CurriculumCourse,
    MembershipStatus,
    TargetKind,
)
from courses.assignments.services.assignments import AssignmentSpec, create_assignment
from courses.learning.models import Course, CourseEnrolment, CourseStatus, Module, ModuleCompetency
from lms.accounts.models import User
from lms.errors import Conflict, NotFound, ValidationError
from lms.extensions import db
from lms.organisation.models import OrgUnit


@dataclass(frozen=True)
class GapOfficer:
    id: int
    full_name: str
    service_number: str
    unit_name: str
    position_title: str
    level: int
    required: int


@dataclass(frozen=True)
class PlannedCourse:
    id: int
    code: str
    title: str


@dataclass(frozen=True)
class GapPlan:
    competency: Competency
    officers: tuple[GapOfficer, ...]
    courses: tuple[PlannedCourse, ...]
    # (officer id, course id): who gets what, by officer then course.
    pairs: tuple[tuple[int, int], ...]

    @property
    def digest(self) -> str:
        """Fingerprint of the plan: a confirmation names the preview it agrees to."""
        text = f"{self.competency.id}:" + ";".join(f"{o},{c}" for o, c in self.pairs)
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def courses_for(self, officer_id: int) -> list[PlannedCourse]:
        wanted = {c for o, c in self.pairs if o == officer_id}
        return [course for course in self.courses if course.id in wanted]

    def officers_for(self, course_id: int) -> list[int]:
        return [o for o, c in self.pairs if c == course_id]

    @property
    def assignment_count(self) -> int:
        return len({c for _, c in self.pairs})


def get_competency_by_code(code: str) -> Competency:
    competency = db.session.scalar(
        select(Competency).where(Competency.code == code.strip(), Competency.retired_at.is_(None))
    )
    if competency is None:
        raise NotFound(f"There is no competency with the code “{code[:40]}”.")
    return competency


def courses_building(competency_code: str) -> list[Course]:
    """Published courses with a module that builds the competency, by code (one query)."""
    return list(
        db.session.scalars(
            select(Course)
            .where(
                Course.status == CourseStatus.PUBLISHED.value,
                Course.id.in_(
                    select(Module.course_id)
                    .join(ModuleCompetency, ModuleCompetency.module_id == Module.id)
                    .where(ModuleCompetency.competency_code == competency_code)
                ),
            )
            .order_by(Course.code)
        )
    )


def _already_covered(user_ids: list[int], course_ids: list[int]) -> set[tuple[int, int]]:
    """(officer, course) pairs already done or in open assigned work (two queries)."""
    if not user_ids or not course_ids:
        return set()
    covered = set(
        db.session.execute(
            select(CourseEnrolment.user_id, CourseEnrolment.course_id).where(
                CourseEnrolment.user_id.in_(user_ids),
                CourseEnrolment.course_id.in_(course_ids),
                CourseEnrolment.completed_at.is_not(None),
            )
        ).all()
    )
    covered |= set(
        db.session.execute(
            select(AssignmentMembership.user_id, Course.id)
            .select_from(AssignmentMembership)
            .join(Assignment, Assignment.id == AssignmentMembership.assignment_id)
            .outerjoin(CurriculumCourse, CurriculumCourse.curriculum_id == Assignment.curriculum_id)
            .join(
                Course,
                or_(Course.id == Assignment.course_id, Course.id == CurriculumCourse.course_id),
            )
            .where(
                AssignmentMembership.user_id.in_(user_ids),
                AssignmentMembership.status == MembershipStatus.OPEN.value,
                Course.id.in_(course_ids),
            )
        ).all()
    )
    return covered


def plan_gap_assignment(
    competency_code: str,
    unit: OrgUnit,
    position_id: int | None = None,
    officer_id: int | None = None,
) -> GapPlan:
    """Who is below requirement on the competency within `unit`'s subtree (and position, or
    only the one officer), and which courses each would get. `unit` must already be within
    the viewer's scope."""
    competency = get_competency_by_code(competency_code)
    matrix_filter = MatrixFilter(unit=unit, position_id=position_id, competency_id=competency.id)
    query = drilldown_query(matrix_filter, PostStatus.BELOW)
    if officer_id is not None:
        query = query.where(User.id == officer_id)
    users: list[User] = list(db.session.scalars(query).unique())
    posts = posts_of([u.id for u in users], matrix_filter, PostStatus.BELOW)
    officers = []
    for user in users:
        post = next(iter(posts.get(user.id, [])), None)
        if post is None:
            continue
        officers.append(
            GapOfficer(
                user.id,
                user.full_name,
                user.service_number,
                user.unit.name,
                user.position.title if user.position else "",
                post.level,
                post.required,
            )
        )
    courses = courses_building(competency.code)
    covered = _already_covered([o.id for o in officers], [c.id for c in courses])
    pairs = tuple(
        (officer.id, course.id)
        for officer in officers
        for course in courses
        if (officer.id, course.id) not in covered
    )
    return GapPlan(
        competency,
        tuple(officers),
        tuple(PlannedCourse(c.id, c.code, c.title) for c in courses),
        pairs,
    )


def confirm_gap_assignment(
    digest: str,
    competency_code: str,
    unit: OrgUnit,
    position_id: int | None,
    officer_id: int | None = None,
    *,
    due_date: date | None,
    due_days: int | None,
    actor: User,
    inline_limit: int,
) -> list[Assignment]:
    """Create the previewed assignments: one per course, to the officers the preview named.
    Refused when the plan changed since the preview (levels or assignments moved)."""
    plan = plan_gap_assignment(competency_code, unit, position_id, officer_id)
    if plan.digest != digest:
        raise Conflict(
            "Who is below requirement, or what they already have, changed since the preview. "
            "Look at the new preview and confirm again."
        )
    if not plan.pairs:
        raise ValidationError("Nothing to assign: nobody below requirement lacks these courses.")
    created = []
    by_course: dict[int, list[int]] = defaultdict(list)
    for officer_id, course_id in plan.pairs:
        by_course[course_id].append(officer_id)
    for course in plan.courses:
        if by_course.get(course.id):
            created.append(
                create_assignment(
                    AssignmentSpec(
                        TargetKind.OFFICERS.value,
                        course_id=course.id,
                        officer_ids=tuple(by_course[course.id]),
                        due_date=due_date,
                        due_days=due_days,
                    ),
                    actor=actor,
                    inline_limit=inline_limit,
                )
            )
    return created
