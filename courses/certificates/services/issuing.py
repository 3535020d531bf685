"""Certificates: requested when a course or curriculum is completed, issued by a background job,
verified by anyone. Functions flush; callers commit.

The path of a certificate, and why nothing is lost or doubled on it:

1. Completing a course writes a CertificateRequest in the same transaction (handler of the
   CourseCompleted event) and queues "courses.issue_certificate" for after the
   commit. A request the broker never got is still in the table, pending.
2. Beat runs "courses.requeue_certificate_requests" every minute: requests still pending some
   minutes after their job was sent are sent again (`stale_request_ids`).
3. The job (`issue_requested_certificate`) renders the PDF, signs the credential and stores
   both. The unique constraints keep one certificate per officer, content and cycle: a second
   delivery, or two workers racing, end with the same single certificate.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from courses.assignments.models import Curriculum, CurriculumCourse
from courses.assignments.services.memberships import completed_at, completion_times
from courses.certificates.models import (
    Certificate,
    CertificateRequest,
    CertificateState,
    RequestStatus,
)
from courses.certificates.services.credentials import (
    CredentialFacts,
    build_credential,
    sign_credential,
)
from courses.certificates.services.pdf import CertificateSheet, render_certificate_pdf
from courses.events import CompetencyAlignments, CourseCompleted
from courses.learning.models import Course, Module
from lms.database import insert_ignoring_duplicates
from lms.events import ask
from lms.extensions import db
from lms.jobs import queue_job
from lms.links import absolute_url
from lms.signing import SigningKey
from lms.timeutil import utcnow

ISSUE_TASK = "courses.issue_certificate"
# Without 0/O, 1/I/L: read aloud or typed from paper without doubt. 16 characters of 31:
# about 79 bits, far beyond guessing.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_GROUPS, GROUP_LENGTH = 4, 4
MAX_REVOKE_REASON = 500
# Each re-queue of a request waits longer (up to this factor of the base delay), so a long
# worker outage does not fill the queue with copies.
MAX_REQUEUE_BACKOFF = 8


# --- verification codes ----------------------------------------------------------------------


def new_code() -> str:
    """A random verification code, e.g. "7KQM-X2PD-9HTW-4NRC"."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUPS * GROUP_LENGTH))
    return "-".join(raw[i : i + GROUP_LENGTH] for i in range(0, len(raw), GROUP_LENGTH))


def normalise_code(text: str) -> str | None:
    """The code as stored, from what someone typed (any case, with or without dashes or
    spaces); None when it cannot be a code."""
    raw = "".join(char for char in text.upper() if char not in "- ")
    if len(raw) != CODE_GROUPS * GROUP_LENGTH or any(c not in CODE_ALPHABET for c in raw):
        return None
    return "-".join(raw[i : i + GROUP_LENGTH] for i in range(0, len(raw), GROUP_LENGTH))


def verify_url(base_url: str, code: str) -> str:
    """The public verify page of a certificate: its QR code and its credential's id. Written out
    (not built from the route) because issued credentials carry it and must keep meaning it."""
    return absolute_url(base_url, f"/verify/{code}")


# --- requests --------------------------------------------------------------------------------


def _content_condition(model, course_id: int | None, curriculum_id: int | None):
    if course_id is not None:
        return model.course_id == course_id
    return model.curriculum_id == curriculum_id


def request_certificate(
    user_id: int, *, course_id: int | None = None, curriculum_id: int | None = None
) -> CertificateRequest | None:
    """Record that the officer is owed a certificate for a course or a curriculum, and queue
    the job that issues it for after the commit. Once only: an officer completing again
    gets nothing new, unless their certificate has expired (recertification: the request
    moves to the next cycle). Returns the request when a job was queued."""
    if (course_id is None) == (curriculum_id is None):
        raise ValueError("a certificate is for one course or one curriculum")
    now = utcnow()
    inserted_id = db.session.scalar(
        insert_ignoring_duplicates(CertificateRequest)
        .values(
            user_id=user_id,
            course_id=course_id,
            curriculum_id=curriculum_id,
            cycle=1,
            status=RequestStatus.PENDING.value,
            created_at=now,
            last_queued_at=now,
            tries=1,
            last_error="",
        )
        .returning(CertificateRequest.id)
    )
    request = db.session.scalar(
        select(CertificateRequest).where(
            CertificateRequest.user_id == user_id,
            _content_condition(CertificateRequest, course_id, curriculum_id),
        )
    )
    if inserted_id is not None:  # new: the conflicting insert of a race returns no row
        queue_job(ISSUE_TASK, request.id)
        return request
    if request.status == RequestStatus.ISSUED and _current_certificate_expired(request, now):
        request.cycle += 1
        request.status = RequestStatus.PENDING.value
        request.last_queued_at = now
        request.tries = 1
        request.last_error = ""
        db.session.flush()
        queue_job(ISSUE_TASK, request.id)
        return request
    return None


