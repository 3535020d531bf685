"""The second edition of the competency model retires some first-edition competencies and names
the competency that carries on for each (its successor). An upgrade applies this table once and
records it in `competency_successions` (competencies/services/model_upgrade.py)."""

from __future__ import annotations

from dataclasses import dataclass

RETIRED_FRAMEWORKS = ("ARUSHA-INTEGRITY",)


@dataclass(frozen=True)
class Succession:
    retired: str
    successor: str
    reason: str


_ARUSHA = (
    "The Arusha factors are an administration's levers, not an officer's competencies: they are "
    "kept for the organisational self-assessment"
)
SUCCESSIONS: tuple[Succession, ...] = (
    Succession(
        "INT", "P-INT", f"{_ARUSHA}; an officer's integrity is P-INT, from a code of conduct."
    ),
    Succession("INT-COC", "P-INT", f"{_ARUSHA}; P-INT is now written from the code of conduct."),
    Succession("INT-TRA", "P-TRA", f"{_ARUSHA}; it overlapped the principle of transparency."),
    Succession(
        "INT-PRI", "MGT-PPC", f"{_ARUSHA}; dealing with business is public–private cooperation."
    ),
    Succession("INT-REG", "MGT-LEG", f"{_ARUSHA}; the regulatory framework is a legal aspect."),
    Succession("INT-AUT", "P-ICT", f"{_ARUSHA}; an officer's part in automation is P-ICT."),
    Succession("INT-REF", "P-CIM", f"{_ARUSHA}; an officer's part in reform is P-CIM."),
    Succession("INT-AUD", "P-ACC", f"{_ARUSHA}; supporting audit and investigation is P-ACC."),
    Succession("INT-LEAD", "MGT-PPL", f"{_ARUSHA}; leading people is people management."),
    Succession("INT-HRM", "MGT-PPL", f"{_ARUSHA}; managing staff is people management."),
    Succession("INT-MOR", "MGT-PPL", f"{_ARUSHA}; a team's morale is people management."),
    Succession(
        "MGT-BUS",
        "OPS-BUS",
        "It overlapped the operational competency of customs business understanding.",
    ),
)
SUCCESSOR_OF = {s.retired: s.successor for s in SUCCESSIONS}
