"""Where courses name a competency by its code (modules, bank questions, rubric criteria,
curricula), and moving those names from a retired competency to its successor, for the
competency model's upgrade (competencies/services/model_upgrade.py calls it). At the package's
top because it touches three rooms. Functions flush; callers commit.

What was recorded stays as it was: attempts keep the questions they were graded on (their
snapshot), evidence and certificates keep the competency they name, item analyses their figures."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update

from courses.assignments.models import CurriculumCompetency
from courses.learning.models import ModuleCompetency, Question
from courses.marking.models import RubricCriterion
from lms.extensions import db


@dataclass(frozen=True)
class TagsMoved:
    modules: int = 0
    questions: int = 0
    criteria: int = 0
    curricula: int = 0

    def __add__(self, other: TagsMoved) -> TagsMoved:
        return TagsMoved(
            self.modules + other.modules,
            self.questions + other.questions,
            self.criteria + other.criteria,
            self.curricula + other.curricula,
        )

    @property
    def total(self) -> int:
        return self.modules + self.questions + self.criteria + self.curricula


def move_competency_tags(retired: str, successor: str) -> TagsMoved:
    """Name `successor` wherever a module, a bank question, a rubric criterion or a curriculum
    names `retired` (a module or curriculum naming both keeps one link). Safe to run again."""
    questions = db.session.execute(
        update(Question)
        .where(Question.competency_code == retired)
        .values(competency_code=successor),
        execution_options={"synchronize_session": "fetch"},
    ).rowcount
    criteria = db.session.execute(
        update(RubricCriterion)
        .where(RubricCriterion.competency_code == retired)
        .values(competency_code=successor),
        execution_options={"synchronize_session": "fetch"},
    ).rowcount
    modules = _move_links(ModuleCompetency, ModuleCompetency.module_id, retired, successor)
    curricula = _move_links(
        CurriculumCompetency, CurriculumCompetency.curriculum_id, retired, successor
    )
    db.session.flush()
    return TagsMoved(modules, questions, criteria, curricula)


def _move_links(model, owner_column, retired: str, successor: str) -> int:
    """Links keyed by (owner, code): re-point each, or drop it where the owner already names
    the successor."""
    rows = list(db.session.scalars(select(model).where(model.competency_code == retired)))
    if not rows:
        return 0
    owners = {getattr(row, owner_column.key) for row in rows}
    has_successor = set(
        db.session.scalars(
            select(owner_column).where(owner_column.in_(owners), model.competency_code == successor)
        )
    )
    for row in rows:
        owner = getattr(row, owner_column.key)
        db.session.delete(row)
        if owner not in has_successor:
            db.session.add(model(**{owner_column.key: owner, "competency_code": successor}))
            has_successor.add(owner)
    return len(rows)
