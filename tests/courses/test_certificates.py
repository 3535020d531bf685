"""Certificates (issue 6): requested in the completing transaction, issued once, the PDF and the
signed credential they carry, the public verify page, revoking, the pages of officers, trainers
and HR, and expiry with recertification. The queue itself is in tests/tasks."""

from __future__ import annotations

import os
import stat
from datetime import timedelta

import jwt
import pytest
from sqlalchemy import event, func, select

from config import TestingConfig
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
from lms import create_app
from lms.audit.models import AuditEntry
from lms.extensions import db as _db
from lms.signing import KEY_FILE_NAME, load_signing_key
from lms.timeutil import utcnow
from tests.conftest import RequestIsolatingClient
from tests.courses.assignment_helpers import (
    curriculum_of,
    lesson_course,
    read_course,
)
from tests.courses.certificate_helpers import (
    certified,
    issue,
    pdf_qr_codes,
    pdf_text,
    request_of,
    verify_with_jwks,
)
from tests.lms.browsing import submit, text_of

NAME = "Ngozi Okonkwo-Adébáyọ̀"


@pytest.fixture
def centre(create_unit, root_unit):
    return create_unit(
        "NTC", name="National Training Centre", parent=root_unit, kind="training_centre"
    )


@pytest.fixture
def region(create_unit, root_unit):
    return create_unit("R-COAST", name="Coastal Region", parent=root_unit, kind="region")


@pytest.fixture
def officer(create_user, region):
    return create_user("ngozi@customs.example", full_name=NAME, unit=region)


@pytest.fixture
def trainer(create_user, centre):
    return create_user("trainer@customs.example", roles=("trainer",), unit=centre)


@pytest.fixture
def course(centre):
    return lesson_course("INT-101", centre, competencies=("P-INT",))


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


# --- the credential --------------------------------------------------------------------------


