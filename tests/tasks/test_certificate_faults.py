"""Certificates survive the failures of a real deployment (issue 6, done-when 3 and 4): real
`celery -A tasks.worker worker` processes (prefork, as `bin/run` starts them) on a real
redis-server, a SQLite file shared with the test.

- A worker killed with SIGKILL mid-batch (its whole process group: no warm shutdown, no acks)
  and a new one started: every certificate is issued, none twice.
- Redis stopped while officers complete courses (the completions still commit; the jobs that
  cannot be sent are only logged) and started again on the same port: beat's re-queue sends
  what was lost, and every certificate is issued, none twice.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from flask import Flask
from sqlalchemy import func, select

from config import BASE_DIR, TestingConfig
from courses.certificates.models import Certificate, CertificateRequest
from lms import create_app
from lms.extensions import db as _db
from tasks.certificates import requeue_certificate_requests
from tests.courses.assignment_helpers import bulk_officers, lesson_course, read_course
from tests.courses.certificate_helpers import certificates_per_officer_and_course
from tests.service_fixtures import (
    find_binary,
    free_port,
    log_tail,
    redis_answers_ping,
    service_unavailable,
    stop_process,
    wait_until_ready,
)

pytestmark = pytest.mark.services

BATCH = 200
ISSUE_TIMEOUT_SECONDS = 120.0
CELERY = str(Path(sys.executable).with_name("celery"))
# A database of the shared test redis-server of this module's own, emptied before and after.
REDIS_DATABASE = 7


@dataclass
class Worker:
    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        return log_tail(self.log, 60)

    def kill(self) -> None:
        """SIGKILL to the worker and its pool processes: no warm shutdown, nothing acked."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            stop_process(self.process, signal.SIGTERM)


class RedisServer:
    """A redis-server of the test's own, to stop and start again on the same port."""

    def __init__(self, folder: Path) -> None:
        self.binary = find_binary("redis-server", "/usr/bin")
        if self.binary is None:
            service_unavailable("redis-server is not installed: apt-get install redis-server")
        self.folder, self.port = folder, free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        log = self.folder / "redis.log"
        with log.open("ab") as output:
            self.process = subprocess.Popen(
                [
                    self.binary,
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(self.folder),
                ],
                stdout=output,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        wait_until_ready(lambda: redis_answers_ping(self.port), self.process, "redis-server", log)

    def stop(self) -> None:
        """Terminate it: what it held (the queued messages) is gone, as in a crash."""
        if self.process is not None:
            stop_process(self.process, signal.SIGTERM)
            self.process = None


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'lms.sqlite3'}"


@pytest.fixture
def instance_path(tmp_path: Path) -> Path:
    return tmp_path / "instance"


def make_app(redis_url: str, database_url: str, instance_path: Path) -> Flask:
    app = create_app(
        TestingConfig,
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "INSTANCE_PATH": str(instance_path),
            "REDIS_URL": redis_url,
            # Beat's re-queue, called by the tests, takes every pending request.
            "CERTIFICATE_REQUEUE_AFTER_SECONDS": 0,
        },
    )
    with app.app_context():
        _db.create_all()
    return app


@pytest.fixture
def start_worker(
    database_url: str, instance_path: Path, tmp_path: Path
) -> Iterator[Callable[[str], Worker]]:
    """Start `celery -A tasks.worker worker --concurrency=2` (prefork) on a broker."""
    started: list[Worker] = []

    def start(redis_url: str) -> Worker:
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
            REDIS_URL=redis_url,
            PYTHONPATH=str(BASE_DIR),
        )
        log = tmp_path / f"worker-{len(started) + 1}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [CELERY, "-A", "tasks.worker", "worker", "--loglevel=INFO", "--concurrency=2"],
                cwd=tmp_path,
                env=environment,
                stdout=output,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # a group of its own: its pool processes go with it
            )
        worker = Worker(process, log)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def issued_count() -> int:
    _db.session.rollback()  # a new transaction sees the workers' commits
    return _db.session.scalar(select(func.count(Certificate.id)))


