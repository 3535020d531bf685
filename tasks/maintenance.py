"""Periodic housekeeping run by beat."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from flask import current_app
from sqlalchemy import and_, or_, select
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
    """Queue again the imports nobody is working on; returns their IDs.

    That is those confirmed minutes ago and still not started (a lost message), and those
    "running" without a heartbeat for as long (the worker died, or its retries ran out): the
    import job restarts an abandoned import from scratch.
    """
    cutoff = utcnow() - STALLED_AFTER
    try:
        stalled = db.session.scalars(
            select(UserImport.id)
            .where(
                or_(
                    and_(UserImport.status == "queued", UserImport.queued_at < cutoff),
                    and_(
                        UserImport.status == "running",
                        or_(UserImport.heartbeat_at.is_(None), UserImport.heartbeat_at < cutoff),
                    ),
                )
            )
            .order_by(UserImport.id)
        ).all()
        return [import_id for import_id in stalled if send_now("lms.import_users", [import_id])]
    finally:
        db.session.remove()
