"""Checks of a course's question bank that a trainer cannot see question by question: keys that
give themselves away (the longest option, a true/false bank leaning one way), questions asked
twice, and how many questions can evidence each competency and level. Read-only.

`check_bank` is the pure core, over plain data; `bank_report` and `catalogue_bank_reports`
read the database for it. `flask catalogue check` (competencies/cli.py) adds whether each
position requirement can be reached, which courses cannot know."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from itertools import combinations
from typing import Any

from sqlalchemy import select

from courses.learning.draws import DrawGroup, draw_groups, draw_size
from courses.learning.models import Course, CourseItem, CourseStatus, Module, Question, Quiz
from courses.learning.models.questions import DrawMode, QuizKind
from lms.extensions import db

# The cut-offs, stated once: the report and the page print them.
LONGEST_KEY_LIMIT = 1 / 3  # flag a bank whose key is the longest option more often than this
TRUE_SHARE_BAND = (0.35, 0.65)  # flag a true/false bank whose share of True keys is outside
NEAR_DUPLICATE_RATIO = 0.9  # difflib ratio of two normalised texts above which they are flagged

_NOT_WORD = re.compile(r"[\W_]+")


def can_evidence(quiz: Quiz) -> bool:
    """Whether a graded attempt at this quiz counts as competency evidence: an assessment's
    does, a checkpoint's (practice) never."""
    return quiz.kind == QuizKind.ASSESSMENT