def wait_for_issued(count: int, worker: Worker, timeout: float = ISSUE_TIMEOUT_SECONDS) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if issued_count() >= count:
            return
        time.sleep(0.2)
    pytest.fail(
        f"{issued_count()} of {count} certificates issued after {timeout:.0f} s. "
        f"Worker log:\n{worker.output()}",
        pytrace=False,
    )


def assert_each_issued_once(officers: list[int], course) -> None:
    _db.session.rollback()
    assert certificates_per_officer_and_course() == {(o, course.id): 1 for o in officers}
    statuses = _db.session.execute(
        select(CertificateRequest.status, func.count()).group_by(CertificateRequest.status)
    ).all()
    assert dict(statuses) == {"issued": len(officers)}


# --- done-when 3 -----------------------------------------------------------------------------


@pytest.fixture
def private_redis_url(redis_server: str) -> Iterator[str]:
    url = redis_server.rsplit("/", 1)[0] + f"/{REDIS_DATABASE}"
    client = redis.Redis.from_url(url)
    client.flushdb()
    yield url
    client.flushdb()
    client.close()


def test_a_worker_killed_mid_batch_loses_and_doubles_nothing(
    private_redis_url, database_url, instance_path, start_worker
):
    app = make_app(private_redis_url, database_url, instance_path)
    with app.app_context():
        root = _make_root()
        course = lesson_course("KILL-1", root)
        officers = bulk_officers(BATCH, root)
        for officer_id in officers:
            read_course(officer_id, course)  # each commit queues its job in Redis
        assert issued_count() == 0

        first = start_worker(private_redis_url)
        wait_for_issued(BATCH // 10, first)
        first.kill()
        killed_at = issued_count()
        assert killed_at < BATCH, "the batch finished before the kill: make it larger"

        second = start_worker(private_redis_url)
        # What the dead worker had taken stays unacknowledged in Redis until its visibility
        # timeout; beat's re-queue (run here at once) sends the pending requests again.
        assert requeue_certificate_requests(), "nothing pending after the kill"
        wait_for_issued(BATCH, second)
        time.sleep(1)  # let any late duplicate delivery run: it must change nothing
        assert_each_issued_once(officers, course)
        _db.session.remove()
        _db.engine.dispose()


# --- done-when 4 -----------------------------------------------------------------------------


@pytest.fixture
def outage_redis(tmp_path: Path) -> Iterator[RedisServer]:
    folder = tmp_path / "redis"
    folder.mkdir()
    server = RedisServer(folder)
    server.start()
    yield server
    server.stop()


def test_certificates_completed_while_redis_is_down_are_issued_once_it_is_back(
    outage_redis, database_url, instance_path, start_worker
):
    app = make_app(outage_redis.url, database_url, instance_path)
    with app.app_context():
        root = _make_root()
        course = lesson_course("OUTAGE-1", root)
        before, during = bulk_officers(5, root, prefix="before"), bulk_officers(8, root)
        worker = start_worker(outage_redis.url)
        for officer_id in before:
            read_course(officer_id, course)
        wait_for_issued(len(before), worker)

        outage_redis.stop()
        for officer_id in during:
            read_course(officer_id, course)  # commits; the job cannot be sent
        _db.session.rollback()
        pending = _db.session.scalar(
            select(func.count(CertificateRequest.id)).where(CertificateRequest.status == "pending")
        )
        assert pending == len(during)
        assert requeue_certificate_requests() == []  # beat cannot send either: nothing marked

        outage_redis.start()  # the same port, empty: the messages are lost for good
        requeued = requeue_certificate_requests()
        assert len(requeued) == len(during)
        wait_for_issued(len(before) + len(during), worker)
        time.sleep(1)
        assert_each_issued_once(before + during, course)
        _db.session.remove()
        _db.engine.dispose()


def _make_root():
    from lms.organisation.models import OrgUnit

    unit = OrgUnit(code="ADM", name="National Customs Administration", kind="administration")
    _db.session.add(unit)
    _db.session.flush()
    unit.path = f"/{unit.id}/"
    _db.session.commit()
    return unit
