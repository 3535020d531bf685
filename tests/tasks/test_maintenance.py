"""Beat's schedule and its re-queue job."""

from __future__ import annotations

import itertools
from datetime import timedelta

from sqlalchemy import func, select

from lms.accounts.models import User
from lms.timeutil import utcnow
from tasks.schedule import BEAT_SCHEDULE


def test_the_beat_schedule_names_only_registered_tasks(celery_app):
    scheduled = {entry["task"] for entry in celery_app.conf.beat_schedule.values()}
    assert scheduled == {entry["task"] for entry in BEAT_SCHEDULE.values()}
    assert scheduled <= set(celery_app.tasks), scheduled - set(celery_app.tasks)


def test_imports_nobody_works_on_are_sent_again_and_then_run(
    db, celery_app, celery_worker, previewed_import, task_runs
):
    first_numbers = itertools.count(1, 2)  # two users each, different in every import

    def in_state(status: str, *, queued_minutes_ago: int, heartbeat_minutes_ago: int | None):
        user_import = previewed_import(2, first=next(first_numbers))
        user_import.status = status
        user_import.queued_at = utcnow() - timedelta(minutes=queued_minutes_ago)
        if heartbeat_minutes_ago is not None:
            user_import.heartbeat_at = utcnow() - timedelta(minutes=heartbeat_minutes_ago)
        db.session.commit()
        return user_import

    lost_message = in_state("queued", queued_minutes_ago=30, heartbeat_minutes_ago=None)
    dead_worker = in_state("running", queued_minutes_ago=30, heartbeat_minutes_ago=20)
    just_queued = in_state("queued", queued_minutes_ago=1, heartbeat_minutes_ago=None)
    running = in_state("running", queued_minutes_ago=30, heartbeat_minutes_ago=0)
    in_state("done", queued_minutes_ago=30, heartbeat_minutes_ago=25)
    previewed_import(2, first=100)  # never confirmed

    celery_app.send_task("lms.requeue_stalled_user_imports")

    [requeue] = task_runs.wait_for("lms.requeue_stalled_user_imports")
    assert requeue.retval == [lost_message.id, dead_worker.id]
    runs = task_runs.wait_for("lms.import_users", count=2)
    assert sorted(run.args for run in runs) == [(lost_message.id,), (dead_worker.id,)]
    for user_import in (lost_message, dead_worker, just_queued, running):
        db.session.refresh(user_import)
    assert (lost_message.status, dead_worker.status) == ("done", "done")
    assert (just_queued.status, running.status) == ("queued", "running")
    imported = db.session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.import_id.in_([lost_message.id, dead_worker.id]))
    )
    assert imported == 4
