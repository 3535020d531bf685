"""What each job position requires: a level per competency, mandatory or not. HR sets them;
every change is audit-logged. Functions flush; callers commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select

from competencies.models import Competency, Framework, PositionRequirement
from competencies.services.gaps import tree_sort_key
from lms.audit.services import AuditAction, record_audit
from lms.errors import ValidationError
from lms.extensions import db
from lms.organisation.models import JobPosition


@dataclass(frozen=True)
class RequirementChoice:
    """What HR chose for one competency: level 0 means "not required"."""

    competency_id: int
    level: int
    mandatory: bool = True


@dataclass(frozen=True)
class RequirementChanges:
    saved: int = 0
    removed: int = 0

    @property
    def total(self) -> int:
        return self.saved + self.removed


def requirements_of(position_id: int) -> dict[int, PositionRequirement]:
    """A position's requirements by competency id (one query)."""
    return {
        row.competency_id: row
        for row in db.session.scalars(
            select(PositionRequirement).where(PositionRequirement.position_id == position_id)
        )
    }


def requirement_counts() -> dict[int, int]:
    """How many competencies each position requires, by position id (one GROUP BY)."""
    return dict(
        db.session.execute(
            select(PositionRequirement.position_id, func.count()).group_by(
                PositionRequirement.position_id
            )
        ).all()
    )


def requirement_catalogue() -> list[tuple[Framework, list[Competency]]]:
    """Every framework with its competencies in tree order: the rows of the editor."""
    rows = db.session.execute(
        select(Framework, Competency)
        .join(Competency, Competency.framework_id == Framework.id)
        .where(Competency.retired_at.is_(None), Framework.retired_at.is_(None))
        .order_by(Framework.position, Framework.id)
    ).all()
    places = {c.id: (c.position, c.code) for _, c in rows}
    grouped: dict[int, tuple[Framework, list[Competency]]] = {}
    for framework, competency in rows:
        grouped.setdefault(framework.id, (framework, []))[1].append(competency)
    for _, competencies in grouped.values():
        competencies.sort(key=lambda c: tree_sort_key(c.path, places))
    return list(grouped.values())


def save_requirements(
    position: JobPosition, choices: Iterable[RequirementChoice], *, actor_id: int | None
) -> RequirementChanges:
    """Apply HR's choices for a position: all of them, or none when one is refused.

    A level must lie on the competency's framework scale (0 removes the requirement). Only
    what changes is written and audit-logged, one entry per competency.
    """
    choices = list(choices)
    wanted_ids = {choice.competency_id for choice in choices}
    if len(wanted_ids) != len(choices):
        raise ValidationError("Each competency may appear only once.")
    rows = (
        db.session.execute(
            select(Competency, Framework.scale)
            .join(Framework, Framework.id == Competency.framework_id)
            .where(Competency.id.in_(wanted_ids), Competency.retired_at.is_(None))
        ).all()
        if wanted_ids
        else []
    )
    known = {competency.id: competency for competency, _ in rows}
    scale_length = {competency.id: len(scale) for competency, scale in rows}
    problems = []
    for choice in choices:
        competency = known.get(choice.competency_id)
        if competency is None:
            problems.append(f"There is no competency with id {choice.competency_id}.")
        elif not 0 <= choice.level <= scale_length[competency.id]:
            problems.append(
                f"The level for {competency.code} must be 0 (not required) to "
                f"{scale_length[competency.id]}; {choice.level} was given."
            )
    if problems:
        raise ValidationError(" ".join(problems))

    existing = requirements_of(position.id)
    changes = RequirementChanges()
    for choice in choices:
        competency = known[choice.competency_id]
        row = existing.get(competency.id)
        if choice.level == 0:
            if row is not None:
                _audit(position, competency, _snapshot(competency, row), None, actor_id)
                db.session.delete(row)
                changes = RequirementChanges(changes.saved, changes.removed + 1)
            continue
        if row is not None and (row.required_level, row.mandatory) == (
            choice.level,
            choice.mandatory,
        ):
            continue
        before = _snapshot(competency, row)
        if row is None:
            row = PositionRequirement(position_id=position.id, competency_id=competency.id)
            db.session.add(row)
        row.required_level, row.mandatory = choice.level, choice.mandatory
        _audit(position, competency, before, row, actor_id)
        changes = RequirementChanges(changes.saved + 1, changes.removed)
    db.session.flush()
    return changes


def _snapshot(competency: Competency, row: PositionRequirement | None) -> dict | None:
    if row is None:
        return None
    return {
        "competency": competency.code,
        "required_level": row.required_level,
        "mandatory": row.mandatory,
    }


def _audit(
    position: JobPosition,
    competency: Competency,
    before: dict | None,
    after: PositionRequirement | None,
    actor_id: int | None,
) -> None:
    if after is None:
        summary = f"{position.code} no longer requires {competency.code}"
    else:
        summary = (
            f"{position.code} requires {competency.code} at level {after.required_level}"
            f"{' (mandatory)' if after.mandatory else ''}"
        )
    record_audit(
        AuditAction.REQUIREMENT_REMOVED if after is None else AuditAction.REQUIREMENT_SET,
        actor_id=actor_id,
        target_type="position",
        target_id=position.id,
        summary=summary,
        before=before,
        after=_snapshot(competency, after),
    )
