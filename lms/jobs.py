"""Background jobs are queued only after the transaction that asked for them commits.

Code that wants a job calls ``queue_job("lms.import_users", import_id)``: the request is kept
on the database session and sent to Celery by name when that session commits, or dropped when
it rolls back. The worker therefore never looks for a row that is not there yet, and services
never import the task modules.
"""

from __future__ import annotations

import logging

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from lms.extensions import db

log = logging.getLogger(__name__)
_KEY = "queued_jobs"


def queue_job(task_name: str, *args: int | str) -> None:
    """Send the task `task_name` with JSON `args` once the current transaction commits."""
    db.session.info.setdefault(_KEY, []).append((task_name, list(args)))


def send_now(task_name: str, args: list) -> bool:
    """Send a task immediately; False (and a log line) when the broker cannot be reached."""
    celery = current_app.extensions["celery"]
    try:
        celery.send_task(task_name, args=args)
    except Exception:  # the broker is down: the row stays pending for a re-queue job
        log.exception("could not queue %s%s", task_name, tuple(args))
        return False
    return True


@event.listens_for(Session, "after_commit")
def _send_queued_jobs(session: Session) -> None:
    jobs = session.info.pop(_KEY, [])
    if jobs and has_app_context():
        for task_name, args in jobs:
            send_now(task_name, args)


@event.listens_for(Session, "after_soft_rollback")
def _drop_queued_jobs(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_KEY, None)
