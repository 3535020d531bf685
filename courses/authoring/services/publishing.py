"""Publishing a course: what still stops it, and moving it between draft, published and
archived. Functions flush; callers commit."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from courses.authoring.services.quizzes import leak_message
from courses.authoring.services.tasks import task_publication_problems
from courses.learning.draws import draw_groups, draw_size
from courses.learning.models import (
    Course,
    CourseItem,
    CourseStatus,
    ItemKind,
    Question,
    Quiz,
    QuizKind,
    ReviewShows,
    ReviewWhen,
)
from courses.learning.models.questions import DrawMode, reveals_keys_while_open
from lms.errors import ValidationError
from lms.extensions import db
from lms.timeutil import utcnow


class PublicationProblems(ValidationError):
    """A course that cannot be published yet; `problems` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("Cannot publish yet: " + " ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class _BankRow:
    id: int
    category: str
    level: int
    competency_code: str | None


def publication_problems(course: Course) -> list[str]:
    """Why a course cannot be published yet (empty when it can)."""
    problems = []
    items = [item for module in course.modules for item in module.items]
    if not items:
        problems.append("The course has no lessons or quizzes.")
    for module in course.modules:
        if not module.principles:
            problems.append(f"Module '{module.title}' is not aligned to any reform principle.")
    bank = _bank_of(course.id)
    quiz_items = [i for i in items if i.kind == ItemKind.QUIZ and i.quiz is not None]
    assessed = {
        question.id
        for item in quiz_items
        if item.quiz.kind == QuizKind.ASSESSMENT
        for question in _pool(item, bank)
    }
    for item in quiz_items:
        quiz = item.quiz
        pool = _pool(item, bank)
        problems.extend(_draw_problems(item.title, quiz, pool))
        if reveals_keys_while_open(quiz.kind, quiz.review_shows, quiz.review_when):
            problems.append(leak_message(item.title))
        elif (
            quiz.kind == QuizKind.CHECKPOINT
            and quiz.review_shows == ReviewShows.KEYS
            and quiz.review_when != ReviewWhen.NEVER
            and any(question.id in assessed for question in pool)
        ):
            shared = sum(question.id in assessed for question in pool)
            problems.append(
                f"Checkpoint '{item.title}' would show the answer keys of {shared} question(s) "
                "that an assessment of this course also draws: show its marks and feedback "
                "instead, or give the checkpoint questions of its own category."
            )
    problems.extend(task_publication_problems(items))
    return problems


def publication_warnings(course: Course) -> list[str]:
    """What does not stop publishing but weakens the evidence: assessments whose consecutive
    draws share most of their questions (the bank is too small for the draw)."""
    bank = _bank_of(course.id)
    warnings = []
    for module in course.modules:
        for item in module.items:
            if item.kind != ItemKind.QUIZ or item.quiz is None:
                continue
            if item.quiz.kind != QuizKind.ASSESSMENT or item.quiz.attempts_allowed == 1:
                continue
            overlap = expected_overlap(item.quiz, _pool(item, bank))
            if overlap is not None and overlap[1] and overlap[0] / overlap[1] > HEAVY_OVERLAP:
                shared, drawn = overlap
                warnings.append(
                    f"Assessment '{item.title}': two consecutive attempts share on average "
                    f"{shared:.1f} of their {drawn} questions ({100 * shared / drawn:.0f} %): "
                    "the bank is too small for the draw; add questions or draw fewer."
                )
    return warnings


# Above this share of questions in common, two attempts at an assessment are nearly the same
# test: what one attempt taught about the keys carries to the next.
HEAVY_OVERLAP = 0.5


def expected_overlap(quiz: Quiz, pool: list[_BankRow]) -> tuple[float, int] | None:
    """The expected number of questions two independent draws share, and the draw's size.

    Drawing k of a group's n questions at random (a level's, or a competency level's), a
    question is in both draws with probability (k/n)², so the draws share k²/n of that group on
    average, summed over the groups; drawing every question, they share all of them. None when
    nothing is drawn."""
    groups = draw_groups(quiz, pool)
    drawn = draw_size(groups)
    return (sum(group.overlap for group in groups), drawn) if drawn else None


def _bank_of(course_id: int) -> list[_BankRow]:
    rows = db.session.execute(
        select(Question.id, Question.category, Question.level, Question.competency_code).where(
            Question.course_id == course_id, Question.archived.is_(False)
        )
    ).all()
    return [_BankRow(*row) for row in rows]


def _pool(item: CourseItem, bank: list[_BankRow]) -> list[_BankRow]:
    """The questions a quiz draws from, as attempts.quiz_pool chooses them."""
    quiz = item.quiz
    codes = set(item.module.competency_codes) if quiz.kind == QuizKind.CHECKPOINT else None
    return [
        q
        for q in bank
        if (not quiz.category or q.category == quiz.category)
        and (codes is None or q.competency_code in codes)
    ]


def _draw_problems(title: str, quiz: Quiz, pool: list[_BankRow]) -> list[str]:
    if not pool:
        if quiz.kind == QuizKind.CHECKPOINT:
            return [
                f"Checkpoint '{title}' has no questions to draw from: it draws only questions "
                "tagged with a competency its module names."
            ]
        return [f"Quiz '{title}' has no questions to draw from."]
    where = "its module's questions" if quiz.kind == QuizKind.CHECKPOINT else "the bank"
    problems = []
    if quiz.draw_mode == DrawMode.PER_LEVEL:
        for level, wanted in sorted(quiz.draw_per_level.items()):
            have = sum(q.level == int(level) for q in pool)
            if wanted > have:
                problems.append(
                    f"Quiz '{title}' draws {wanted} question(s) of level {level} but "
                    f"{where} has {have}."
                )
    elif quiz.draw_mode == DrawMode.PER_COMPETENCY_LEVEL:
        largest = max(len(group.questions) for group in draw_groups(quiz, pool))
        if quiz.draw_count and largest < quiz.draw_count:
            problems.append(
                f"Quiz '{title}' draws {quiz.draw_count} question(s) of each competency and "
                f"level but {where} has at most {largest} of any competency and level: every "
                "attempt would hold the same questions; draw fewer or add questions."
            )
    return problems


def set_status(course: Course, status: str) -> Course:
    """Publish, archive or return a course to draft. Publishing checks the course is complete."""
    if status not in {s.value for s in CourseStatus}:
        raise ValidationError(f"Unknown status {status}.")
    if status == CourseStatus.PUBLISHED:
        problems = publication_problems(course)
        if problems:
            raise PublicationProblems(problems)
        course.published_at = course.published_at or utcnow()
    course.status = status
    db.session.flush()
    return course
