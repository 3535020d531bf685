"""Bad input in the authoring forms (courses, modules, questions, quizzes, publishing): a clear
message, and nothing changed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from courses.authoring.services import structure
from courses.learning.models import Course, Module, Question
from tests.courses.authoring_fixtures import *  # noqa: F403  (fixtures)
from tests.courses.authoring_fixtures import (
    content_of,
    count_of,
    question_form,
    submit,
    text_of,
)

# --- courses ---------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["P INT 101", "-LEADING", "X", "ÉTÉ-1", "A" * 33])
def test_a_bad_course_code_is_refused_next_to_the_field(code, db, trainer_client):
    response = submit(
        trainer_client, "/author/courses/new", {"code": code, "title": "A course", "summary": ""}
    )
    assert response.status_code == 400
    page = text_of(response)
    assert "A course code is 2 to 32 capital letters, digits or hyphens" in page
    assert 'aria-invalid="true"' in page
    assert count_of(Course) == 0


def test_a_duplicate_course_code_is_refused(db, trainer_client, build_course):
    built = build_course()
    response = submit(
        trainer_client,
        "/author/courses/new",
        {"code": built.course.code.lower(), "title": "Copy", "summary": ""},
    )
    assert response.status_code == 400
    assert f"The course code {built.course.code} is already used." in text_of(response)
    assert count_of(Course) == 1
    # Renaming another course to the same code is refused too.
    other = build_course()
    before = content_of(other.course.id)
    response = submit(
        trainer_client,
        f"/author/courses/{other.course.id}/details",
        {"code": built.course.code, "title": "Renamed", "summary": ""},
    )
    assert "is already used" in text_of(response)
    assert content_of(other.course.id) == before


def test_a_bad_validity_period_is_refused(db, trainer_client):
    response = submit(
        trainer_client,
        "/author/courses/new",
        {"code": "OK-1", "title": "A course", "validity_months": "999"},
    )
    assert "Number must be between 1 and 240." in text_of(response)
    assert count_of(Course) == 0


def test_bad_competency_codes_on_a_module_are_refused(db, trainer_client, build_course):
    built = build_course()
    before = content_of(built.course.id)
    response = submit(
        trainer_client,
        f"/author/courses/{built.course.id}/modules/{built.module.id}",
        {"title": "Renamed", "principles": ["P-INT"], "competency_codes": "P-INT, not a code!"},
    )
    assert response.status_code == 400
    assert "Not a competency code: NOT A CODE!." in text_of(response)
    assert content_of(built.course.id) == before


# --- questions -------------------------------------------------------------------------------


def post_question(client, course_id: int, fields: dict):
    return submit(client, f"/author/courses/{course_id}/questions/new", fields)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            question_form(
                "single_choice",
                "Which is right?",
                choices=[("One", "0", ""), ("Two", "50", "")],
            ),
            "A single-choice question needs exactly one right choice.",
        ),
        (
            question_form(
                "single_choice",
                "Which is right?",
                choices=[("One", "100", ""), ("Two", "100", "")],
            ),
            "A single-choice question needs exactly one right choice.",
        ),
        (
            question_form(
                "multiple_response",
                "Which are right?",
                choices=[("One", "50", ""), ("Two", "40", ""), ("Three", "-100", "")],
            ),
            "The weights of the right choices add up to 90%; they must add up to 100%.",
        ),
        (
            question_form("true_false", "Is it so?", tf_answer=""),
            "Say whether the statement is true.",
        ),
        (
            question_form("short_text", "Name it.", accepted_answers="\n  \n"),
            "A short-text question needs at least one accepted answer, none empty.",
        ),
    ],
    ids=["single-no-right", "single-two-right", "multiple-90", "tf-unset", "short-empty"],
)
def test_question_data_the_registry_refuses_is_listed_and_nothing_is_saved(
    fields, message, db, trainer_client, build_course
):
    built = build_course(bank=())
    response = post_question(trainer_client, built.course.id, fields)
    assert response.status_code == 400
    page = text_of(response)
    assert "The question was not saved:" in page and message in page
    assert count_of(Question) == 0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            question_form("numeric", "How much?", numeric_answer="about ten"),
            "The answer must be a number, for example 1500 or 12.5.",
        ),
        (
            question_form("numeric", "How much?", numeric_answer="10", numeric_tolerance="-1"),
            "The tolerance must be a number, 0 or more.",
        ),
        (
            question_form(
                "multiple_response",
                "Which?",
                choices=[("One", "fifty", ""), ("Two", "50", "")],
            ),
            "A weight is a number from -100 to 100.",
        ),
        (
            question_form(
                "single_choice", "Which?", choices=[("One", "100", ""), ("", "0", "Orphan")]
            ),
            "Choice 2 has a weight or feedback but no text.",
        ),
        (
            question_form(
                "single_choice",
                "Which?",
                choices=[("One", "100", ""), ("Two", "0", "")],
                competency_code="ops val",
            ),
            "A competency code is capital letters, digits and hyphens (OPS-VAL).",
        ),
        (
            question_form("single_choice", "", choices=[("One", "100", ""), ("Two", "0", "")]),
            "This field is required.",
        ),
    ],
    ids=["numeric-nan", "negative-tolerance", "weight-text", "orphan-row", "bad-code", "no-text"],
)
def test_question_fields_that_cannot_be_read_are_marked_and_nothing_is_saved(
    fields, message, db, trainer_client, build_course
):
    built = build_course(bank=())
    response = post_question(trainer_client, built.course.id, fields)
    assert response.status_code == 400
    page = text_of(response)
    assert "Correct the fields marked below." in page
    assert message in page
    assert count_of(Question) == 0


def test_a_refused_edit_leaves_the_question_as_it_was(db, trainer_client, build_course):
    built = build_course()
    before = content_of(built.course.id)
    response = submit(
        trainer_client,
        f"/author/courses/{built.course.id}/questions/{built.questions[0].id}",
        question_form("single_choice", "Edited?", choices=[("A", "0", ""), ("B", "0", "")]),
    )
    assert response.status_code == 400
    assert "exactly one right choice" in text_of(response)
    assert content_of(built.course.id) == before


def test_a_question_preview_saves_nothing(db, trainer_client, build_course):
    built = build_course(bank=())
    fields = question_form(
        "multiple_response",
        "Which are **principles**?",
        choices=[
            ("Transparency", "50", "Yes"),
            ("Predictability", "50", ""),
            ("Bribes", "-100", "No"),
        ],
    )
    fields.pop("save")
    response = post_question(trainer_client, built.course.id, {**fields, "preview": "Preview"})
    assert response.status_code == 200
    page = text_of(response)
    assert "Preview with the answer key" in page and "<strong>principles</strong>" in page
    assert "-100%" in page
    assert count_of(Question) == 0


# --- quizzes ---------------------------------------------------------------------------------


def test_bad_quiz_settings_are_marked_and_nothing_is_saved(db, trainer_client, build_course):
    built = build_course()
    before = content_of(built.course.id)
    response = submit(
        trainer_client,
        f"/author/courses/{built.course.id}/quizzes/{built.quiz.id}",
        {
            "title": "Check yourself",
            "pass_mark": "150",
            "attempts_allowed": "-1",
            "time_limit_minutes": "0",
            "draw_mode": "per_level",
            "level_1": "0",
            "level_2": "",
            "level_3": "0",
            "level_4": "0",
            "kind": "assessment",
            "review_shows": "",
            "review_when": "immediately",
        },
    )
    assert response.status_code == 400
    page = text_of(response)
    assert "The quiz was not saved." in page
    assert "Number must be between 0 and 100." in page  # pass mark and attempts
    assert "Number must be between 1 and 600." in page  # time limit
    assert "Say how many questions of each level to draw" in page
    assert content_of(built.course.id) == before


# --- publishing ------------------------------------------------------------------------------


def test_publishing_an_empty_course_lists_what_is_missing(db, trainer_client):
    submit(trainer_client, "/author/courses/new", {"code": "EMPTY-1", "title": "Empty"})
    course = db.session.scalar(select(Course))
    outline = f"/author/courses/{course.id}"
    response = submit(trainer_client, f"{outline}/status", {"status": "published"}, page=outline)
    assert response.status_code == 400
    page = text_of(response)
    assert "The course cannot be published yet:" in page
    assert "<li>The course has no lessons or quizzes.</li>" in page
    assert db.session.get(Course, course.id).status == "draft"


def test_publishing_without_principle_alignment_lists_each_module(db, trainer_client, build_course):
    built = build_course()
    module = db.session.get(Module, built.module.id)
    structure.update_module(module, module.title, [], [])
    structure.add_module(db.session.get(Course, built.course.id), "Unaligned too", [], [])
    db.session.commit()
    outline = f"/author/courses/{built.course.id}"
    # The outline says so before any attempt to publish.
    assert "Before it can be published:" in text_of(trainer_client.get(outline))
    response = submit(trainer_client, f"{outline}/status", {"status": "published"}, page=outline)
    assert response.status_code == 400
    page = text_of(response)
    assert (
        "<li>Module &#39;Appeals in practice&#39; is not aligned to any reform principle.</li>"
        in page
    )
    assert "<li>Module &#39;Unaligned too&#39; is not aligned to any reform principle.</li>" in page
    assert db.session.get(Course, built.course.id).status == "draft"


def test_publishing_a_quiz_with_no_questions_to_draw_is_refused(db, trainer_client, build_course):
    built = build_course(bank=())
    outline = f"/author/courses/{built.course.id}"
    response = submit(trainer_client, f"{outline}/status", {"status": "published"}, page=outline)
    assert "Quiz &#39;Check yourself&#39; has no questions to draw from." in text_of(response)
    assert db.session.get(Course, built.course.id).status == "draft"