def normalise_text(text: str) -> str:
    """Text compared for duplicates: case, accents' forms, Markdown and punctuation ignored."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_NOT_WORD.sub(" ", folded).split())


@dataclass(frozen=True)
class BankQuestion:
    """What the checks read of a question."""

    id: int
    name: str
    qtype: str
    text: str
    level: int
    competency_code: str | None
    category: str
    data: dict[str, Any]

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        words = " ".join(self.text.split())
        return f"#{self.id} “{words[:40]}{'…' if len(words) > 40 else ''}”"


@dataclass(frozen=True)
class DrawRule:
    """How an evidencing quiz draws from the bank: its category and its draw (the quiz's own
    settings, so `courses.learning.draws` reads it as it reads the quiz)."""

    category: str = ""  # "": every category
    draw_mode: str = DrawMode.ALL.value
    draw_per_level: Mapping[str, int] = field(default_factory=dict)
    draw_count: int | None = None
    title: str = ""

    def pools(self, question: BankQuestion) -> bool:
        return not self.category or question.category == self.category


@dataclass(frozen=True)
class DuplicatePair:
    first: str
    second: str
    ratio: float  # 1.0 when the normalised texts are equal

    @property
    def exact(self) -> bool:
        return self.ratio == 1.0


@dataclass(frozen=True)
class Coverage:
    """Questions of one competency (None: untagged) at one level."""

    competency_code: str | None
    level: int
    questions: int
    drawn: int  # the most of them one attempt at an evidencing quiz holds: what can evidence it


@dataclass(frozen=True)
class AssessmentDraw:
    """What one attempt at an evidencing quiz draws from its pool (issue 13: a pool holds at
    least twice the draw, so that attempts differ). `groups` lists, for a per-competency-level
    draw, each competency level of the pool and how many of its questions an attempt holds."""

    title: str
    draw_mode: str
    draw_count: int | None
    pool: int
    drawn: int
    groups: tuple[Coverage, ...] = ()

    @property
    def pool_too_small(self) -> bool:
        return bool(self.drawn) and self.pool < 2 * self.drawn


@dataclass(frozen=True)
class BankReport:
    course_code: str
    course_title: str
    status: str
    questions: int
    single_choice: int
    longest_key: tuple[str, ...]  # single-choice questions whose key is the longest option
    true_false: int
    true_keys: int
    duplicates: tuple[DuplicatePair, ...]
    coverage: tuple[Coverage, ...]
    assessments: tuple[AssessmentDraw, ...] = ()

    @property
    def longest_key_share(self) -> float:
        return len(self.longest_key) / self.single_choice if self.single_choice else 0.0

    @property
    def true_share(self) -> float:
        return self.true_keys / self.true_false if self.true_false else 0.0

    @property
    def longest_key_flagged(self) -> bool:
        return self.longest_key_share > LONGEST_KEY_LIMIT

    @property
    def true_false_flagged(self) -> bool:
        low, high = TRUE_SHARE_BAND
        return bool(self.true_false) and not low <= self.true_share <= high

    @property
    def problems(self) -> list[str]:
        """One sentence per problem, each naming the course."""
        code, problems = self.course_code, []
        if self.longest_key_flagged:
            problems.append(
                f"{code}: the key is the longest option in {len(self.longest_key)} of "
                f"{self.single_choice} single-choice questions ({percent(self.longest_key_share)}, "
                f"above one third): {', '.join(self.longest_key)}."
            )
        if self.true_false_flagged:
            low, high = TRUE_SHARE_BAND
            problems.append(
                f"{code}: {self.true_keys} of {self.true_false} true/false keys are True "
                f"({percent(self.true_share)}, outside {low * 100:.0f}–{high * 100:.0f} %)."
            )
        for pair in self.duplicates:
            if pair.exact:
                problems.append(f"{code}: duplicate questions {pair.first} and {pair.second}.")
            else:
                problems.append(
                    f"{code}: near-duplicate questions {pair.first} and {pair.second} "
                    f"(similarity {pair.ratio:.2f})."
                )
        for draw in self.assessments:
            if draw.pool_too_small:
                problems.append(
                    f"{code}: assessment '{draw.title}' draws {draw.drawn} of the {draw.pool} "
                    f"questions of its pool; a pool holds at least twice the draw "
                    f"({2 * draw.drawn}) so that attempts differ: add questions or draw fewer."
                )
        return problems

    def as_json(self) -> dict[str, Any]:
        return {
            "course": self.course_code,
            "title": self.course_title,
            "status": self.status,
            "questions": self.questions,
            "single_choice": {
                "questions": self.single_choice,
                "key_is_longest": len(self.longest_key),
                "share": round(self.longest_key_share, 4),
                "flagged": self.longest_key_flagged,
                "which": list(self.longest_key),
            },
            "true_false": {
                "questions": self.true_false,
                "true_keys": self.true_keys,
                "share_true": round(self.true_share, 4),
                "flagged": self.true_false_flagged,
            },
            "duplicates": [
                {"first": p.first, "second": p.second, "ratio": round(p.ratio, 4)}
                for p in self.duplicates
            ],
            "coverage": [
                {
                    "competency": row.competency_code,
                    "level": row.level,
                    "questions": row.questions,
                    "can_evidence": row.drawn,
                }
                for row in self.coverage
            ],
            "assessments": [
                {
                    "title": draw.title,
                    "draw": draw.draw_mode,
                    "count": draw.draw_count,
                    "pool": draw.pool,
                    "drawn": draw.drawn,
                    "groups": [
                        {
                            "competency": group.competency_code,
                            "level": group.level,
                            "questions": group.questions,
                            "per_attempt": group.drawn,
                        }
                        for group in draw.groups
                    ],
                }
                for draw in self.assessments
            ],
            "problems": self.problems,
        }


def percent(share: float) -> str:
    return f"{share:.0%}".replace("%", " %")


def cut_offs() -> dict[str, Any]:
    """The cut-offs, for reports."""
    return {
        "longest_key_share_above": round(LONGEST_KEY_LIMIT, 4),
        "true_share_band": list(TRUE_SHARE_BAND),
        "near_duplicate_ratio_above": NEAR_DUPLICATE_RATIO,
    }


def key_is_longest(data: dict[str, Any]) -> bool:
    """A single-choice key strictly longer than every other option (a tie gives nothing away)."""
    choices = data.get("choices", [])
    keys = [c for c in choices if float(c.get("fraction", 0)) == 1.0]
    if len(keys) != 1 or len(choices) < 2:
        return False
    key_length = len(" ".join(str(keys[0].get("text", "")).split()))
    return all(
        key_length > len(" ".join(str(c.get("text", "")).split()))
        for c in choices
        if c is not keys[0]
    )


def find_duplicates(questions: Sequence[BankQuestion]) -> list[DuplicatePair]:
    """Pairs of one bank whose normalised texts are equal or more alike than the cut-off. Every
    pair is compared (a bank holds tens of questions); difflib's cheap upper bounds skip most."""
    texts = [(q, normalise_text(q.text)) for q in questions]
    pairs = []
    for (first, a), (second, b) in combinations(texts, 2):
        if a == b:
            pairs.append(DuplicatePair(first.label, second.label, 1.0))
            continue
        matcher = SequenceMatcher(None, a, b, autojunk=False)
        if matcher.real_quick_ratio() <= NEAR_DUPLICATE_RATIO:
            continue
        if matcher.quick_ratio() <= NEAR_DUPLICATE_RATIO:
            continue
        ratio = matcher.ratio()
        if ratio > NEAR_DUPLICATE_RATIO:
            pairs.append(DuplicatePair(first.label, second.label, ratio))
    return pairs


