"""The course events other features react to, and the lookups courses ask of them (see
lms/events.py for the contract, and register_events in lms/__init__.py for who listens).

Courses publish these and never import the packages that react: the reactions (competency
evidence, certificate requests, assignment memberships) are wired in the app factory. Payloads
are plain, frozen data (ids, times, the graded results), never ORM objects of the publisher's
session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from courses.learning.results import QuestionResult
from lms.events import Event, Lookup


@dataclass(frozen=True)
class AttemptGraded(Event):
    """A quiz attempt was graded (once: the grading update claimed it)."""

    attempt_id: int
    user_id: int
    course_id: int
    item_id: int  # the quiz
    graded_at: datetime
    results: tuple[QuestionResult, ...]
    evidence: bool = True  # False for a checkpoint's attempt: practice, never evidence


@dataclass(frozen=True)
class CourseCompleted(Event):
    """An officer completed a course (once: the enrolment update claimed it)."""

    user_id: int
    course_id: int
    completed_at: datetime


@dataclass(frozen=True)
class CompetencyAlignments(Lookup):
    """Name these competency codes for a certificate's credential, in the order given: the
    answer is a sequence of courses.certificates.services.credentials.Alignment (a code no
    framework holds is named by itself)."""

    codes: tuple[str, ...]


@dataclass(frozen=True)
class UnknownCompetencies(Lookup):
    """Which of these competency codes no framework holds: the answer is a frozenset of them
    (empty when every code is known). A course import refuses a course that names one."""

    codes: frozenset[str]


@dataclass(frozen=True)
class CriterionJudgement:
    """One rubric criterion as finally marked: the level agreed (0: not shown) and what the
    work showed at it, in the rubric's words."""

    criterion: str
    competency_code: str
    level: int
    descriptor: str


@dataclass(frozen=True)
class TaskMarked(Event):
    """A trainer-marked task's submission was marked for good (once: the status update
    claimed it): by one marker, or by two when an Expert level needed a second marker."""

    submission_id: int
    user_id: int
    course_id: int
    item_id: int  # the task
    task_title: str
    marked_at: datetime
    assessor_ids: tuple[int, ...]  # the first marker, then the second
    comment: str  # the markers' comments, as the officer reads them
    judgements: tuple[CriterionJudgement, ...]


@dataclass(frozen=True)
class CompetencyGuide:
    """A competency as a rubric shows it beside a criterion: its name, its framework's level
    names and what an officer at each level can do, level 1 first ("" where none is written)."""

    code: str
    name: str
    level_names: tuple[str, ...]
    descriptors: tuple[str, ...]

    def levels(self) -> list[tuple[int, str, str]]:
        """(level, level name, descriptor) for each level with a descriptor."""
        return [
            (level, name, text)
            for level, (name, text) in enumerate(
                zip(self.level_names, self.descriptors, strict=False), start=1
            )
            if text
        ]


@dataclass(frozen=True)
class CompetencyGuides(Lookup):
    """Name these competency codes and give their generic level descriptors, for the rubric
    pages: the answer is a dict code -> CompetencyGuide (a code no framework holds is left
    out)."""

    codes: frozenset[str]
