"""The routes of issue 6 (certificates, their public verification and the signing key) and what
each role gets from them (see tests/access_table.py).

The walk's officer holds {certificate}, of a course of the walk's trainer's training unit; the
HR user sits at the administration, so the officer is in their scope. Posted without a reason,
the revoke form is shown again with its error (400).
"""

from __future__ import annotations

from competencies.services.frameworks import ensure_default_frameworks
from courses.authoring.services import authored_courses, publishing, structure
from courses.learning.services.principles import ensure_principles
from lms.access import PUBLIC
from lms.accounts.models import User
from lms.extensions import db
from tests.access_table import ADMIN_PAGE, EVERYONE, OFFICER_PAGE, RouteTable, statuses
from tests.courses.certificate_helpers import certified

OFFICER = frozenset({"officer"})
ADMIN = frozenset({"admin"})
VIEWERS = frozenset({"trainer", "hr", "admin"})


def create_objects(users: dict[str, User]) -> dict[str, int | str]:
    ensure_principles()
    course = authored_courses.create_course(
        authored_courses.CourseDetails("CERT-1", "Certified course", "Earns a certificate.", 12),
        training_unit_id=users["trainer"].unit_id,
    )
    ensure_default_frameworks()
    module = structure.add_module(course, "Module 1", ["P-INT"], ["P-INT"])
    structure.add_lesson(module, "Lesson 1", "Integrity **first**.")
    db.session.refresh(course)
    publishing.set_status(course, "published")
    db.session.commit()
    certificate = certified(users["officer"].id, course)
    return {"certificate": certificate.id, "code": certificate.code}


TABLE = RouteTable(
    routes={
        ("GET", "/my/certificates"): ("/my/certificates", OFFICER_PAGE),
        ("GET", "/my/certificates/<int:certificate_id>/certificate.pdf"): (
            "/my/certificates/{certificate}/certificate.pdf",
            OFFICER_PAGE,
        ),
        ("GET", "/verify/<code>"): ("/verify/{code}", EVERYONE),
        ("GET", "/verify/<code>/credential.jwt"): ("/verify/{code}/credential.jwt", EVERYONE),
        ("GET", "/verify/<code>/credential.json"): ("/verify/{code}/credential.json", EVERYONE),
        ("GET", "/.well-known/jwks.json"): ("/.well-known/jwks.json", EVERYONE),
        ("GET", "/issuer"): ("/issuer", EVERYONE),
        # A credential's alignment points here (the module's competency).
        ("GET", "/competencies/<code>"): ("/competencies/P-INT", EVERYONE),
        ("GET", "/certificates"): ("/certificates", statuses(302, 403, 200, 200, 200)),
        ("GET", "/certificates/<int:certificate_id>/revoke"): (
            "/certificates/{certificate}/revoke",
            ADMIN_PAGE,
        ),
        ("POST", "/certificates/<int:certificate_id>/revoke"): (
            "/certificates/{certificate}/revoke",
            statuses(302, 403, 403, 403, 400),
        ),
    },
    endpoint_rules={
        "certificates.my_certificates": OFFICER,
        "certificates.my_certificate_pdf": OFFICER,
        "certificates.verify": PUBLIC,
        "certificates.credential_jwt": PUBLIC,
        "certificates.credential_json": PUBLIC,
        "keys.jwks": PUBLIC,
        "certificates.issuer": PUBLIC,
        "competency_pages.show": PUBLIC,
        "certificates.holders": VIEWERS,
        "certificates.revoke": ADMIN,
    },
    create_objects=create_objects,
)
