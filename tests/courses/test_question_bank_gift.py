"""GIFT on a course's question bank page: export the questions in use, import a file (Moodle's
own included) all or nothing, with a level and competency for its untagged questions."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from courses.authoring.gift import parse_gift
from courses.authoring.services import bank_gift
from courses.authoring.services.course_format import CourseFileErrors
from courses.learning.models import Question
from lms.extensions import db as _db
from tests.courses.authoring_fixtures import *  # noqa: F403  (fixtures)
from tests.courses.authoring_fixtures import token_from

MOODLE_MADE = Path(__file__).parent / "fixtures" / "moodle-made.gift"


def moodle_made_second_edition() -> bytes:
    """Moodle's file with the first edition's integrity codes (retired) tagged as their
    successors, as an upgraded platform would export it now."""
    source = MOODLE_MADE.read_bytes()
    for retired, successor in (
        (b"INT-COC", b"P-INT"),
        (b"INT-LEAD", b"MGT-PPL"),
        (b"INT-AUD", b"P-ACC"),
    ):
        source = source.replace(b"competency-" + retired + b"]", b"competency-" + successor + b"]")
    return source


def bank_url(built) -> str:
    return f"/author/courses/{built.course.id}/questions"


def import_file(client, built, data: bytes, **fields):
    token = token_from(client, bank_url(built))
    form = {"csrf_token": token, "level": "1", **fields, "file": (io.BytesIO(data), "bank.gift")}
    return client.post(
        f"{bank_url(built)}/import",
        data=form,
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def questions_of(built) -> list[Question]:
    query = select(Question).where(Question.course_id == built.course.id).order_by(Question.id)
    return list(_db.session.scalars(query))


def test_the_bank_page_offers_export_and_import(trainer_client, build_course):
    built = build_course()
    page = trainer_client.get(bank_url(built)).get_data(as_text=True)
    assert f"{bank_url(built)}.gift" in page
    assert f'action="{bank_url(built)}/import"' in page
    assert "Level for questions without a level tag" in page


def test_export_gives_the_questions_in_use_as_gift_that_reads_back(trainer_client, build_course):
    built = build_course()
    response = trainer_client.get(f"{bank_url(built)}.gift")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="{built.course.code}-questions.gift"'
    )
    questions, errors = parse_gift(response.get_data(as_text=True))
    assert errors == []
    assert [q.text for q in questions] == [q.text for q in built.questions]


def test_moodles_file_imports_whole_with_the_chosen_level_and_the_report(
    trainer_client, build_course
):
    built = build_course()
    before = len(questions_of(built))
    response = import_file(
        trainer_client, built, moodle_made_second_edition(), level="3", competency_code="p-int"
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert "12 question(s) imported." in page
    assert "line 36 (M3 Odd numbers (multi)): The wrong answers scored 0%" in page
    assert "line 102 (T2 No tags): No level tag: given level 3" in page
    added = questions_of(built)[before:]
    assert len(added) == 12
    untagged = next(q for q in added if q.name == "T2 No tags")
    assert (untagged.level, untagged.competency_code) == (3, "P-INT")
    assert {q.qtype for q in added} >= {"matching", "numeric", "short_text", "true_false"}


def test_a_file_with_problems_imports_nothing_and_lists_each_by_line(trainer_client, build_course):
    built = build_course()
    before = len(questions_of(built))
    source = MOODLE_MADE.read_bytes() + b"\n// [tag:level-1]\nBroken {#abc}\n"
    response = import_file(trainer_client, built, source)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "nothing was imported" in page
    assert "line 112: &#39;abc&#39; is not a number." in page
    assert len(questions_of(built)) == before


def test_unknown_competencies_are_named_with_their_line(trainer_client, build_course):
    built = build_course()
    before = len(questions_of(built))
    source = MOODLE_MADE.read_bytes().replace(b"INT-LEAD", b"ZZ-NONE")
    response = import_file(trainer_client, built, source)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "line 47: no framework holds the competency code ZZ-NONE." in page
    assert len(questions_of(built)) == before


def test_a_file_that_is_not_gift_text_is_refused(trainer_client, build_course):
    built = build_course()
    assert "The file is not UTF-8 text." in import_file(
        trainer_client, built, b"\xff\xfe\x00bad"
    ).get_data(as_text=True)
    assert "The file holds no question." in import_file(
        trainer_client, built, b"// nothing\n"
    ).get_data(as_text=True)
    # (the test client spools a large upload to a file it never closes: the service instead)
    with pytest.raises(CourseFileErrors) as refused:
        bank_gift.import_bank_gift(built.course, b"x" * (1024 * 1024 + 1), None)
    assert refused.value.problems == ["The file is larger than 1024 KB."]
    response = trainer_client.post(
        f"{bank_url(built)}/import",
        data={"csrf_token": token_from(trainer_client, bank_url(built))},
    )
    assert response.status_code == 400
    assert "Choose a GIFT file" in response.get_data(as_text=True)
