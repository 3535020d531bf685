"""Thin task wrappers: a quiz's item analysis, and the beat job that asks for it. The work is in
courses.learning.services.item_analysis (which says why a beat job, not grading, queues it)."""

from __future__ import annotations

from celery import shared_task
from sqlalchemy.exc import OperationalError

from courses.learning.services.item_analysis import (
    COMPUTE_TASK,
    compute_item_analysis,
    mark_queued,
    quizzes_to_analyse,
)
from lms.extensions import db
from lms.jobs import send_now
from lms.timeutil import utcnow


@shared_task(
    name=COMPUTE_TASK,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
)
def compute_item_analysis_task(item_id: int) -> int | None:
    """Compute and store a quiz's item analysis; returns how many graded attempts it read
    (None: the quiz is gone)."""
    try:
        analysis = compute_item_analysis(item_id)
        db.session.commit()
        return None if analysis is None else analysis.attempts
    finally:
        db.session.remove()


@shared_task(
    name="courses.queue_item_analyses",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def queue_item_analyses() -> list[int]:
    """Ask for the item analysis of every quiz graded since its figures were computed;
    returns their ids. Stops at the first message the broker refuses (it is down: next time)."""
    try:
        now = utcnow()
        sent: list[tuple[int, int]] = []
        for item_id, course_id in quizzes_to_analyse(now):
            if not send_now(COMPUTE_TASK, [item_id]):
                break
            sent.append((item_id, course_id))
        mark_queued(sent, now)
        db.session.commit()
        return [item_id for item_id, _ in sent]
    finally:
        db.session.remove()
