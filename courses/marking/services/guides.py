"""The competencies behind a rubric's criteria, as the rubric pages show them: each criterion's
competency by name, with the competency's generic level descriptors beside the criterion's own.

Courses do not import competencies: the names and descriptors come through the
CompetencyGuides lookup (courses/events.py), which competencies answers.
"""

from __future__ import annotations

from collections.abc import Iterable

from courses.events import CompetencyGuide, CompetencyGuides
from courses.marking.models import Task
from lms.events import ask


def competency_guides(tasks: Iterable[Task | None]) -> dict[str, CompetencyGuide]:
    """The guide of every competency the tasks' rubrics name, by code (one lookup); a code no
    framework holds has none."""
    codes = frozenset(
        criterion.competency_code for task in tasks if task for criterion in task.criteria
    )
    return dict(ask(CompetencyGuides(codes))) if codes else {}