def _current_certificate_expired(request: CertificateRequest, now: datetime) -> bool:
    """Whether the certificate of the request's cycle has expired (by its date, or as marked
    by the expiry job, which is what reopens a course for recertification)."""
    certificate = _certificate_for(request)
    return certificate is not None and (
        certificate.expired_at is not None or certificate.state(now) == CertificateState.EXPIRED
    )


def _certificate_for(request: CertificateRequest) -> Certificate | None:
    return db.session.scalar(
        select(Certificate).where(
            Certificate.user_id == request.user_id,
            _content_condition(Certificate, request.course_id, request.curriculum_id),
            Certificate.cycle == request.cycle,
        )
    )


def curricula_completed_with(user_id: int, course_id: int) -> list[int]:
    """The curricula that require this course and whose required courses the officer has now
    all completed (two queries)."""
    rows = db.session.execute(
        select(CurriculumCourse.curriculum_id, CurriculumCourse.course_id).where(
            CurriculumCourse.required.is_(True),
            CurriculumCourse.curriculum_id.in_(
                select(CurriculumCourse.curriculum_id).where(
                    CurriculumCourse.course_id == course_id, CurriculumCourse.required.is_(True)
                )
            ),
        )
    ).all()
    required: dict[int, list[int]] = {}
    for curriculum_id, required_course_id in rows:
        required.setdefault(curriculum_id, []).append(required_course_id)
    done = completion_times([user_id], {c for ids in required.values() for c in ids}).get(
        user_id, {}
    )
    return sorted(cid for cid, ids in required.items() if completed_at(ids, done) is not None)


def request_certificates_for(completed: CourseCompleted) -> None:
    """The certificates a course completion earns: the course's, and that of every curriculum
    it completes (handler of CourseCompleted, in the completing transaction)."""
    request_certificate(completed.user_id, course_id=completed.course_id)
    for curriculum_id in curricula_completed_with(completed.user_id, completed.course_id):
        request_certificate(completed.user_id, curriculum_id=curriculum_id)


def stale_request_ids(
    older_than: timedelta, *, now: datetime | None = None, limit: int = 5000
) -> list[int]:
    """Pending requests whose job was sent `older_than` ago or more and has not issued them
    (a lost message, a broker outage, a dead worker); each further re-queue of the same
    request waits longer, up to MAX_REQUEUE_BACKOFF times `older_than`."""
    now = now or utcnow()
    rows = db.session.execute(
        select(CertificateRequest.id, CertificateRequest.last_queued_at, CertificateRequest.tries)
        .where(
            CertificateRequest.status == RequestStatus.PENDING.value,
            CertificateRequest.last_queued_at <= now - older_than,
        )
        .order_by(CertificateRequest.last_queued_at, CertificateRequest.id)
        .limit(limit)
    ).all()
    return [
        request_id
        for request_id, queued_at, tries in rows
        if queued_at <= now - older_than * min(2 ** max(tries - 1, 0), MAX_REQUEUE_BACKOFF)
    ]


def mark_requeued(request_ids: Sequence[int], *, now: datetime | None = None) -> None:
    """Note that these requests' jobs were sent again."""
    if request_ids:
        db.session.execute(
            update(CertificateRequest)
            .where(CertificateRequest.id.in_(list(request_ids)))
            .values(last_queued_at=now or utcnow(), tries=CertificateRequest.tries + 1)
        )


def record_issue_failure(request_id: int, message: str) -> None:
    """A request whose issuing failed for a reason retrying will not cure: marked failed, with
    the reason, so that beat stops re-queuing it."""
    db.session.execute(
        update(CertificateRequest)
        .where(
            CertificateRequest.id == request_id,
            CertificateRequest.status == RequestStatus.PENDING.value,
        )
        .values(status=RequestStatus.FAILED.value, last_error=message[:2000])
    )


# --- issuing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssueSettings:
    base_url: str
    issuer_name: str
    key: SigningKey


@dataclass(frozen=True)
class CertifiedContent:
    """What a certificate covers, read from a course or a curriculum."""

    key: str
    title: str
    description: str
    criteria: str
    principles: tuple[str, ...]
    competency_codes: tuple[str, ...]
    validity_months: int | None
    is_curriculum: bool


