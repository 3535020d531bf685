"""A framework's competency tree: read in order, competencies created, edited and moved.
Functions flush; callers commit."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from competencies.models import Competency, Framework
from competencies.services.descriptors import (
    clean_descriptors,
    descriptor_problems,
    external_id_problems,
)
from competencies.services.frameworks import DESCRIPTION_MAX, NAME_MAX, place_competency
from courses.authoring.services.structure import COMPETENCY_CODE
from courses.learning.models import ModuleCompetency, Question
from courses.learning.services.principles import principles_by_code
from lms.audit.services import AuditAction, record_audit
from lms.errors import Conflict, NotFound, ValidationError
from lms.extensions import db


@dataclass(frozen=True)
class CompetencyDetails:
    code: str
    name: str
    description: str
    parent_id: int | None
    principle_codes: tuple[str, ...]
    # What an officer at level 1, 2, … can do ("" for a level left blank); None keeps them.
    level_descriptors: tuple[str, ...] | None = None
    external_id: str | None = None  # None keeps it


def tree_order(competencies: Iterable[Competency]) -> list[Competency]:
    """Parents before their children, siblings by position then code (depth-first)."""
    children: dict[int | None, list[Competency]] = defaultdict(list)
    for competency in competencies:
        children[competency.parent_id].append(competency)
    ordered: list[Competency] = []

    def visit(parent_id: int | None) -> None:
        for child in sorted(children.get(parent_id, []), key=lambda c: (c.position, c.code)):
            ordered.append(child)
            visit(child.id)

    visit(None)
    return ordered


def competency_tree(framework: Framework) -> list[Competency]:
    """The framework's competencies in use in tree order, with their principles loaded: a
    competency an edition of the model retired is left out (its page, CSV and editor)."""
    return tree_order(
        db.session.scalars(
            select(Competency)
            .options(selectinload(Competency.principles))
            .where(Competency.framework_id == framework.id, Competency.retired_at.is_(None))
        )
    )


def get_competency(framework: Framework, competency_id: int) -> Competency:
    competency = db.session.get(Competency, competency_id)
    if competency is None or competency.framework_id != framework.id:
        raise NotFound(f"No competency with id {competency_id} in {framework.name}.")
    return competency


def _competency_record(competency: Competency) -> dict[str, Any]:
    return {
        "code": competency.code,
        "name": competency.name,
        "description": competency.description,
        "parent": competency.parent.code if competency.parent else None,
        "principles": [p.code for p in competency.principles],
        "level_descriptors": dict(competency.level_descriptors or {}),
        "external_id": competency.external_id,
    }


def _check_details(details: CompetencyDetails, levels: int) -> CompetencyDetails:
    code = details.code.strip().upper()
    if not COMPETENCY_CODE.match(code):
        raise ValidationError(
            "A competency code is 1 to 32 capital letters, digits and hyphens, starting with a "
            "letter or digit (course modules and questions name competencies by this code)."
        )
    name, description = details.name.strip(), details.description.strip()
    if not name:
        raise ValidationError("A competency needs a name.")
    if len(name) > NAME_MAX:
        raise ValidationError(f"A competency name is at most {NAME_MAX} characters.")
    if len(description) > DESCRIPTION_MAX:
        raise ValidationError(f"A description is at most {DESCRIPTION_MAX} characters.")
    descriptors = details.level_descriptors
    if descriptors is not None:
        descriptors = tuple(text.strip() for text in descriptors)
        problems = descriptor_problems(clean_descriptors(descriptors), levels)
        if problems:
            raise ValidationError(" ".join(problems))
    external_id = details.external_id
    if external_id is not None:
        external_id = external_id.strip()
        problems = external_id_problems(external_id)
        if problems:
            raise ValidationError(" ".join(problems))
    return CompetencyDetails(
        code,
        name,
        description,
        details.parent_id,
        tuple(dict.fromkeys(details.principle_codes)),
        descriptors,
        external_id,
    )


def _references_to_code(code: str) -> int:
    """How many course modules and questions name a competency code."""
    modules = db.session.scalar(
        select(func.count())
        .select_from(ModuleCompetency)
        .where(ModuleCompetency.competency_code == code)
    )
    questions = db.session.scalar(
        select(func.count()).select_from(Question).where(Question.competency_code == code)
    )
    return (modules or 0) + (questions or 0)


def save_competency(
    framework: Framework,
    competency: Competency | None,
    details: CompetencyDetails,
    *,
    actor_id: int | None,
) -> Competency:
    """Create a competency in `framework` (when `competency` is None) or change one.

    The code is unique across frameworks, and cannot change while course modules or questions
    name the old one. A new parent moves the competency with its subtree; it goes last among
    its new siblings.
    """
    details = _check_details(details, len(framework.scale))
    clash = db.session.scalar(
        select(Competency).where(
            Competency.code == details.code, Competency.id != (competency.id if competency else 0)
        )
    )
    if clash is not None:
        raise Conflict(
            f"The code {details.code} is already used by {clash.name} "
            f"({clash.framework.name}); codes are unique across frameworks."
        )
    if competency is not None and details.code != competency.code:
        uses = _references_to_code(competency.code)
        if uses:
            raise Conflict(
                f"The code {competency.code} cannot change: {uses} course module(s) or "
                "question(s) refer to it."
            )
    parent = None
    if details.parent_id:
        parent = db.session.get(Competency, details.parent_id)
        if parent is None or parent.framework_id != framework.id:
            raise ValidationError("The parent must be a competency of the same framework.")
        if competency is not None and parent.path.startswith(competency.path):
            raise ValidationError(
                "A competency cannot be placed under itself or one of its sub-competencies."
            )
    known = principles_by_code()
    unknown = [code for code in details.principle_codes if code not in known]
    if unknown:
        raise ValidationError(f"Unknown reform principle: {', '.join(unknown)}.")
    creating = competency is None
    before = None if creating else _competency_record(competency)
    if creating:
        competency = Competency(framework_id=framework.id)
        db.session.add(competency)
    competency.code, competency.name = details.code, details.name
    competency.description = details.description
    competency.principles = [known[code] for code in details.principle_codes]
    if details.level_descriptors is not None:
        competency.level_descriptors = clean_descriptors(details.level_descriptors)
    if details.external_id is not None:
        competency.external_id = details.external_id
    new_parent_id = parent.id if parent else None
    if creating or competency.parent_id != new_parent_id:
        _move(framework, competency, parent)
    competency.parent = parent
    db.session.flush()
    after = _competency_record(competency)
    if before != after:
        record_audit(
            AuditAction.COMPETENCY_CREATED if creating else AuditAction.COMPETENCY_UPDATED,
            actor_id=actor_id,
            target_type="competency",
            target_id=competency.id,
            summary=f"{'Created' if creating else 'Updated'} competency {competency.code} "
            f"in {framework.code}",
            before=before,
            after=after,
        )
    return competency


def _move(framework: Framework, competency: Competency, parent: Competency | None) -> None:
    """Place a competency last under `parent`, carrying its subtree's paths along."""
    siblings = db.session.scalars(
        select(Competency.position).where(
            Competency.framework_id == framework.id,
            Competency.parent_id.is_(None) if parent is None else Competency.parent_id == parent.id,
            Competency.id != (competency.id or 0),
        )
    ).all()
    competency.position = max(siblings, default=0) + 1
    db.session.flush()
    old_path, old_depth = competency.path, competency.depth
    place_competency(competency, parent)
    if old_path != "/" and old_path != competency.path:
        descendants = db.session.scalars(
            select(Competency).where(
                Competency.framework_id == framework.id,
                Competency.path.startswith(old_path, autoescape=True),
                Competency.id != competency.id,
            )
        )
        for descendant in descendants:
            descendant.path = competency.path + descendant.path[len(old_path) :]
            descendant.depth += competency.depth - old_depth
