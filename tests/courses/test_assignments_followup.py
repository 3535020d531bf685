"""Issue 5, done-when 4 (first half): overdue officers appear on the follow-up page and in its
CSV export, with completion and overdue rates by unit and position; HR sees only its scope."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from courses.assignments.models import AssignmentMembership
from lms.extensions import db
from lms.notifications.models import Notification
from lms.timeutil import utcnow
from tasks.assignments import send_assignment_reminders
from tests.courses.assignment_helpers import (
    assign,
    complete_course,
    curriculum_of,
    principle_courses,
    today,
)
from tests.lms.browsing import text_of


@pytest.fixture
def setting(create_unit, root_unit, create_user, create_position, training_unit, create_course):
    north = create_unit("R-NOR", name="Northern Region", parent=root_unit, kind="region")
    south = create_unit("R-SOU", name="Southern Region", parent=root_unit, kind="region")
    north_office = create_unit("NGO", name="Northgate Office", parent=north)
    south_office = create_unit("SBP", name="South Border Post", parent=south)
    clearance = create_position("OFF-CLR", "Customs officer (clearance)")
    trainer = create_user("trainer@customs.example", roles=("trainer",), unit=training_unit)
    people = {
        "late_north": create_user(
            "late.north@customs.example",
            unit=north_office,
            position=clearance,
            full_name='=HYPERLINK("http://evil.example","Nadia")',
        ),
        "done_north": create_user(
            "done.north@customs.example", unit=north_office, full_name="Dora Done"
        ),
        "late_south": create_user(
            "late.south@customs.example", unit=south_office, full_name="Sami South"
        ),
        "hr_north": create_user("hr.north@customs.example", roles=("hr",), unit=north),
        "trainer": trainer,
    }
    built = principle_courses(create_course)
    curriculum = curriculum_of(trainer, built)
    assignment = assign(
        trainer, target_kind="unit", curriculum_id=curriculum.id, unit_id=root_unit.id,
        include_subunits=True, due_days=30,
    )  # fmt: skip
    for course in built:
        complete_course(people["done_north"].id, course)
    # Assigned six weeks ago: the open ones are now 12 days overdue.
    db.session.execute(
        update(AssignmentMembership).values(
            assigned_at=utcnow() - timedelta(days=42),
            due_on=today() - timedelta(days=12),
        )
    )
    db.session.commit()
    return people, assignment


def rows_of(csv_text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(csv_text)))


def test_overdue_officers_are_on_the_follow_up_page_and_in_its_export(client, login_as, setting):
    people, assignment = setting
    login_as(people["trainer"])
    page = text_of(client.get("/assignments/follow-up"))
    assert "2 overdue" in page
    assert "Sami South" in page and "Nadia" in page
    assert "Dora Done" not in page.split("Overdue officers")[1]
    # Three assigned, one completed, two overdue: by content, and by unit.
    assert '<td class="num">33%' in page and '<td class="num overdue">67%' in page
    assert "Northgate Office" in page and "South Border Post" in page
    assert "Customs officer (clearance)" in page  # by position

    response = client.get("/assignments/follow-up/overdue.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = rows_of(text_of(response))
    assert sorted(row["Email"] for row in rows) == [
        "late.north@customs.example",
        "late.south@customs.example",
    ]
    nadia = next(row for row in rows if row["Email"].startswith("late.north"))
    assert nadia["Officer"].startswith("'=HYPERLINK")  # a spreadsheet shows it, never runs it
    assert nadia["Days overdue"] == "12"
    assert nadia["Curriculum or course"] == "Reform essentials"
    assert nadia["Position"] == "Customs officer (clearance)"
    assert nadia["Assignment"] == str(assignment.id)


def test_hr_sees_only_the_officers_of_its_scope(client, login_as, setting):
    people, assignment = setting
    login_as(people["hr_north"])
    page = text_of(client.get("/assignments/follow-up"))
    assert "1 overdue" in page
    assert "Sami South" not in page and "South Border Post" not in page
    rows = rows_of(text_of(client.get("/assignments/follow-up/overdue.csv")))
    assert [row["Email"] for row in rows] == ["late.north@customs.example"]
    detail = text_of(client.get(f"/assignments/{assignment.id}"))
    assert "Dora Done" in detail and "Sami South" not in detail
    # Its scope is the whole story: another region's unit is not a filter it can use.
    south = db.session.get(type(people["late_south"]), people["late_south"].id).unit_id
    assert client.get(f"/assignments/follow-up?unit={south}").status_code == 404


def test_the_follow_up_can_be_narrowed_to_one_unit_or_one_assignment(client, login_as, setting):
    people, assignment = setting
    login_as(people["trainer"])
    north_office = db.session.get(type(people["late_north"]), people["late_north"].id).unit_id
    narrowed = text_of(client.get(f"/assignments/follow-up?unit={north_office}"))
    assert "1 overdue" in narrowed and "Sami South" not in narrowed
    one = rows_of(
        text_of(client.get(f"/assignments/follow-up/overdue.csv?assignment={assignment.id}"))
    )
    assert len(one) == 2
    assert client.get("/assignments/follow-up?assignment=999").status_code == 404


def test_the_reminder_mail_links_to_my_learning_at_the_public_address(app, setting, caplog):
    people, _ = setting
    # Mounted under a prefix by the proxy: the link keeps it.
    app.config["PUBLIC_BASE_URL"] = "https://learning.customs.example/lms"
    with caplog.at_level("INFO", logger="lms.mail"):
        assert send_assignment_reminders() == 2  # the two overdue officers
    [mail] = [
        record.getMessage()
        for record in caplog.records
        if f"to {people['late_south'].email}:" in record.getMessage()
    ]
    lines = mail.splitlines()
    assert "Dear Sami South," in lines
    assert lines[-2:] == [
        "Open “My learning” on the learning platform to continue where you left off.",
        "https://learning.customs.example/lms/my/learning",
    ]
    # In the app, the notification links to the page inside it.
    links = db.session.scalars(select(Notification.link)).all()
    assert links == ["/my/learning", "/my/learning"]
