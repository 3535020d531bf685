"""The certificate jobs, run by a real (threaded) Celery worker on the in-memory broker (issue 6):
every task delivered twice still makes one certificate per officer and course (done-when 2);
beat's re-queue sends again what nobody issued; transient errors are retried, others marked."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError

from courses.certificates.models import Certificate, CertificateRequest
from courses.certificates.services import issuing as certificate_service
from lms.timeutil import utcnow
from tests.courses.assignment_helpers import bulk_officers, lesson_course, read_course
from tests.courses.certificate_helpers import certificates_per_officer_and_course, pdf_text

ISSUE = "courses.issue_certificate"
REQUEUE = "courses.requeue_certificate_requests"
OFFICERS = 12


@pytest.fixture
def port(create_unit, root_unit):
    return create_unit("HGP", name="Harbour Gate Port", parent=root_unit)


@pytest.fixture
def centre(create_unit, root_unit):
    return create_unit("NTC", parent=root_unit, kind="training_centre")


def test_every_certificate_task_delivered_twice_makes_one_certificate_each(
    db, celery_app, celery_worker, task_runs, published, port, centre
):
    courses = [lesson_course("TWICE-1", centre), lesson_course("TWICE-2", centre)]
    officers = bulk_officers(OFFICERS, port)
    for officer_id in officers:
        for course in courses:
            read_course(officer_id, course)  # each commit sends its job
    sent = [args for name, args in published if name == ISSUE]
    assert len(sent) == OFFICERS * len(courses)
    for args in sent:  # and every one of them is delivered a second time
        celery_app.send_task(ISSUE, args=list(args))

    runs = task_runs.wait_for(ISSUE, count=2 * len(sent))

    outcomes = Counter(run.retval for run in runs)
    assert outcomes["issued"] == len(sent), outcomes
    assert outcomes["issued"] + outcomes["not pending"] + outcomes["already issued"] == 2 * len(
        sent
    )
    per_pair = certificates_per_officer_and_course()
    assert per_pair == {(o, c.id): 1 for o in officers for c in courses}
    assert set(db.session.scalars(select(CertificateRequest.status))) == {"issued"}


def test_requests_nobody_issued_are_sent_again_and_issued(
    app, db, celery_app, celery_worker, task_runs, port, centre
):
    course = lesson_course("LOST-1", centre)
    lost, recent = bulk_officers(2, port)
    read_course(lost, course)
    read_course(recent, course)
    task_runs.wait_for(ISSUE, count=2)
    # Pretend both messages were lost: back to pending, one sent long ago, one just now.
    db.session.execute(update(CertificateRequest).values(status="pending"))
    db.session.execute(db.delete(Certificate))
    db.session.execute(
        update(CertificateRequest)
        .where(CertificateRequest.user_id == lost)
        .values(last_queued_at=utcnow() - timedelta(minutes=5))
    )
    db.session.commit()

    celery_app.send_task(REQUEUE)

    [requeue] = task_runs.wait_for(REQUEUE)
    lost_request = db.session.scalar(
        select(CertificateRequest).where(CertificateRequest.user_id == lost)
    )
    assert requeue.retval == [lost_request.id]
    task_runs.wait_for(ISSUE, count=3)
    db.session.refresh(lost_request)
    assert (lost_request.status, lost_request.tries) == ("issued", 2)
    assert db.session.scalar(select(Certificate.user_id)) == lost


def test_a_transient_error_is_retried_and_the_certificate_issued(
    db, celery_app, celery_worker, task_runs, port, centre, monkeypatch
):
    real_render = certificate_service.render_certificate_pdf
    calls = []

    def flaky_render(sheet):
        calls.append(sheet.code)
        if len(calls) == 1:
            raise OperationalError("SELECT 1", {}, Exception("database is locked"))
        return real_render(sheet)

    monkeypatch.setattr(certificate_service, "render_certificate_pdf", flaky_render)
    course = lesson_course("FLAKY-1", centre)
    [officer] = bulk_officers(1, port)
    read_course(officer, course)

    [run] = task_runs.wait_for(ISSUE)
    assert run.retval == "issued"
    assert [r.state for r in task_runs.runs if r.name == ISSUE] == ["RETRY", "SUCCESS"]
    assert len(calls) == 2
    certificate = db.session.scalar(select(Certificate))
    assert certificate.code == calls[-1] and certificate.user_id == officer
    assert "Course FLAKY-1" in pdf_text(certificate.pdf)


def test_an_error_retrying_cannot_cure_marks_the_request_failed(
    db, celery_app, celery_worker, task_runs, port, centre, monkeypatch
):
    def broken_render(sheet):
        raise ValueError("the template lost its page")

    monkeypatch.setattr(certificate_service, "render_certificate_pdf", broken_render)
    course = lesson_course("BROKEN-1", centre)
    [officer] = bulk_officers(1, port)
    read_course(officer, course)

    [run] = task_runs.wait_for(ISSUE)
    assert run.retval == "failed"
    request = db.session.scalar(select(CertificateRequest))
    assert request.status == "failed"
    assert "the template lost its page" in request.last_error
    assert db.session.scalar(select(func.count(Certificate.id))) == 0


def test_the_daily_expiry_job_marks_expired_certificates(
    db, celery_app, celery_worker, task_runs, port, centre
):
    course = lesson_course("EXPIRING-1", centre)
    course.validity_months = 12
    db.session.commit()
    [officer] = bulk_officers(1, port)
    read_course(officer, course)
    task_runs.wait_for(ISSUE)
    db.session.execute(update(Certificate).values(expires_at=utcnow() - timedelta(days=1)))
    db.session.commit()

    celery_app.send_task("courses.expire_certificates")

    [run] = task_runs.wait_for("courses.expire_certificates")
    assert run.retval == 1
    assert db.session.scalar(select(Certificate.expired_at)) is not None
