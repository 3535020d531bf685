"""Certificates (issue 6) as an outsider checks them: the signed credential against the published
JWKS, the signing key, the public verify page, revoking, and the competencies a credential
names."""

from __future__ import annotations

import os
import stat

import jwt
import pytest
from sqlalchemy import select

from config import TestingConfig
from courses.certificates.services.issuing import (
    new_code,
)
from lms import create_app
from lms.audit.models import AuditEntry
from lms.extensions import db as _db
from lms.signing import KEY_FILE_NAME, load_signing_key
from tests.conftest import RequestIsolatingClient
from tests.courses.certificate_helpers import *  # noqa: F403  (fixtures)
from tests.courses.certificate_helpers import (
    NAME,
    certified,
    verify_with_jwks,
)
from tests.lms.browsing import submit, text_of

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
    assert claims["iss"] == "http://127.0.0.1:5000/issuer"
    assert "exp" not in claims  # the course never expires
    vc = claims["vc"]
    assert vc["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert vc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert vc["id"] == verify_url
    assert vc["issuer"]["type"] == ["Profile"]
    profile = client.get("/issuer").get_json()  # the issuer's id answers with its profile
    assert profile["id"] == vc["issuer"]["id"] == claims["iss"]
    assert profile["name"] == vc["issuer"]["name"]
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
