"""The ten factors of the Revised Arusha Declaration on customs integrity, as organisational
levers: what an administration has in place, not what one officer can do.

The first edition of the competency model loaded them as personal competencies (framework
ARUSHA-INTEGRITY, codes INT-*); the second edition retires them as such (their successors are in
competencies/successions.py) and keeps them here, described, for the organisational
self-assessment of a later issue. Nothing loads them into the database yet."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IntegrityFactor:
    code: str  # the first edition's competency code, kept so the history can be followed
    name: str
    description: str  # what the administration has in place when the factor is strong


ARUSHA_FACTORS: tuple[IntegrityFactor, ...] = (
    IntegrityFactor(
        "INT-LEAD",
        "Leadership and commitment",
        "The head of the administration and its senior managers take visible, lasting "
        "ownership of integrity, set the example and answer for the programme's results.",
    ),
    IntegrityFactor(
        "INT-REG",
        "Regulatory framework",
        "Customs law and procedures are simple, harmonised and published, and leave officers "
        "little discretion that is not needed.",
    ),
    IntegrityFactor(
        "INT-TRA",
        "Transparency",
        "Decisions can be foreseen and are explained; clients know their rights and can have "
        "a decision reviewed.",
    ),
    IntegrityFactor(
        "INT-AUT",
        "Automation",
        "Automated systems handle declarations, payment and selection, cutting face-to-face "
        "contact and the discretion it allows, and leave an audit trail.",
    ),
    IntegrityFactor(
        "INT-REF",
        "Reform and modernisation",
        "Reform removes the incentives and opportunities for corruption from processes, and "
        "staff and the private sector take part in it.",
    ),
    IntegrityFactor(
        "INT-AUD",
        "Audit and investigation",
        "Internal and external audit and an internal affairs function find weaknesses and "
        "misconduct, and what they find is acted on.",
    ),
    IntegrityFactor(
        "INT-COC",
        "Code of conduct",
        "A code of conduct, clear on gifts, hospitality, conflicts of interest and reporting, "
        "is known to all staff, signed by them and enforced with proportionate sanctions.",
    ),
    IntegrityFactor(
        "INT-HRM",
        "Human resource management",
        "Recruitment and promotion on merit, rotation of sensitive posts, fair pay and "
        "integrity training throughout a career.",
    ),
    IntegrityFactor(
        "INT-MOR",
        "Morale and organisational culture",
        "Staff are proud of their work, trust their managers and can raise concerns without "
        "fear of reprisal.",
    ),
    IntegrityFactor(
        "INT-PRI",
        "Relationship with the private sector",
        "Dealings with business run through open, agreed channels such as memoranda of "
        "understanding, and business shares responsibility for integrity.",
    ),
)
