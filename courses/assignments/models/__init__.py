"""The assignments room's models: curricula, and assignments with their memberships."""

from courses.assignments.models.assignments import (
    Assignment,
    AssignmentMembership,
    FanOutStatus,
    MembershipStatus,
    TargetKind,
)
from courses.assignments.models.curricula import (
    Curriculum,
    CurriculumCompetency,
    CurriculumCourse,
    curriculum_principles,
)

__all__ = [
    "Assignment", "AssignmentMembership", "Curriculum", "CurriculumCompetency",
    "CurriculumCourse", "FanOutStatus", "MembershipStatus", "TargetKind",
    "curriculum_principles",
]  # fmt: skip
