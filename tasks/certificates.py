"""Thin task wrappers: issuing certificates, re-queuing the requests nobody issued, and the
daily expiry (with recertification). The work is in courses.certificates.services.issuing and
courses.certificates.services.expiry; the competency names come from competencies."""

from __future__ import annotations

import logging
from datetime import timedelta

import kombu.exceptions
import redis.exceptions
from celery import shared_task
from flask import current_app
from sqlalchemy.exc import OperationalError

from courses.certificates.services.expiry import expire_certificates
from courses.certificates.services.issuing import (
    ISSUE_TASK,
    IssueSettings,
    issue_requested_certificate,
    mark_requeued,
    record_issue_failure,
    stale_request_ids,
)
from lms.extensions import db
from lms.jobs import send_now
from lms.signing import signing_key

log = logging.getLogger(__name__)

# Errors that go away by themselves: the database or the broker was briefly unreachable.
TRANSIENT_ERRORS = (
    OperationalError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    kombu.exceptions.OperationalError,
)


def issue_settings() -> IssueSettings:
    config = current_app.config
    return IssueSettings(
        base_url=config["PUBLIC_BASE_URL"],
        issuer_name=config["CREDENTIAL_ISSUER_NAME"],
        key=signing_key(),
    )


@shared_task(
    name=ISSUE_TASK,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=8,
)
def issue_certificate(request_id: int) -> str:
    """Issue the certificate a request is owed; returns what happened ("issued", "already
    issued", "not pending" or "failed")."""
    try:
        outcome = issue_requested_certificate(request_id, settings=issue_settings())
        db.session.commit()
        return outcome
    except TRANSIENT_ERRORS:
        db.session.rollback()
        raise  # autoretry_for: tried again after a backoff; beat re-queues it after that
    except Exception as error:
        # Retrying will not cure it: say so on the request, and stop beat re-queuing it.
        db.session.rollback()
        log.exception("certificate request %s failed", request_id)
        record_issue_failure(request_id, f"{type(error).__name__}: {error}")
        db.session.commit()
        return "failed"
    finally:
        db.session.remove()


@shared_task(
    name="courses.requeue_certificate_requests",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def requeue_certificate_requests() -> list[int]:
    """Send again the jobs of requests still pending a while after they were sent; returns
    their ids. Stops at the first message the broker refuses (it is down: next time)."""
    try:
        older_than = timedelta(seconds=current_app.config["CERTIFICATE_REQUEUE_AFTER_SECONDS"])
        sent: list[int] = []
        for request_id in stale_request_ids(older_than):
            if not send_now(ISSUE_TASK, [request_id]):
                break
            sent.append(request_id)
        mark_requeued(sent)
        db.session.commit()
        return sent
    finally:
        db.session.remove()


@shared_task(
    name="courses.expire_certificates",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def expire_certificates_task() -> int:
    """Mark expired certificates, and assign their courses again where the course asks for
    recertification; returns how many expired."""
    try:
        outcome = expire_certificates(due_days=current_app.config["RECERTIFICATION_DUE_DAYS"])
        db.session.commit()
        return outcome.expired
    finally:
        db.session.remove()
