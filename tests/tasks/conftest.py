"""Task tests: the app's own Celery instance, run by the worker thread of Celery's pytest plugin
(enabled with `-p celery.contrib.pytest` in pyproject.toml), never eagerly.

The app uses the in-memory broker and a database the worker thread, which opens its own
connections, sees too: a SQLite *file*, or the PostgreSQL run's database.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from celery import Celery
from celery.signals import before_task_publish, task_postrun
from flask import Flask

from config import TestingConfig
from lms import create_app
from lms.accounts.imports import confirm_import, create_import
from lms.accounts.models import User, UserImport
from lms.extensions import db as _db
from lms.jobs import queue_job
from tests.conftest import RequestIsolatingClient

TASK_TIMEOUT_SECONDS = 15.0
FINAL_STATES = frozenset({"SUCCESS", "FAILURE"})


@pytest.fixture
def app(tmp_path: Path, shared_empty_database: str) -> Iterator[Flask]:
    app = create_app(
        TestingConfig,
        {
            "INSTANCE_PATH": str(tmp_path),
            "SQLALCHEMY_DATABASE_URI": shared_empty_database,
            "CELERY": {
                "broker_url": "memory://",
                "broker_transport_options": {"polling_interval": 0.01},
            },
        },
    )
    app.test_client_class = RequestIsolatingClient
    with app.app_context():
        _db.create_all()
        yield app
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def celery_app(app: Flask) -> Iterator[Celery]:
    """The plugin's `celery_worker` runs this app's Celery instance (memory:// broker)."""
    celery = app.extensions["celery"]
    # The memory transport keeps its queues per process: start and end with them empty.
    celery.control.purge()
    yield celery
    celery.control.purge()


@pytest.fixture(scope="session")
def celery_worker_parameters() -> dict:
    # The ping check needs a result backend; the app has none (task_ignore_result).
    return {"perform_ping_check": False}


@pytest.fixture(autouse=True)
def restore_logging_and_warnings() -> Iterator[None]:
    """Starting a test worker sets the root logger's level and routes warnings to logging;
    undo that so later tests see the logging and warnings they expect."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    yield
    logging.captureWarnings(False)
    root.setLevel(level)
    root.handlers[:] = handlers


@dataclass(frozen=True)
class TaskRun:
    name: str
    args: tuple
    state: str
    retval: object


class TaskRuns:
    """Every task the worker thread finished, by the `task_postrun` signal."""

    def __init__(self) -> None:
        self.runs: list[TaskRun] = []
        self._changed = threading.Condition()

    def record(self, task=None, args=None, state=None, retval=None, **extra) -> None:
        with self._changed:
            self.runs.append(TaskRun(task.name, tuple(args or ()), state, retval))
            self._changed.notify_all()

    def finished(self, name: str) -> list[TaskRun]:
        return [run for run in self.runs if run.name == name and run.state in FINAL_STATES]

    def wait_for(self, name: str, count: int = 1) -> list[TaskRun]:
        """The first `count` finished runs of task `name`, waiting for them if need be."""
        with self._changed:
            done = self._changed.wait_for(
                lambda: len(self.finished(name)) >= count, TASK_TIMEOUT_SECONDS
            )
        assert done, f"{name}: {len(self.finished(name))} of {count} runs in time: {self.runs}"
        # The worker thread committed; end the test's own transaction to see its writes.
        _db.session.rollback()
        return self.finished(name)[:count]


@pytest.fixture
def task_runs() -> Iterator[TaskRuns]:
    runs = TaskRuns()
    task_postrun.connect(runs.record, weak=False)
    yield runs
    task_postrun.disconnect(runs.record)


@pytest.fixture
def published() -> Iterator[list[tuple[str, tuple]]]:
    """(task name, args) of every message sent to the broker during the test."""
    sent: list[tuple[str, tuple]] = []

    def record(sender=None, body=None, **extra) -> None:
        sent.append((sender, tuple(body[0])))

    before_task_publish.connect(record, weak=False)
    yield sent
    before_task_publish.disconnect(record)


@pytest.fixture
def users_csv() -> Callable[..., str]:
    """Builder: users_csv(3) is a clean import file of three officers in unit ADM."""

    def build(count: int, *, unit_code: str = "ADM", first: int = 1) -> str:
        lines = ["email,full_name,service_number,unit_code,position_code,roles"]
        lines += [
            f"officer{n}@customs.example,Officer {n},IMP{n:06d},{unit_code},,officer"
            for n in range(first, first + count)
        ]
        return "\n".join(lines) + "\n"

    return build


@pytest.fixture
def admin(create_user) -> User:
    return create_user("admin@customs.example", roles=("admin",))


@pytest.fixture
def previewed_import(db, admin, users_csv) -> Callable[..., UserImport]:
    """Builder: an uploaded, clean, not yet confirmed import of `count` users (committed)."""

    def build(count: int = 3, **csv_options) -> UserImport:
        user_import, check = create_import(
            users_csv(count, **csv_options), "users.csv", actor_id=admin.id, max_rows=10_000
        )
        assert check.ok, check.errors
        db.session.commit()
        return user_import

    return build


@pytest.fixture
def confirmed_import(db, previewed_import) -> Callable[..., UserImport]:
    """Builder: an import confirmed as the confirm view does it: its job is sent on commit."""

    def build(count: int = 3, **csv_options) -> UserImport:
        user_import = previewed_import(count, **csv_options)
        confirm_import(user_import)
        queue_job("lms.import_users", user_import.id)
        db.session.commit()
        return user_import

    return build
