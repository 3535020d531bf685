"""The beat schedule: periodic jobs, by task name."""

from celery.schedules import crontab

BEAT_SCHEDULE = {
    "purge-expired-sessions": {
        "task": "lms.purge_expired_sessions",
        "schedule": crontab(minute=17),
    },
    "requeue-stalled-user-imports": {
        "task": "lms.requeue_stalled_user_imports",
        "schedule": 120.0,
    },
}
