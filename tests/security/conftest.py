"""The security suite's people: the route walk's `world` (a user per role and one of every
object a URL names), and on the other side of every boundary a victim whose records must never
reach the attackers.

- officer A (the world's officer, at the administration) and officer B, at a southern port;
- trainer A (the world's, at the national training centre) and trainer B, of the southern
  regional training office, with a draft course of its own;
- HR scoped to the northern region, who must never see the south;
- the world's admin.

Officer B's and trainer B's records carry marker strings (OFFICER_B, DRAFT_B) that no page,
download or export shown to the attackers may contain.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from competencies.services.evidence import add_manual_rating
from competencies.services.frameworks import competencies_by_code, ensure_default_frameworks
from courses.authoring.services import authored_courses, publishing, quizzes, structure, tasks
from courses.authoring.services.questions import QuestionInput, save_question
from courses.learning.models import CourseItem
from courses.learning.services import attempts, uploads
from courses.learning.services.principles import ensure_principles
from courses.marking.services import submissions
from lms.accounts.models import User
from lms.extensions import db
from lms.notifications.services import NewNotification, add_daily_notifications
from lms.organisation.models import OrgUnit
from lms.timeutil import utcnow
from tests.courses.assignment_helpers import assign
from tests.courses.certificate_helpers import certified
from tests.courses.conftest import create_course  # noqa: F401  (a fixture: courses to order)
from tests.courses.marking_fixtures import PDF, add_task
from tests.lms.conftest import World, world  # noqa: F401  (the route walk's objects, a fixture)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40

# What officer B's records say: none of it may reach officer A, nor HR of the north.
OFFICER_B = {
    "name": "Valentina Quistgaard",
    "email": "valentina.quistgaard@customs.example",
    "service_number": "SN-VQ-7731",
    "answer": "zebra-crossing-answer",
    "rating_note": "Seen-by-raters-only note",
    "notice": "Private notice for Valentina",
    "task_answer": "quokka-task-answer",
}
# What trainer B's draft course says: none of it may reach trainer A, nor any officer.
DRAFT_B = {
    "title": "Southern draft DRAFTMARK",
    "lesson": "LESSONMARK southern lesson text",
    "question": "QUESTIONMARK southern question",
    "key": "KEYMARK southern answer",
    "task": "TASKMARK southern task instructions",
    "rubric": "RUBRICMARK southern rubric descriptor",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The suite runs some tests of other packages again (imported by name, as the deny-by-
    default walk): `bin/test tests/security` runs them; when their own module is collected
    too, they run there only."""
    collected = {(item.module.__name__, item.name) for item in items if hasattr(item, "module")}
    again = [
        item
        for item in items
        if hasattr(item, "module")
        and item.module.__name__.startswith("tests.security.")
        and item.function.__module__ != item.module.__name__
        and (item.function.__module__, item.name) in collected
    ]
    if again:
        config.hook.pytest_deselected(items=again)
        items[:] = [item for item in items if item not in again]


@dataclass(frozen=True)
class Cast:
    """The people on both sides, and the ids of the victims' records."""

    world: World
    officer_a: User
    officer_b: User
    trainer_a: User
    trainer_b: User
    hr_north: User
    admin: User
    ids: dict[str, int | str]

    @property
    def attackers(self) -> dict[str, User]:
        return {
            "officer A": self.officer_a,
            "trainer A": self.trainer_a,
            "HR of the north": self.hr_north,
        }


@pytest.fixture
def training_unit(cast: Cast) -> OrgUnit:
    """The unit of the courses `create_course` builds here: trainer A's."""
    return db.session.get(OrgUnit, cast.trainer_a.unit_id)


def _southern_course(trainer_b: User, code: str, title: str, *, quiz: bool) -> CourseItem:
    """A published course of trainer B's unit: one lesson, and a quiz asking for a word."""
    course = authored_courses.create_course(
        authored_courses.CourseDetails(code, title, "Published in the south."),
        training_unit_id=trainer_b.unit_id,
    )
    module = structure.add_module(course, "Module 1", ["P-INT"], ["P-INT"])
    lesson = structure.add_lesson(module, "Lesson 1", "Integrity **first**.")
    item = lesson
    if quiz:
        item = quizzes.add_quiz(
            module,
            "Southern quiz",
            quizzes.QuizSettings(  # officer B's one attempt is reviewed with its answer
                time_limit_minutes=None,
                attempts_allowed=1,
                review_shows="keys",
                review_when="after_last_attempt",
            ),
        )
        save_question(
            course,
            None,
            QuestionInput(
                qtype="short_text",
                text="Name the crossing.",
                level=1,
                competency_code="P-INT",
                data={"answers": [{"text": "pelican", "fraction": 1.0}]},
            ),
        )
    db.session.refresh(course)
    publishing.set_status(course, "published")
    return item


