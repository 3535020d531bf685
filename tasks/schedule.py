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
    "requeue-stalled-assignment-fan-outs": {
        "task": "courses.requeue_stalled_fan_outs",
        "schedule": 120.0,
    },
    "requeue-certificate-requests": {
        "task": "courses.requeue_certificate_requests",
        "schedule": 60.0,
    },
    # Debounces item analysis: the quizzes graded since their figures, once per run.
    "queue-item-analyses": {
        "task": "courses.queue_item_analyses",
        "schedule": 300.0,
    },
    "expire-certificates": {
        "task": "courses.expire_certificates",
        "schedule": crontab(hour=2, minute=35),
    },
    "refresh-lapsed-competency-levels": {
        "task": "competencies.refresh_lapsed_levels",
        "schedule": crontab(hour=2, minute=5),
    },
    "send-assignment-reminders": {
        "task": "courses.send_assignment_reminders",
        "schedule": crontab(hour=6, minute=5),
    },
}
