"""Evidence for quiz attempts graded while their competencies did not exist yet (the course was
imported before its frameworks): the rows the live path (record_attempt_evidence) would have
written, by the same rule, dated when the attempt was graded. Functions flush; callers commit.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from competencies.models import Evidence, EvidenceSource
from competencies.rules import demonstrations
from competencies.services.evidence import evidence_basis, question_names
from competencies.services.frameworks import competencies_by_code
from competencies.services.levels import rebuild_current_levels
from courses.learning.models import Attempt
from courses.learning.models.attempts import AttemptStatus
from courses.learning.results import results_from_json
from lms.extensions import db

BATCH = 500  # attempts read at a time: their results are JSON of every question


@dataclass(frozen=True)
class EvidenceBackfill:
    evidence_added: int
    attempts: int  # attempts given evidence
    levels_rebuilt: int  # current levels recomputed in the frameworks concerned

    def report(self) -> str:
        if not self.evidence_added:
            return "Nothing to backfill: every graded attempt has the evidence its rule gives."
        return (
            f"Added {self.evidence_added} evidence rows for {self.attempts} graded attempts; "
            f"{self.levels_rebuilt} current levels rebuilt."
        )


def backfill_attempt_evidence() -> EvidenceBackfill:
    """Append the quiz evidence missing for graded attempts, then rebuild the current levels.

    For each graded attempt, the levels its stored results demonstrate (rules.demonstrations
    with each framework's N, as the live path) for the competencies that exist now, with the
    questions that made them; a row is added
    only where the attempt has none for that competency, so running it again adds nothing. The
    rows are dated at the attempt's grading, not now, so validity periods and the 'latest'
    policy read them in their true order; the current levels of the frameworks that received
    rows are then rebuilt from all their evidence (levels.rebuild_current_levels), as appending
    rows older than the existing ones cannot be done incrementally."""
    added, attempts = 0, 0
    frameworks: set[int] = set()
    last_id = 0
    while True:
        batch = db.session.execute(
            select(
                Attempt.id, Attempt.user_id, Attempt.submitted_at, Attempt.results, Attempt.snapshot
            )
            .where(
                Attempt.status == AttemptStatus.GRADED.value,
                Attempt.kind == "assessment",  # a checkpoint is practice, never evidence
                Attempt.id > last_id,
            )
            .order_by(Attempt.id)
            .limit(BATCH)
        ).all()
        if not batch:
            break
        last_id = batch[-1].id
        results = {row.id: results_from_json(row.results) for row in batch}
        known = competencies_by_code(
            {r.competency_code for found in results.values() for r in found if r.competency_code}
        )
        needed = {code: c.framework.min_questions_per_level for code, c in known.items()}
        levels = {row_id: demonstrations(found, needed) for row_id, found in results.items()}
        recorded = set(
            db.session.execute(
                select(Evidence.attempt_id, Evidence.competency_id).where(
                    Evidence.attempt_id.in_(list(levels))
                )
            ).all()
        )
        for row in batch:
            missing = [
                (known[code], shown)
                for code, shown in sorted(levels[row.id].items())
                if code in known and (row.id, known[code].id) not in recorded
            ]
            names = question_names(row.snapshot) if missing else {}
            for competency, shown in missing:
                db.session.add(
                    Evidence(
                        user_id=row.user_id,
                        competency_id=competency.id,
                        level=shown.level,
                        source=EvidenceSource.QUIZ.value,
                        attempt_id=row.id,
                        basis=evidence_basis(shown, names),
                        created_at=row.submitted_at,
                    )
                )
                frameworks.add(competency.framework_id)
            added += len(missing)
            attempts += bool(missing)
        db.session.flush()
    rebuilt = sum(rebuild_current_levels(framework_id) for framework_id in sorted(frameworks))
    return EvidenceBackfill(added, attempts, rebuilt)