@pytest.fixture
def cast(world: World, create_unit, create_user, root_unit) -> Cast:  # noqa: F811
    users = world.users
    north = world.ids["unit"]  # the world's region, R-NORTH
    south = create_unit("R-SOUTH", name="Southern Region", parent=root_unit, kind="region")
    port = create_unit("S-PORT", name="Southern Port", parent=south, kind="office")
    south_training = create_unit(
        "RTO-S", name="Southern Training Office", parent=south, kind="training_centre"
    )
    officer_b = create_user(
        OFFICER_B["email"], unit=port, full_name=OFFICER_B["name"], roles=("officer",)
    )
    officer_b.service_number = OFFICER_B["service_number"]
    trainer_b = create_user(
        "trainer.south@customs.example", roles=("trainer",), unit=south_training
    )
    hr_north = create_user(
        "hr.north@customs.example",
        roles=("hr",),
        unit=db.session.get(OrgUnit, north),
        full_name="Hilde North",
    )
    ensure_principles()
    ensure_default_frameworks()

    # Officer B: a graded attempt with a typed answer, a certificate, a rating, a notice, and
    # an assignment from trainer B.
    quiz = _southern_course(trainer_b, "SOUTH-Q", "Southern quiz course", quiz=True)
    attempt = attempts.start_attempt(officer_b.id, quiz)
    attempts.submit_attempt(
        officer_b.id, attempt.id, {f"answer-{attempt.snapshot[0]['key']}": [OFFICER_B["answer"]]}
    )
    open_attempt_quiz = _southern_course(trainer_b, "SOUTH-O", "Southern open quiz", quiz=True)
    open_attempt = attempts.start_attempt(officer_b.id, open_attempt_quiz)
    lesson = _southern_course(trainer_b, "SOUTH-C", "Southern certified course", quiz=False)
    db.session.commit()
    certificate = certified(officer_b.id, lesson.module.course)
    competency = competencies_by_code({"OPS-VAL"})["OPS-VAL"]
    add_manual_rating(
        officer_b.id, competency.id, 2, OFFICER_B["rating_note"], rated_by_id=trainer_b.id
    )
    add_daily_notifications(
        "security-test",
        utcnow().date(),
        [NewNotification(officer_b.id, OFFICER_B["notice"], OFFICER_B["notice"])],
    )
    assignment = assign(
        trainer_b, target_kind="officers", course_id=lesson.course_id, officer_ids=(officer_b.id,)
    )

    # Officer B: an answer (text and a PDF) to a task of trainer B's unit, waiting to be marked.
    task_course = _southern_course(trainer_b, "SOUTH-T", "Southern task course", quiz=False)
    task = add_task(task_course.module)
    db.session.refresh(task_course.module.course)
    task_answer = submissions.submit(
        officer_b.id,
        task,
        OFFICER_B["task_answer"],
        ("a.pdf", PDF.replace(b"%%EOF", OFFICER_B["task_answer"].encode() + b"\n%%EOF")),
    )

    # Trainer B: a draft course with a lesson, a quiz, a task and its rubric, a question and an
    # image.
    draft = authored_courses.create_course(
        authored_courses.CourseDetails("SOUTH-DRAFT", DRAFT_B["title"], DRAFT_B["lesson"]),
        training_unit_id=trainer_b.unit_id,
    )
    module = structure.add_module(draft, "Draft module", ["P-INT"], [])
    draft_lesson = structure.add_lesson(module, "Draft lesson", DRAFT_B["lesson"])
    draft_quiz = quizzes.add_quiz(module, "Draft quiz", quizzes.QuizSettings())
    question = save_question(
        draft,
        None,
        QuestionInput(
            qtype="short_text",
            text=DRAFT_B["question"],
            level=1,
            data={"answers": [{"text": DRAFT_B["key"], "fraction": 1.0}]},
        ),
    )
    draft_task = tasks.add_task(module, "Draft task", DRAFT_B["task"], tasks.TaskSettings())
    draft_criterion = tasks.add_criterion(
        draft_task.task, tasks.CriterionInput("Draft criterion", "P-INT", {"3": DRAFT_B["rubric"]})
    )
    image = uploads.store_upload(draft, trainer_b.id, "southern-map.png", PNG)
    db.session.commit()
    ids: dict[str, int | str] = {
        "b_officer": officer_b.id,
        "b_trainer": trainer_b.id,
        "b_attempt": attempt.id,
        "b_open_attempt": open_attempt.id,
        "b_quiz_course": quiz.course_id,
        "b_quiz": quiz.id,
        "b_certificate": certificate.id,
        "b_certificate_code": certificate.code,
        "b_assignment": assignment.id,
        "b_draft": draft.id,
        "b_draft_module": module.id,
        "b_draft_lesson": draft_lesson.id,
        "b_draft_quiz": draft_quiz.id,
        "b_draft_question": question.id,
        "b_draft_task": draft_task.id,
        "b_draft_criterion": draft_criterion.id,
        "b_upload": image.id,
        "b_upload_name": image.filename,
        "b_task_course": task.item.course_id,
        "b_task": task.item_id,
        "b_submission": task_answer.id,
        "south": south.id,
        "south_port": port.id,
    }
    return Cast(
        world=world,
        officer_a=users["officer"],
        officer_b=officer_b,
        trainer_a=users["trainer"],
        trainer_b=trainer_b,
        hr_north=hr_north,
        admin=users["admin"],
        ids=ids,
    )
