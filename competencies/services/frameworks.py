"""Frameworks: the defaults, their settings (scale, proficient level, level policy) and the
rules their fields follow. Functions flush; callers commit.

The competencies of a framework are edited in competencies.services.competency_tree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from competencies.defaults import DEFAULT_FRAMEWORKS, CompetencyFact, FrameworkFact
from competencies.models import (
    Competency,
    CompetencySuccession,
    Evidence,
    Framework,
    LevelPolicy,
    PositionRequirement,
)
from competencies.rules import DEFAULT_MIN_QUESTIONS
from competencies.services.levels import rebuild_current_levels
from courses.certificates.services.credentials import Alignment
from courses.events import CompetencyAlignments, UnknownCompetencies
from courses.learning.models import Question
from courses.learning.services.principles import ensure_principles
from lms.audit.services import AuditAction, record_audit
from lms.errors import NotFound, ValidationError
from lms.extensions import db


def get_framework(framework_id: int) -> Framework:
    framework = db.session.get(Framework, framework_id)
    if framework is None:
        raise NotFound(f"No competency framework with id {framework_id}.")
    return framework


def list_frameworks() -> list[Framework]:
    """The frameworks in use, in order: a retired framework (an earlier edition's) is left out."""
    return list(
        db.session.scalars(
            select(Framework)
            .where(Framework.retired_at.is_(None))
            .order_by(Framework.position, Framework.id)
        )
    )


def competencies_by_code(codes: set[str] | None = None) -> dict[str, Competency]:
    """Competencies (with their frameworks) by code, in one query."""
    query = select(Competency).options(selectinload(Competency.framework))
    if codes is not None:
        if not codes:
            return {}
        query = query.where(Competency.code.in_(codes))
    return {c.code: c for c in db.session.scalars(query)}


def competencies_in_force(codes: set[str]) -> dict[str, Competency]:
    """The competency each code's evidence goes to: itself, or, for a competency an edition of
    the model retired, its recorded successor (an attempt started before the upgrade, a course
    not yet re-tagged). Codes no framework holds are left out. One query, two with a retired
    code."""
    found = competencies_by_code(codes)
    retired = {code for code, c in found.items() if c.retired_at is not None}
    if not retired:
        return found
    successor_codes = dict(
        db.session.execute(
            select(CompetencySuccession.retired_code, CompetencySuccession.successor_code).where(
                CompetencySuccession.retired_code.in_(retired)
            )
        ).all()
    )
    successors = competencies_by_code(set(successor_codes.values()))
    for code in retired:
        successor = successors.get(successor_codes.get(code, ""))
        if successor is not None:
            found[code] = successor
    return found


def answer_competency_alignments(lookup: CompetencyAlignments) -> list[Alignment]:
    """The certificates' CompetencyAlignments lookup (wired in register_events): the competencies
    named by the codes as a credential's alignments (name and framework), in the order given, in
    one query; a code no framework holds is named by itself."""
    codes = lookup.codes
    found = competencies_by_code(set(codes))
    return [
        Alignment(code, found[code].name, found[code].framework.name)
        if code in found
        else Alignment(code, code, "")
        for code in codes
    ]


def answer_unknown_competencies(lookup: UnknownCompetencies) -> frozenset[str]:
    """The course import's UnknownCompetencies lookup (wired in register_events): the codes no
    framework holds, in one query."""
    return frozenset(lookup.codes - set(competencies_by_code(set(lookup.codes))))


def place_competency(competency: Competency, parent: Competency | None) -> None:
    """Set the tree fields of a flushed competency under `parent`."""
    competency.parent_id = parent.id if parent else None
    competency.path = f"{parent.path if parent else '/'}{competency.id}/"
    competency.depth = parent.depth + 1 if parent else 0


def add_competency(
    framework_id: int,
    code: str,
    name: str,
    description: str,
    position: int,
    principles: list,
    parent: Competency | None,
) -> Competency:
    """Create a competency under `parent` (None: top level), with its principles."""
    competency = Competency(
        framework_id=framework_id, code=code, name=name, description=description, position=position
    )
    competency.principles = principles
    db.session.add(competency)
    db.session.flush()
    place_competency(competency, parent)
    return competency


def ensure_default_frameworks() -> list[Framework]:
    """Create the default frameworks and competencies that are missing (safe to run again);
    returns the frameworks in use (retired ones left out), in order. A retired competency is
    never created again: it is not among the defaults."""
    principles = {p.code: p for p in ensure_principles()}
    existing = {f.code: f for f in db.session.scalars(select(Framework))}
    known = competencies_by_code()
    for position, fact in enumerate(DEFAULT_FRAMEWORKS, start=1):
        framework = existing.get(fact.code)
        if framework is None:
            framework = _new_framework(fact, position)
            existing[fact.code] = framework
        for index, competency in enumerate(fact.competencies, start=1):
            _ensure_competency(framework, competency, None, index, known, principles)
    db.session.flush()
    return sorted(
        (f for f in existing.values() if f.retired_at is None), key=lambda f: (f.position, f.id)
    )


def _new_framework(fact: FrameworkFact, position: int) -> Framework:
    framework = Framework(
        code=fact.code,
        name=fact.name,
        description=fact.description,
        level_policy=fact.level_policy,
        validity_months=fact.validity_months,
        taxonomy=fact.taxonomy,
        position=position,
        proficient_level=2,
        scale=["Aware", "Trained", "Advanced", "Expert"],
    )
    db.session.add(framework)
    db.session.flush()
    return framework


def _ensure_competency(
    framework: Framework,
    fact: CompetencyFact,
    parent: Competency | None,
    position: int,
    known: dict[str, Competency],
    principles: dict,
) -> None:
    competency = known.get(fact.code)
    if competency is None:
        competency = add_competency(
            framework.id,
            fact.code,
            fact.name,
            fact.description,
            position,
            [principles[code] for code in fact.principles],
            parent,
        )
        known[fact.code] = competency
    for index, child in enumerate(fact.children, start=1):
        _ensure_competency(framework, child, competency, index, known, principles)


# --- Framework settings and competencies, edited by HR and administrators ---------------------

MIN_LEVELS, MAX_LEVELS = 2, 10
LEVEL_NAME_MAX = 60
FRAMEWORK_CODE_MAX = 64
NAME_MAX = 200
DESCRIPTION_MAX = 10_000
TAXONOMY_MAX = 200
VALIDITY_MONTHS_MAX = 240
MIN_QUESTIONS_LIMITS = (1, 20)  # per level, for a quiz to evidence it
LEVEL_POLICIES = tuple(policy.value for policy in LevelPolicy)


@dataclass(frozen=True)
class FrameworkSettings:
    name: str
    description: str
    scale: tuple[str, ...]
    proficient_level: int
    level_policy: str
    validity_months: int | None
    min_questions_per_level: int = DEFAULT_MIN_QUESTIONS


@dataclass(frozen=True)
class FrameworkUpdate:
    framework: Framework
    changed: bool
    levels_rebuilt: int | None  # current levels recomputed (the policy or validity changed)


def scale_problems(scale: Sequence[str]) -> list[str]:
    """What is wrong with a list of level names, lowest first (pure)."""
    problems = []
    if not MIN_LEVELS <= len(scale) <= MAX_LEVELS:
        problems.append(f"A scale has {MIN_LEVELS} to {MAX_LEVELS} levels, not {len(scale)}.")
    if any(not name for name in scale):
        problems.append("Every level needs a name.")
    if any("," in name for name in scale):
        problems.append("Level names cannot contain commas.")
    if any(len(name) > LEVEL_NAME_MAX for name in scale):
        problems.append(f"A level name is at most {LEVEL_NAME_MAX} characters.")
    folded = [name.casefold() for name in scale]
    repeated = sorted({name for name in scale if folded.count(name.casefold()) > 1})
    if repeated:
        problems.append(f"Each level needs its own name: {', '.join(repeated)} is repeated.")
    return problems


def policy_problems(level_policy: str, validity_months: int | None) -> list[str]:
    """What is wrong with a level policy and its validity period (pure)."""
    if level_policy not in LEVEL_POLICIES:
        return [f"Unknown level policy '{level_policy}'; use one of {', '.join(LEVEL_POLICIES)}."]
    if level_policy == LevelPolicy.HIGHEST_VALID.value:
        if validity_months is None:
            return ["The 'highest valid' policy needs a validity period in months."]
        if not 1 <= validity_months <= VALIDITY_MONTHS_MAX:
            return [f"The validity period is 1 to {VALIDITY_MONTHS_MAX} months."]
    elif validity_months is not None:
        return [
            "A validity period applies only to the 'highest valid' policy: leave it empty "
            "or choose that policy."
        ]
    return []


def settings_problems(settings: FrameworkSettings) -> list[str]:
    """Every problem with a framework's settings, as messages (pure)."""
    problems = []
    if not settings.name:
        problems.append("A framework needs a name.")
    elif len(settings.name) > NAME_MAX:
        problems.append(f"A framework name is at most {NAME_MAX} characters.")
    if len(settings.description) > DESCRIPTION_MAX:
        problems.append(f"A description is at most {DESCRIPTION_MAX} characters.")
    problems += scale_problems(settings.scale)
    if not 1 <= settings.proficient_level <= len(settings.scale):
        problems.append(
            f"The proficient level must be one of the scale's levels (1 to {len(settings.scale)})."
        )
    problems += min_questions_problems(settings.min_questions_per_level)
    return problems + policy_problems(settings.level_policy, settings.validity_months)


def min_questions_problems(min_questions: int) -> list[str]:
    """What is wrong with the questions a quiz needs per level to evidence it (pure)."""
    low, high = MIN_QUESTIONS_LIMITS
    if not low <= min_questions <= high:
        return [f"The questions needed per level are {low} to {high}, not {min_questions}."]
    return []


def clean_settings(settings: FrameworkSettings) -> FrameworkSettings:
    return FrameworkSettings(
        settings.name.strip(),
        settings.description.strip(),
        tuple(name.strip() for name in settings.scale),
        settings.proficient_level,
        settings.level_policy,
        settings.validity_months,
        settings.min_questions_per_level,
    )


def highest_level_in_use(framework: Framework) -> int:
    """The highest level any evidence, position requirement or question of the framework names:
    the scale cannot shrink below it."""
    ids = select(Competency.id).where(Competency.framework_id == framework.id)
    codes = select(Competency.code).where(Competency.framework_id == framework.id)
    return max(
        db.session.scalar(select(func.max(Evidence.level)).where(Evidence.competency_id.in_(ids)))
        or 0,
        db.session.scalar(
            select(func.max(PositionRequirement.required_level)).where(
                PositionRequirement.competency_id.in_(ids)
            )
        )
        or 0,
        db.session.scalar(
            select(func.max(Question.level)).where(Question.competency_code.in_(codes))
        )
        or 0,
    )


def _settings_of(framework: Framework) -> dict[str, Any]:
    return {
        "name": framework.name,
        "description": framework.description,
        "scale": list(framework.scale),
        "proficient_level": framework.proficient_level,
        "level_policy": framework.level_policy,
        "validity_months": framework.validity_months,
        "min_questions_per_level": framework.min_questions_per_level,
    }


def update_framework(
    framework: Framework, settings: FrameworkSettings, *, actor_id: int | None
) -> FrameworkUpdate:
    """Change a framework's name, scale, proficient level, level policy and the questions a
    quiz needs per level.

    A new policy or validity period recomputes the framework's current levels from evidence
    in the same transaction, so that the matrix never shows levels made by the old rule. A new
    number of questions per level applies to attempts graded from then on: evidence already
    recorded stays as it is (append-only), and with it the levels it made.
    """
    settings = clean_settings(settings)
    problems = settings_problems(settings)
    if problems:
        raise ValidationError(" ".join(problems))
    in_use = highest_level_in_use(framework)
    if len(settings.scale) < in_use:
        raise ValidationError(
            f"The scale needs at least {in_use} levels: level {in_use} is already used by "
            "evidence, position requirements or questions of this framework."
        )
    before = _settings_of(framework)
    rule_changed = (framework.level_policy, framework.validity_months) != (
        settings.level_policy,
        settings.validity_months,
    )
    framework.name, framework.description = settings.name, settings.description
    framework.scale = list(settings.scale)
    framework.proficient_level = settings.proficient_level
    framework.level_policy, framework.validity_months = (
        settings.level_policy,
        settings.validity_months,
    )
    framework.min_questions_per_level = settings.min_questions_per_level
    db.session.flush()
    after = _settings_of(framework)
    if before == after:
        return FrameworkUpdate(framework, False, None)
    rebuilt = rebuild_current_levels(framework.id) if rule_changed else None
    record_audit(
        AuditAction.FRAMEWORK_UPDATED,
        actor_id=actor_id,
        target_type="framework",
        target_id=framework.id,
        summary=f"Updated framework {framework.code}"
        + (f"; {rebuilt} current levels recomputed" if rebuilt is not None else ""),
        before=before,
        after=after,
    )
    return FrameworkUpdate(framework, True, rebuilt)
