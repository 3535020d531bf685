"""A real worker process, started as `bin/run` starts it, imports users queued by the app.

Once through Redis (production's broker, a private redis-server), once through the embedded
default's `filesystem://` broker in the instance folder (no REDIS_URL).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import flask_migrate
import pytest
from flask import Flask
from sqlalchemy import func, select

from config import BASE_DIR, TestingConfig
from lms import create_app
from lms.accounts.models import User, UserImport
from lms.extensions import db as _db
from tests.service_fixtures import log_tail, stop_process

pytestmark = pytest.mark.services

USERS = 2_000
IMPORT_TIMEOUT_SECONDS = 60.0
CELERY = str(Path(sys.executable).with_name("celery"))


@pytest.fixture(params=["redis", "filesystem"])
def redis_url(request: pytest.FixtureRequest) -> str | None:
    """The broker: the test redis-server, or none (the embedded filesystem broker)."""
    return request.getfixturevalue("redis_server") if request.param == "redis" else None


@pytest.fixture
def instance_path(tmp_path: Path) -> Path:
    return tmp_path / "instance"


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'lms.sqlite3'}"


@pytest.fixture
def app(redis_url, instance_path, database_url) -> Iterator[Flask]:
    """The web side: same database, broker and instance folder as the worker, schema migrated."""
    app = create_app(
        TestingConfig,
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "INSTANCE_PATH": str(instance_path),
            "REDIS_URL": redis_url,
        },
    )
    with app.app_context():
        flask_migrate.upgrade()
        yield app
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def worker(app, redis_url, instance_path, database_url, tmp_path) -> Iterator[Callable[[], str]]:
    """`celery -A tasks.worker worker --loglevel=INFO --concurrency=2` (prefork, as `bin/run`),
    configured by environment; yields a function returning its log so far. Stopped by SIGTERM."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"REDIS_URL", "DATABASE_URL", "LMS_TEST_DATABASE_URL"}
    }
    environment.update(
        LMS_CONFIG="development",
        DATABASE_URL=database_url,
        LMS_INSTANCE_PATH=str(instance_path),
        SECRET_KEY="integration-test-secret",
        PYTHONPATH=str(BASE_DIR),
    )
    if redis_url:
        environment["REDIS_URL"] = redis_url
    # Started in an empty folder, which must stay empty: the worker keeps its files in instance/.
    start_folder = tmp_path / "worker-cwd"
    start_folder.mkdir()
    log = tmp_path / "worker.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [CELERY, "-A", "tasks.worker", "worker", "--loglevel=INFO", "--concurrency=2"],
            cwd=start_folder,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # a group of its own: its pool processes go with it
        )
    try:
        yield lambda: log.read_text(errors="replace")
    finally:
        stop_process(process, signal.SIGTERM)  # warm shutdown
    assert process.returncode == 0, f"worker exited with {process.returncode}:\n{log_tail(log)}"
    assert list(start_folder.iterdir()) == [], "the worker wrote outside the instance folder"


def wait_until_finished(user_import: UserImport, worker_log: Callable[[], str]) -> None:
    deadline = time.monotonic() + IMPORT_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        _db.session.rollback()  # a new transaction sees the worker's commits
        _db.session.refresh(user_import)
        if user_import.status in ("done", "failed"):
            return
        time.sleep(0.2)
    pytest.fail(
        f"import still {user_import.status} after {IMPORT_TIMEOUT_SECONDS:.0f} s "
        f"({user_import.processed_rows} rows written). Worker log:\n{worker_log()[-5000:]}",
        pytrace=False,
    )


def test_a_real_worker_process_imports_two_thousand_users(db, redis_url, worker, confirmed_import):
    user_import = confirmed_import(USERS)

    wait_until_finished(user_import, worker)

    assert user_import.status == "done", user_import.message
    assert user_import.processed_rows == USERS
    imported = db.session.scalars(
        select(User.email).where(User.import_id == user_import.id).order_by(User.id)
    ).all()
    assert len(imported) == USERS
    assert imported[0] == "officer1@customs.example"
    assert imported[-1] == f"officer{USERS}@customs.example"
    assert db.session.scalar(select(func.count()).select_from(User)) == USERS + 1  # + admin
    if redis_url is None:
        assert "filesystem://" in worker()