def test_the_credential_is_an_open_badge_that_verifies_against_the_published_jwks(
    client, db, officer, course
):
    certificate = certified(officer.id, course)
    jwks = client.get("/.well-known/jwks.json").get_json()
    [key] = jwks["keys"]
    assert {key["kty"], key["alg"], key["use"]} == {"RSA", "RS256", "sig"}
    assert key["kid"] and key["n"] and key["e"]

    token = text_of(client.get(f"/verify/{certificate.code}/credential.jwt"))
    header = jwt.get_unverified_header(token)
    assert (header["alg"], header["typ"], header["kid"]) == ("RS256", "JWT", key["kid"])
    claims = verify_with_jwks(token, jwks)
    verify_url = f"http://127.0.0.1:5000/verify/{certificate.code}"
    assert claims["jti"] == verify_url
    assert claims["iss"] == "http://127.0.0.1:5000"
    assert "exp" not in claims  # the course never expires
    vc = claims["vc"]
    assert vc["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert vc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert vc["id"] == verify_url
    assert vc["issuer"]["type"] == ["Profile"]
    assert claims["sub"] == vc["credentialSubject"]["id"]
    subject = vc["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert {"identityType": "name", "identityHash": NAME}.items() <= subject["identifier"][
        0
    ].items()
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"]
    assert achievement["name"] == course.title
    assert achievement["criteria"]["narrative"]
    [alignment] = achievement["alignment"]
    assert alignment["type"] == ["Alignment"]
    assert alignment["targetCode"] == "P-INT"
    assert alignment["targetUrl"].endswith("/competencies/P-INT")
    assert client.get(f"/verify/{certificate.code}/credential.json").get_json() == vc


def test_a_tampered_credential_fails_verification(client, db, officer, course):
    certificate = certified(officer.id, course)
    jwks = client.get("/.well-known/jwks.json").get_json()
    header, _, signature = certificate.credential.split(".")
    claims = jwt.decode(certificate.credential, options={"verify_signature": False})
    claims["vc"]["credentialSubject"]["achievement"]["name"] = "Advanced valuation (forged)"
    forged_payload = jwt.utils.base64url_encode(
        jwt.api_jws.json.dumps(claims, separators=(",", ":")).encode()
    ).decode()
    with pytest.raises(jwt.InvalidSignatureError):
        verify_with_jwks(f"{header}.{forged_payload}.{signature}", jwks)
    assert verify_with_jwks(certificate.credential, jwks)["jti"].endswith(certificate.code)


def test_the_signing_key_is_made_once_private_and_reused(app, tmp_path):
    key_path = tmp_path / KEY_FILE_NAME
    first = load_signing_key({}, str(tmp_path))
    assert stat.S_IMODE(os.stat(key_path).st_mode) == 0o600
    again = load_signing_key({}, str(tmp_path))
    assert again.kid == first.kid
    configured = load_signing_key({"CREDENTIAL_SIGNING_KEY": key_path.read_text()}, "/nonexistent")
    assert configured.kid == first.kid
    from_file = load_signing_key({"CREDENTIAL_SIGNING_KEY_FILE": str(key_path)}, "/nonexistent")
    assert from_file.kid == first.kid


# --- verification ----------------------------------------------------------------------------


def test_the_verify_page_says_valid_with_the_holder_course_and_dates(client, db, officer, course):
    certificate = certified(officer.id, course)
    response = client.get(f"/verify/{certificate.code.lower()}")
    page = text_of(response)
    assert response.status_code == 200
    assert "Valid: this certificate is genuine" in page
    assert NAME in page and course.title in page
    assert f"{certificate.issued_at:%Y-%m-%d}" in page
    assert "Does not expire" in page


def test_an_unknown_or_malformed_code_is_plainly_not_found(client, db):
    for code in ("7KQM-X2PD-9HTW-4NRC", "not-a-code", "'; DROP TABLE certificates; --"):
        response = client.get(f"/verify/{code}")
        assert response.status_code == 404
        assert "No certificate with this code." in text_of(response)
        assert client.get(f"/verify/{code}/credential.jwt").status_code == 404


def test_revoking_shows_revoked_with_the_reason_and_is_audited(
    client, db, officer, course, create_user, login_as
):
    certificate = certified(officer.id, course)
    admin = create_user("admin@customs.example", roles=("admin",))
    login_as(admin)
    url = f"/certificates/{certificate.id}/revoke"
    assert submit(client, url, {"reason": "  "}).status_code == 400
    response = submit(client, url, {"reason": "Obtained by impersonation at the exam."})
    assert response.status_code == 302
    page = text_of(client.get(response.headers["Location"]))
    assert "Revoked: this certificate has been withdrawn" in page
    assert "Obtained by impersonation at the exam." in page
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "certificate.revoked"))
    assert (entry.actor_id, entry.target_id) == (admin.id, certificate.id)
    assert submit(client, url, {"reason": "again"}).status_code == 400  # already revoked
    # Anonymous visitors see the same.
    anonymous = client.application.test_client()
    assert "Revoked" in text_of(anonymous.get(f"/verify/{certificate.code}"))


def test_the_verify_pages_are_rate_limited_per_address(tmp_path):
    limited = create_app(
        TestingConfig,
        {
            "INSTANCE_PATH": str(tmp_path),
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            "VERIFY_RATE_LIMIT": "5 per minute",
        },
    )
    limited.test_client_class = RequestIsolatingClient
    with limited.app_context():
        _db.create_all()
        browser = limited.test_client()
        statuses = [browser.get(f"/verify/{new_code()}").status_code for _ in range(5)]
        statuses.append(browser.get(f"/verify/{new_code()}/credential.json").status_code)
        assert statuses == [404] * 5 + [429]
        elsewhere = browser.get(f"/verify/{new_code()}", environ_base={"REMOTE_ADDR": "10.9.8.7"})
        assert elsewhere.status_code == 404
        _db.session.remove()
        _db.engine.dispose()


# --- the officer's pages ---------------------------------------------------------------------


