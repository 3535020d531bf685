"""The Celery app, configured from Flask's config, every task running in an app context."""

from __future__ import annotations

from pathlib import Path

from celery import Celery, Task
from flask import Flask


def celery_settings(app: Flask) -> dict:
    """Celery settings for this app: Redis when REDIS_URL is set, else a broker in instance/."""
    settings: dict = {
        "task_serializer": "json",
        "accept_content": ["json"],
        "result_serializer": "json",
        "task_ignore_result": True,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        # A late-acked task running when the broker connection drops cannot be acknowledged any
        # more and will be delivered again: stop it rather than let two copies run (Celery 6's
        # default; without it Celery 5 also warns on every connection loss).
        "worker_cancel_long_running_tasks_on_connection_loss": True,
        "broker_connection_retry_on_startup": True,
        "worker_hijack_root_logger": False,
        "beat_schedule": beat_schedule(),
        "beat_schedule_filename": str(Path(app.instance_path) / "celerybeat-schedule"),
        "timezone": "UTC",
    }
    redis_url = app.config.get("REDIS_URL")
    if redis_url:
        settings["broker_url"] = redis_url
        settings["broker_transport_options"] = {"visibility_timeout": 600}
    else:
        broker = Path(app.instance_path) / "broker"
        for folder in ("queue", "processed", "control"):
            (broker / folder).mkdir(parents=True, exist_ok=True)
        settings["broker_url"] = "filesystem://"
        settings["broker_transport_options"] = {
            # Producers write where the worker reads: one folder for both directions.
            "data_folder_in": str(broker / "queue"),
            "data_folder_out": str(broker / "queue"),
            "processed_folder": str(broker / "processed"),
            "store_processed": False,
            # The exchange bindings (worker remote control, broadcasts); kombu's default is a
            # relative "control" folder, i.e. one in whatever directory the process started.
            "control_folder": str(broker / "control"),
            # The worker takes one message per poll: at kombu's default of a poll a second, a
            # backlog (the demo's certificates) makes a new certificate wait a minute. A listing
            # of one folder ten times a second costs next to nothing.
            "polling_interval": 0.1,
        }
    settings.update(app.config.get("CELERY", {}))
    return settings


def beat_schedule() -> dict:
    from tasks.schedule import BEAT_SCHEDULE

    return BEAT_SCHEDULE


def celery_init_app(app: Flask) -> Celery:
    """Create the Celery app for `app`; it is kept in app.extensions["celery"]."""

    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(celery_settings(app))
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    # Importing the task modules registers the @shared_task functions with this app.
    from tasks import (  # noqa: F401
        assignments,
        certificates,
        competencies,
        item_analysis,
        maintenance,
        user_import,
    )

    return celery_app
