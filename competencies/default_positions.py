"""What the standard positions require (level 1 Aware … 4 Expert), second edition of the model;
and the first edition's profiles, by which an upgrade recognises a profile HR never changed.

Reference data: `lms frameworks load-defaults` gives a position that exists by one of these codes
and has no requirements yet its profile (lms/demo_data/positions.txt lists the standard
positions); HR edits them afterwards."""

from __future__ import annotations

# What every standard position requires, and on top of it what each requires.
COMMON_REQUIREMENTS = {"P-INT": 2, "P-TRA": 1, "P-CLI": 1, "OPS-BUS": 1}
POSITION_REQUIREMENTS: dict[str, dict[str, int]] = {
    "TRAINEE": {"OPS-BUS": 1, "P-PRE": 1},
    "OFF-CLR": {
        "OPS-BUS": 2,
        "OPS-TAR": 2,
        "OPS-VAL": 2,
        "OPS-ORI": 2,
        "OPS-PRO": 2,
        "P-FAC": 2,
        "P-PRE": 2,
        "P-STD": 2,
        "P-SIM": 1,
        "P-CLI": 2,
        "P-ACC": 2,
    },
    "OFF-ENF": {
        "OPS-BUS": 2,
        "OPS-PRO": 2,
        "OPS-RSK": 2,
        "OPS-EXA": 2,
        "OPS-ENF": 2,
        "P-FAC": 2,
        "P-MIN": 2,
        "P-ACC": 2,
        "P-COP": 1,
    },
    "RISK": {
        "OPS-RSK": 3,
        "P-MIN": 3,
        "P-FAC": 3,
        "P-ICT": 2,
        "P-COM": 2,
        "OPS-SCO": 2,
        "PRO-DAT": 2,
    },
    "PCA": {
        "OPS-VAL": 3,
        "OPS-TAR": 2,
        "OPS-ORI": 2,
        "OPS-AUD": 3,
        "OPS-RSK": 2,
        "P-COM": 3,
        "P-MIN": 2,
        "P-ACC": 2,
    },
    "VAL": {"OPS-VAL": 3, "OPS-TAR": 2, "P-STD": 3, "P-PRE": 3, "P-TRA": 2},
    "TEAM-LEAD": {"P-MGT": 2, "MGT-PPL": 2, "P-CIM": 2, "OPS-BUS": 2, "P-ACC": 2},
    "OFF-MGR": {
        "P-MGT": 3,
        "MGT-PPL": 3,
        "MGT-IMP": 2,
        "MGT-FIN": 2,
        "P-CIM": 2,
        "P-CLI": 2,
    },
    "SNR-MGR": {
        "P-MGT": 3,
        "MGT-STR": 2,
        "MGT-IMP": 3,
        "MGT-FIN": 3,
        "MGT-CBM": 2,
        "MGT-PPL": 3,
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
        "MGT-FIN": 3,
        "MGT-PPL": 3,
    },
    "TRAINER": {"P-CIM": 2, "OPS-BUS": 3, "P-INT": 3, "P-CLI": 2, "PRO-IDS": 3},
    "INVEST": {"OPS-INV": 3, "OPS-EXA": 2, "P-INT": 3, "P-ACC": 2},
    "INTEL": {"PRO-DAT": 3, "OPS-RSK": 3, "P-INT": 3},
    "AEO-VAL": {"OPS-AEO": 3, "OPS-AUD": 2, "OPS-SCO": 2, "P-INT": 3},
    "CLASS-ORI": {"OPS-TAR": 3, "OPS-ORI": 3, "P-PRE": 2, "P-INT": 3},
    "PAX": {"OPS-EXA": 2, "OPS-ENF": 2, "P-CLI": 2, "P-INT": 3},
    "INT-AFF": {"OPS-INV": 3, "P-INT": 4, "P-ACC": 3},
    "DATA": {"PRO-DAT": 3, "P-ICT": 2, "P-INT": 3},
}
# Integrity is required of everyone, and HR cannot make it optional.
MANDATORY_COMPETENCIES = {"P-INT"}


def default_profile(position_code: str) -> dict[str, int]:
    """The required level per competency code of a standard position (empty: none known)."""
    if position_code not in POSITION_REQUIREMENTS:
        return {}
    return {**COMMON_REQUIREMENTS, **POSITION_REQUIREMENTS[position_code]}


# The first edition's profiles, common requirements included, exactly as it loaded them (its
# mandatory competencies were P-INT and INT-COC). Never changes.
_FIRST_COMMON = {"P-INT": 2, "INT-COC": 2, "P-TRA": 1, "P-CLI": 1, "OPS-BUS": 1}
FIRST_EDITION_MANDATORY = frozenset({"P-INT", "INT-COC"})
FIRST_EDITION_PROFILES: dict[str, dict[str, int]] = {
    code: {**_FIRST_COMMON, **own}
    for code, own in {
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
    }.items()
}
