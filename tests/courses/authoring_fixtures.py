"""Fixtures and helpers of the authoring tests (the trainer's pages under /author).

Test modules import them explicitly: `from tests.courses.authoring_fixtures import *` for the
fixtures (pytest finds them in the module's namespace), and the helpers by name.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from competencies.services.frameworks import ensure_default_frameworks
from courses.authoring.services import authored_courses, publishing, quizzes, structure, tasks
from courses.authoring.services.questions import QuestionInput, save_question
from courses.learning.models import Course, CourseItem, Question, Upload
from lms.accounts.models import User
from lms.extensions import db as _db
from lms.organisation.models import OrgUnit
from tests.conftest import csrf_token_from

__all__ = [
    "author_officer",
    "author_unit",
    "build_course",
    "principles",
    "rival_trainer",
    "rival_unit",
    "trainer",
    "trainer_client",
]

SINGLE_CHOICE = QuestionInput(
    qtype="single_choice",
    text="Which chapter of the General Annex covers appeals?",
    level=1,
    competency_code="P-ACC",
    data={
        "choices": [
            {"id": "c1", "text": "Chapter 10", "fraction": 1.0, "feedback": "Right: appeals."},
            {"id": "c2", "text": "Chapter 3", "fraction": 0, "feedback": "No: clearance."},
        ]
    },
)
TRUE_FALSE = QuestionInput(
    qtype="true_false",
    text="Rulings should be published.",
    level=2,
    competency_code="P-TRA",
    data={"answer": True, "feedback_right": "Yes.", "feedback_wrong": "Look again."},
)


TASK_INSTRUCTIONS = (
    "## The case\n\nAn importer declares used excavators at the price on the invoice. The "
    "seller is the importer's parent company, and a similar excavator was declared last month "
    "at a third more.\n\n## What to hand in\n\nYour decision on the customs value, in at "
    "most 600 words, written to the importer.\n\n## References\n\n- WTO Valuation "
    "Agreement, Articles 1 and 16\n- RKC General Annex, Chapter 10\n"
)
VALUATION_CRITERION = tasks.CriterionInput(
    "Chooses and applies the right valuation method",
    "OPS-VAL",
    {
        "2": "Names the transaction value method but leaves gaps the reader must fill.",
        "3": "Examines whether the relationship influenced the price, and reaches the value.",
        "4": "Also weighs the test values and explains to the importer why the others fail.",
    },
)
APPEAL_CRITERION = tasks.CriterionInput(
    "Writes a decision the importer can appeal",
    "P-ACC",
    {
        "2": "States the decision, without the reasons.",
        "3": "Gives the reasons and says how and where to appeal, and by when.",
    },
)


@dataclass
class AuthoredCourse:
    course: Course
    module: Any
    lesson: CourseItem
    quiz: CourseItem
    questions: list[Question]
    task: CourseItem | None = None  # with build_course(task=True): two criteria


@pytest.fixture
def principles(db) -> None:
    """The reform principles and the default frameworks: a course import refuses competency
    codes no framework holds."""
    ensure_default_frameworks()
    db.session.commit()


@pytest.fixture
def author_unit(create_unit, root_unit) -> OrgUnit:
    return create_unit(
        "ATC", name="Academy Training Centre", parent=root_unit, kind="training_centre"
    )


@pytest.fixture
def rival_unit(create_unit, root_unit) -> OrgUnit:
    return create_unit(
        "RTO", name="Regional Training Office", parent=root_unit, kind="training_centre"
    )


@pytest.fixture
def trainer(create_user, author_unit, principles) -> User:
    return create_user(
        "trainer@customs.example", roles=("trainer",), unit=author_unit, full_name="Tess Trainer"
    )


@pytest.fixture
def rival_trainer(create_user, rival_unit, principles) -> User:
    return create_user(
        "rival@customs.example", roles=("trainer",), unit=rival_unit, full_name="Rui Rival"
    )


@pytest.fixture
def author_officer(create_user) -> User:
    return create_user("learner@customs.example", roles=("officer",), full_name="Lea Learner")


@pytest.fixture
def trainer_client(client, login_as, trainer) -> FlaskClient:
    return login_as(trainer)


@pytest.fixture
def build_course(db, author_unit, principles) -> Callable[..., AuthoredCourse]:
    """Builder: a course of `unit` (the trainer's by default) with one module, a lesson, a
    quiz and two questions (and with `task=True` a task with a two-criterion rubric), made
    through the services and committed."""
    counter = iter(range(1, 10_000))

    def build(
        *,
        unit: OrgUnit | None = None,
        markdown: str = "## Appeals\n\nEvery decision can be **appealed**.",
        bank: tuple[QuestionInput, ...] = (SINGLE_CHOICE, TRUE_FALSE),
        published: bool = False,
        task: bool = False,
    ) -> AuthoredCourse:
        n = next(counter)
        course = authored_courses.create_course(
            authored_courses.CourseDetails(f"AU-{n:03d}", f"Authored course {n}", "A summary."),
            training_unit_id=(unit or author_unit).id,
        )
        module = structure.add_module(course, "Appeals in practice", ["P-ACC"], ["P-ACC"])
        lesson = structure.add_lesson(module, "Why appeals matter", markdown)
        quiz = quizzes.add_quiz(module, "Check yourself", quizzes.QuizSettings())
        questions = [save_question(course, None, entry) for entry in bank]
        task_item = None
        if task:
            settings = tasks.TaskSettings(attachment="optional", blind_marking=True)
            title = "Task: a reasoned valuation decision"
            task_item = tasks.add_task(module, title, TASK_INSTRUCTIONS, settings)
            for criterion in (VALUATION_CRITERION, APPEAL_CRITERION):
                tasks.add_criterion(task_item.task, criterion)
        if published:
            db.session.refresh(course)
            publishing.set_status(course, "published")
        db.session.commit()
        return AuthoredCourse(course, module, lesson, quiz, questions, task_item)

    return build


# --- helpers ---------------------------------------------------------------------------------


def text_of(response) -> str:
    return response.get_data(as_text=True)


def token_from(client: FlaskClient, page_url: str) -> str:
    return csrf_token_from(text_of(client.get(page_url)))


def submit(
    client: FlaskClient,
    url: str,
    data: dict[str, Any] | None = None,
    *,
    page: str | None = None,
    **options: Any,
):
    """POST `data` to `url` with the CSRF token of the page at `page` (default: `url`)."""
    token = token_from(client, page or url)
    return client.post(url, data={**(data or {}), "csrf_token": token}, **options)


def upload(client, url: str, name: str, data: bytes, field: str = "file", page: str | None = None):
    """POST a file. The body is encoded in memory: the test client would spool a large one to
    a temporary file it never closes (a ResourceWarning, an error under filterwarnings)."""
    token = token_from(client, page or url)
    body, length, boundary = stream_encode_multipart(
        {"csrf_token": token, field: FileStorage(io.BytesIO(data), filename=name)},
        use_tempfile=False,
    )
    return client.post(
        url,
        input_stream=body,
        content_length=length,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def question_form(qtype: str, text: str, **fields: Any) -> dict[str, Any]:
    """The question form's fields: `choices=[(text, weight, feedback), ...]` fills the rows."""
    data: dict[str, Any] = {"qtype": qtype, "text": text, "level": "1", "save": "Save"}
    for index, (choice, weight, feedback) in enumerate(fields.pop("choices", [])):
        data[f"choices-{index}-text"] = choice
        data[f"choices-{index}-weight"] = weight
        data[f"choices-{index}-feedback"] = feedback
    return {**data, **fields}


def count_of(model) -> int:
    _db.session.expire_all()
    return _db.session.scalar(select(func.count()).select_from(model))


def content_of(course_id: int) -> dict[str, Any]:
    """Everything an author can change in a course, as plain data, to compare before/after."""
    _db.session.expire_all()
    course = _db.session.get(Course, course_id)
    bank = _db.session.scalars(
        select(Question).where(Question.course_id == course_id).order_by(Question.id)
    )
    images = _db.session.scalars(select(Upload.filename).where(Upload.course_id == course_id))
    return {
        "course": (
            course.code,
            course.title,
            course.summary,
            course.validity_months,
            course.status,
        ),
        "modules": [
            {
                "title": module.title,
                "position": module.position,
                "principles": [p.code for p in module.principles],
                "competencies": module.competency_codes,
                "items": [
                    (
                        item.title,
                        item.kind,
                        item.required,
                        item.position,
                        (item.lesson.markdown, item.lesson.revision) if item.lesson else None,
                        quiz_settings(item) if item.quiz else None,
                        task_content(item) if item.task else None,
                    )
                    for item in module.items
                ],
            }
            for module in course.modules
        ],
        "questions": [question_content(q) | {"archived": q.archived} for q in bank],
        "images": sorted(images),
    }


def quiz_settings(item: CourseItem) -> tuple:
    quiz = item.quiz
    return (
        quiz.pass_mark,
        quiz.attempts_allowed,
        quiz.time_limit_minutes,
        quiz.category,
        quiz.draw_mode,
        dict(quiz.draw_per_level),
        quiz.draw_count,
        quiz.shuffle_questions,
        quiz.shuffle_choices,
        quiz.kind,
        quiz.review_shows,
        quiz.review_when,
        quiz.closes_at,
    )


def task_content(item: CourseItem) -> tuple:
    task = item.task
    return (
        task.instructions,
        task.attachment,
        task.blind_marking,
        task.max_submissions,
        [(c.position, c.title, c.competency_code, dict(c.descriptors)) for c in task.criteria],
    )


def question_content(question: Question) -> dict[str, Any]:
    return {
        "qtype": question.qtype,
        "name": question.name,
        "text": question.text,
        "level": question.level,
        "competency_code": question.competency_code,
        "category": question.category,
        "general_feedback": question.general_feedback,
        "data": question.data,
    }


def make_zip(files: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
