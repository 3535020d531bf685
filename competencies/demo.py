"""Demo data for competencies: the reference data (the default frameworks, what each standard
position requires: competencies/services/reference_data.py), then the demo's own, some
trainers' on-the-job ratings so the matrix shows a believable spread."""

from __future__ import annotations

import random
from dataclasses import dataclass

from sqlalchemy import select

from competencies.models import Evidence, PositionRequirement
from competencies.services.evidence import NewEvidence, append_evidence
from competencies.services.frameworks import competencies_by_code
from competencies.services.reference_data import load_reference_data
from lms.accounts.models import User, UserRole
from lms.demo_organisation import DEMO_OFFICER_EMAIL
from lms.extensions import db

DEMO_SEED = 4026


@dataclass(frozen=True)
class CompetencyDemoSummary:
    frameworks: int
    requirements_added: int
    ratings_added: int

    def report(self) -> str:
        if not (self.requirements_added or self.ratings_added):
            return (
                f"Competencies: {self.frameworks} frameworks; requirements and ratings were "
                "already loaded."
            )
        return (
            f"Competencies: {self.frameworks} frameworks; {self.requirements_added} position "
            f"requirements and {self.ratings_added} trainers' ratings added."
        )


def load_competency_demo() -> CompetencyDemoSummary:
    """The reference data (frameworks, the positions' default requirements), then demo-only
    data: trainers' ratings of some officers."""
    loaded = load_reference_data()
    competencies = competencies_by_code()
    ratings = 0
    if db.session.scalar(select(Evidence.id).where(Evidence.source == "manual").limit(1)) is None:
        ratings = _demo_ratings(competencies, random.Random(DEMO_SEED))
    return CompetencyDemoSummary(
        loaded.frameworks, sum(loaded.requirements_added.values()), ratings
    )


def _demo_ratings(competencies: dict, rng: random.Random) -> int:
    """Trainers rate some officers on the job, against their position's requirements."""
    trainer = db.session.scalar(
        select(User).join(UserRole).where(UserRole.role == "trainer").order_by(User.id).limit(1)
    )
    if trainer is None:
        return 0
    officers = list(
        db.session.scalars(
            select(User)
            .join(UserRole)
            .where(
                UserRole.role == "officer",
                User.id != trainer.id,
                User.position_id.is_not(None),
                User.email != DEMO_OFFICER_EMAIL,  # see lms/demo_organisation.py
            )
            .order_by(User.id)
        )
    )
    requirements: dict[int, list[PositionRequirement]] = {}
    for requirement in db.session.scalars(select(PositionRequirement)):
        requirements.setdefault(requirement.position_id, []).append(requirement)
    notes = (
        "Observed at the clearance counter over two weeks.",
        "Regional workshop on risk profiling, practical exercise assessed.",
        "Joint control with the port health service, debrief by the team lead.",
        "Mentored post-clearance audit file, reviewed by the audit supervisor.",
    )
    by_id = {c.id: c for c in competencies.values()}
    entries = []
    for officer in rng.sample(officers, k=min(len(officers), int(len(officers) * 0.6))):
        for requirement in requirements.get(officer.position_id, []):
            if rng.random() < 0.55:
                level = max(
                    1, min(4, requirement.required_level + rng.choice((-2, -1, -1, 0, 0, 1)))
                )
                entries.append(
                    NewEvidence(
                        officer.id,
                        by_id[requirement.competency_id],
                        level,
                        "manual",
                        rated_by_id=trainer.id,
                        note=rng.choice(notes),
                    )
                )
    append_evidence(entries)
    return len(entries)
