"""Curricula: ordered lists of published courses. Functions flush; callers commit.

Trainers build curricula from the published courses of any training unit, and change only the
curricula of their own training unit (`ensure_can_edit_curriculum`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from courses.assignments.models import Curriculum, CurriculumCompetency, CurriculumCourse
from courses.authoring.services.structure import COMPETENCY_CODE
from courses.learning.models import Course, CourseStatus, Module
from courses.learning.services.principles import principles_by_code
from lms.accounts.models import User
from lms.errors import NotFound, PermissionDenied, ValidationError
from lms.extensions import db

MAX_COURSES = 50


@dataclass(frozen=True)
class CurriculumEntry:
    course_id: int
    required: bool = True


@dataclass(frozen=True)
class CurriculumDetails:
    """What a trainer gives: `entries` in the curriculum's order. With neither principles nor
    competencies given, the curriculum covers those of its courses' modules."""

    name: str
    description: str
    entries: tuple[CurriculumEntry, ...]
    principle_codes: tuple[str, ...] = ()
    competency_codes: tuple[str, ...] = ()


def _with_courses():
    return (
        joinedload(Curriculum.training_unit),
        selectinload(Curriculum.entries).joinedload(CurriculumCourse.course),
        selectinload(Curriculum.principles),
        selectinload(Curriculum.competency_links),
    )


def get_curriculum(curriculum_id: int) -> Curriculum:
    """A curriculum with its courses, principles and competencies (four queries)."""
    curriculum = db.session.scalar(
        select(Curriculum).where(Curriculum.id == curriculum_id).options(*_with_courses())
    )
    if curriculum is None:
        raise NotFound(f"No curriculum with id {curriculum_id}.")
    return curriculum


def list_curricula() -> list[Curriculum]:
    """Every curriculum by name, with its courses (four queries, whatever their number)."""
    return list(
        db.session.scalars(
            select(Curriculum).options(*_with_courses()).order_by(Curriculum.name, Curriculum.id)
        )
    )


def can_edit_curriculum(user: User, curriculum: Curriculum) -> bool:
    return user.has_role("trainer") and curriculum.training_unit_id == user.unit_id


def ensure_can_edit_curriculum(user: User, curriculum: Curriculum) -> None:
    if not can_edit_curriculum(user, curriculum):
        raise PermissionDenied(
            "Only trainers of the training unit that owns this curriculum can change it."
        )


def _check(details: CurriculumDetails) -> tuple[str, list[CurriculumEntry]]:
    name = details.name.strip()
    if not name:
        raise ValidationError("A curriculum needs a name.")
    if len(name) > 200:
        raise ValidationError("A curriculum name is at most 200 characters.")
    entries = list(details.entries)
    if not entries:
        raise ValidationError("Add at least one course to the curriculum.")
    if len(entries) > MAX_COURSES:
        raise ValidationError(f"A curriculum has at most {MAX_COURSES} courses.")
    ids = [entry.course_id for entry in entries]
    if len(set(ids)) != len(ids):
        raise ValidationError("Each course can appear only once in a curriculum.")
    if not any(entry.required for entry in entries):
        raise ValidationError("Mark at least one course as required: completion depends on it.")
    found = {
        course.id: course for course in db.session.scalars(select(Course).where(Course.id.in_(ids)))
    }
    missing = [course_id for course_id in ids if course_id not in found]
    if missing:
        raise ValidationError(f"No course with id {', '.join(map(str, missing))}.")
    unpublished = [found[i].code for i in ids if found[i].status != CourseStatus.PUBLISHED]
    if unpublished:
        raise ValidationError(
            f"Only published courses can be part of a curriculum; not published: "
            f"{', '.join(unpublished)}."
        )
    return name, entries


def _covered_by_courses(course_ids: list[int]) -> tuple[list[str], list[str]]:
    """The principle and competency codes the courses' modules align to (one query)."""
    modules = db.session.scalars(
        select(Module)
        .where(Module.course_id.in_(course_ids))
        .options(selectinload(Module.principles), selectinload(Module.competency_links))
    ).all()
    principles = sorted(
        {p for m in modules for p in m.principles}, key=lambda p: (p.position, p.id)
    )
    competencies = sorted({code for m in modules for code in m.competency_codes})
    return [p.code for p in principles], competencies


def _apply(curriculum: Curriculum, details: CurriculumDetails) -> Curriculum:
    name, entries = _check(details)
    principle_codes = [code.strip().upper() for code in details.principle_codes if code.strip()]
    competency_codes = [code.strip().upper() for code in details.competency_codes if code.strip()]
    if not principle_codes and not competency_codes:
        principle_codes, competency_codes = _covered_by_courses([e.course_id for e in entries])
    known = principles_by_code()
    unknown = [code for code in principle_codes if code not in known]
    if unknown:
        raise ValidationError(f"Unknown reform principle: {', '.join(unknown)}.")
    bad = [code for code in competency_codes if not COMPETENCY_CODE.match(code)]
    if bad:
        raise ValidationError(f"Not a competency code: {', '.join(bad)}.")
    if curriculum not in db.session:  # a new one: added once checked, not autoflushed half-made
        db.session.add(curriculum)
    curriculum.name = name
    curriculum.description = details.description.strip()
    curriculum.principles = [known[code] for code in dict.fromkeys(principle_codes)]
    curriculum.competency_links = [
        CurriculumCompetency(competency_code=code) for code in dict.fromkeys(competency_codes)
    ]
    # Replace the entries: clear and flush first, so a course kept at another place does not
    # clash with its old row.
    curriculum.entries.clear()
    db.session.flush()
    curriculum.entries = [
        CurriculumCourse(course_id=entry.course_id, position=index, required=entry.required)
        for index, entry in enumerate(entries, start=1)
    ]
    db.session.flush()
    return curriculum


def create_curriculum(details: CurriculumDetails, *, actor: User) -> Curriculum:
    """A new curriculum owned by the trainer's training unit."""
    if not actor.has_role("trainer"):
        raise PermissionDenied("Only trainers build curricula.")
    curriculum = Curriculum(training_unit_id=actor.unit_id, created_by_id=actor.id)
    return _apply(curriculum, details)


def update_curriculum(
    curriculum: Curriculum, details: CurriculumDetails, *, actor: User
) -> Curriculum:
    """Change a curriculum. Open assignments of it follow: completion is then judged on the
    new list of required courses (see assignments.refresh_curriculum_completion)."""
    ensure_can_edit_curriculum(actor, curriculum)
    return _apply(curriculum, details)
