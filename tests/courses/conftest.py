"""Course fixtures: a builder for published courses with lessons and a quiz, answer helpers,
and a SQL statement counter."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import event

from courses.authoring.services import authored_courses, publishing, quizzes, structure
from courses.authoring.services.questions import QuestionInput, save_question
from courses.learning.models import Course, CourseItem, Question
from courses.learning.services.principles import ensure_principles
from lms.organisation.models import OrgUnit
from tests.conftest import csrf_token_from

# A bank with one question of each type. Every key text is unique, so a test can look for it
# in a page: none of these may reach the quiz page.
SINGLE = QuestionInput(
    qtype="single_choice",
    name="adopted-by",
    text="Which body adopted the **Revised Kyoto Convention**?",
    level=1,
    competency_code="P-STD",
    data={
        "choices": [
            {
                "id": "c1",
                "text": "The World Customs Organization",
                "fraction": 1.0,
                "feedback": "Feedback-alpha: the WCO Council adopted it in 1999.",
            },
            {
                "id": "c2",
                "text": "The World Trade Organization",
                "fraction": 0,
                "feedback": "Feedback-bravo: the WTO runs the Valuation Agreement.",
            },
            {"id": "c3", "text": "The Universal Postal Union", "fraction": 0},
        ]
    },
    general_feedback="General-charlie: the Convention is a WCO instrument.",
)
MULTIPLE = QuestionInput(
    qtype="multiple_response",
    text="Which of these are reform principles?",
    level=2,
    competency_code="P-TRA",
    data={
        "choices": [
            {"id": "c1", "text": "Transparency", "fraction": 0.5, "feedback": "Feedback-delta"},
            {"id": "c2", "text": "Predictability", "fraction": 0.5},
            {"id": "c3", "text": "Maximum intervention", "fraction": -1.0},
        ]
    },
)
TRUE_FALSE = QuestionInput(
    qtype="true_false",
    text="Risk management lets customs target high-risk consignments only.",
    level=1,
    data={
        "answer": True,
        "feedback_right": "Feedback-echo: that is minimum intervention.",
        "feedback_wrong": "Feedback-foxtrot: look again at Chapter 6.",
    },
)
NUMERIC = QuestionInput(
    qtype="numeric",
    text="A declaration lists goods worth how much? (see the lesson)",
    level=2,
    data={
        "answers": [{"value": 73129, "tolerance": 0, "fraction": 1.0, "feedback": "Feedback-golf"}]
    },
)
SHORT_TEXT = QuestionInput(
    qtype="short_text",
    text="Name the nomenclature used to classify goods (two words).",
    level=3,
    data={
        "answers": [
            {"text": "Harmonized System", "fraction": 1.0, "feedback": "Feedback-hotel"},
            {"text": "Harmonised System", "fraction": 1.0},
        ]
    },
)
DEFAULT_BANK = (SINGLE, MULTIPLE, TRUE_FALSE, NUMERIC, SHORT_TEXT)


@dataclass
class BuiltCourse:
    course: Course
    lessons: list[CourseItem]
    quiz: CourseItem
    questions: list[Question]
    unit: OrgUnit
    items: list[CourseItem] = field(default_factory=list)


@pytest.fixture
def training_unit(create_unit, root_unit) -> OrgUnit:
    return create_unit(
        "NTC", name="National Training Centre", parent=root_unit, kind="training_centre"
    )


@pytest.fixture
def create_course(db, training_unit) -> Callable[..., BuiltCourse]:
    """Builder: create_course(lessons=2, bank=DEFAULT_BANK, published=True, **quiz settings).

    Lessons go into modules of `per_module` items; the quiz closes the last module. Built with
    the authoring services, as a trainer would, then committed."""
    counter = iter(range(1, 10_000))

    def build(
        *,
        lessons: int = 2,
        bank: tuple[QuestionInput, ...] = DEFAULT_BANK,
        published: bool = True,
        per_module: int = 10,
        principles: tuple[str, ...] = ("P-INT",),
        title: str | None = None,
        lesson_markdown: str = "## Why it matters\n\nIntegrity comes **first** at the border.",
        unit: OrgUnit | None = None,
        **quiz_settings: Any,
    ) -> BuiltCourse:
        ensure_principles()
        n = next(counter)
        course = authored_courses.create_course(
            authored_courses.CourseDetails(
                f"TC-{n:03d}", title or f"Test course {n}", f"Summary {n}."
            ),
            training_unit_id=(unit or training_unit).id,
        )
        modules = []
        lesson_items = []
        for index in range(lessons):
            if index % per_module == 0:
                modules.append(
                    structure.add_module(
                        course, f"Module {len(modules) + 1}", list(principles), ["P-INT"]
                    )
                )
            lesson_items.append(
                structure.add_lesson(modules[-1], f"Lesson {index + 1}", lesson_markdown)
            )
        if not modules:
            modules.append(structure.add_module(course, "Module 1", list(principles), []))
        settings = {"time_limit_minutes": 20, "shuffle_questions": True} | quiz_settings
        quiz = quizzes.add_quiz(
            modules[-1], "Check your understanding", quizzes.QuizSettings(**settings)
        )
        questions = [save_question(course, None, entry) for entry in bank]
        if published:
            db.session.refresh(course)
            publishing.set_status(course, "published")
        db.session.commit()
        return BuiltCourse(
            course, lesson_items, quiz, questions, unit or training_unit, [*lesson_items, quiz]
        )

    return build


@pytest.fixture
def officer(create_user):
    return create_user("officer@customs.example", roles=("officer",), full_name="Amina Officer")


@pytest.fixture
def other_officer(create_user):
    return create_user("other@customs.example", roles=("officer",), full_name="Bruno Other")


def answers_for(snapshot: list[dict[str, Any]], *, right: bool = True) -> dict[str, list[str]]:
    """A form answering every question of a snapshot, all right or all wrong."""
    form: dict[str, list[str]] = {}
    for entry in snapshot:
        name, frozen = f"answer-{entry['key']}", entry["frozen"]
        if entry["qtype"] == "single_choice":
            best = max(frozen["choices"], key=lambda c: c["fraction"])
            worst = min(frozen["choices"], key=lambda c: c["fraction"])
            form[name] = [(best if right else worst)["id"]]
        elif entry["qtype"] == "multiple_response":
            good = [c["id"] for c in frozen["choices"] if c["fraction"] > 0]
            bad = [c["id"] for c in frozen["choices"] if c["fraction"] < 0]
            form[name] = good if right else bad
        elif entry["qtype"] == "true_false":
            form[name] = ["true" if frozen["answer"] == right else "false"]
        elif entry["qtype"] == "numeric":
            value = frozen["answers"][0]["value"]
            form[name] = [f"{value:g}" if right else f"{value + 1000:g}"]
        else:
            form[name] = [frozen["answers"][0]["text"].upper() if right else "no idea"]
    return form


def post_form(client, url: str, page_url: str, data: dict[str, Any] | None = None):
    """POST `data` to `url` with the CSRF token of the page at `page_url`."""
    token = csrf_token_from(client.get(page_url).get_data(as_text=True))
    return client.post(url, data={**(data or {}), "csrf_token": token})


def attempt_id_from(response) -> int:
    match = re.search(r"/attempts/(\d+)$", response.headers["Location"])
    assert match, response.headers.get("Location")
    return int(match.group(1))


class StatementCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(db) -> Callable[[], Any]:
    """with count_queries() as counted: ...; counted.count is the SQL statements run."""

    @contextmanager
    def counting() -> Iterator[StatementCounter]:
        counter = StatementCounter()
        event.listen(db.engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", counter)

    return counting
