"""Curricula: trainers build them from published courses, in order, each required or optional,
and change only their own training unit's."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from courses.assignments.models import Curriculum
from courses.assignments.services.curricula import (
    CurriculumDetails,
    CurriculumEntry,
    create_curriculum,
)
from lms.errors import ValidationError
from tests.conftest import csrf_token_from
from tests.courses.assignment_helpers import curriculum_of, principle_courses
from tests.lms.browsing import text_of


@pytest.fixture
def trainer(create_user, training_unit):
    return create_user("trainer@customs.example", roles=("trainer",), unit=training_unit)


def curriculum_form(rows: list[tuple[int, int, bool]], **fields) -> dict:
    data = {"name": "Reform essentials", "description": "Three principles.", **fields}
    for index, (course_id, position, required) in enumerate(rows):
        data[f"courses-{index}-course_id"] = str(course_id)
        data[f"courses-{index}-position"] = str(position)
        if required:
            data[f"courses-{index}-required"] = "y"
    return data


def test_a_trainer_builds_a_curriculum_of_three_principle_courses(
    client, db, login_as, trainer, create_course
):
    integrity, transparency, predictability = principle_courses(create_course)
    login_as(trainer)
    page = client.get("/curricula/new")
    assert page.status_code == 200
    token = csrf_token_from(page.get_data(as_text=True))
    # Rows in any order: the numbers decide; the third course is optional.
    response = client.post(
        "/curricula/new",
        data={
            **curriculum_form(
                [
                    (predictability.course.id, 3, False),
                    (integrity.course.id, 1, True),
                    (transparency.course.id, 2, True),
                ]
            ),
            "csrf_token": token,
        },
    )
    assert response.status_code == 302, text_of(response)
    curriculum = db.session.scalar(select(Curriculum))
    assert [e.course_id for e in curriculum.entries] == [
        integrity.course.id,
        transparency.course.id,
        predictability.course.id,
    ]
    assert [e.required for e in curriculum.entries] == [True, True, False]
    assert curriculum.training_unit_id == trainer.unit_id
    # Left empty, the principles covered are those of the courses' modules.
    assert [p.code for p in curriculum.principles] == ["P-INT", "P-TRA", "P-PRE"]
    assert curriculum.competency_codes == ["P-INT"]

    shown = text_of(client.get(response.headers["Location"]))
    assert "Reform essentials" in shown
    assert shown.index("P-INT essentials") < shown.index("P-TRA essentials")
    assert "optional" in shown


def test_unpublished_courses_empty_lists_and_all_optional_lists_are_refused(
    db, trainer, create_course
):
    draft = create_course(published=False, title="Draft course")
    published = create_course(title="Published course")
    cases = [
        ((CurriculumEntry(draft.course.id),), "not published: " + draft.course.code),
        ((), "Add at least one course"),
        (
            (CurriculumEntry(published.course.id, required=False),),
            "at least one course as required",
        ),
        (
            (CurriculumEntry(published.course.id), CurriculumEntry(published.course.id)),
            "only once",
        ),
    ]
    for entries, message in cases:
        with pytest.raises(ValidationError, match=message):
            create_curriculum(CurriculumDetails("Bad", "", entries), actor=trainer)
        db.session.rollback()
    assert db.session.scalar(select(func.count(Curriculum.id))) == 0


def test_the_form_refuses_an_unpublished_course_with_a_message(
    client, db, login_as, trainer, create_course
):
    draft = create_course(published=False, title="Draft course")
    login_as(trainer)
    token = csrf_token_from(client.get("/curricula/new").get_data(as_text=True))
    response = client.post(
        "/curricula/new",
        data={**curriculum_form([(draft.course.id, 1, True)]), "csrf_token": token},
    )
    assert response.status_code == 400
    assert "Not a valid choice" in text_of(response)
    assert db.session.scalar(select(func.count(Curriculum.id))) == 0


def test_only_trainers_of_the_owning_unit_change_a_curriculum(
    client, db, login_as, trainer, create_user, create_unit, root_unit, create_course
):
    built = principle_courses(create_course)
    curriculum = curriculum_of(trainer, built)
    regional = create_unit("RTO", parent=root_unit, kind="training_centre")
    other = create_user("other.trainer@customs.example", roles=("trainer",), unit=regional)
    login_as(other)
    assert client.get(f"/curricula/{curriculum.id}").status_code == 200  # reading is fine
    assert client.get(f"/curricula/{curriculum.id}/edit").status_code == 403
    token = csrf_token_from(client.get("/curricula").get_data(as_text=True))
    response = client.post(
        f"/curricula/{curriculum.id}/edit",
        data={
            **curriculum_form([(built[0].course.id, 1, True)], name="Taken"),
            "csrf_token": token,
        },
    )
    assert response.status_code == 403
    db.session.refresh(curriculum)
    assert curriculum.name == "Reform essentials"
    assert len(curriculum.entries) == 3


def test_the_owning_trainer_reorders_and_drops_courses(
    client, db, login_as, trainer, create_course
):
    first, second, third = principle_courses(create_course)
    curriculum = curriculum_of(trainer, [first, second, third])
    login_as(trainer)
    page = client.get(f"/curricula/{curriculum.id}/edit")
    assert page.status_code == 200
    response = client.post(
        f"/curricula/{curriculum.id}/edit",
        data={
            **curriculum_form(
                [(third.course.id, 1, True), (first.course.id, 2, False), (0, 3, True)],
                name="Reform essentials, revised",
                principles="P-INT",
                competencies="p-int, int-coc",
            ),
            "csrf_token": csrf_token_from(page.get_data(as_text=True)),
        },
    )
    assert response.status_code == 302, text_of(response)
    db.session.refresh(curriculum)
    assert curriculum.name == "Reform essentials, revised"
    assert [(e.course_id, e.required) for e in curriculum.entries] == [
        (third.course.id, True),
        (first.course.id, False),
    ]
    assert [p.code for p in curriculum.principles] == ["P-INT"]
    assert curriculum.competency_codes == ["INT-COC", "P-INT"]
