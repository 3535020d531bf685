"""Open Badges 3.0 credentials: an OpenBadgeCredential (a W3C Verifiable Credential) whose
achievement is aligned to the competencies the certificate proves, signed as a VC-JWT (RS256)
by the platform's key (lms.signing), whose public half is at /.well-known/jwks.json.

Pure functions over plain data, apart from the signing key they are given.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import jwt

from lms.links import absolute_url
from lms.signing import SigningKey

CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


@dataclass(frozen=True)
class Alignment:
    """A competency the achievement proves."""

    code: str
    name: str
    framework: str


@dataclass(frozen=True)
class CredentialFacts:
    """What the credential says, as plain data."""

    base_url: str
    issuer_name: str
    verify_url: str
    holder_key: str  # stable per officer and platform: the subject id derives from it
    holder_name: str
    service_number: str
    achievement_key: str  # "course-12" or "curriculum-3"
    title: str
    description: str
    criteria: str
    alignments: tuple[Alignment, ...]
    valid_from: datetime  # naive UTC
    valid_until: datetime | None


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _epoch(moment: datetime) -> int:
    return int(moment.replace(tzinfo=UTC).timestamp())


def _urn(base_url: str, name: str) -> str:
    """A stable URN for something of this platform (the same base URL and name, the same id)."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{base_url}/{name}')}"


def competency_url(base_url: str, code: str) -> str:
    return absolute_url(base_url, f"/competencies/{code}")


def issuer_url(base_url: str) -> str:
    """The issuer's id: a public page that answers with its profile (`issuer_profile`)."""
    return absolute_url(base_url, "/issuer")


def issuer_profile(base_url: str, issuer_name: str) -> dict[str, Any]:
    """The issuer's Open Badges Profile, as its id answers it and as credentials name it."""
    return {"id": issuer_url(base_url), "type": ["Profile"], "name": issuer_name}


def build_credential(facts: CredentialFacts) -> dict[str, Any]:
    """The OpenBadgeCredential (unsigned)."""
    achievement: dict[str, Any] = {
        "id": _urn(facts.base_url, f"achievements/{facts.achievement_key}"),
        "type": ["Achievement"],
        "name": facts.title,
        "description": facts.description or facts.title,
        "criteria": {"narrative": facts.criteria},
    }
    if facts.alignments:
        achievement["alignment"] = [
            {
                "type": ["Alignment"],
                "targetName": alignment.name,
                "targetCode": alignment.code,
                "targetFramework": alignment.framework,
                "targetUrl": competency_url(facts.base_url, alignment.code),
            }
            for alignment in facts.alignments
        ]
    credential: dict[str, Any] = {
        "@context": list(CONTEXT),
        "id": facts.verify_url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": facts.title,
        "issuer": issuer_profile(facts.base_url, facts.issuer_name),
        "validFrom": _iso(facts.valid_from),
        "credentialSubject": {
            "id": _urn(facts.base_url, f"officers/{facts.holder_key}"),
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": facts.holder_name,
                },
                {
                    "type": "IdentityObject",
                    "identityType": "identifier",
                    "hashed": False,
                    "identityHash": facts.service_number,
                },
            ],
            "achievement": achievement,
        },
    }
    if facts.valid_until is not None:
        credential["validUntil"] = _iso(facts.valid_until)
    return credential


def sign_credential(credential: dict[str, Any], key: SigningKey) -> str:
    """The credential as a VC-JWT: registered claims mirror the credential, "vc" holds it."""
    claims: dict[str, Any] = {
        "iss": credential["issuer"]["id"],
        "sub": credential["credentialSubject"]["id"],
        "jti": credential["id"],
        "nbf": _epoch(datetime.strptime(credential["validFrom"], "%Y-%m-%dT%H:%M:%SZ")),
        "vc": credential,
    }
    if "validUntil" in credential:
        claims["exp"] = _epoch(datetime.strptime(credential["validUntil"], "%Y-%m-%dT%H:%M:%SZ"))
    return key.sign(claims)


def credential_of(token: str) -> dict[str, Any]:
    """The credential a VC-JWT carries, read without checking the signature (for showing
    what the platform itself stored; verifiers check it against the JWKS)."""
    return jwt.decode(token, options={"verify_signature": False})["vc"]
