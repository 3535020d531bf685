"""Courses as zip files through the authoring pages, and the preview that records nothing."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

from sqlalchemy import select

from courses.authoring.services import authored_courses, quizzes, structure
from courses.authoring.services.questions import QuestionInput, save_question
from courses.learning.models import Attempt, Course, CourseEnrolment, ItemProgress, Question
from tests.courses.authoring_fixtures import *  # noqa: F403  (fixtures)
from tests.courses.authoring_fixtures import (
    SINGLE_CHOICE,
    TRUE_FALSE,
    content_of,
    count_of,
    question_content,
    text_of,
    token_from,
)

MORE_QUESTIONS = (
    SINGLE_CHOICE,
    TRUE_FALSE,
    QuestionInput(
        qtype="multiple_response",
        name="MR1",
        text="Which are **reform principles**?\n\nChoose all that apply.",
        level=3,
        competency_code="P-ACC",
        category="principles",
        data={
            "choices": [
                {"id": "c1", "text": "Transparency", "fraction": 0.5, "feedback": "Yes: {open}"},
                {"id": "c2", "text": "Predictability", "fraction": 0.5, "feedback": ""},
                {"id": "c3", "text": "Secrecy", "fraction": -1.0, "feedback": "No #1."},
            ]
        },
        general_feedback="See chapter 9: rulings ~ decisions.",
    ),
    QuestionInput(
        qtype="numeric",
        text="What is 8% of 12000?",
        level=2,
        category="principles",
        data={"answers": [{"value": 960, "tolerance": 5, "fraction": 1.0, "feedback": "Right."}]},
    ),
    QuestionInput(
        qtype="short_text",
        text="Name the nomenclature.",
        level=4,
        data={"answers": [{"text": "Harmonized System", "fraction": 1.0, "feedback": ""}]},
    ),
)


def test_export_then_import_through_the_web_gives_the_same_course(db, trainer_client, build_course):
    markdown = (
        "## Appeals\n\nEvery decision can be **appealed**.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    )
    built = build_course(markdown=markdown, bank=MORE_QUESTIONS)
    course = db.session.get(Course, built.course.id)
    second = structure.add_module(course, "Rulings", ["P-TRA", "P-PRE"], ["P-TRA"])
    structure.add_lesson(second, "Optional reading", "Read *more*.", required=False)
    quizzes.add_quiz(
        second,
        "Per-level quiz",
        quizzes.QuizSettings(
            pass_mark=80,
            attempts_allowed=0,
            time_limit_minutes=None,
            category="principles",
            draw_mode="per_level",
            draw_per_level={"2": 1, "3": 1},
            shuffle_questions=False,
            kind="checkpoint",
            review_shows="keys",
            review_when="after_last_attempt",
            closes_at=datetime(2031, 6, 30, 17, 0),
        ),
    )
    archived = save_question(course, None, SINGLE_CHOICE)
    archived.archived = True
    db.session.commit()
    original = content_of(built.course.id)

    response = trainer_client.get(f"/author/courses/{built.course.id}/export")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert 'filename="AU-001.zip"' in response.headers["Content-Disposition"]
    data = response.get_data()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = sorted(archive.namelist())
    assert "AU-001/course.json" in names and "AU-001/questions.gift" in names
    assert all(name.startswith("AU-001/") for name in names)
    assert count_of(Course) == 1, "exporting writes nothing"

    # Codes are unique on the platform: the original steps aside for its copy.
    authored_courses.update_course(
        db.session.get(Course, built.course.id),
        authored_courses.CourseDetails("AU-OLD", course.title, course.summary),
    )
    db.session.commit()
    token = token_from(trainer_client, "/author/import")
    imported = trainer_client.post(
        "/author/import",
        data={"csrf_token": token, "file": (io.BytesIO(data), "AU-001.zip")},
        content_type="multipart/form-data",
    )
    assert imported.status_code == 302, text_of(imported)
    copy = db.session.scalar(select(Course).where(Course.code == "AU-001"))
    assert imported.headers["Location"] == f"/author/courses/{copy.id}"
    assert "Course AU-001 imported as a draft." in text_of(
        trainer_client.get(f"/author/courses/{copy.id}")
    )
    assert copy.training_unit_id == built.course.training_unit_id

    again = content_of(copy.id)
    assert again["modules"] == original["modules"]
    assert again["course"] == original["course"]

    # The export carries the bank in use: the archived question stays behind.
    def by_text(questions: list[dict]) -> list[dict]:
        return sorted(questions, key=lambda q: q["text"])

    in_use = [q for q in original["questions"] if not q["archived"]]
    assert by_text(again["questions"]) == by_text(in_use)
    bank = db.session.scalars(select(Question).where(Question.course_id == copy.id))
    texts = [question_content(q)["text"] for q in bank]
    assert "Which are **reform principles**?\n\nChoose all that apply." in texts


def test_the_preview_shows_the_course_as_officers_see_it_and_records_nothing(
    db, trainer_client, build_course
):
    built = build_course(bank=MORE_QUESTIONS)
    response = trainer_client.get(f"/author/courses/{built.course.id}/preview")
    assert response.status_code == 200
    html = text_of(response)
    assert "Preview as an officer." in html
    assert "The course is not published: officers cannot open it yet." in html
    assert "Appeals in practice" in html and "P-ACC" in html
    assert "Every decision can be <strong>appealed</strong>." in html
    assert html.count('<fieldset class="question" disabled>') == len(MORE_QUESTIONS)
    assert "Which chapter of the General Annex covers appeals?" in html
    assert 'type="checkbox"' in html  # the multiple-response question
    # No key, weight or feedback reaches the page.
    for secret in ("Right: appeals.", "No: clearance.", "Yes: {open}", "fraction", "Look again."):
        assert secret not in html
    assert count_of(Attempt) == 0
    assert count_of(ItemProgress) == 0 and count_of(CourseEnrolment) == 0


def test_the_course_list_shows_status_and_counts(db, trainer_client, build_course):
    build_course()
    build_course(published=True, bank=MORE_QUESTIONS)
    page = text_of(trainer_client.get("/author/courses"))
    assert "AU-001" in page and "AU-002" in page
    assert "Draft" in page and "Published" in page
    rows = page.split("<tbody>", 1)[1]
    assert '<td class="num">1</td><td class="num">2</td><td class="num">2</td>' in rows
    assert '<td class="num">1</td><td class="num">2</td><td class="num">5</td>' in rows
