"""The trainer's half of issue 3's first done-when: a course built and published through the
authoring pages, then found by an officer; and the outline's everyday edits."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select

from courses.learning.models import Attempt, Course, CourseItem, Question
from courses.learning.services import attempts
from tests.courses.authoring_fixtures import *  # noqa: F403  (fixtures)
from tests.courses.authoring_fixtures import (
    content_of,
    count_of,
    question_form,
    submit,
    text_of,
)

QUIZ_FIELDS = {
    "title": "Check yourself",
    "required": "y",
    "pass_mark": "50",
    "attempts_allowed": "2",
    "time_limit_minutes": "",
    "category": "",
    "draw_mode": "all",
    "level_1": "0",
    "level_2": "0",
    "level_3": "0",
    "level_4": "0",
    "shuffle_questions": "y",
    "kind": "assessment",
    "review_shows": "",
    "review_when": "immediately",
}


def test_trainer_builds_and_publishes_a_course_that_an_officer_then_finds(
    app, db, client, login_as, trainer, author_officer
):
    login_as(trainer)
    assert client.get("/").headers["Location"] == "/author/courses"
    listing = text_of(client.get("/author/courses"))
    assert 'href="/author/courses"' in listing  # the "Authoring" navigation item
    assert "Academy Training Centre" in listing and "New course" in listing

    created = submit(
        client,
        "/author/courses/new",
        {
            "code": "p-acc-201",
            "title": "Appeals at the border",
            "summary": "Explaining decisions and handling appeals.",
            "validity_months": "24",
        },
    )
    assert created.status_code == 302, text_of(created)
    course = db.session.scalar(select(Course).where(Course.code == "P-ACC-201"))
    assert course.training_unit_id == trainer.unit_id and course.status == "draft"
    outline = f"/author/courses/{course.id}"
    assert created.headers["Location"] == outline

    saved = submit(
        client,
        f"{outline}/modules/new",
        {
            "title": "Appeals in practice",
            "principles": ["P-ACC", "P-TRA"],
            "competency_codes": "p-acc, int-coc",
        },
    )
    assert saved.status_code == 302, text_of(saved)
    module = db.session.get(Course, course.id).modules[0]
    assert [p.code for p in module.principles] == ["P-TRA", "P-ACC"]
    assert module.competency_codes == ["INT-COC", "P-ACC"]

    new_lesson = f"{outline}/modules/{module.id}/lessons/new"
    lesson_fields = {
        "title": "Explaining decisions",
        "required": "y",
        "markdown": "## Reasons\n\nGive **reasons** and the route of appeal.",
    }
    previewed = submit(client, new_lesson, {**lesson_fields, "preview": "Preview"})
    assert previewed.status_code == 200
    page = text_of(previewed)
    assert "Preview (not saved)" in page
    assert "<h2>Reasons</h2>" in page and "<strong>reasons</strong>" in page
    assert count_of(CourseItem) == 0, "a preview saves nothing"
    saved = submit(client, new_lesson, {**lesson_fields, "save": "Save"})
    assert saved.status_code == 302, text_of(saved)
    lesson = db.session.scalar(select(CourseItem).where(CourseItem.kind == "lesson"))
    assert lesson.lesson.revision == 1 and "<strong>reasons</strong>" in lesson.lesson.html

    saved = submit(client, f"{outline}/modules/{module.id}/quizzes/new", QUIZ_FIELDS)
    assert saved.status_code == 302, text_of(saved)
    quiz = db.session.scalar(select(CourseItem).where(CourseItem.kind == "quiz"))
    assert (quiz.quiz.pass_mark, quiz.quiz.attempts_allowed) == (50, 2)
    assert quiz.quiz.time_limit_minutes is None and quiz.quiz.shuffle_choices is False

    saved = submit(
        client,
        f"{outline}/questions/new",
        question_form(
            "single_choice",
            "Which chapter of the General Annex covers **appeals**?",
            choices=[("Chapter 10", "100", "Right."), ("Chapter 3", "0", "That is clearance.")],
            competency_code="p-acc",
            level="2",
        ),
    )
    assert saved.status_code == 302, text_of(saved)
    saved = submit(
        client,
        f"{outline}/questions/new",
        question_form(
            "numeric",
            "Within how many days must the appeal be lodged, in this example?",
            numeric_answer="30",
            numeric_tolerance="",
            numeric_feedback="The notice says 30 days.",
        ),
    )
    assert saved.status_code == 302, text_of(saved)
    bank = list(db.session.scalars(select(Question).order_by(Question.id)))
    assert [q.qtype for q in bank] == ["single_choice", "numeric"]
    assert bank[0].competency_code == "P-ACC" and bank[0].level == 2
    assert bank[0].data["choices"][0] == {
        "id": "c1",
        "text": "Chapter 10",
        "fraction": 1.0,
        "feedback": "Right.",
    }
    assert bank[1].data["answers"][0]["value"] == 30.0
    listing = text_of(client.get(f"{outline}/questions"))
    assert "Which chapter of the General Annex" in listing and "Numeric" in listing

    published = submit(client, f"{outline}/status", {"status": "published"}, page=outline)
    assert published.status_code == 302, text_of(published)
    assert db.session.get(Course, course.id).status == "published"
    assert "Course published" in text_of(client.get(outline))

    officer_browser = app.test_client()
    login_as(author_officer, on=officer_browser)
    course_page = officer_browser.get(f"/courses/{course.id}")
    assert course_page.status_code == 200
    page = text_of(course_page)
    assert "Appeals at the border" in page
    assert "Explaining decisions" in page and "Check yourself" in page
    assert "P-ACC" in page and "INT-COC" in page
    lesson_page = text_of(officer_browser.get(f"/courses/{course.id}/items/{lesson.id}"))
    assert "<strong>reasons</strong>" in lesson_page


def test_editing_a_lesson_makes_a_new_revision_only_when_the_text_changes(
    db, trainer_client, build_course
):
    built = build_course()
    url = f"/author/courses/{built.course.id}/lessons/{built.lesson.id}"
    page = text_of(trainer_client.get(url))
    assert "revision 1" in page and "Every decision can be **appealed**." in page
    fields = {"title": "Why appeals matter", "required": "y", "save": "Save"}

    # Browsers send a textarea's lines with CRLF: the same text is the same revision.
    same = "## Appeals\r\n\r\nEvery decision can be **appealed**."
    assert submit(trainer_client, url, {**fields, "markdown": same}).status_code == 302
    assert db.session.get(CourseItem, built.lesson.id).lesson.revision == 1
    response = submit(trainer_client, url, {**fields, "markdown": "Now *emphasised*."})
    assert response.status_code == 302
    item = db.session.get(CourseItem, built.lesson.id)
    assert item.lesson.revision == 2 and item.lesson.html == "<p>Now <em>emphasised</em>.</p>"
    assert "revision 2" in text_of(trainer_client.get(url))


def test_outline_moves_items_and_modules_and_deletes_an_item(db, trainer_client, build_course):
    built = build_course()
    course_id, lesson_id = built.course.id, built.lesson.id
    outline = f"/author/courses/{course_id}"
    page = text_of(trainer_client.get(outline))
    assert "Why appeals matter" in page and "Check yourself" in page
    assert "Appeals in practice" in page and "P-ACC" in page

    moved = submit(
        trainer_client,
        f"{outline}/items/{lesson_id}/move",
        {"direction": "down"},
        page=outline,
    )
    assert moved.status_code == 302
    titles = [item[0] for item in content_of(course_id)["modules"][0]["items"]]
    assert titles == ["Check yourself", "Why appeals matter"]
    submit(trainer_client, f"{outline}/items/{lesson_id}/move", {"direction": "up"}, page=outline)
    titles = [item[0] for item in content_of(course_id)["modules"][0]["items"]]
    assert titles == ["Why appeals matter", "Check yourself"]

    second = submit(
        trainer_client,
        f"{outline}/modules/new",
        {"title": "Rulings", "principles": ["P-TRA"], "competency_codes": ""},
    )
    assert second.status_code == 302
    new_module_id = int(re.search(r"#module-(\d+)$", second.headers["Location"]).group(1))
    moved = f"{outline}/modules/{new_module_id}/move"
    submit(trainer_client, moved, {"direction": "up"}, page=outline)
    assert [m["title"] for m in content_of(course_id)["modules"]] == [
        "Rulings",
        "Appeals in practice",
    ]

    deleted = submit(trainer_client, f"{outline}/items/{lesson_id}/delete", page=outline)
    assert deleted.status_code == 302
    assert db.session.get(CourseItem, lesson_id) is None
    assert "“Why appeals matter” deleted." in text_of(trainer_client.get(outline))
    items = content_of(course_id)["modules"][1]["items"]
    assert [(title, position) for title, _, _, position, *_ in items] == [("Check yourself", 1)]


def test_deleting_a_quiz_officers_attempted_is_refused_with_the_reason(
    db, trainer_client, build_course, author_officer
):
    built = build_course(published=True)
    attempts.start_attempt(author_officer.id, db.session.get(CourseItem, built.quiz.id))
    db.session.commit()
    outline = f"/author/courses/{built.course.id}"
    refused = submit(trainer_client, f"{outline}/items/{built.quiz.id}/delete", page=outline)
    assert refused.status_code == 302
    page = text_of(trainer_client.get(refused.headers["Location"]))
    assert "“Check yourself” was not deleted." in page
    assert "Officers have attempted this quiz" in page and "Mark it optional instead" in page
    assert db.session.get(CourseItem, built.quiz.id) is not None
    assert count_of(Attempt) == 1


def test_archive_and_back_to_draft_and_edit_details(db, trainer_client, build_course):
    built = build_course(published=True)
    outline = f"/author/courses/{built.course.id}"
    archived = submit(trainer_client, f"{outline}/status", {"status": "archived"}, page=outline)
    assert archived.status_code == 302
    assert db.session.get(Course, built.course.id).status == "archived"
    assert "Course archived" in text_of(trainer_client.get(outline))
    submit(trainer_client, f"{outline}/status", {"status": "draft"}, page=outline)
    assert db.session.get(Course, built.course.id).status == "draft"

    details = f"{outline}/details"
    assert 'value="AU-001"' in text_of(trainer_client.get(details))
    saved = submit(
        trainer_client,
        details,
        {"code": "AU-100", "title": "Appeals, revised", "summary": "", "validity_months": ""},
    )
    assert saved.status_code == 302
    course = db.session.get(Course, built.course.id)
    assert (course.code, course.title, course.validity_months) == (
        "AU-100",
        "Appeals, revised",
        None,
    )


def test_quiz_settings_per_level_draw_round_trip_through_the_form(db, trainer_client, build_course):
    built = build_course()
    url = f"/author/courses/{built.course.id}/quizzes/{built.quiz.id}"
    saved = submit(
        trainer_client,
        url,
        {
            **QUIZ_FIELDS,
            "time_limit_minutes": "15",
            "draw_mode": "per_level",
            "level_1": "1",
            "level_2": "1",
            "shuffle_choices": "y",
            "review_shows": "keys",
            "review_when": "after_close",
            "closes_at": "2031-06-30T17:00",
        },
    )
    assert saved.status_code == 302, text_of(saved)
    quiz = db.session.get(CourseItem, built.quiz.id).quiz
    assert quiz.draw_mode == "per_level" and quiz.draw_per_level == {"1": 1, "2": 1}
    assert (quiz.time_limit_minutes, quiz.review_shows, quiz.review_when) == (
        15,
        "keys",
        "after_close",
    )
    assert quiz.closes_at == datetime(2031, 6, 30, 17, 0)
    page = text_of(trainer_client.get(url))
    assert re.search(r'name="level_1" type="number" value="1"', page)
    assert re.search(r'name="level_3" type="number" value="0"', page)
    assert '<option selected value="after_close">' in page


def test_question_archive_and_unarchive(db, trainer_client, build_course):
    built = build_course()
    question = built.questions[0]
    bank = f"/author/courses/{built.course.id}/questions"
    url = f"{bank}/{question.id}/archive"
    assert submit(trainer_client, url, {"archived": "1"}, page=bank).status_code == 302
    assert db.session.get(Question, question.id).archived is True
    assert "archived" in text_of(trainer_client.get(bank))
    submit(trainer_client, url, {"archived": "0"}, page=bank)
    assert db.session.get(Question, question.id).archived is False


def test_editing_a_question_shows_its_values_its_key_and_the_grading_rule(
    db, trainer_client, build_course
):
    built = build_course()
    url = f"/author/courses/{built.course.id}/questions/{built.questions[0].id}"
    page = text_of(trainer_client.get(url))
    assert 'value="Chapter 10"' in page and 'value="100"' in page
    assert "One answer is right: choosing it scores the question in full." in page
    assert "Preview with the answer key" in page
    fields = question_form(
        "single_choice",
        "Which chapter covers appeals, in the General Annex?",
        choices=[("Chapter 10", "100", ""), ("Chapter 9", "0", ""), ("Chapter 3", "", "")],
        competency_code="",
    )
    assert submit(trainer_client, url, fields).status_code == 302
    question = db.session.get(Question, built.questions[0].id)
    assert question.text == "Which chapter covers appeals, in the General Annex?"
    assert [c["text"] for c in question.data["choices"]] == ["Chapter 10", "Chapter 9", "Chapter 3"]
    assert question.competency_code is None  # the field was cleared
