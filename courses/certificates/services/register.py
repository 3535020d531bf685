"""The register of issued certificates: finding them by code, an officer's own, who holds
which (trainers, HR, admins), and revoking. Functions flush; callers commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, false, or_, select, true
from sqlalchemy.orm import joinedload

from courses.assignments.models import Curriculum
from courses.certificates.models import (
    Certificate,
    CertificateRequest,
    CertificateState,
    RequestStatus,
)
from courses.certificates.services.issuing import normalise_code
from courses.learning.models import Course
from lms.accounts.models import User
from lms.audit.services import AuditAction, record_audit
from lms.database import get_or_raise
from lms.errors import Conflict, NotFound, ValidationError
from lms.extensions import db
from lms.organisation.models import OrgUnit
from lms.timeutil import utcnow

MAX_REVOKE_REASON = 500


# --- reading ---------------------------------------------------------------------------------


def find_by_code(text: str) -> Certificate | None:
    """The certificate with this verification code (as typed), or None."""
    code = normalise_code(text)
    if code is None:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == code))


def certificates_of(user_id: int) -> list[Certificate]:
    """An officer's certificates, newest first (one query; PDF and credential not loaded)."""
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.user_id == user_id)
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        )
    )


def pending_requests_of(user_id: int) -> list[CertificateRequest]:
    """Certificates an officer is owed and the job has not issued yet."""
    return list(
        db.session.scalars(
            select(CertificateRequest)
            .where(
                CertificateRequest.user_id == user_id,
                CertificateRequest.status == RequestStatus.PENDING.value,
            )
            .options(
                joinedload(CertificateRequest.course), joinedload(CertificateRequest.curriculum)
            )
            .order_by(CertificateRequest.created_at)
        )
    )


def own_certificate(certificate_id: int, user_id: int) -> Certificate:
    """One of the officer's own certificates; "not found" for anyone else's."""
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or certificate.user_id != user_id:
        raise NotFound("You have no certificate at this address.")
    return certificate


def get_certificate(certificate_id: int) -> Certificate:
    return get_or_raise(Certificate, certificate_id, f"No certificate with id {certificate_id}.")


# --- who holds which -------------------------------------------------------------------------


@dataclass(frozen=True)
class HolderFilter:
    """The filters of the holders page: a course or curriculum ("course-3", "curriculum-2"),
    a state, and a search in names, service numbers and codes."""

    content: str = ""
    state: str = ""
    search: str = ""


def visible_condition(viewer: User) -> ColumnElement[bool]:
    """The certificates `viewer` may see: an admin all; a trainer those of their training
    unit's courses and curricula; HR those of officers within their unit's subtree."""
    if viewer.has_role("admin"):
        return true()
    conditions: list[ColumnElement[bool]] = []
    if viewer.has_role("trainer"):
        conditions.append(
            or_(
                Certificate.course_id.in_(
                    select(Course.id).where(Course.training_unit_id == viewer.unit_id)
                ),
                Certificate.curriculum_id.in_(
                    select(Curriculum.id).where(Curriculum.training_unit_id == viewer.unit_id)
                ),
            )
        )
    if viewer.has_role("hr"):
        unit_path = select(OrgUnit.path).where(OrgUnit.id == viewer.unit_id).scalar_subquery()
        conditions.append(
            Certificate.user_id.in_(
                select(User.id)
                .join(OrgUnit, OrgUnit.id == User.unit_id)
                .where(OrgUnit.path.startswith(unit_path))
            )
        )
    return or_(*conditions) if conditions else false()


def state_condition(state: str, now: datetime) -> ColumnElement[bool]:
    if state == CertificateState.REVOKED:
        return Certificate.revoked_at.is_not(None)
    not_revoked = Certificate.revoked_at.is_(None)
    if state == CertificateState.EXPIRED:
        return and_(not_revoked, Certificate.expires_at <= now)
    return and_(not_revoked, or_(Certificate.expires_at.is_(None), Certificate.expires_at > now))


def holders_query(
    viewer: User, filters: HolderFilter, *, now: datetime | None = None
) -> Select[tuple[Certificate]]:
    """The certificates `viewer` may see, filtered, newest first, each with its holder and
    the holder's unit (for paging: a count and a page, whatever the page size)."""
    now = now or utcnow()
    query = (
        select(Certificate)
        .where(visible_condition(viewer))
        .options(joinedload(Certificate.user).joinedload(User.unit))
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    )
    kind, _, number = filters.content.partition("-")
    if number.isdigit():
        if kind == "course":
            query = query.where(Certificate.course_id == int(number))
        elif kind == "curriculum":
            query = query.where(Certificate.curriculum_id == int(number))
    if filters.state in {state.value for state in CertificateState}:
        query = query.where(state_condition(filters.state, now))
    term = filters.search.strip()
    if term:
        escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        query = query.where(
            or_(
                Certificate.holder_name.ilike(pattern, escape="\\"),
                Certificate.service_number.ilike(pattern, escape="\\"),
                Certificate.code == (normalise_code(term) or ""),
            )
        )
    return query


def certified_contents(viewer: User) -> list[tuple[str, str]]:
    """("course-3", title) of the courses and curricula of which `viewer` can see
    certificates, for the filter (two queries)."""
    visible = select(Certificate.course_id, Certificate.curriculum_id).where(
        visible_condition(viewer)
    )
    courses = db.session.execute(
        select(Course.id, Course.title)
        .where(Course.id.in_(visible.with_only_columns(Certificate.course_id)))
        .order_by(Course.title)
    ).all()
    curricula = db.session.execute(
        select(Curriculum.id, Curriculum.name)
        .where(Curriculum.id.in_(visible.with_only_columns(Certificate.curriculum_id)))
        .order_by(Curriculum.name)
    ).all()
    return [(f"course-{i}", title) for i, title in courses] + [
        (f"curriculum-{i}", name) for i, name in curricula
    ]


# --- revoking --------------------------------------------------------------------------------


def revoke_certificate(certificate: Certificate, *, actor: User, reason: str) -> Certificate:
    """Revoke a certificate (admins), saying why; recorded in the audit log. The verify page
    then says it is revoked, with the reason."""
    reason = reason.strip()
    if not reason:
        raise ValidationError("Say why the certificate is revoked: the verify page shows it.")
    if len(reason) > MAX_REVOKE_REASON:
        raise ValidationError(f"The reason is at most {MAX_REVOKE_REASON} characters.")
    if certificate.revoked_at is not None:
        raise Conflict("This certificate is already revoked.")
    certificate.revoked_at = utcnow()
    certificate.revoked_reason = reason
    certificate.revoked_by_id = actor.id
    record_audit(
        AuditAction.CERTIFICATE_REVOKED,
        actor_id=actor.id,
        target_type="certificate",
        target_id=certificate.id,
        summary=f"Revoked certificate {certificate.code} ({certificate.title}) of "
        f"{certificate.holder_name}: {reason}",
        before={"revoked": False},
        after={"revoked": True, "reason": reason},
    )
    db.session.flush()
    return certificate
