"""Certificates (issue 6), from completion to expiry: requested in the completing transaction,
issued once with the PDF it prints, and expiry with recertification. The queue itself is in
tests/tasks."""

from __future__ import annotations

from datetime import timedelta

import jwt
import pytest
from sqlalchemy import func, select

from courses.assignments.models import Assignment, AssignmentMembership
from courses.authoring.services import authored_courses
from courses.certificates.models import Certificate, CertificateRequest
from courses.certificates.services.expiry import expire_certificates
from courses.certificates.services.issuing import (
    CODE_ALPHABET,
    new_code,
    normalise_code,
    request_certificate,
    stale_request_ids,
)
from courses.learning.models import CourseEnrolment
from lms.extensions import db as _db
from lms.timeutil import utcnow
from tests.courses.assignment_helpers import (
    curriculum_of,
    lesson_course,
    read_course,
)
from tests.courses.certificate_helpers import *  # noqa: F403  (fixtures)
from tests.courses.certificate_helpers import (
    NAME,
    certified,
    issue,
    pdf_qr_codes,
    pdf_text,
    request_of,
)
from tests.lms.browsing import submit, text_of


def certificate_count() -> int:
    return _db.session.scalar(select(func.count(Certificate.id)))


# --- requests --------------------------------------------------------------------------------


def test_completing_a_course_writes_the_request_in_the_same_transaction(db, officer, course):
    read_course(officer.id, course)
    request = request_of(officer.id, course)
    assert (request.status, request.cycle, request.tries) == ("pending", 1, 1)
    enrolment = db.session.get(CourseEnrolment, (officer.id, course.id))
    assert enrolment.completed_at is not None


def test_a_completion_that_rolls_back_leaves_no_request(db, officer, course):
    from courses.learning.models import CourseItem
    from courses.learning.services.progress import mark_item_done

    for item in db.session.scalars(select(CourseItem).where(CourseItem.course_id == course.id)):
        mark_item_done(officer.id, item)
    [(task, _)] = db.session.info.get("queued_jobs")
    assert task == "courses.issue_certificate"
    db.session.rollback()
    assert db.session.scalar(select(func.count(CertificateRequest.id))) == 0
    assert "queued_jobs" not in db.session.info


def test_asking_twice_writes_one_request(db, officer, course):
    assert request_certificate(officer.id, course_id=course.id) is not None
    assert request_certificate(officer.id, course_id=course.id) is None
    db.session.commit()
    assert db.session.scalar(select(func.count(CertificateRequest.id))) == 1


def test_completing_a_curriculum_requests_its_certificate_too(db, officer, trainer, centre):
    first, second = lesson_course("CUR-1", centre), lesson_course("CUR-2", centre)

    class Built:  # curriculum_of takes built courses
        def __init__(self, course):
            self.course = course

    curriculum = curriculum_of(trainer, [Built(first), Built(second)], name="Border essentials")
    read_course(officer.id, first)
    assert (
        db.session.scalar(
            select(func.count(CertificateRequest.id)).where(
                CertificateRequest.curriculum_id.is_not(None)
            )
        )
        == 0
    )
    read_course(officer.id, second)
    request = db.session.scalar(
        select(CertificateRequest).where(CertificateRequest.curriculum_id == curriculum.id)
    )
    assert request is not None and request.user_id == officer.id
    assert issue(request.id) == "issued"
    certificate = db.session.scalar(
        select(Certificate).where(Certificate.curriculum_id == curriculum.id)
    )
    assert certificate.title == "Border essentials"
    assert "has completed the curriculum" in pdf_text(certificate.pdf)


def test_stale_requests_are_those_pending_past_the_delay_with_a_growing_backoff(
    db, officer, centre
):
    now = utcnow()
    courses = [lesson_course(f"ST-{n}", centre) for n in range(4)]
    requests = [request_certificate(officer.id, course_id=c.id) for c in courses]
    db.session.commit()
    fresh, stale, requeued_once, issued = requests
    stale.last_queued_at = now - timedelta(minutes=3)
    requeued_once.last_queued_at, requeued_once.tries = now - timedelta(minutes=3), 2
    issued.last_queued_at, issued.status = now - timedelta(minutes=30), "issued"
    db.session.commit()
    # Sent twice already: waits twice the delay.
    assert stale_request_ids(timedelta(minutes=2), now=now) == [stale.id]
    assert stale_request_ids(timedelta(minutes=1), now=now) == [stale.id, requeued_once.id]
    assert fresh.id in stale_request_ids(timedelta(0), now=now + timedelta(minutes=1))


# --- issuing ---------------------------------------------------------------------------------


def test_issuing_twice_makes_one_certificate(db, officer, course):
    read_course(officer.id, course)
    request = request_of(officer.id, course)
    assert issue(request.id) == "issued"
    assert issue(request.id) == "not pending"
    # A delivery racing the first: the request still looked pending when it read it.
    request.status = "pending"
    db.session.commit()
    assert issue(request.id) == "already issued"
    assert certificate_count() == 1
    db.session.refresh(request)
    assert request.status == "issued"


