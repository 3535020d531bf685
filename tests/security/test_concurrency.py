"""Races an exam rush or a double click makes: two requests of one officer at the same moment.

Each thread sends a real request through the app, in an app context, database session and
connection of its own, on a database both see: PostgreSQL in the PostgreSQL run, a SQLite file
(the embedded default) in the other. A barrier inside the service holds both requests at the
worst moment: each has read the state the other is about to change.

- Two submits of one attempt: graded once; one request is told it was already graded; the
  score, the evidence and the attempt-graded event happen once.
- Two completions of one course (the last lesson opened twice): one certificate request, one
  issuing job, one course-completed event.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

import lms.jobs
from competencies.models import Evidence
from competencies.services.frameworks import ensure_default_frameworks
from courses.certificates.models import CertificateRequest
from courses.events import AttemptGraded, CourseCompleted
from courses.learning.models import Attempt, CourseEnrolment, ItemProgress
from courses.learning.services import attempts, progress
from lms.events import Event, events_of
from lms.extensions import db
from lms.organisation.models import OrgUnit
from tests.courses.assignment_helpers import lesson_course
from tests.courses.conftest import answers_for
from tests.security.helpers import token_of

WAIT_SECONDS = 30
ALREADY_GRADED = "already been submitted and graded"


@pytest.fixture
def empty_database(shared_empty_database: str) -> str:
    """Both threads must see one database: not an in-memory SQLite of each connection."""
    return shared_empty_database


@pytest.fixture
def training_unit(create_unit, root_unit) -> OrgUnit:
    return create_unit("NTC", parent=root_unit, kind="training_centre")


def at_the_same_moment(step: Callable[[int], Any]) -> list[Any]:
    """Run step(0) and step(1) in two threads at once; their results, or their exceptions."""
    results: list[Any] = [None, None]

    def run(index: int) -> None:
        try:
            results[index] = step(index)
        except BaseException as error:  # surfaced by the test's assertions
            results[index] = error
            traceback.print_exc()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_SECONDS * 2)
        assert not thread.is_alive(), "a request hung"
    return results


def held_at_barrier(barrier: threading.Barrier, function: Callable) -> Callable:
    """`function`, made to wait until both requests reach it."""

    def wait_then_call(*args: Any, **kwargs: Any) -> Any:
        result = function(*args, **kwargs)
        barrier.wait()
        return result

    return wait_then_call


class Recorder:
    """What the app published of one event type, as ids (while the block runs)."""

    def __init__(self, app, event_type: type[Event], describe: Callable[[Any], Any]) -> None:
        self.events, self.event_type = events_of(app), event_type
        self.describe, self.received = describe, []

    def __enter__(self) -> list:
        self.events.subscribe(self.event_type, self.record)
        return self.received

    def __exit__(self, *exc_info: object) -> None:
        self.events.unsubscribe(self.event_type, self.record)

    def record(self, event: Event) -> None:
        self.received.append(self.describe(event))


def test_two_simultaneous_submits_grade_the_attempt_once(
    app, create_user, create_course, login_as, monkeypatch
):
    ensure_default_frameworks()  # the questions' competencies: grading appends evidence
    officer = create_user(roles=("officer",))
    built = create_course(lessons=1)
    attempt = attempts.start_attempt(officer.id, built.quiz)
    db.session.commit()
    attempt_id, snapshot = attempt.id, attempt.snapshot
    tabs = [login_as(officer, on=app.test_client()) for _ in range(2)]
    tokens = [token_of(tab, "/my/learning") for tab in tabs]
    form = answers_for(snapshot, right=True)
    # Both requests have read the attempt as in progress before either writes its grade.
    barrier = threading.Barrier(2, timeout=WAIT_SECONDS)
    monkeypatch.setattr(attempts, "grade_answers", held_at_barrier(barrier, attempts.grade_answers))
    with Recorder(app, AttemptGraded, lambda graded: graded.attempt_id) as graded:
        responses = at_the_same_moment(
            lambda n: tabs[n].post(
                f"/attempts/{attempt_id}/submit", data={**form, "csrf_token": tokens[n]}
            )
        )
    for response in responses:
        assert not isinstance(response, BaseException), response
        assert response.status_code == 302
        assert response.headers["Location"] == f"/attempts/{attempt_id}/result"
    told = [
        ALREADY_GRADED in tab.get(f"/attempts/{attempt_id}/result").get_data(True) for tab in tabs
    ]
    assert sorted(told) == [False, True]  # one succeeded, the other was refused
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt_id)
    assert (attempt.status, attempt.score, attempt.passed) == ("graded", 100.0, True)
    assert graded == [attempt_id]
    tagged = {entry["competency_code"] for entry in snapshot if entry["competency_code"]}
    evidence = db.session.scalar(
        select(func.count(Evidence.id)).where(Evidence.attempt_id == attempt_id)
    )
    assert evidence == len(tagged) > 0


def test_two_simultaneous_completions_request_one_certificate(
    app, create_user, training_unit, login_as, monkeypatch
):
    officer = create_user(roles=("officer",))
    course = lesson_course("RACE-1", training_unit)
    lesson_url = f"/courses/{course.id}/items/{course.modules[0].items[0].id}"
    course_id, officer_id = course.id, officer.id
    progress.enrolment(officer_id, course_id)  # the outline was visited: enrolled
    db.session.commit()
    tabs = [login_as(officer, on=app.test_client()) for _ in range(2)]
    # Both requests have read the enrolment as not complete before either marks the lesson.
    barrier = threading.Barrier(2, timeout=WAIT_SECONDS)
    monkeypatch.setattr(progress, "enrolment", held_at_barrier(barrier, progress.enrolment))
    sent: list[tuple[str, list]] = []
    monkeypatch.setattr(lms.jobs, "send_now", lambda name, args: sent.append((name, args)))
    with Recorder(app, CourseCompleted, lambda done: (done.user_id, done.course_id)) as completed:
        responses = at_the_same_moment(lambda n: tabs[n].get(lesson_url))
    for response in responses:
        assert not isinstance(response, BaseException), response
        assert response.status_code == 200
    db.session.expire_all()
    requests = list(
        db.session.scalars(
            select(CertificateRequest).where(CertificateRequest.user_id == officer_id)
        )
    )
    assert [(r.course_id, r.status) for r in requests] == [(course_id, "pending")]
    assert sent == [("courses.issue_certificate", [requests[0].id])]
    assert completed == [(officer_id, course_id)]
    done = select(func.count()).select_from(ItemProgress).where(ItemProgress.user_id == officer_id)
    assert db.session.scalar(done) == 1
    assert db.session.get(CourseEnrolment, (officer_id, course_id)).completed_at is not None
