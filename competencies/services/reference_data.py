"""The competencies' reference data: the default frameworks and the standard positions' default
requirements. Loaded by `flask frameworks load-defaults` in any installation (production
included) and by the demo; safe to run again. Functions flush; callers commit."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from competencies.default_positions import (
    MANDATORY_COMPETENCIES,
    POSITION_REQUIREMENTS,
    default_profile,
)
from competencies.models import Competency, Framework, PositionRequirement
from competencies.services.descriptors import fill_default_descriptors
from competencies.services.frameworks import competencies_by_code, ensure_default_frameworks
from competencies.services.model_upgrade import ModelUpgrade, upgrade_competency_model
from lms.extensions import db
from lms.organisation.models import JobPosition


@dataclass(frozen=True)
class ReferenceDataLoad:
    frameworks: int  # the default frameworks, present now
    frameworks_added: tuple[str, ...]
    competencies_added: int
    requirements_added: dict[str, int]  # position code -> requirements given
    positions_kept: tuple[str, ...]  # already had requirements: HR's, left as they are
    positions_missing: tuple[str, ...]  # a default profile, but no position by that code
    upgrade: ModelUpgrade  # from the first edition of the model, when its data was there
    # competencies given the default level descriptors or external identifier they lacked
    descriptors_filled: int = 0

    @property
    def changed(self) -> bool:
        return bool(
            self.frameworks_added
            or self.competencies_added
            or self.requirements_added
            or self.descriptors_filled
            or self.upgrade.changed
        )

    def report(self) -> str:
        lines = []
        if self.frameworks_added or self.competencies_added:
            lines.append(
                f"Frameworks: {len(self.frameworks_added)} added "
                f"({', '.join(self.frameworks_added) or 'none'}), "
                f"{self.competencies_added} competencies added."
            )
        lines += self.upgrade.report()
        if self.descriptors_filled:
            lines.append(
                f"Level descriptors or external identifiers written into "
                f"{self.descriptors_filled} competencies that had none."
            )
        for code, count in self.requirements_added.items():
            lines.append(f"Position {code}: {count} default requirements added.")
        if self.positions_kept:
            lines.append(
                "Positions that already have requirements, left as they are: "
                + ", ".join(self.positions_kept)
                + "."
            )
        if self.positions_missing:
            lines.append(
                "No position with code "
                + ", ".join(self.positions_missing)
                + ": their default requirements were not loaded (create the position, then "
                "run this again)."
            )
        if not self.changed:
            lines.insert(
                0,
                f"Nothing to load: the {self.frameworks} default frameworks and the positions' "
                "default requirements are already there.",
            )
        return "\n".join(lines)


def default_requirements(position_code: str) -> dict[str, int]:
    """The required level per competency code of a standard position (empty: none known)."""
    return default_profile(position_code)


def load_reference_data() -> ReferenceDataLoad:
    """Create the default frameworks and competencies that are missing, upgrade a first
    edition's data to the second edition of the model (services/model_upgrade.py), write the
    default level descriptors and external identifiers into competencies that have none, and
    give each standard position that exists and has no requirements yet its default
    requirements.

    A position that has any requirement is left alone (HR has set it, or removed some on
    purpose); a standard position code with no position is reported, not created."""
    before = set(db.session.scalars(select(Framework.code)))
    competencies_before = db.session.scalar(select(func.count(Competency.id))) or 0
    frameworks = ensure_default_frameworks()
    competencies_added = (
        db.session.scalar(select(func.count(Competency.id))) or 0
    ) - competencies_before
    upgrade = upgrade_competency_model()
    descriptors_filled = fill_default_descriptors()
    competencies = competencies_by_code()
    positions = {p.code: p for p in db.session.scalars(select(JobPosition))}
    with_requirements = set(db.session.scalars(select(PositionRequirement.position_id).distinct()))
    added: dict[str, int] = {}
    kept, missing = [], []
    for code in POSITION_REQUIREMENTS:
        position = positions.get(code)
        if position is None:
            missing.append(code)
            continue
        if position.id in with_requirements:
            if code not in upgrade.profiles_replaced:  # reported by the upgrade already
                kept.append(code)
            continue
        required = default_requirements(code)
        for competency_code, level in required.items():
            db.session.add(
                PositionRequirement(
                    position_id=position.id,
                    competency_id=competencies[competency_code].id,
                    required_level=level,
                    mandatory=competency_code in MANDATORY_COMPETENCIES,
                )
            )
        added[code] = len(required)
    db.session.flush()
    return ReferenceDataLoad(
        frameworks=len(frameworks),
        frameworks_added=tuple(f.code for f in frameworks if f.code not in before),
        competencies_added=competencies_added,
        requirements_added=added,
        positions_kept=tuple(kept),
        positions_missing=tuple(missing),
        upgrade=upgrade,
        descriptors_filled=descriptors_filled,
    )