def test_the_unique_constraint_stops_a_second_certificate(db, officer, course):
    from sqlalchemy.exc import IntegrityError

    certificate = certified(officer.id, course)
    twin = Certificate(
        code=new_code(),
        user_id=officer.id,
        course_id=course.id,
        cycle=certificate.cycle,
        holder_name=NAME,
        service_number="X",
        title="Twin",
        pdf=b"",
        credential="",
    )
    db.session.add(twin)
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_codes_are_random_unambiguous_and_read_forgivingly():
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        groups = code.split("-")
        assert [len(g) for g in groups] == [4, 4, 4, 4]
        assert set("".join(groups)) <= set(CODE_ALPHABET)
    assert not set("01OIL") & set(CODE_ALPHABET)
    code = next(iter(codes))
    assert normalise_code(code.lower().replace("-", " ")) == code
    assert normalise_code("0000-0000-0000-0000") is None
    assert normalise_code("short") is None


def test_the_pdf_names_the_officer_with_diacritics_and_carries_a_qr_code_of_the_verify_url(
    db, officer, course
):
    certificate = certified(officer.id, course)
    text = pdf_text(certificate.pdf)
    assert NAME in text
    assert officer.service_number in text
    assert course.title in text
    assert certificate.code in text
    assert "Integrity" in text  # the reform principle of the course's module
    assert "Valid until" in text and "does not expire" in text
    url = f"http://127.0.0.1:5000/verify/{certificate.code}"
    assert pdf_qr_codes(certificate.pdf) == [url]
    # The font is embedded (a subset), not left to the reader's machine.
    assert b"/FontFile2" in certificate.pdf


def test_a_name_outside_the_common_scripts_still_prints(db, create_user, region, course):
    armenian = create_user(full_name="Հայկ Պետրոսյան Łukasz", unit=region)
    certificate = certified(armenian.id, course)
    assert "Հայկ Պետրոսյան Łukasz" in pdf_text(certificate.pdf)


def test_an_expiring_course_prints_and_signs_its_expiry(db, officer, centre):
    course = lesson_course("EXP-1", centre)
    course.validity_months = 24
    db.session.commit()
    certificate = certified(officer.id, course)
    assert certificate.expires_at.year == certificate.issued_at.year + 2
    assert f"{certificate.expires_at:%Y-%m-%d}" in pdf_text(certificate.pdf)
    claims = jwt.decode(certificate.credential, options={"verify_signature": False})
    assert claims["exp"] > claims["nbf"]
    assert claims["vc"]["validUntil"] == f"{certificate.expires_at:%Y-%m-%dT%H:%M:%SZ}"


# --- expiry and recertification --------------------------------------------------------------


def test_expiry_marks_expired_and_recertification_assigns_the_course_again(
    client, db, officer, centre, login_as
):
    course = lesson_course("RECERT-1", centre)
    authored_courses.update_course(
        course, authored_courses.CourseDetails(course.code, course.title, "", 12, recertify=True)
    )
    db.session.commit()
    first = certified(officer.id, course)
    later = first.expires_at + timedelta(days=1)

    outcome = expire_certificates(due_days=60, now=later)
    db.session.commit()
    assert outcome.expired == 1 and outcome.recertifications == {course.id: [officer.id]}
    assert expire_certificates(due_days=60, now=later).expired == 0  # once only
    db.session.refresh(first)
    assert first.expired_at == later
    assignment = db.session.scalar(select(Assignment).where(Assignment.course_id == course.id))
    membership = db.session.scalar(
        select(AssignmentMembership).where(AssignmentMembership.assignment_id == assignment.id)
    )
    assert (membership.user_id, membership.status) == (officer.id, "open")
    assert db.session.get(CourseEnrolment, (officer.id, course.id)).completed_at is None

    # Taking the course again earns the certificate of the next cycle; the old code still
    # verifies, as expired.
    read_course(officer.id, course)
    request = request_of(officer.id, course)
    assert (request.status, request.cycle) == ("pending", 2)
    assert issue(request.id) == "issued"
    assert certificate_count() == 2
    db.session.refresh(membership)
    assert membership.status == "completed"
    first.expires_at = utcnow() - timedelta(days=1)  # the clock catches up with the test
    db.session.commit()
    assert "Expired: this certificate was genuine" in text_of(client.get(f"/verify/{first.code}"))


def test_expiry_without_recertification_only_marks(db, officer, centre):
    course = lesson_course("PLAIN-1", centre)
    course.validity_months = 6
    db.session.commit()
    certificate = certified(officer.id, course)
    outcome = expire_certificates(due_days=60, now=certificate.expires_at)
    assert (outcome.expired, outcome.recertifications) == (1, {})
    assert db.session.scalar(select(func.count(Assignment.id))) == 0


def test_recertification_needs_a_validity_period(db, centre):
    from lms.errors import ValidationError

    with pytest.raises(ValidationError):
        authored_courses.create_course(
            authored_courses.CourseDetails("NO-VALID", "T", "", None, recertify=True),
            training_unit_id=centre.id,
        )


def test_the_course_form_offers_recertification(client, db, trainer, centre, login_as):
    login_as(trainer)
    page = text_of(client.get("/author/courses/new"))
    assert 'name="recertify"' in page
    response = submit(
        client,
        "/author/courses/new",
        {"code": "RC-9", "title": "Renewed yearly", "validity_months": "12", "recertify": "y"},
    )
    assert response.status_code == 302
    from courses.learning.models import Course

    assert db.session.scalar(select(Course).where(Course.code == "RC-9")).recertify is True
