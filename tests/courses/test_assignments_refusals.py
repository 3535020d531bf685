"""Bad assignments are refused with a clear message and change nothing: a due date in the
past, an empty target, an unpublished course, a unit or officer outside the user's scope."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from courses.assignments.models import Assignment, AssignmentMembership
from courses.authoring.services import publishing
from lms.errors import PermissionDenied, ValidationError
from tests.conftest import csrf_token_from
from tests.courses.assignment_helpers import assign, curriculum_of, principle_courses, today
from tests.lms.browsing import text_of


@pytest.fixture
def org(create_unit, root_unit):
    north = create_unit("R-NOR", name="Northern Region", parent=root_unit, kind="region")
    south = create_unit("R-SOU", name="Southern Region", parent=root_unit, kind="region")
    return {
        "north": north,
        "north_office": create_unit("NGO", name="Northgate Office", parent=north),
        "south": south,
        "south_office": create_unit("SBP", name="South Border Post", parent=south),
    }


@pytest.fixture
def hr_north(create_user, org):
    return create_user("hr.north@customs.example", roles=("hr",), unit=org["north"])


def nothing_assigned(db) -> bool:
    return (
        db.session.scalar(select(func.count(Assignment.id))) == 0
        and db.session.scalar(select(func.count(AssignmentMembership.id))) == 0
    )


def post_assignment(client, **fields):
    page = client.get("/assignments/new")
    data = {
        "target_kind": "unit",
        "include_subunits": "y",
        "due_kind": "date",
        "due_date": (today() + timedelta(days=30)).isoformat(),
        "csrf_token": csrf_token_from(text_of(page)),
    } | {key: str(value) for key, value in fields.items()}
    return client.post("/assignments/new", data=data)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"due_date": "2020-01-31"},
            "The due date 2020-01-31 is in the past; choose today or later.",
        ),
        ({"due_kind": "days", "due_date": ""}, "Give the due date"),
        ({"unit": 0}, "Choose the unit to assign."),
        ({"target_kind": "officers", "unit": 0}, "Choose at least one officer to assign."),
        ({"target_kind": "position", "unit": 0}, "Choose the job position to assign."),
        ({"target_kind": "officers", "officers": "SN-NOBODY"}, "SN-NOBODY"),
    ],
)
def test_the_form_refuses_bad_input_with_a_message_and_assigns_nothing(
    client, db, login_as, hr_north, org, create_user, create_course, fields, message
):
    create_user(unit=org["north_office"])
    course = create_course()
    login_as(hr_north)
    response = post_assignment(
        client, **{"content": f"course-{course.course.id}", "unit": org["north_office"].id} | fields
    )
    assert response.status_code == 400
    assert message in text_of(response)
    assert nothing_assigned(db)


def test_a_unit_outside_the_scope_is_refused(client, db, login_as, hr_north, org, create_course):
    course = create_course()
    login_as(hr_north)
    # Not even offered on the form...
    assert f'value="{org["south_office"].id}"' not in text_of(client.get("/assignments/new"))
    # ...and refused by the service when posted anyway.
    with pytest.raises(PermissionDenied, match="South Border Post is outside your scope"):
        assign(
            hr_north, target_kind="unit", course_id=course.course.id, unit_id=org["south_office"].id
        )
    db.session.rollback()
    assert nothing_assigned(db)


def test_named_officers_outside_the_scope_or_not_officers_are_refused(
    client, db, login_as, hr_north, org, create_user, create_course
):
    course = create_course()
    inside = create_user("in@customs.example", unit=org["north_office"], full_name="Ines Inside")
    outside = create_user("out@customs.example", unit=org["south_office"], full_name="Otto Outside")
    login_as(hr_north)
    response = post_assignment(
        client,
        content=f"course-{course.course.id}",
        target_kind="officers",
        officers=f"{inside.service_number}\n{outside.email}",
    )
    assert response.status_code == 403
    assert "outside your scope (Northern Region): Otto Outside" in text_of(response)
    with pytest.raises(ValidationError, match="Only active officers"):
        assign(
            hr_north, target_kind="officers", course_id=course.course.id, officer_ids=(hr_north.id,)
        )
    db.session.rollback()
    assert nothing_assigned(db)


def test_unpublished_courses_are_refused_alone_or_in_a_curriculum(
    db, create_user, training_unit, create_course, org
):
    trainer = create_user("trainer@customs.example", roles=("trainer",), unit=training_unit)
    draft = create_course(published=False)
    with pytest.raises(ValidationError, match="is not published"):
        assign(trainer, target_kind="unit", course_id=draft.course.id, unit_id=org["north"].id)
    db.session.rollback()
    built = principle_courses(create_course)
    curriculum = curriculum_of(trainer, built)
    publishing.set_status(built[1].course, "archived")  # since the curriculum was built
    db.session.commit()
    with pytest.raises(ValidationError, match=f"not published \\({built[1].course.code}\\)"):
        assign(trainer, target_kind="unit", curriculum_id=curriculum.id, unit_id=org["north"].id)
    db.session.rollback()
    assert nothing_assigned(db)


def test_officers_cannot_assign(client, login_as, create_user, create_course, org, db):
    course = create_course()
    officer = create_user(unit=org["north_office"])
    login_as(officer)
    assert client.get("/assignments/new").status_code == 403
    assert client.get("/assignments/follow-up").status_code == 403
    with pytest.raises(PermissionDenied):
        assign(
            officer, target_kind="officers", course_id=course.course.id, officer_ids=(officer.id,)
        )
    db.session.rollback()
    assert nothing_assigned(db)
