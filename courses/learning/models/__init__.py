"""The learning room's models, split by aggregate: catalogue, question bank, attempts,
item analysis, progress, uploads."""

from courses.learning.models.attempts import Attempt, AttemptStatus
from courses.learning.models.catalogue import (
    Course,
    CourseItem,
    CourseStatus,
    ItemKind,
    Lesson,
    Module,
    ModuleCompetency,
    Principle,
    module_principles,
)
from courses.learning.models.item_analysis import ItemAnalysis, ItemAnalysisQuestion
from courses.learning.models.progress import CourseEnrolment, ItemProgress
from courses.learning.models.questions import (
    Question,
    Quiz,
    QuizKind,
    ReviewShows,
    ReviewWhen,
)
from courses.learning.models.uploads import Upload

__all__ = [
    "Attempt", "AttemptStatus", "Course", "CourseEnrolment", "CourseItem", "CourseStatus",
    "ItemAnalysis", "ItemAnalysisQuestion", "ItemKind", "ItemProgress", "Lesson", "Module",
    "ModuleCompetency", "Principle", "Question", "Quiz", "QuizKind", "ReviewShows", "ReviewWhen",
    "Upload", "module_principles",
]  # fmt: skip
