"""Course models, split by aggregate."""

from courses.models.assignments import (
    Assignment,
    AssignmentMembership,
    FanOutStatus,
    MembershipStatus,
    TargetKind,
)
from courses.models.attempts import Attempt, AttemptStatus
from courses.models.catalogue import (
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
from courses.models.certificates import (
    Certificate,
    CertificateRequest,
    CertificateState,
    RequestStatus,
)
from courses.models.curricula import (
    Curriculum,
    CurriculumCompetency,
    CurriculumCourse,
    curriculum_principles,
)
from courses.models.progress import CourseEnrolment, ItemProgress
from courses.models.questions import Question, Quiz, ReviewMode
from courses.models.uploads import Upload

__all__ = [
    "Assignment", "AssignmentMembership", "Attempt", "AttemptStatus", "Certificate",
    "CertificateRequest", "CertificateState", "Course", "CourseEnrolment",
    "CourseItem", "CourseStatus", "Curriculum", "CurriculumCompetency", "CurriculumCourse",
    "FanOutStatus", "ItemKind", "ItemProgress", "Lesson", "MembershipStatus", "Module",
    "ModuleCompetency", "Principle", "Question", "Quiz", "RequestStatus", "ReviewMode",
    "TargetKind", "Upload",
    "curriculum_principles", "module_principles",
]  # fmt: skip
