"""Periodic housekeeping run by beat."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from lms.accounts.models import UserImport
from lms.accounts.sessions import purge_expired_sessions
from lms.extensions import db
from lms.jobs import send_now
from lms.timeutil import utcnow

STALLED_AFTER = timedelta(minutes=5)


@shared_task(
    name="lms.purge_expired_sessions",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def purge_sessions() -> list[int]:
    """Delete expired sessions and login failures that no longer count."""
    try:
        counts = purge_expired_sessions(
            failure_window_seconds=current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"]
        )
        db.session.commit()
        return list(counts)
    finally:
        db.session.remove()


@shared_task(
    name="lms.requeue_stalled_user_imports",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def requeue_stalled_imports() -> list[int]:
    """Queue again imports confirmed minutes ago and still not started (a lost message)."""
    try:
        stalled = db.session.scalars(
            select(UserImport.id).where(
                UserImport.status == "queued", UserImport.queued_at < utcnow() - STALLED_AFTER
            )
        ).all()
        return [import_id for import_id in stalled if send_now("lms.import_users", [import_id])]
    finally:
        db.session.remove()
