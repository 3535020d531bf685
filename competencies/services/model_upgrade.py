"""The upgrade from the first edition of the competency model to the second (issue 13): run by
`lms frameworks load-defaults` (reference_data.load_reference_data), after the new frameworks
and competencies are created, and on its own by `lms competencies upgrade-model`. Safe to run
again; on a fresh install (no first-edition competency) it changes nothing.

For each succession in competencies/successions.py whose retired competency is in the database:
- once (recorded in `competency_successions`): every officer's level in force in the retired
  competency becomes evidence of source "mapped" on its successor, dated when the level was
  reached and naming the retired code; the successor's framework rule then gives the level (the
  higher of the two, for a "highest" framework); the competency is marked retired;
- every run: requirements on it move to the successor (the higher level where a position
  requires both), and so do module and question tags, rubric criteria and curricula (courses/
  competency_tags.py): whatever still names it, such as a course imported since.
Evidence, attempts and certificates are never rewritten. A standard position whose
requirements are still exactly the first edition's default profile gets the second edition's;
any other keeps HR's choices, moved to the successors. Functions flush; callers commit."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from competencies.default_positions import (
    FIRST_EDITION_MANDATORY,
    FIRST_EDITION_PROFILES,
    MANDATORY_COMPETENCIES,
    default_profile,
)
from competencies.defaults import DEFAULT_FRAMEWORKS
from competencies.models import (
    Competency,
    CompetencySuccession,
    CurrentLevel,
    Evidence,
    EvidenceSource,
    Framework,
    PositionRequirement,
)
from competencies.services.frameworks import competencies_by_code
from competencies.services.levels import rebuild_current_levels
from competencies.successions import RETIRED_FRAMEWORKS, SUCCESSIONS, Succession
from courses.competency_tags import TagsMoved, move_competency_tags
from lms.extensions import db
from lms.organisation.models import JobPosition
from lms.timeutil import utcnow

# The first edition's words the second replaces, where nobody has changed them since:
# framework code -> (name, description); competency code -> description.
FIRST_EDITION_FRAMEWORK_TEXTS = {
    "RKC-PRINCIPLES": (
        "Reform principles of the Revised Kyoto Convention",
        "What an officer must be able to do to carry each reform principle into daily work.",
    ),
    "CUSTOMS-OPS": (
        "Operational customs competencies",
        "The technical skills reforms such as the WTO Valuation Agreement need several of at "
        "once, after the EU Customs Competency Framework.",
    ),
    "PICARD-MGT": ("Management knowledge (WCO PICARD Professional Standards)", None),
}
FIRST_EDITION_COMPETENCY_TEXTS = {
    "P-INT": "Works free of corruption, declines gifts and favours, declares conflicts of "
    "interest and reports misconduct through the proper channel.",
}


@dataclass
class ModelUpgrade:
    retired: list[str] = field(default_factory=list)  # retired by this run
    levels_carried: int = 0
    requirements_moved: int = 0
    profiles_replaced: list[str] = field(default_factory=list)
    tags: TagsMoved = field(default_factory=TagsMoved)
    frameworks_retired: list[str] = field(default_factory=list)
    texts_updated: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.retired
            or self.requirements_moved
            or self.profiles_replaced
            or self.tags.total
            or self.frameworks_retired
            or self.texts_updated
        )

    def report(self) -> list[str]:
        lines = []
        if self.retired:
            lines.append(
                f"Competency model, second edition: {len(self.retired)} competencies retired "
                f"({', '.join(self.retired)}), each mapped to its successor; "
                f"{self.levels_carried} officers' levels carried to the successors as evidence "
                "of source 'mapped'."
            )
        if self.frameworks_retired:
            lines.append(f"Frameworks retired: {', '.join(self.frameworks_retired)}.")
        if self.profiles_replaced:
            lines.append(
                "Positions with the first edition's default profile, given the second "
                f"edition's: {', '.join(self.profiles_replaced)}."
            )
        if self.requirements_moved:
            lines.append(
                f"{self.requirements_moved} requirements on retired competencies moved to "
                "their successors."
            )
        if self.tags.total:
            t = self.tags
            lines.append(
                f"Re-tagged to the successors: {t.modules} module links, {t.questions} bank "
                f"questions, {t.criteria} rubric criteria, {t.curricula} curriculum links "
                "(graded attempts keep the questions they were graded on)."
            )
        if self.texts_updated:
            updated = ", ".join(self.texts_updated)
            lines.append(f"Second edition's names and descriptions: {updated}.")
        return lines


def upgrade_competency_model() -> ModelUpgrade:
    """Apply the second edition's successions (see the module's docstring)."""
    upgrade = ModelUpgrade()
    known = competencies_by_code()
    present = [s for s in SUCCESSIONS if s.retired in known and s.successor in known]
    if not present:
        return upgrade
    now = utcnow()
    recorded = {row.retired_code: row for row in db.session.scalars(select(CompetencySuccession))}
    upgrade.profiles_replaced = _replace_untouched_profiles(known)
    touched_frameworks: set[int] = set()
    for succession in present:
        retired, successor = known[succession.retired], known[succession.successor]
        record = recorded.get(succession.retired)
        if record is None:
            carried = _carry_levels(retired, successor, now)
            if carried:
                touched_frameworks.add(successor.framework_id)
            retired.retired_at = retired.retired_at or now
            record = _record(succession, carried, now)
            upgrade.retired.append(retired.code)
            upgrade.levels_carried += carried
        moved = _move_requirements(retired, successor)
        record.requirements_moved += moved
        upgrade.requirements_moved += moved
        upgrade.tags += move_competency_tags(retired.code, successor.code)
    upgrade.frameworks_retired = _retire_frameworks(now)
    upgrade.texts_updated = _second_edition_texts(known)
    if upgrade.retired:
        _order_frameworks()
    db.session.flush()
    for framework_id in sorted(touched_frameworks):
        rebuild_current_levels(framework_id)
    return upgrade


def _record(succession: Succession, carried: int, now) -> CompetencySuccession:
    record = CompetencySuccession(
        retired_code=succession.retired,
        successor_code=succession.successor,
        reason=succession.reason,
        levels_carried=carried,
        requirements_moved=0,
        recorded_at=now,
    )
    db.session.add(record)
    return record


def _carry_levels(retired: Competency, successor: Competency, now) -> int:
    """One 'mapped' evidence row on the successor per officer holding a level in force in the
    retired competency, dated when that level was reached (so a lapsing framework lapses it
    when it would have lapsed); the caller rebuilds the successor's framework's levels."""
    rows = db.session.scalars(
        select(CurrentLevel).where(
            CurrentLevel.competency_id == retired.id,
            CurrentLevel.level > 0,
            (CurrentLevel.expires_at.is_(None)) | (CurrentLevel.expires_at > now),
        )
    ).all()
    for row in rows:
        db.session.add(
            Evidence(
                user_id=row.user_id,
                competency_id=successor.id,
                level=row.level,
                source=EvidenceSource.MAPPED.value,
                note=(
                    f"Level {row.level} in {retired.code} ({retired.name}), held since "
                    f"{row.achieved_at:%Y-%m-%d}, carried to {successor.code} when the second "
                    f"edition of the competency model retired {retired.code} "
                    f"({now:%Y-%m-%d})."
                ),
                basis={"retired_code": retired.code, "successor_code": successor.code},
                created_at=row.achieved_at,
            )
        )
    return len(rows)


def _move_requirements(retired: Competency, successor: Competency) -> int:
    """Each position's requirement on `retired` becomes one on `successor` (where it has one
    already: the higher level, mandatory if either was)."""
    rows = db.session.scalars(
        select(PositionRequirement).where(PositionRequirement.competency_id == retired.id)
    ).all()
    for row in rows:
        existing = db.session.get(PositionRequirement, (row.position_id, successor.id))
        if existing is None:
            db.session.add(
                PositionRequirement(
                    position_id=row.position_id,
                    competency_id=successor.id,
                    required_level=row.required_level,
                    mandatory=row.mandatory or successor.code in MANDATORY_COMPETENCIES,
                )
            )
        else:
            existing.required_level = max(existing.required_level, row.required_level)
            existing.mandatory = existing.mandatory or row.mandatory
        db.session.delete(row)
        db.session.flush()
    return len(rows)


def _replace_untouched_profiles(known: dict[str, Competency]) -> list[str]:
    """Standard positions whose requirements are exactly the first edition's default profile
    (levels and mandatory flags) get the second edition's."""
    by_id = {c.id: c.code for c in known.values()}
    positions = db.session.scalars(
        select(JobPosition).where(JobPosition.code.in_(FIRST_EDITION_PROFILES))
    ).all()
    replaced = []
    for position in sorted(positions, key=lambda p: p.code):
        rows = db.session.scalars(
            select(PositionRequirement).where(PositionRequirement.position_id == position.id)
        ).all()
        have = {by_id[r.competency_id]: (r.required_level, r.mandatory) for r in rows}
        first = {
            code: (level, code in FIRST_EDITION_MANDATORY)
            for code, level in FIRST_EDITION_PROFILES[position.code].items()
        }
        if have != first:
            continue
        for row in rows:
            db.session.delete(row)
        db.session.flush()
        for code, level in default_profile(position.code).items():
            db.session.add(
                PositionRequirement(
                    position_id=position.id,
                    competency_id=known[code].id,
                    required_level=level,
                    mandatory=code in MANDATORY_COMPETENCIES,
                )
            )
        replaced.append(position.code)
    db.session.flush()
    return replaced


