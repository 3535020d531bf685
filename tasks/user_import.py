"""Thin task wrapper: the bulk user import."""

from __future__ import annotations

import logging

from celery import shared_task
from flask import current_app
from sqlalchemy import update
from sqlalchemy.exc import OperationalError

from lms.accounts.imports import ABANDONED_AFTER, run_import
from lms.accounts.models import UserImport
from lms.extensions import db
from lms.timeutil import utcnow

log = logging.getLogger(__name__)


@shared_task(
    name="lms.import_users",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
)
def import_users(import_id: int) -> str:
    """Run a confirmed user import; returns its final status."""
    try:
        user_import = run_import(
            import_id,
            commit=db.session.commit,
            max_rows=current_app.config["USER_IMPORT_MAX_ROWS"],
        )
        return user_import.status
    except OperationalError:
        db.session.rollback()
        release_import(import_id)
        raise  # autoretry_for: tried again after a backoff
    finally:
        db.session.remove()


def release_import(import_id: int) -> None:
    """Let the retry of a run the database broke take the import over at once.

    The broken run leaves the import "running" with a fresh heartbeat, which makes every other
    run, the retry included, stand aside as if a live worker held it; backdating the heartbeat
    marks it abandoned, so the retry restarts it. (Beat waits longer before re-queueing it.)
    Should the database still be down, beat re-queues it once its heartbeat is old.
    """
    try:
        db.session.execute(
            update(UserImport)
            .where(UserImport.id == import_id, UserImport.status == "running")
            .values(heartbeat_at=utcnow() - ABANDONED_AFTER)
        )
        db.session.commit()
    except OperationalError:
        db.session.rollback()
        log.warning("user import %s: could not release it for the retry", import_id)
