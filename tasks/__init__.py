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
        "broker_connection_retry_on_startup": True,
        "worker_hijack_root_logger": False,
        "beat_schedule": beat_schedule(),
        "beat_schedule_filename": app.config["CELERY_BEAT_SCHEDULE_FILE"],
        "timezone": "UTC",
    }
    redis_url = app.config.get("REDIS_URL")
    if redis_url:
        settings["broker_url"] = redis_url
        settings["broker_transport_options"] = {"visibility_timeout": 600}
    else:
        queue = Path(app.instance_path) / "broker"
        for folder in ("queue", "processed"):
            (queue / folder).mkdir(parents=True, exist_ok=True)
        settings["broker_url"] = "filesystem://"
        settings["broker_transport_options"] = {
            "data_folder_in": str(queue / "queue"),
            "data_folder_out": str(queue / "queue"),
            "processed_folder": str(queue / "processed"),
            "store_processed": False,
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
    from tasks import maintenance, user_import  # noqa: F401

    return celery_app