def check_bank(
    course: Course, questions: Sequence[BankQuestion], draws: Iterable[DrawRule]
) -> BankReport:
    """The report on one bank (archived questions left out by the caller)."""
    single = [q for q in questions if q.qtype == "single_choice"]
    true_false = [q for q in questions if q.qtype == "true_false"]
    counted = Counter((q.competency_code, q.level) for q in questions)
    held: Counter[tuple[str | None, int]] = Counter()
    assessments = []
    for rule in draws:
        pool = [q for q in questions if rule.pools(q)]
        groups = draw_groups(rule, pool)
        for place, most in _held_per_attempt(groups).items():
            held[place] = max(held[place], most)
        assessments.append(_assessment_draw(rule, pool, groups))
    coverage = tuple(
        Coverage(code, level, counted[(code, level)], held[(code, level)])
        for code, level in sorted(counted, key=lambda place: (place[0] or "~", place[1]))
    )
    return BankReport(
        course_code=course.code,
        course_title=course.title,
        status=course.status,
        questions=len(questions),
        single_choice=len(single),
        longest_key=tuple(q.label for q in single if key_is_longest(q.data)),
        true_false=len(true_false),
        true_keys=sum(1 for q in true_false if q.data.get("answer") is True),
        duplicates=tuple(find_duplicates(questions)),
        coverage=coverage,
        assessments=tuple(assessments),
    )


def _held_per_attempt(
    groups: Sequence[DrawGroup[BankQuestion]],
) -> dict[tuple[str, int], int]:
    """Per tagged (competency, level), the most of its questions one attempt holds: all of
    them when the group is drawn whole, else no more than the group's draw."""
    held: dict[tuple[str, int], int] = {}
    for group in groups:
        places = Counter((q.competency_code, q.level) for q in group.questions if q.competency_code)
        for place, n in places.items():
            held[place] = max(held.get(place, 0), min(n, group.take))
    return held


def _assessment_draw(
    rule: DrawRule, pool: Sequence[BankQuestion], groups: Sequence[DrawGroup[BankQuestion]]
) -> AssessmentDraw:
    per_group = ()
    if rule.draw_mode == DrawMode.PER_COMPETENCY_LEVEL:
        per_group = tuple(
            Coverage(g.competency_code, g.level or 0, len(g.questions), g.take)
            for g in groups
            if g.competency_code
        )
    return AssessmentDraw(
        rule.title, rule.draw_mode, rule.draw_count, len(pool), draw_size(groups), per_group
    )


def draw_rule(quiz: Quiz, title: str = "") -> DrawRule:
    return DrawRule(
        quiz.category, quiz.draw_mode, dict(quiz.draw_per_level or {}), quiz.draw_count, title
    )


def _bank_question(question: Question) -> BankQuestion:
    return BankQuestion(
        question.id,
        question.name,
        question.qtype,
        question.text,
        question.level,
        question.competency_code,
        question.category,
        question.data or {},
    )


def bank_reports(courses: Sequence[Course]) -> list[BankReport]:
    """A report per course, in the given order: three queries whatever the number of courses."""
    ids = [course.id for course in courses]
    if not ids:
        return []
    questions: dict[int, list[BankQuestion]] = {course_id: [] for course_id in ids}
    for question in db.session.scalars(
        select(Question)
        .where(Question.course_id.in_(ids), Question.archived.is_(False))
        .order_by(Question.position, Question.id)
    ):
        questions[question.course_id].append(_bank_question(question))
    draws: dict[int, list[DrawRule]] = {course_id: [] for course_id in ids}
    for course_id, title, quiz in db.session.execute(
        select(CourseItem.course_id, CourseItem.title, Quiz)
        .join(Quiz, Quiz.item_id == CourseItem.id)
        .join(Module, Module.id == CourseItem.module_id)
        .where(CourseItem.course_id.in_(ids))
        .order_by(Module.position, CourseItem.position)
    ):
        if can_evidence(quiz):
            draws[course_id].append(draw_rule(quiz, title))
    return [check_bank(course, questions[course.id], draws[course.id]) for course in courses]


def bank_report(course: Course) -> BankReport:
    return bank_reports([course])[0]


def catalogue_bank_reports() -> list[BankReport]:
    """Every course that is not archived, by code."""
    courses = db.session.scalars(
        select(Course).where(Course.status != CourseStatus.ARCHIVED).order_by(Course.code)
    )
    return bank_reports(list(courses))
