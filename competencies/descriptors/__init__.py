"""What an officer at each level of the default scale (1 Aware, 2 Trained, 3 Advanced,
4 Expert) can do in each default competency, and the competencies' external identifiers.

Reference data keyed by competency code, so that a competency renamed or moved to another
framework keeps its texts. `lms frameworks load-defaults` writes them into competencies that
have none (competencies/services/descriptors.py). Each text is an observable statement, in our
own words, from the instruments DOMAIN.md names (RKC, WTO TFA, WTO Valuation Agreement, WCO
instruments). The modules split the texts by framework: a module per group of competencies.
"""

from __future__ import annotations

from competencies.descriptors.management import MANAGEMENT
from competencies.descriptors.operational import OPERATIONAL
from competencies.descriptors.principles import PRINCIPLES

# Code -> the four descriptors, level 1 (Aware) first.
DESCRIPTORS: dict[str, tuple[str, str, str, str]] = {**PRINCIPLES, **OPERATIONAL, **MANAGEMENT}

# Code -> the competency's reference in an outside framework. Only the PICARD management
# knowledge areas that DOMAIN.md names as such carry one, as "PICARD: <area>"; the standards
# publish area names, not codes, so no code is made up here. A competency without a
# counterpart we are sure of has none (an empty external identifier).
EXTERNAL_IDS: dict[str, str] = {
    "MGT-POL": "PICARD: Customs policy",
    "MGT-ROLE": "PICARD: Customs' role in government",
    "MGT-LEG": "PICARD: Legal aspects",
    "MGT-ECO": "PICARD: Economics",
    "MGT-STR": "PICARD: Strategic planning",
    "MGT-IMP": "PICARD: Policy implementation",
    "MGT-FIN": "PICARD: Financial management",
}


def default_descriptors(code: str) -> dict[str, str]:
    """The default descriptors of a competency code as stored ({"1": text, …}; {} if none)."""
    texts = DESCRIPTORS.get(code, ())
    return {str(level): text for level, text in enumerate(texts, start=1)}
