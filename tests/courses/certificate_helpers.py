"""Fixtures and builders for the certificate tests: issuing a request as the job does, and
reading what a certificate carries (the PDF's text and QR code, the credential's claims).

The certificate test modules take the fixtures with
`from tests.courses.certificate_helpers import *` (pytest finds them in the module's namespace)
and the helpers by name.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

import jwt
import pypdf
import pytest
import zxingcpp
from flask import current_app
from PIL import Image
from sqlalchemy import func, select

from courses.certificates.models import Certificate, CertificateRequest
from courses.certificates.services.issuing import IssueSettings, issue_requested_certificate
from courses.learning.models import Course
from lms.extensions import db
from lms.signing import signing_key
from tests.courses.assignment_helpers import lesson_course, read_course

__all__ = ["centre", "course", "officer", "region", "trainer"]

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


def settings() -> IssueSettings:
    return IssueSettings(
        current_app.config["PUBLIC_BASE_URL"],
        current_app.config["CREDENTIAL_ISSUER_NAME"],
        signing_key(),
    )


def issue(request_id: int) -> str:
    """Run the issuing as the job does (without the queue), and commit."""
    outcome = issue_requested_certificate(request_id, settings=settings())
    db.session.commit()
    return outcome


def request_of(user_id: int, course: Course) -> CertificateRequest:
    return db.session.scalar(
        select(CertificateRequest).where(
            CertificateRequest.user_id == user_id, CertificateRequest.course_id == course.id
        )
    )


def certified(user_id: int, course: Course) -> Certificate:
    """Complete the course as the officer and issue the certificate it earns."""
    read_course(user_id, course)
    request = request_of(user_id, course)
    assert issue(request.id) == "issued"
    return db.session.scalar(
        select(Certificate).where(
            Certificate.user_id == user_id, Certificate.course_id == course.id
        )
    )


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def pdf_qr_codes(pdf: bytes) -> list[str]:
    """What the QR codes among the PDF's images say."""
    found = []
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        for image in page.images:
            picture = Image.open(io.BytesIO(image.data)).convert("L")
            found += [result.text for result in zxingcpp.read_barcodes(picture)]
    return found


def certificates_per_officer_and_course() -> dict[tuple[int, int | None], int]:
    rows = db.session.execute(
        select(Certificate.user_id, Certificate.course_id, func.count(Certificate.id)).group_by(
            Certificate.user_id, Certificate.course_id
        )
    ).all()
    return {(user_id, course_id): count for user_id, course_id, count in rows}


def verify_with_jwks(token: str, jwks: dict, **options) -> dict:
    """Check a VC-JWT as an outside verifier would: the key named by its header, taken from
    the published JWKS, RS256 only."""
    kid = jwt.get_unverified_header(token)["kid"]
    [jwk] = [key for key in jwks["keys"] if key["kid"] == kid]
    return jwt.decode(token, jwt.PyJWK(jwk).key, algorithms=["RS256"], options=options)


def ids(rows: Iterable) -> list[int]:
    return [row.id for row in rows]
