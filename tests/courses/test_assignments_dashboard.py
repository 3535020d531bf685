"""The officer's dashboard: assigned work first (what, due when, progress, overdue highlighted),
then the self-chosen courses; reminders shown in the app and counted in the header."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import update

from courses.assignments.models import AssignmentMembership
from courses.assignments.services.reminders import DueItem, reminder_text
from lms.notifications.services import NewNotification, add_daily_notifications
from tests.conftest import csrf_token_from
from tests.courses.assignment_helpers import (
    assign,
    complete_course,
    curriculum_of,
    principle_courses,
    today,
)
from tests.lms.browsing import text_of


def test_assigned_work_comes_first_soonest_due_first_with_overdue_highlighted(
    client, db, login_as, create_user, training_unit, create_course
):
    officer = create_user("amina@customs.example", full_name="Amina Officer")
    trainer = create_user("trainer@customs.example", roles=("trainer",), unit=training_unit)
    courses = principle_courses(create_course)
    chosen = create_course(title="Self-chosen valuation course")
    curriculum = curriculum_of(trainer, courses)
    later = assign(trainer, target_kind="officers", curriculum_id=curriculum.id,
                   officer_ids=(officer.id,), due_days=20)  # fmt: skip
    late = assign(trainer, target_kind="officers", course_id=courses[2].course.id,
                  officer_ids=(officer.id,), due_days=20)  # fmt: skip
    db.session.execute(
        update(AssignmentMembership)
        .where(AssignmentMembership.assignment_id == late.id)
        .values(due_on=today() - timedelta(days=2))
    )
    db.session.commit()
    complete_course(officer.id, courses[0])  # one of three curriculum courses done
    # Started a course of their own and one of the assigned ones.
    login_as(officer)
    client.get(f"/courses/{chosen.course.id}/items/{chosen.lessons[0].id}")
    client.get(f"/courses/{courses[1].course.id}/items/{courses[1].lessons[0].id}")

    page = text_of(client.get("/my/learning"))
    assigned, rest = page.split("Courses in progress")
    assert "1 assignment is overdue." in assigned
    overdue_at = assigned.index(f"Overdue: was due {(today() - timedelta(days=2)).isoformat()}")
    assert overdue_at < assigned.index("Reform essentials")  # soonest due first
    assert f"Due {(today() + timedelta(days=20)).isoformat()}" in assigned
    assert "course-card overdue" in assigned
    # A lesson and a quiz per course: the first course done, a lesson of the second read.
    assert "50% done (3 of 6 required items)" in assigned
    assert "Continue: P-TRA essentials" in assigned
    # The self-chosen course is listed after, the assigned one is not listed twice.
    assert "Self-chosen valuation course" in rest
    assert "P-TRA essentials" not in rest
    assert later.id != late.id


def test_reminders_are_counted_in_the_header_listed_and_marked_read(
    client, db, login_as, create_user
):
    officer = create_user("amina@customs.example")
    add_daily_notifications(
        "assignment_reminder",
        today(),
        [NewNotification(officer.id, "2 assigned items overdue", "- A: overdue", "/my/learning")],
    )
    db.session.commit()
    login_as(officer)
    page = text_of(client.get("/my/learning"))
    assert '<span class="badge">1<span class="visually-hidden"> unread' in page
    assert "2 assigned items overdue" in page
    listing = client.get("/notifications")
    assert "- A: overdue" in text_of(listing)
    response = client.post(
        "/notifications/read", data={"csrf_token": csrf_token_from(text_of(listing))}
    )
    assert response.status_code == 302
    assert 'class="badge"' not in text_of(client.get("/my/learning"))


def test_a_second_notification_of_a_kind_the_same_day_is_skipped(db, create_user):
    officer = create_user()
    first = add_daily_notifications(
        "assignment_reminder", today(), [NewNotification(officer.id, "A")]
    )
    again = add_daily_notifications(
        "assignment_reminder", today(), [NewNotification(officer.id, "B")]
    )
    tomorrow = add_daily_notifications(
        "assignment_reminder", today() + timedelta(days=1), [NewNotification(officer.id, "C")]
    )
    assert list(first) == [officer.id] and again == {} and list(tomorrow) == [officer.id]


def test_the_reminder_text_says_what_is_overdue_and_what_is_due_soon():
    day = date(2026, 11, 26)
    subject, body = reminder_text(
        [
            DueItem("Reform essentials", date(2026, 11, 20)),
            DueItem("P-INT-101", date(2026, 11, 26)),
            DueItem("P-TRA-101", date(2026, 11, 29)),
        ],
        day,
    )
    assert subject == "1 assigned item overdue, 2 due this week"
    assert body.splitlines()[:3] == [
        "- Reform essentials: overdue since 2026-11-20 (6 days)",
        "- P-INT-101: due today",
        "- P-TRA-101: due 2026-11-29 (in 3 days)",
    ]
