"""Thin task wrappers: fanning out large assignments, and the daily assignment reminders."""

from __future__ import annotations

import logging

from celery import shared_task
from flask import current_app
from sqlalchemy import update
from sqlalchemy.exc import OperationalError

from courses.assignments.models import Assignment, FanOutStatus
from courses.assignments.services.assignments import (
    FAN_OUT_ABANDONED_AFTER,
    FAN_OUT_TASK,
    run_fan_out,
    stalled_fan_outs,
)
from courses.assignments.services.reminders import (
    DASHBOARD_ENDPOINT,
    create_reminders,
    reminder_mail,
)
from lms.extensions import db
from lms.jobs import send_now
from lms.links import public_url
from lms.mail import send_mails
from lms.notifications.services import mark_emailed
from lms.timeutil import utcnow

log = logging.getLogger(__name__)
STALLED_FAN_OUT_AFTER = FAN_OUT_ABANDONED_AFTER * 2


@shared_task(
    name=FAN_OUT_TASK,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
)
def fan_out_assignment(assignment_id: int) -> str:
    """Give a large assignment its members; returns its fan-out status."""
    try:
        return run_fan_out(assignment_id, commit=db.session.commit).fanout_status
    except OperationalError:
        db.session.rollback()
        release_fan_out(assignment_id)
        raise  # autoretry_for: tried again after a backoff
    finally:
        db.session.remove()


def release_fan_out(assignment_id: int) -> None:
    """Let the retry take over at once: a fresh heartbeat would make it stand aside as if a
    live worker held the fan-out (memberships already written are skipped, not repeated)."""
    try:
        db.session.execute(
            update(Assignment)
            .where(
                Assignment.id == assignment_id,
                Assignment.fanout_status == FanOutStatus.RUNNING.value,
            )
            .values(fanout_heartbeat_at=utcnow() - FAN_OUT_ABANDONED_AFTER)
        )
        db.session.commit()
    except OperationalError:
        db.session.rollback()
        log.warning("assignment %s: could not release its fan-out for the retry", assignment_id)


@shared_task(
    name="courses.requeue_stalled_fan_outs",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def requeue_stalled_fan_outs() -> list[int]:
    """Queue again the fan-outs nobody is working on (a lost message, a dead worker)."""
    try:
        stalled = stalled_fan_outs(STALLED_FAN_OUT_AFTER)
        return [
            assignment_id for assignment_id in stalled if send_now(FAN_OUT_TASK, [assignment_id])
        ]
    finally:
        db.session.remove()


@shared_task(
    name="courses.send_assignment_reminders",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def send_assignment_reminders() -> int:
    """Remind officers of work due within a week or overdue (at most once a day each), in the
    app and by email; returns how many were reminded now."""
    try:
        reminders = create_reminders(utcnow().date())
        db.session.commit()
        dashboard_url = public_url(DASHBOARD_ENDPOINT)
        sent = send_mails([reminder_mail(r, dashboard_url) for r in reminders], current_app.config)
        mailed = [r.notification_id for r, ok in zip(reminders, sent, strict=True) if ok]
        mark_emailed(mailed)
        db.session.commit()
        return len(reminders)
    finally:
        db.session.remove()
