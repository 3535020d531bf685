"""The assignment jobs, run by a real (threaded) Celery worker on the in-memory broker: large
fan-outs in the background with their progress shown, and the daily reminders (issue 5,
done-when 4: at most one reminder per officer and day, however often the job runs)."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage

import pytest
from sqlalchemy import func, select, update

from courses.assignments.models import Assignment, AssignmentMembership, FanOutStatus
from courses.assignments.services.assignments import run_fan_out
from lms import mail
from lms.extensions import db
from lms.notifications.models import Notification
from lms.timeutil import utcnow
from tests.conftest import csrf_token_from
from tests.courses.assignment_helpers import assign, bulk_officers, lesson_course, read_course
from tests.lms.browsing import text_of

FAN_OUT = "courses.fan_out_assignment"
REMINDERS = "courses.send_assignment_reminders"
OFFICERS = 3_000


@pytest.fixture
def port(create_unit, root_unit):
    return create_unit("HGP", name="Harbour Gate Port", parent=root_unit)


@pytest.fixture
def trainer(create_user, create_unit, root_unit):
    centre = create_unit("NTC", parent=root_unit, kind="training_centre")
    return create_user("trainer@customs.example", roles=("trainer",), unit=centre)


def members(assignment_id: int) -> int:
    return db.session.scalar(
        select(func.count(AssignmentMembership.id)).where(
            AssignmentMembership.assignment_id == assignment_id
        )
    )


def post_unit_assignment(client, course, port):
    page = client.get("/assignments/new")
    return client.post(
        "/assignments/new",
        data={
            "content": f"course-{course.id}",
            "target_kind": "unit",
            "unit": str(port.id),
            "due_kind": "days",
            "due_days": "30",
            "csrf_token": csrf_token_from(text_of(page)),
        },
    )


def test_a_large_assignment_is_queued_and_its_page_shows_the_progress(
    client, db, login_as, trainer, port, published
):
    course = lesson_course("BIG-1", trainer.unit)
    bulk_officers(OFFICERS, port)
    login_as(trainer)
    response = post_unit_assignment(client, course, port)
    assert response.status_code == 302
    assignment = db.session.scalar(select(Assignment))
    # The request wrote no membership: it queued the job, after its commit.
    assert (assignment.fanout_status, assignment.fanout_total) == ("queued", OFFICERS)
    assert members(assignment.id) == 0
    assert published == [(FAN_OUT, (assignment.id,))]
    page = text_of(client.get(response.headers["Location"]))
    assert '<meta http-equiv="refresh" content="3">' in page
    assert f"0 of {OFFICERS} officers so far" in page


def test_the_fan_out_commits_its_progress_chunk_by_chunk(db, trainer, port):
    course = lesson_course("BIG-2", trainer.unit)
    bulk_officers(OFFICERS, port)
    assignment = assign(trainer, target_kind="unit", course_id=course.id, unit_id=port.id)
    assert assignment.fanout_status == FanOutStatus.QUEUED
    seen = []

    def commit() -> None:
        db.session.commit()
        seen.append((assignment.fanout_status, assignment.fanout_done, assignment.fanout_total))

    run_fan_out(assignment.id, commit=commit)
    assert seen == [
        ("running", 0, OFFICERS),
        ("running", 1000, OFFICERS),
        ("running", 2000, OFFICERS),
        ("running", 3000, OFFICERS),
        ("done", 3000, OFFICERS),
    ]


def test_the_worker_fans_out_thousands_of_officers_once_whatever_the_deliveries(
    client, db, login_as, trainer, port, celery_app, celery_worker, task_runs
):
    course = lesson_course("BIG-3", trainer.unit)
    ids = bulk_officers(OFFICERS, port)
    read_course(ids[0], course)  # one officer has done it already
    login_as(trainer)
    response = post_unit_assignment(client, course, port)
    assert response.status_code == 302
    assignment = db.session.scalar(select(Assignment))
    celery_app.send_task(FAN_OUT, args=[assignment.id])  # a redelivery

    first, second = task_runs.wait_for(FAN_OUT, count=2)
    assert (first.state, second.state) == ("SUCCESS", "SUCCESS")
    assert {first.retval, second.retval} == {"done"}
    db.session.refresh(assignment)
    assert (assignment.fanout_done, assignment.fanout_total) == (OFFICERS, OFFICERS)
    assert members(assignment.id) == OFFICERS
    completed = db.session.scalar(
        select(AssignmentMembership.status).where(AssignmentMembership.user_id == ids[0])
    )
    assert completed == "completed"
    page = text_of(client.get(f"/assignments/{assignment.id}"))
    assert "http-equiv" not in page
    assert f"{OFFICERS} officers assigned." in page


class FakeSMTP:
    """Stands in for smtplib.SMTP: keeps the messages it is given."""

    sent: list[EmailMessage] = []

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.host = host

    def __enter__(self) -> FakeSMTP:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def send_message(self, message: EmailMessage) -> None:
        FakeSMTP.sent.append(message)


@pytest.fixture
def fake_smtp(app, monkeypatch):
    FakeSMTP.sent = []
    monkeypatch.setattr(mail.smtplib, "SMTP", FakeSMTP)
    app.config["MAIL_SERVER"] = "mail.customs.example"
    return FakeSMTP


def test_the_reminder_job_reminds_each_officer_at_most_once_a_day(
    app, db, trainer, port, create_user, celery_app, celery_worker, task_runs, fake_smtp
):
    course = lesson_course("REM-1", trainer.unit)
    soon = create_user("soon@customs.example", unit=port, full_name="Sara Soon")
    late = create_user("late@customs.example", unit=port, full_name="Lars Late")
    later = create_user("later@customs.example", unit=port, full_name="Lea Later")
    done = create_user("done@customs.example", unit=port, full_name="Dan Done")
    gone = create_user("gone@customs.example", unit=port, full_name="Gil Gone", active=False)
    assignment = assign(trainer, target_kind="unit", course_id=course.id, unit_id=port.id)
    read_course(done.id, course)
    due = {soon: 3, late: -4, later: 20, done: -4, gone: -4}
    for user, days in due.items():
        db.session.execute(
            update(AssignmentMembership)
            .where(AssignmentMembership.user_id == user.id)
            .values(due_on=utcnow().date() + timedelta(days=days))
        )
    db.session.commit()
    assert members(assignment.id) == 4  # the deactivated account was never assigned

    celery_app.send_task(REMINDERS)
    celery_app.send_task(REMINDERS)  # the job runs twice the same day
    first, second = task_runs.wait_for(REMINDERS, count=2)
    assert sorted([first.retval, second.retval]) == [0, 2]

    notes = db.session.scalars(select(Notification).order_by(Notification.user_id)).all()
    assert [(n.user_id, n.day) for n in notes] == [
        (soon.id, utcnow().date()),
        (late.id, utcnow().date()),
    ]
    assert all(n.emailed_at is not None for n in notes)
    by_user = {n.user_id: n for n in notes}
    assert "1 assigned item due this week" in by_user[soon.id].subject
    assert "(in 3 days)" in by_user[soon.id].body
    assert "overdue" in by_user[late.id].subject
    assert sorted(m["To"] for m in fake_smtp.sent) == [
        "late@customs.example",
        "soon@customs.example",
    ]
    message = next(m for m in fake_smtp.sent if m["To"] == "soon@customs.example")
    assert "Dear Sara Soon" in message.get_content()
    assert "Course REM-1" in message.get_content()
    assert f"{app.config['PUBLIC_BASE_URL']}/my/learning" in message.get_content()


def test_without_a_mail_server_the_reminder_is_written_to_the_log(
    app, db, trainer, port, create_user, celery_app, celery_worker, task_runs, caplog
):
    course = lesson_course("REM-2", trainer.unit)
    officer = create_user("soon@customs.example", unit=port)
    assign(
        trainer,
        target_kind="officers",
        course_id=course.id,
        officer_ids=(officer.id,),
        due_date=utcnow().date() + timedelta(days=1),
    )
    assert not app.config.get("MAIL_SERVER")
    with caplog.at_level("INFO", logger="lms.mail"):
        celery_app.send_task(REMINDERS)
        [run] = task_runs.wait_for(REMINDERS)
    assert run.retval == 1
    assert any(
        "Mail not sent (no MAIL_SERVER): to soon@customs.example" in record.getMessage()
        for record in caplog.records
    )