def test_officers_see_and_download_their_own_certificates_only(
    client, db, officer, course, create_user, region, login_as
):
    certificate = certified(officer.id, course)
    login_as(officer)
    page = text_of(client.get("/my/certificates"))
    assert course.title in page and certificate.code in page
    assert course.title in text_of(client.get("/my/learning"))
    pdf = client.get(f"/my/certificates/{certificate.id}/certificate.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data == certificate.pdf

    other = create_user("other@customs.example", unit=region)
    browser = client.application.test_client()
    login_as(other, on=browser)
    assert browser.get(f"/my/certificates/{certificate.id}/certificate.pdf").status_code == 404
    assert certificate.code not in text_of(browser.get("/my/certificates"))


def test_a_certificate_being_issued_is_shown_as_such(client, db, officer, course, login_as):
    read_course(officer.id, course)
    login_as(officer)
    page = text_of(client.get("/my/certificates"))
    assert "Being issued" in page and course.title in page


# --- who holds which -------------------------------------------------------------------------


def test_trainers_see_their_units_courses_and_hr_their_scope(
    client, db, officer, course, create_user, create_unit, root_unit, region, login_as
):
    certificate = certified(officer.id, course)
    elsewhere = create_unit("R-NORTH", parent=root_unit, kind="region")
    other_centre = create_unit("RTO", parent=elsewhere, kind="training_centre")
    viewers = {
        "trainer of the course's unit": (
            create_user(roles=("trainer",), unit=course.training_unit),
            True,
        ),
        "trainer of another unit": (create_user(roles=("trainer",), unit=other_centre), False),
        "HR of the officer's region": (create_user(roles=("hr",), unit=region), True),
        "HR of another region": (create_user(roles=("hr",), unit=elsewhere), False),
        "admin": (create_user(roles=("admin",)), True),
    }
    for who, (user, sees) in viewers.items():
        browser = client.application.test_client()
        login_as(user, on=browser)
        response = browser.get("/certificates")
        assert response.status_code == 200, who
        assert (certificate.code in text_of(response)) == sees, who
    assert client.get("/certificates").status_code == 302
    login_as(officer)
    assert client.get("/certificates").status_code == 403


def test_the_holders_page_filters_and_costs_the_same_for_one_or_many(
    client, db, centre, region, create_user, login_as
):
    from tests.courses.assignment_helpers import bulk_officers

    course = lesson_course("MANY-1", centre)
    admin = create_user("boss@customs.example", roles=("admin",))
    login_as(admin)

    def queries_for(url: str) -> int:
        statements = []

        def count(*args, **kwargs):
            statements.append(1)

        event.listen(_db.engine, "before_cursor_execute", count)
        try:
            assert client.get(url).status_code == 200
        finally:
            event.remove(_db.engine, "before_cursor_execute", count)
        return len(statements)

    [first] = bulk_officers(1, region, prefix="one")
    certified(first, course)
    one = queries_for("/certificates")
    for user_id in bulk_officers(20, region, prefix="many"):
        certified(user_id, course)
    assert queries_for("/certificates") == one
    page = text_of(client.get("/certificates?q=many+officer+00003"))
    assert "Many Officer 00003" in page and "Many Officer 00004" not in page
    page = text_of(client.get(f"/certificates?content=course-{course.id}&state=revoked"))
    assert "0 certificates" in page


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


def test_alignments_name_the_competencies_and_point_to_their_public_page(
    client, db, officer, course
):
    from competencies.services.frameworks import ensure_default_frameworks

    ensure_default_frameworks()
    db.session.commit()
    certificate = certified(officer.id, course)
    [alignment] = jwt.decode(certificate.credential, options={"verify_signature": False})["vc"][
        "credentialSubject"
    ]["achievement"]["alignment"]
    assert alignment["targetName"] == certificate.competencies[0]["name"] != "P-INT"
    assert alignment["targetFramework"]
    path = alignment["targetUrl"].removeprefix("http://127.0.0.1:5000")
    page = client.get(path)
    assert page.status_code == 200 and alignment["targetName"] in text_of(page)
    assert client.get("/competencies/NO-SUCH-CODE").status_code == 404