def _retire_frameworks(now) -> list[str]:
    """The first edition's frameworks the second drops, once all their competencies are."""
    retired = []
    for framework in db.session.scalars(
        select(Framework).where(
            Framework.code.in_(RETIRED_FRAMEWORKS), Framework.retired_at.is_(None)
        )
    ):
        if all(c.retired_at is not None for c in framework.competencies):
            framework.retired_at = now
            retired.append(framework.code)
    return retired


def _second_edition_texts(known: dict[str, Competency]) -> list[str]:
    """The second edition's names and descriptions, where the first edition's are unchanged."""
    facts = {fact.code: fact for fact in DEFAULT_FRAMEWORKS}
    updated = []
    for framework in db.session.scalars(
        select(Framework).where(Framework.code.in_(FIRST_EDITION_FRAMEWORK_TEXTS))
    ):
        old_name, old_description = FIRST_EDITION_FRAMEWORK_TEXTS[framework.code]
        fact = facts[framework.code]
        renamed = framework.name == old_name
        redescribed = old_description is not None and framework.description == old_description
        if renamed:
            framework.name = fact.name
        if redescribed:
            framework.description = fact.description
        if renamed or redescribed:
            updated.append(framework.code)
    competency_facts = {c.code: c for fact in DEFAULT_FRAMEWORKS for c in fact.competencies}
    for code, old in FIRST_EDITION_COMPETENCY_TEXTS.items():
        competency = known.get(code)
        if competency is not None and competency.description == old:
            competency.description = competency_facts[code].description
            updated.append(code)
    return updated


def _order_frameworks() -> None:
    """The default frameworks first, in the second edition's order; the others after them in
    their order; retired ones last."""
    order = {fact.code: index for index, fact in enumerate(DEFAULT_FRAMEWORKS, start=1)}
    frameworks = sorted(
        db.session.scalars(select(Framework)),
        key=lambda f: (f.retired_at is not None, order.get(f.code, len(order) + 1), f.position),
    )
    for position, framework in enumerate(frameworks, start=1):
        framework.position = position
