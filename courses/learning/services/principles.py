"""The reform principles of the Revised Kyoto Convention, as reference data."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from courses.learning.models import Principle
from lms.extensions import db


@dataclass(frozen=True)
class PrincipleFact:
    code: str
    name: str
    summary: str
    anchor: str


PRINCIPLES: tuple[PrincipleFact, ...] = (
    PrincipleFact("P-INT", "Integrity",
                  "Act free of corruption, handle gifts and conflicts of interest, report "
                  "misconduct.", "Revised Arusha Declaration (10 factors)"),
    PrincipleFact("P-TRA", "Transparency",
                  "Make laws, procedures and rulings public and easy to find.",
                  "General Annex Ch. 9 (information, decisions, rulings)"),
    PrincipleFact("P-ACC", "Accountability",
                  "Explain decisions and support administrative and judicial appeal.",
                  "General Annex Ch. 10 (appeals)"),
    PrincipleFact("P-PRE", "Predictability",
                  "Apply the law and procedures uniformly and stably.",
                  "General Annex Ch. 1, Ch. 9"),
    PrincipleFact("P-FAC", "Facilitation & Control",
                  "Clear legitimate trade fast while enforcing the law, by risk management.",
                  "General Annex Ch. 3, Ch. 6"),
    PrincipleFact("P-CLI", "Client Service",
                  "Serve traders and travellers to a measured service standard.",
                  "General Annex Ch. 1 (consultation), Ch. 9"),
    PrincipleFact("P-STD", "Standardization",
                  "Apply internationally agreed standards: the HS, the data model, valuation.",
                  "General Annex Ch. 2, Ch. 3"),
    PrincipleFact("P-SIM", "Simplification",
                  "Remove needless formalities so clearance carries no undue burden.",
                  "General Annex Ch. 1, Ch. 3"),
    PrincipleFact("P-MIN", "Minimum Intervention",
                  "Use risk management and audit-based control to target high risk only.",
                  "General Annex Ch. 6 (6.2–6.6)"),
    PrincipleFact("P-ICT", "Information & Communication Technology",
                  "Use ICT to the maximum for clearance and control.",
                  "General Annex Ch. 7, Ch. 6 (6.9)"),
    PrincipleFact("P-COP", "Cooperation & Partnership",
                  "Work with other agencies, the private sector and other administrations.",
                  "General Annex Ch. 6 (6.7–6.8), Ch. 8"),
    PrincipleFact("P-CIM", "Continuous Improvement",
                  "Set performance standards and improve processes continually.",
                  "Revised Kyoto Convention, Preamble"),
    PrincipleFact("P-COM", "Compliance Improvement",
                  "Help traders raise their voluntary compliance.",
                  "General Annex Ch. 6 (6.3–6.6)"),
    PrincipleFact("P-MGT", "Management & Administrative Capacity",
                  "Plan, staff, fund and run reform as a manager.",
                  "WCO PICARD Professional Standards"),
)  # fmt: skip


def ensure_principles() -> list[Principle]:
    """Insert the principles that are missing (safe to call again); returns all of them."""
    existing = {p.code: p for p in db.session.scalars(select(Principle))}
    for position, fact in enumerate(PRINCIPLES, start=1):
        if fact.code not in existing:
            principle = Principle(
                code=fact.code,
                name=fact.name,
                summary=fact.summary,
                anchor=fact.anchor,
                position=position,
            )
            db.session.add(principle)
            existing[fact.code] = principle
    db.session.flush()
    return sorted(existing.values(), key=lambda p: p.position)


def list_principles() -> list[Principle]:
    """All the principles, in their table order."""
    return list(db.session.scalars(select(Principle).order_by(Principle.position)))


def principles_by_code() -> dict[str, Principle]:
    return {p.code: p for p in db.session.scalars(select(Principle))}
