"""Issue 5, done-when 5: the officer's dashboard and the trainer's assignment and follow-up
pages run the same number of SQL statements for 10 officers and assignments as for 300."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from courses.assignments.models import AssignmentMembership
from lms.extensions import db
from lms.notifications.services import NewNotification, add_daily_notifications
from tests.courses.assignment_helpers import (
    assign,
    bulk_officers,
    complete_course,
    curriculum_of,
    principle_courses,
    today,
)

PAGES = {
    "officer": ("/my/learning", "/notifications"),
    "trainer": (
        "/assignments",
        "/assignments/{first}",
        "/assignments/follow-up",
        "/assignments/follow-up?content=curriculum-{curriculum}",
        "/assignments/follow-up/overdue.csv",
        "/curricula",
    ),
}


def grow(officer, trainer, office, courses, curriculum, *, officers: int, assignments: int, start):
    """Bring the office to `officers` officers and the officer to `assignments` assignments:
    each names the officer and nine others, alternating curriculum and single courses; every
    other one is overdue."""
    colleagues = bulk_officers(officers - start["officers"], office, prefix=f"o{officers}x")
    start["pool"] += colleagues
    made = []
    for n in range(start["assignments"], assignments):
        others = [start["pool"][(n * 9 + k) % len(start["pool"])] for k in range(9)]
        content = (
            {"curriculum_id": curriculum.id}
            if n % 2
            else {"course_id": courses[n % len(courses)].course.id}
        )
        made.append(
            assign(
                trainer,
                target_kind="officers",
                officer_ids=(officer.id, *others),
                commit=False,
                **content,
            ).id
        )
    db.session.execute(
        update(AssignmentMembership)
        .where(AssignmentMembership.assignment_id.in_(made[::2]))
        .values(due_on=today() - timedelta(days=3))
    )
    add_daily_notifications(
        "assignment_reminder",
        today() - timedelta(days=len(made)),
        [NewNotification(officer.id, f"Reminder {n}") for n in range(1)],
    )
    db.session.commit()
    start.update(officers=officers, assignments=assignments)


def measure(app, login_as, count_queries, users, ids) -> dict[str, int]:
    counts = {}
    for role, urls in PAGES.items():
        browser = login_as(users[role], on=app.test_client())
        for template in urls:
            url = template.format(**ids)
            with count_queries() as counted:
                response = browser.get(url)
            assert response.status_code == 200, url
            counts[url] = counted.count
    return counts


def test_pages_cost_the_same_for_10_as_for_300_officers_and_assignments(
    app, db, login_as, count_queries, create_user, create_unit, root_unit, training_unit,
    create_course,
):  # fmt: skip
    office = create_unit("HGP", name="Harbour Gate Port", parent=root_unit)
    officer = create_user("officer@customs.example", unit=office)
    trainer = create_user("trainer@customs.example", roles=("trainer",), unit=training_unit)
    courses = principle_courses(create_course)
    curriculum = curriculum_of(trainer, courses)
    complete_course(officer.id, courses[0])  # some progress to show
    start = {"officers": 1, "assignments": 0, "pool": []}
    users = {"officer": officer, "trainer": trainer}

    grow(officer, trainer, office, courses, curriculum, officers=10, assignments=10, start=start)
    ids = {"first": 1, "curriculum": curriculum.id}
    small = measure(app, login_as, count_queries, users, ids)

    grow(officer, trainer, office, courses, curriculum, officers=300, assignments=300, start=start)
    large = measure(app, login_as, count_queries, users, ids)

    assert large == small
    dashboard = app.test_client()
    login_as(officer, on=dashboard)
    open_work = db.session.scalar(
        select(func.count(AssignmentMembership.id)).where(
            AssignmentMembership.user_id == officer.id, AssignmentMembership.status == "open"
        )
    )
    assert open_work == 250  # those of the course completed are complete
    assert dashboard.get("/my/learning").get_data(as_text=True).count("course-card") == open_work
