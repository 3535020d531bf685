"""Issue 5, done-when 3: from the matrix, assigning "the courses that close this gap" to the
officers below requirement on one competency creates exactly the assignments the preview
showed; a preview gone stale is refused rather than silently changed."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import insert, select

from competencies.models import CurrentLevel
from competencies.services.gap_assignment import plan_gap_assignment
from courses.assignments.models import Assignment, AssignmentMembership
from courses.learning.models import CourseEnrolment, CourseItem
from lms.extensions import db
from lms.timeutil import utcnow
from tests.competencies.gap_world import build_world, publish_course
from tests.conftest import csrf_token_from
from tests.lms.browsing import text_of


@pytest.fixture
def setting(create_unit, create_user, create_position, root_unit):
    world = build_world(create_unit, create_user, create_position, root_unit)
    standards = world.competencies["P-STD"].id
    improving = create_user(
        "bea@customs.example", unit=world.north_office, position=world.position, full_name="Bea"
    )
    meets = create_user(
        "carl@customs.example", unit=world.north_office, position=world.position, full_name="Carl"
    )
    studied = create_user(
        "dina@customs.example", unit=world.north_office, position=world.position, full_name="Dina"
    )
    db.session.execute(
        insert(CurrentLevel),
        [
            {"user_id": improving.id, "competency_id": standards, "level": 1},
            {"user_id": meets.id, "competency_id": standards, "level": 2},
        ],
    )

    def course_id(quiz: CourseItem) -> int:
        return quiz.course_id

    courses = {
        "hs": course_id(
            publish_course(world.training, code="STD-HS", title="The HS", competency_code="P-STD")
        ),
        "data": course_id(
            publish_course(
                world.training, code="STD-DATA", title="Data model", competency_code="P-STD"
            )
        ),
        "tariff": course_id(
            publish_course(world.training, code="TAR-1", title="Tariff", competency_code="OPS-TAR")
        ),
        "draft": course_id(
            publish_course(
                world.training,
                code="STD-DRAFT",
                title="Draft",
                competency_code="P-STD",
                published=False,
            )
        ),
    }
    # Dina has completed the HS course (and is still below requirement).
    db.session.add(
        CourseEnrolment(user_id=studied.id, course_id=courses["hs"], completed_at=utcnow())
    )
    db.session.commit()
    people = {"amina": world.officer, "bea": improving, "carl": meets, "dina": studied}
    return world, people, courses


def expected_pairs(people, courses) -> set[tuple[int, int]]:
    return {
        (people["amina"].id, courses["hs"]),
        (people["amina"].id, courses["data"]),
        (people["bea"].id, courses["hs"]),
        (people["bea"].id, courses["data"]),
        (people["dina"].id, courses["data"]),
    }


def created_pairs() -> set[tuple[int, int]]:
    return set(
        db.session.execute(
            select(AssignmentMembership.user_id, Assignment.course_id).join(Assignment)
        ).all()
    )


def test_the_preview_matches_what_the_confirmation_creates(client, login_as, setting):
    world, people, courses = setting
    login_as(world.hr_north)
    page = client.get("/matrix/assign?competency=P-STD")
    assert page.status_code == 200
    html = text_of(page)
    # Below requirement in HR's scope: Amina (0), Bea (1) and Dina (0); Carl meets it and
    # Sipho is in another region. Dina only lacks the course she has not done.
    assert "3 officers below requirement; 5 course assignments to make" in html
    assert "Carl" not in html and "Sipho" not in html
    assert re.search(r"Dina.*?STD-DATA</td>", html, re.S)
    assert "STD-DRAFT" not in html and "TAR-1" not in html

    response = client.post(
        "/matrix/assign",
        data={
            "csrf_token": csrf_token_from(html),
            "digest": re.search(r'name="digest" type="hidden" value="(\w+)"', html).group(1),
            "competency": "P-STD",
            "unit": str(world.north.id),
            "position": "",
            "officer": "",
            "due_kind": "days",
            "due_days": "45",
        },
    )
    assert response.status_code == 302, text_of(response)
    assert created_pairs() == expected_pairs(people, courses)
    assignments = db.session.scalars(select(Assignment)).all()
    assert sorted(a.course_id for a in assignments) == sorted([courses["hs"], courses["data"]])
    assert {(a.target_kind, a.due_days, a.created_by_id) for a in assignments} == {
        ("officers", 45, world.hr_north.id)
    }

    # Asked again, the gap has nothing new to assign.
    again = text_of(client.get("/matrix/assign?competency=P-STD"))
    assert "0 course assignments to make" in again
    assert "Create these" not in again


def test_a_stale_preview_is_refused_and_nothing_is_created(client, login_as, setting):
    world, people, _ = setting
    login_as(world.hr_north)
    html = text_of(client.get("/matrix/assign?competency=P-STD"))
    digest = re.search(r'name="digest" type="hidden" value="(\w+)"', html).group(1)
    # Bea reaches the required level between the preview and the confirmation.
    row = db.session.get(CurrentLevel, (people["bea"].id, world.competencies["P-STD"].id))
    row.level = 2
    db.session.commit()
    response = client.post(
        "/matrix/assign",
        data={
            "csrf_token": csrf_token_from(html),
            "digest": digest,
            "competency": "P-STD",
            "unit": str(world.north.id),
            "due_kind": "days",
            "due_days": "45",
        },
    )
    assert response.status_code == 409
    assert "changed since the preview" in text_of(response)
    assert created_pairs() == set()
    # The page shows the new preview, ready to confirm.
    assert "2 officers below requirement; 3 course assignments to make" in text_of(response)


def test_from_a_profile_the_plan_is_for_that_officer_only(setting):
    world, people, courses = setting
    plan = plan_gap_assignment("P-STD", world.north, officer_id=people["dina"].id)
    assert [o.full_name for o in plan.officers] == ["Dina"]
    assert plan.pairs == ((people["dina"].id, courses["data"]),)
    outside = plan_gap_assignment("P-STD", world.north, officer_id=world.south_officer.id)
    assert outside.officers == ()


def test_the_gap_page_is_for_hr_and_trainers_within_their_scope(app, client, login_as, setting):
    world, _, _ = setting
    login_as(world.officer)
    assert client.get("/matrix/assign?competency=P-STD").status_code == 403
    # The national training centre's trainers serve the whole administration: Sipho too.
    trainer = login_as(world.trainer, on=app.test_client())
    assert "4 officers below requirement" in text_of(trainer.get("/matrix/assign?competency=P-STD"))
    hr = login_as(world.hr_north, on=app.test_client())
    assert hr.get(f"/matrix/assign?competency=P-STD&unit={world.south.id}").status_code == 404
    assert hr.get("/matrix/assign?competency=NOPE").status_code == 404
