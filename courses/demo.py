"""Demo data for courses: the default catalogue, and some officers' progress and results."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from courses.authoring.services.default_catalogue import load_catalogue
from courses.learning.models import Attempt, Course, CourseItem, ItemKind
from courses.learning.questiontypes import question_type
from courses.learning.services import attempts as attempt_service
from courses.learning.services.principles import ensure_principles
from courses.learning.services.progress import mark_item_done
from lms.accounts.models import User, UserRole
from lms.extensions import db
from lms.organisation.models import OrgUnit, UnitKind

DEMO_SEED = 20261126


@dataclass(frozen=True)
class CourseDemoSummary:
    courses_imported: int
    officers_with_progress: int
    attempts: int

    def report(self) -> str:
        if not (self.courses_imported or self.attempts):
            return "Courses: the catalogue and demo progress were already loaded."
        return (
            f"Courses: {self.courses_imported} catalogue courses imported; "
            f"{self.officers_with_progress} officers given progress, "
            f"{self.attempts} quiz attempts graded."
        )


def _catalogue_owner() -> OrgUnit | None:
    return db.session.scalar(
        select(OrgUnit)
        .where(OrgUnit.kind == UnitKind.TRAINING_CENTRE.value)
        .order_by(OrgUnit.depth, OrgUnit.id)
        .limit(1)
    )


def load_course_demo() -> CourseDemoSummary:
    """Import the default catalogue (published) and give some demo officers progress."""
    ensure_principles()
    owner = _catalogue_owner()
    if owner is None:
        return CourseDemoSummary(0, 0, 0)
    imported = len(load_catalogue(owner.id, publish=True).imported)
    db.session.flush()
    if db.session.scalar(select(Attempt.id).limit(1)) is not None:
        return CourseDemoSummary(imported, 0, 0)
    officers, attempts = _demo_progress(random.Random(DEMO_SEED))
    return CourseDemoSummary(imported, officers, attempts)


def _answer_form(
    snapshot: list[dict[str, Any]], skill: float, rng: random.Random
) -> dict[str, list[str]]:
    """Answers an officer of this skill might give: right with probability `skill`."""
    form: dict[str, list[str]] = {}
    for entry in snapshot:
        field, frozen, right = f"answer-{entry['key']}", entry["frozen"], rng.random() < skill
        form[field] = question_type(entry["qtype"]).sample_answer(frozen, right, rng)
    return form


def _demo_progress(rng: random.Random) -> tuple[int, int]:
    officers = list(
        db.session.scalars(
            select(User)
            .join(UserRole)
            .where(UserRole.role == "officer", User.active)
            .order_by(User.id)
        )
    )
    courses = list(
        db.session.scalars(select(Course).where(Course.status == "published").order_by(Course.code))
    )
    if not officers or not courses:
        return 0, 0
    items_by_course: dict[int, list[CourseItem]] = {course.id: [] for course in courses}
    for item in db.session.scalars(
        select(CourseItem)
        .where(CourseItem.course_id.in_(items_by_course))
        .order_by(CourseItem.module_id, CourseItem.position)
    ):
        items_by_course[item.course_id].append(item)
    active = rng.sample(officers, k=max(1, int(len(officers) * 0.45)))
    attempts = 0
    for officer in active:
        skill = rng.uniform(0.45, 0.98)
        for course in rng.sample(courses, k=rng.randint(1, min(4, len(courses)))):
            items = items_by_course[course.id]
            stop = rng.randint(1, len(items))  # how far this officer has got
            for item in items[:stop]:
                if item.kind == ItemKind.LESSON:
                    mark_item_done(officer.id, item)
                    continue
                if item.kind == ItemKind.TASK:
                    continue  # marked by trainers: the demo hands in none
                for _ in range(item.quiz.attempts_allowed or 2):
                    attempt = attempt_service.start_attempt(officer.id, item)
                    form = _answer_form(attempt.snapshot, skill, rng)
                    graded = attempt_service.submit_attempt(officer.id, attempt.id, form)
                    attempts += 1
                    if graded.passed or rng.random() < 0.5:
                        break
                if not attempt_service.allowance(officer.id, item).passed:
                    break
    db.session.flush()
    return len(active), attempts
