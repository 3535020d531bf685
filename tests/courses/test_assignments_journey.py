"""Issue 5, done-when 1, as people would do it: a trainer builds a curriculum of three principle
courses and assigns it to an office due in 30 days; an officer of that office sees it first on
their dashboard with its due date; once they complete the courses, the trainer's follow-up
shows it complete."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from courses.assignments.models import Assignment, Curriculum, MembershipStatus
from courses.learning.models import Attempt
from tests.conftest import csrf_token_from
from tests.courses.assignment_helpers import membership, principle_courses, today
from tests.courses.conftest import answers_for
from tests.lms.browsing import text_of


def complete_in_browser(browser, db, built) -> None:
    """Read each lesson and pass the quiz through the officer's pages."""
    course_id = built.course.id
    for lesson in built.lessons:
        assert browser.get(f"/courses/{course_id}/items/{lesson.id}").status_code == 200
    quiz_url = f"/courses/{course_id}/items/{built.quiz.id}"
    token = csrf_token_from(browser.get(quiz_url).get_data(as_text=True))
    started = browser.post(f"{quiz_url}/attempts", data={"csrf_token": token})
    attempt_id = int(started.headers["Location"].rsplit("/", 1)[1])
    snapshot = db.session.get(Attempt, attempt_id).snapshot
    submitted = browser.post(
        f"/attempts/{attempt_id}/submit", data={**answers_for(snapshot), "csrf_token": token}
    )
    assert submitted.status_code == 302


def test_a_curriculum_assigned_to_an_office_is_seen_done_and_followed_up(
    app, client, db, login_as, create_user, create_unit, root_unit, training_unit, create_course
):
    office = create_unit("HGP", name="Harbour Gate Port", parent=root_unit)
    officer = create_user("amina@customs.example", unit=office, full_name="Amina Officer")
    elsewhere = create_user("bruno@customs.example", full_name="Bruno Elsewhere")
    trainer = create_user("trainer@customs.example", roles=("trainer",), unit=training_unit)
    courses = principle_courses(create_course)

    # The trainer builds the curriculum...
    login_as(trainer)
    token = csrf_token_from(client.get("/curricula/new").get_data(as_text=True))
    form = {"name": "Reform essentials", "description": "The first three.", "csrf_token": token}
    for index, built in enumerate(courses):
        form |= {
            f"courses-{index}-course_id": str(built.course.id),
            f"courses-{index}-position": str(index + 1),
            f"courses-{index}-required": "y",
        }
    assert client.post("/curricula/new", data=form).status_code == 302
    curriculum = db.session.scalar(select(Curriculum))

    # ...and assigns it to the office, due in 30 days.
    due = today() + timedelta(days=30)
    page = client.get(f"/assignments/new?content=curriculum-{curriculum.id}")
    assert f'<option selected value="curriculum-{curriculum.id}">' in text_of(page)
    response = client.post(
        "/assignments/new",
        data={
            "content": f"curriculum-{curriculum.id}",
            "target_kind": "unit",
            "unit": str(office.id),
            "include_subunits": "y",
            "due_kind": "date",
            "due_date": due.isoformat(),
            "csrf_token": csrf_token_from(text_of(page)),
        },
    )
    assert response.status_code == 302, text_of(response)
    assignment = db.session.scalar(select(Assignment))
    assert text_of(client.get(response.headers["Location"])).count("Amina Officer") == 1
    assert membership(assignment, elsewhere) is None

    # The officer sees it first on the dashboard, with its due date.
    browser = login_as(officer, on=app.test_client())
    dashboard = text_of(browser.get("/my/learning"))
    assert dashboard.index("Assigned to you") < dashboard.index("Reform essentials")
    assert f"Due {due.isoformat()}" in dashboard
    assert "(in 30 days)" in dashboard
    assert "0% done" in dashboard

    for built in courses:
        complete_in_browser(browser, db, built)
    assert membership(assignment, officer).status == MembershipStatus.COMPLETED
    dashboard = text_of(browser.get("/my/learning"))
    assert "Nothing is assigned to you right now." in dashboard
    assert "Recently completed assignments" in dashboard

    # The trainer's follow-up shows it complete.
    followed = text_of(client.get(f"/assignments/{assignment.id}"))
    assert "Completed " + today().isoformat() in followed
    follow_up = text_of(client.get(f"/assignments/follow-up?content=curriculum-{curriculum.id}"))
    assert "Nobody is overdue." in follow_up
    assert '<td class="num">100%' in follow_up