def _course_content(course_id: int) -> CertifiedContent:
    course = db.session.scalar(
        select(Course)
        .where(Course.id == course_id)
        .options(
            selectinload(Course.modules).options(
                selectinload(Module.principles), selectinload(Module.competency_links)
            )
        )
    )
    principles = {p.id: p for module in course.modules for p in module.principles}
    codes = dict.fromkeys(code for module in course.modules for code in module.competency_codes)
    return CertifiedContent(
        key=f"course-{course.id}",
        title=course.title,
        description=course.summary,
        criteria=(
            f"Completed every required lesson and passed every required quiz of the course "
            f"{course.code} ({course.title})."
        ),
        principles=tuple(p.name for p in sorted(principles.values(), key=lambda p: p.position)),
        competency_codes=tuple(codes),
        validity_months=course.validity_months,
        is_curriculum=False,
    )


def _curriculum_content(curriculum_id: int) -> CertifiedContent:
    curriculum = db.session.scalar(
        select(Curriculum)
        .where(Curriculum.id == curriculum_id)
        .options(
            selectinload(Curriculum.entries).joinedload(CurriculumCourse.course),
            selectinload(Curriculum.principles),
            selectinload(Curriculum.competency_links),
        )
    )
    required = [entry.course.title for entry in curriculum.entries if entry.required]
    return CertifiedContent(
        key=f"curriculum-{curriculum.id}",
        title=curriculum.name,
        description=curriculum.description,
        criteria="Completed every required course of the curriculum: " + "; ".join(required),
        principles=tuple(p.name for p in curriculum.principles),
        competency_codes=tuple(curriculum.competency_codes),
        validity_months=None,
        is_curriculum=True,
    )


def certified_content(request: CertificateRequest) -> CertifiedContent:
    if request.course_id is not None:
        return _course_content(request.course_id)
    return _curriculum_content(request.curriculum_id)


def issue_requested_certificate(
    request_id: int,
    *,
    settings: IssueSettings,
    now: datetime | None = None,
) -> str:
    """Issue the certificate a request is owed, once: render the PDF, sign the credential,
    store both, mark the request issued. Returns what happened: "issued", "already issued"
    (a duplicate delivery, or another worker won a race), or "not pending".

    The competencies are named through the CompetencyAlignments lookup (the competencies
    package knows them; courses does not import it). The request row is locked where the
    database can (PostgreSQL); everywhere, the unique constraints decide a race.
    """
    request = db.session.scalar(
        select(CertificateRequest)
        .where(CertificateRequest.id == request_id)
        .options(joinedload(CertificateRequest.user))
        .with_for_update(of=CertificateRequest)
    )
    if request is None or request.status != RequestStatus.PENDING:
        return "not pending"
    if _certificate_for(request) is not None:
        request.status = RequestStatus.ISSUED.value
        db.session.flush()
        return "already issued"
    now = now or utcnow()
    now = now.replace(microsecond=0)
    content = certified_content(request)
    alignments = tuple(ask(CompetencyAlignments(tuple(content.competency_codes))))
    expires_at = (
        now + relativedelta(months=content.validity_months) if content.validity_months else None
    )
    user = request.user
    code = new_code()
    url = verify_url(settings.base_url, code)
    pdf = render_certificate_pdf(
        CertificateSheet(
            holder_name=user.full_name,
            service_number=user.service_number,
            title=content.title,
            is_curriculum=content.is_curriculum,
            principles=content.principles,
            competencies=tuple(a.name for a in alignments),
            issued_on=now.date(),
            expires_on=expires_at.date() if expires_at else None,
            code=code,
            verify_url=url,
            issuer_name=settings.issuer_name,
        )
    )
    credential = build_credential(
        CredentialFacts(
            base_url=settings.base_url,
            issuer_name=settings.issuer_name,
            verify_url=url,
            holder_key=str(user.id),
            holder_name=user.full_name,
            service_number=user.service_number,
            achievement_key=content.key,
            title=content.title,
            description=content.description,
            criteria=content.criteria,
            alignments=alignments,
            valid_from=now,
            valid_until=expires_at,
        )
    )
    certificate = Certificate(
        code=code,
        user_id=user.id,
        course_id=request.course_id,
        curriculum_id=request.curriculum_id,
        cycle=request.cycle,
        issued_at=now,
        expires_at=expires_at,
        holder_name=user.full_name,
        service_number=user.service_number,
        title=content.title,
        principles=list(content.principles),
        competencies=[
            {"code": a.code, "name": a.name, "framework": a.framework} for a in alignments
        ],
        pdf=pdf,
        credential=sign_credential(credential, settings.key),
    )
    try:
        with db.session.begin_nested():
            db.session.add(certificate)
    except IntegrityError:
        # Another delivery of this request got there first: its certificate stands.
        if _certificate_for(request) is None:
            raise  # not that: a code collision (never seen in practice); retried by the job
        outcome = "already issued"
    else:
        outcome = "issued"
    request.status = RequestStatus.ISSUED.value
    request.last_error = ""
    db.session.flush()
    return outcome
