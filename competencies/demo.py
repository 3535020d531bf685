"""Demo data for competencies: the default frameworks, what each demo position requires, and
some trainers' on-the-job ratings so the matrix shows a believable spread."""

from __future__ import annotations

import random
from dataclasses import dataclass

from sqlalchemy import select

from competencies.models import Evidence, PositionRequirement
from competencies.services.evidence import NewEvidence, append_evidence
from competencies.services.frameworks import competencies_by_code, ensure_default_frameworks
from lms.accounts.models import User, UserRole
from lms.extensions import db
from lms.organisation.models import JobPosition

DEMO_SEED = 4026

COMMON = {"P-INT": 2, "INT-COC": 2, "P-TRA": 1, "P-CLI": 1, "OPS-BUS": 1}
# What each demo position requires, on top of COMMON (level 1 Aware … 4 Expert).
REQUIREMENTS: dict[str, dict[str, int]] = {
    "TRAINEE": {"OPS-BUS": 1, "P-PRE": 1},
    "OFF-CLR": {
        "OPS-BUS": 2,
        "OPS-TAR": 2,
        "OPS-VAL": 2,
        "OPS-ORI": 2,
        "P-FAC": 2,
        "P-PRE": 2,
        "P-STD": 2,
        "P-SIM": 1,
        "P-CLI": 2,
    },
    "OFF-ENF": {
        "OPS-BUS": 2,
        "OPS-PRO": 2,
        "OPS-RSK": 2,
        "P-FAC": 2,
        "P-MIN": 2,
        "P-ACC": 2,
        "P-COP": 1,
    },
    "RISK": {"OPS-RSK": 3, "P-MIN": 3, "P-FAC": 3, "P-ICT": 2, "P-COM": 2, "OPS-SCO": 2},
    "PCA": {"OPS-VAL": 3, "OPS-RSK": 2, "P-COM": 3, "P-MIN": 2, "P-ACC": 2, "INT-AUD": 2},
    "VAL": {"OPS-VAL": 3, "OPS-TAR": 2, "P-STD": 3, "P-PRE": 3, "P-TRA": 2},
    "TEAM-LEAD": {"P-MGT": 2, "INT-LEAD": 2, "P-CIM": 2, "OPS-BUS": 2, "P-ACC": 2},
    "OFF-MGR": {
        "P-MGT": 3,
        "INT-LEAD": 3,
        "MGT-IMP": 2,
        "MGT-FIN": 2,
        "P-CIM": 2,
        "P-CLI": 2,
        "INT-HRM": 2,
    },
    "SNR-MGR": {
        "P-MGT": 3,
        "MGT-STR": 2,
        "MGT-IMP": 3,
        "MGT-FIN": 3,
        "MGT-CBM": 2,
        "INT-LEAD": 3,
        "P-COP": 2,
    },
    "STRAT-MGR": {
        "P-MGT": 4,
        "MGT-STR": 3,
        "MGT-POL": 3,
        "MGT-ROLE": 3,
        "MGT-PPC": 3,
        "MGT-TEC": 2,
        "MGT-PRJ": 3,
        "INT-LEAD": 3,
    },
    "TRAINER": {"P-CIM": 2, "OPS-BUS": 3, "P-INT": 3, "P-CLI": 2, "MGT-BUS": 2},
}
MANDATORY = {"P-INT", "INT-COC"}


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
    frameworks = ensure_default_frameworks()
    competencies = competencies_by_code()
    positions = {p.code: p for p in db.session.scalars(select(JobPosition))}
    existing = set(
        db.session.execute(
            select(PositionRequirement.position_id, PositionRequirement.competency_id)
        ).all()
    )
    added = 0
    for position_code, required in REQUIREMENTS.items():
        position = positions.get(position_code)
        if position is None:
            continue
        for code, level in {**COMMON, **required}.items():
            competency = competencies[code]
            if (position.id, competency.id) not in existing:
                db.session.add(
                    PositionRequirement(
                        position_id=position.id,
                        competency_id=competency.id,
                        required_level=level,
                        mandatory=code in MANDATORY,
                    )
                )
                added += 1
    db.session.flush()
    ratings = 0
    if db.session.scalar(select(Evidence.id).where(Evidence.source == "manual").limit(1)) is None:
        ratings = _demo_ratings(competencies, random.Random(DEMO_SEED))
    return CompetencyDemoSummary(len(frameworks), added, ratings)


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
            .where(UserRole.role == "officer", User.id != trainer.id, User.position_id.is_not(None))
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
