"""The learning loop's routes and what each role gets from them (see tests/access_table.py)."""

from __future__ import annotations

from courses.authoring.services import authored_courses, publishing, quizzes, structure
from courses.authoring.services.questions import QuestionInput, save_question
from courses.learning.services import attempts, uploads
from courses.learning.services.principles import ensure_principles
from lms.accounts.models import User
from lms.extensions import db
from tests.access_table import OFFICER_PAGE, OFFICER_REDIRECT, RouteTable, statuses
from tests.courses.assignment_access_routes import (
    ASSIGNMENT_ENDPOINT_RULES,
    ASSIGNMENT_ROUTES,
    create_assignment_objects,
)
from tests.courses.marking_access_routes import (
    MARKING_ENDPOINT_RULES,
    MARKING_ROUTES,
    create_marking_objects,
)

OFFICER = frozenset({"officer"})
# The smallest file the upload check takes for a PNG image.
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def create_objects(users: dict[str, User]) -> dict[str, int | str]:
    """A published course of the trainer's unit, with a lesson, a quiz with one question, the
    officer's attempt in progress, and an image."""
    ensure_principles()
    course = authored_courses.create_course(
        authored_courses.CourseDetails("AC-1", "Access course", "Every page of a course."),
        training_unit_id=users["trainer"].unit_id,
    )
    module = structure.add_module(course, "Module 1", ["P-INT"], [])
    lesson = structure.add_lesson(module, "Lesson 1", "Integrity **first**.")
    quiz = quizzes.add_quiz(module, "Quiz", quizzes.QuizSettings())
    question = QuestionInput(qtype="true_false", text="True?", level=1, data={"answer": True})
    save_question(course, None, question)
    db.session.refresh(course)
    publishing.set_status(course, "published")
    attempt = attempts.start_attempt(users["officer"].id, quiz)
    image = uploads.store_upload(course, users["trainer"].id, "map.png", PNG)
    return {
        "course": course.id,
        "lesson": lesson.id,
        "quiz": quiz.id,
        "attempt": attempt.id,
        "upload": image.id,
        "upload_name": image.filename,
    }


TABLE = RouteTable(
    routes={
        ("GET", "/courses"): ("/courses", OFFICER_PAGE),
        ("GET", "/courses/<int:course_id>"): ("/courses/{course}", OFFICER_PAGE),
        ("GET", "/courses/<int:course_id>/items/<int:item_id>"): (
            "/courses/{course}/items/{lesson}",
            OFFICER_PAGE,
        ),
        ("POST", "/courses/<int:course_id>/items/<int:item_id>/attempts"): (
            "/courses/{course}/items/{quiz}/attempts",
            OFFICER_REDIRECT,
        ),
        ("GET", "/attempts/<int:attempt_id>"): ("/attempts/{attempt}", OFFICER_PAGE),
        ("POST", "/attempts/<int:attempt_id>/submit"): (
            "/attempts/{attempt}/submit",
            OFFICER_REDIRECT,
        ),
        # Still in progress when the GETs run: the result page sends the officer back to it.
        ("GET", "/attempts/<int:attempt_id>/result"): (
            "/attempts/{attempt}/result",
            OFFICER_REDIRECT,
        ),
        ("GET", "/my/learning"): ("/my/learning", OFFICER_PAGE),
        # The trainer belongs to the course's training unit.
        ("GET", "/uploads/<int:upload_id>/<filename>"): (
            "/uploads/{upload}/{upload_name}",
            statuses(302, 200, 200, 403, 403),
        ),
        **ASSIGNMENT_ROUTES,
        **MARKING_ROUTES,
    },
    endpoint_rules={
        "learning.catalogue_page": OFFICER,
        "learning.course_page": OFFICER,
        "learning.item_page": OFFICER,
        "learning.start_attempt": OFFICER,
        "learning.attempt_page": OFFICER,
        "learning.submit_attempt": OFFICER,
        "learning.result_page": OFFICER,
        "learning.my_learning": OFFICER,
        "learning.upload_file": frozenset({"officer", "trainer"}),
        **ASSIGNMENT_ENDPOINT_RULES,
        **MARKING_ENDPOINT_RULES,
    },
    create_objects=lambda users: (
        create_objects(users) | create_assignment_objects(users) | create_marking_objects(users)
    ),
    # Viewing a lesson records progress (DESIGN.md, the core loop).
    writing_gets=frozenset({"/courses/<int:course_id>/items/<int:item_id>"}),
)
