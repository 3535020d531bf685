"""Certificates: the request written when an officer completes a course or a curriculum, and
the certificate a background job issues for it (a PDF and a signed credential).

One request and one certificate per officer and content: the unique constraints make a
duplicate delivery or a race between workers a no-op, whatever the retries. (NULLs do not
collide, so course and curriculum rows share the tables.) A certificate belongs to a `cycle`:
when an expired certificate's course is taken again for recertification, the request moves to
the next cycle and the new certificate sits beside the expired one, which keeps verifying as
expired.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from courses.assignments.models.curricula import Curriculum
from courses.learning.models.catalogue import Course
from lms.extensions import db
from lms.timeutil import utcnow


class RequestStatus(enum.StrEnum):
    PENDING = "pending"
    ISSUED = "issued"
    FAILED = "failed"


class CertificateState(enum.StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"


class CertificateRequest(db.Model):
    """An officer is owed a certificate: written in the transaction that completes the course
    (or curriculum); the job that issues it is queued after that commit and re-queued by beat
    while the request stays pending."""

    __tablename__ = "certificate_requests"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id"),
        UniqueConstraint("user_id", "curriculum_id"),
        CheckConstraint("(course_id IS NULL) <> (curriculum_id IS NULL)", name="one_content"),
        Index("ix_certificate_requests_status_last_queued_at", "status", "last_queued_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"), index=True)
    curriculum_id: Mapped[int | None] = mapped_column(ForeignKey("curricula.id"), index=True)
    cycle: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(16), default=RequestStatus.PENDING.value)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_queued_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # How many times its job was sent (the first time and each re-queue).
    tries: Mapped[int] = mapped_column(default=1)
    last_error: Mapped[str] = mapped_column(Text, default="")

    user = relationship("User")
    course: Mapped[Course | None] = relationship()
    curriculum: Mapped[Curriculum | None] = relationship()


class Certificate(db.Model):
    """An issued certificate. What it says (holder, title, principles, competencies) is a
    snapshot taken at issue, so the PDF, the credential and the verify page always agree."""

    __tablename__ = "certificates"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id", "cycle"),
        UniqueConstraint("user_id", "curriculum_id", "cycle"),
        CheckConstraint("(course_id IS NULL) <> (curriculum_id IS NULL)", name="one_content"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(19), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"), index=True)
    curriculum_id: Mapped[int | None] = mapped_column(ForeignKey("curricula.id"), index=True)
    cycle: Mapped[int] = mapped_column(default=1)
    issued_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    # Set by the daily expiry job once it has dealt with the expiry (and recertification).
    expired_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_reason: Mapped[str] = mapped_column(Text, default="")
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    holder_name: Mapped[str] = mapped_column(String(200))
    service_number: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    principles: Mapped[list[str]] = mapped_column(JSON, default=list)
    # [{"code", "name", "framework"}] of the competencies it covers.
    competencies: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # Large: loaded only when asked for.
    pdf: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    credential: Mapped[str] = mapped_column(Text, deferred=True)

    user = relationship("User", foreign_keys=[user_id])
    revoked_by = relationship("User", foreign_keys=[revoked_by_id])
    course: Mapped[Course | None] = relationship()
    curriculum: Mapped[Curriculum | None] = relationship()

    def state(self, now: datetime) -> CertificateState:
        if self.revoked_at is not None:
            return CertificateState.REVOKED
        if self.expires_at is not None and self.expires_at <= now:
            return CertificateState.EXPIRED
        return CertificateState.VALID
