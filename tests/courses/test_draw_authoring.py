"""The per-competency-level draw where trainers set it: the quiz form (saved, shown again,
refused with its message and nothing saved) and course.json (checked, imported, exported)."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from courses.authoring.services import authored_courses, quizzes
from courses.authoring.services.course_export import export_course
from courses.authoring.services.course_format import CourseFileErrors
from courses.authoring.services.course_import import import_course
from courses.learning.models import Course, CourseItem
from lms.errors import ValidationError
from tests.courses.authoring_fixtures import *  # noqa: F403  (fixtures)
from tests.courses.authoring_fixtures import content_of, submit, text_of

FIELDS = {
    "title": "Final assessment",
    "required": "y",
    "pass_mark": "70",
    "attempts_allowed": "3",
    "time_limit_minutes": "",
    "category": "",
    "draw_mode": "per_competency_level",
    "draw_count": "3",
    "level_1": "0",
    "level_2": "0",
    "level_3": "0",
    "level_4": "0",
    "shuffle_questions": "y",
    "kind": "assessment",
    "review_shows": "",
    "review_when": "immediately",
}


def quiz_url(built) -> str:
    return f"/author/courses/{built.course.id}/quizzes/{built.quiz.id}"


def test_the_quiz_form_saves_a_per_competency_level_draw_and_shows_it_again(
    db, trainer_client, build_course
):
    built = build_course()

    saved = submit(trainer_client, quiz_url(built), {**FIELDS, "level_1": "2"})

    assert saved.status_code == 302, text_of(saved)
    quiz = db.session.get(CourseItem, built.quiz.id).quiz
    assert (quiz.draw_mode, quiz.draw_count, quiz.draw_per_level) == ("per_competency_level", 3, {})
    page = text_of(trainer_client.get(quiz_url(built)))
    assert '<option selected value="per_competency_level">' in page
    assert re.search(r'name="draw_count" type="number" value="3"', page)

    again = submit(trainer_client, quiz_url(built), {**FIELDS, "draw_mode": "all"})
    assert again.status_code == 302
    db.session.expire_all()
    quiz = db.session.get(CourseItem, built.quiz.id).quiz
    assert (quiz.draw_mode, quiz.draw_count) == ("all", None)  # the count goes with the mode


@pytest.mark.parametrize(
    ("count", "message"),
    [
        ("", "Say how many questions of each competency and level to draw (1 to 20)."),
        ("0", "Number must be between 1 and 20."),
        ("21", "Number must be between 1 and 20."),
        ("three", "Not a valid integer value."),
    ],
)
def test_the_quiz_form_refuses_a_missing_or_out_of_range_count_saving_nothing(
    db, trainer_client, build_course, count, message
):
    built = build_course()
    before = content_of(built.course.id)

    refused = submit(trainer_client, quiz_url(built), {**FIELDS, "draw_count": count})

    assert refused.status_code == 400
    page = text_of(refused)
    assert "The quiz was not saved." in page and message in page
    assert content_of(built.course.id) == before


def test_the_quiz_service_refuses_a_count_outside_1_to_20(db, build_course):
    built = build_course()
    for count in (None, 0, 21):
        settings = quizzes.QuizSettings(draw_mode="per_competency_level", draw_count=count)
        with pytest.raises(ValidationError, match="each competency and level to draw, 1 to 20"):
            quizzes.update_quiz(built.quiz, "Final", settings)


def test_course_json_round_trip_keeps_the_draw(db, build_course, author_unit, tmp_path):
    built = build_course()
    settings = quizzes.QuizSettings(draw_mode="per_competency_level", draw_count=4)
    quizzes.update_quiz(built.quiz, "Final assessment", settings)
    db.session.commit()
    original = content_of(built.course.id)

    folder = export_course(built.course, tmp_path / built.course.code)
    [entry] = [
        item
        for module in json.loads((folder / "course.json").read_text())["modules"]
        for item in module["items"]
        if item["type"] == "quiz"
    ]
    assert entry["draw"] == {"mode": "per_competency_level", "count": 4}

    authored_courses.update_course(
        built.course, authored_courses.CourseDetails("AU-OLD", "Old", "Stepped aside.")
    )
    copy = import_course(folder, training_unit_id=author_unit.id)
    db.session.commit()
    assert content_of(copy.id)["modules"] == original["modules"]
    again = export_course(copy, tmp_path / "again")
    assert json.loads((again / "course.json").read_text()) == json.loads(
        (folder / "course.json").read_text()
    )


@pytest.mark.parametrize(
    ("draw", "message"),
    [
        (
            {"mode": "per_competency_level"},
            "'draw' per_competency_level needs 'count', the questions drawn of each competency "
            "at each level: a whole number from 1 to 20.",
        ),
        (
            {"mode": "per_competency_level", "count": 0},
            "'draw' per_competency_level needs 'count'",
        ),
        (
            {"mode": "per_competency_level", "count": "3"},
            "'draw' per_competency_level needs 'count'",
        ),
        (
            {"mode": "per_competency", "count": 3},
            """'draw' must be {"mode": "all"}, {"mode": "per_level", "per_level": """
            """{"1": 3, "2": 4}} or {"mode": "per_competency_level", "count": 3}.""",
        ),
    ],
)
def test_course_json_with_a_bad_draw_is_refused_with_its_place(
    db, build_course, author_unit, tmp_path, draw, message
):
    built = build_course()
    folder = export_course(built.course, tmp_path / "BAD-DRAW")
    manifest = json.loads((folder / "course.json").read_text())
    manifest["code"] = "BAD-DRAW"
    manifest["modules"][0]["items"][1]["draw"] = draw
    (folder / "course.json").write_text(json.dumps(manifest))

    with pytest.raises(CourseFileErrors) as refused:
        import_course(folder, training_unit_id=author_unit.id)

    [problem] = refused.value.problems
    assert problem.startswith("BAD-DRAW/course.json: ") and message in problem
    assert db.session.scalar(select(Course).where(Course.code == "BAD-DRAW")) is None
