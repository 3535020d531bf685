"""Level descriptors and external identifiers of competencies: the rules their texts follow,
the defaults written into an installation, and the rubric pages' lookup. Functions flush;
callers commit.

Descriptors are stored by level as text ({"1": …, "4": …}); a level without a text is absent.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from competencies.descriptors import DESCRIPTORS, EXTERNAL_IDS, default_descriptors
from competencies.models import Competency
from courses.events import CompetencyGuide, CompetencyGuides
from lms.extensions import db

DESCRIPTOR_MAX = 500
EXTERNAL_ID_MAX = 64
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def clean_descriptors(texts: Sequence[str]) -> dict[str, str]:
    """Descriptors as stored, from the texts of levels 1, 2, … (blank ones left out; pure)."""
    return {str(level): text.strip() for level, text in enumerate(texts, start=1) if text.strip()}


def descriptor_problems(descriptors: Mapping[str, str], levels: int) -> list[str]:
    """What is wrong with stored descriptors for a scale of `levels` levels (pure)."""
    problems = []
    allowed = {str(level) for level in range(1, levels + 1)}
    outside = sorted(key for key in descriptors if key not in allowed)
    if outside:
        problems.append(
            f"Descriptors are given for levels 1 to {levels} only, not for {', '.join(outside)}."
        )
    if any(not isinstance(text, str) for text in descriptors.values()):
        problems.append("Each level descriptor is text.")
        return problems
    long = sorted(
        (key for key, text in descriptors.items() if len(text) > DESCRIPTOR_MAX), key=_level_key
    )
    if long:
        problems.append(
            f"A level descriptor is at most {DESCRIPTOR_MAX} characters; level "
            f"{', '.join(long)} is longer."
        )
    return problems


def external_id_problems(external_id: str) -> list[str]:
    """What is wrong with an external identifier (pure); "" is allowed."""
    if len(external_id) > EXTERNAL_ID_MAX:
        return [f"An external identifier is at most {EXTERNAL_ID_MAX} characters."]
    if _CONTROL.search(external_id):
        return ["An external identifier is one line of text, without tabs or line breaks."]
    return []


def descriptors_json(descriptors: Mapping[str, str]) -> str:
    """Descriptors as one JSON object in level order, for a file ("" when there are none)."""
    if not descriptors:
        return ""
    ordered = {key: descriptors[key] for key in sorted(descriptors, key=_level_key)}
    return json.dumps(ordered, ensure_ascii=False, separators=(",", ":"))


def read_descriptors_json(raw: str, levels: int) -> tuple[dict[str, str], list[str]]:
    """Descriptors from a file's JSON object ({"1": text, …}; "" means none) and the problems
    with them (pure)."""
    if not raw:
        return {}, []
    try:
        value = json.loads(raw)
    except ValueError:
        value = None
    if not isinstance(value, dict) or not all(isinstance(t, str) for t in value.values()):
        return {}, ['Level descriptors must be empty or a JSON object like {"1": "text", …}.']
    descriptors = {str(key).strip(): text.strip() for key, text in value.items() if text.strip()}
    return descriptors, descriptor_problems(descriptors, levels)


def _level_key(key: str) -> tuple[int, str]:
    return (int(key), key) if key.isdigit() else (10**6, key)


def fill_default_descriptors() -> int:
    """Write the default descriptors and external identifiers (competencies/descriptors) into
    the competencies that have none, by code; returns how many competencies changed.

    A competency with any descriptor keeps all of its own (an administrator wrote or edited
    them), and an external identifier that is set is kept. Levels beyond the framework's
    scale are not written."""
    codes = set(DESCRIPTORS) | set(EXTERNAL_IDS)
    changed = 0
    for competency in db.session.scalars(
        select(Competency)
        .options(selectinload(Competency.framework))
        .where(Competency.code.in_(codes))
    ):
        touched = False
        written = any((competency.level_descriptors or {}).values())
        if not written and competency.code in DESCRIPTORS:
            levels = len(competency.framework.scale)
            competency.level_descriptors = {
                key: text
                for key, text in default_descriptors(competency.code).items()
                if int(key) <= levels
            }
            touched = True
        if not competency.external_id and EXTERNAL_IDS.get(competency.code):
            competency.external_id = EXTERNAL_IDS[competency.code]
            touched = True
        changed += touched
    db.session.flush()
    return changed


def answer_competency_guides(lookup: CompetencyGuides) -> dict[str, CompetencyGuide]:
    """The rubric pages' CompetencyGuides lookup (wired in register_events): each known code's
    name, level names and descriptors, in one query."""
    if not lookup.codes:
        return {}
    found = db.session.scalars(
        select(Competency)
        .options(selectinload(Competency.framework))
        .where(Competency.code.in_(lookup.codes))
    )
    guides = {}
    for competency in found:
        scale = tuple(competency.framework.scale)
        guides[competency.code] = CompetencyGuide(
            competency.code,
            competency.name,
            scale,
            tuple(competency.descriptor(level) for level in range(1, len(scale) + 1)),
        )
    return guides
