"""The marking room's models: a task and its rubric (what is asked and how it is judged), and
the officers' submissions with each marker's marking."""

from courses.marking.models.submissions import (
    Marking,
    MarkingOutcome,
    MarkingRole,
    Submission,
    SubmissionFile,
    SubmissionStatus,
)
from courses.marking.models.tasks import AttachmentRule, RubricCriterion, Task

__all__ = [
    "AttachmentRule", "Marking", "MarkingOutcome", "MarkingRole", "RubricCriterion",
    "Submission", "SubmissionFile", "SubmissionStatus", "Task",
]  # fmt: skip
