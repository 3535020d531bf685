"""Benchmark: certificates issued per second by a real worker, with real PDFs and signatures.

    .venv/bin/python benchmarks/certificates.py             # 1,000 certificates
    .venv/bin/python benchmarks/certificates.py --n 200     # a quick run

Starts what a production deployment runs, on this machine only: a redis-server on a free
loopback port in a temporary folder (the broker) and `celery -A tasks.worker worker` (prefork,
concurrency 2, as `bin/run`), on a temporary SQLite database (WAL, as the embedded default)
that the run migrates itself (`flask db upgrade`). It writes N officers and one certificate
request each for a course aligned to principles and competencies, warms the worker up on a
few certificates (fonts and key loaded once per process), then sends the N jobs and times
until every certificate is issued: rendered PDF (shaped text, QR code), signed Open Badges
credential, stored. Prints one JSON line, including the duplicates and missing certificates
(both must be 0). Needs `redis-server` (Debian package redis-server).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import flask_migrate  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from competencies.services.frameworks import ensure_default_frameworks  # noqa: E402
from config import TestingConfig  # noqa: E402
from courses.authoring.services import authored_courses, publishing, structure  # noqa: E402
from courses.certificates.models import Certificate, CertificateRequest  # noqa: E402
from courses.certificates.services.issuing import ISSUE_TASK  # noqa: E402
from lms import create_app  # noqa: E402
from lms.accounts.models import User, UserRole  # noqa: E402
from lms.extensions import db  # noqa: E402
from lms.organisation.models import OrgUnit  # noqa: E402
from lms.timeutil import utcnow  # noqa: E402

CELERY = str(Path(sys.executable).with_name("celery"))
WARM_UP = 6
TIMEOUT_SECONDS = 900
# Names from the administrations the platform serves: every PDF is shaped, not only ASCII.
NAMES = (
    "Ngozi Okonkwo-Adébáyọ̀",
    "Łukasz Nowak",
    "Nguyễn Văn An",
    "Σοφία Παπαδοπούλου",
    "Олена Шевченко",
    "María José Núñez",
    "Thandiwe Dlamini",
    "Ahmet Yılmaz",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_redis(folder: Path) -> tuple[subprocess.Popen, str]:
    binary = shutil.which("redis-server")
    if binary is None:
        sys.exit("redis-server is not installed: apt-get install redis-server")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as connection:
                connection.sendall(b"PING\r\n")
                if connection.recv(16).startswith(b"+PONG"):
                    return process, f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.05)
    process.kill()
    sys.exit("redis-server did not start")


def start_worker(folder: Path, database_url: str, redis_url: str, concurrency: int):
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"REDIS_URL", "DATABASE_URL", "LMS_TEST_DATABASE_URL", "LMS_CONFIG"}
    }
    environment.update(
        LMS_CONFIG="development",
        DATABASE_URL=database_url,
        LMS_INSTANCE_PATH=str(folder / "instance"),
        SECRET_KEY="benchmark-secret",  # noqa: S106 (a throw-away instance)
        REDIS_URL=redis_url,
        PYTHONPATH=str(ROOT),
    )
    log = (folder / "worker.log").open("wb")
    return subprocess.Popen(
        [CELERY, "-A", "tasks.worker", "worker", "--loglevel=WARNING", f"-c{concurrency}"],
        cwd=folder,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def process_tree_cpu_seconds(root_pid: int) -> float:
    """User + system CPU time of a process and its children so far (Linux /proc): the work
    the worker did, whatever else the machine was running."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, parent = int(entry.name), int(fields[1])
        if pid == root_pid or parent == root_pid:
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def seed(count: int) -> tuple[list[int], int]:
    """A training centre, a published course (three modules, principles and competencies),
    and `count` + WARM_UP officers with a pending request each. Returns the request ids."""
    ensure_default_frameworks()
    root = OrgUnit(code="ADM", name="National Customs Administration", kind="administration")
    db.session.add(root)
    db.session.flush()
    root.path = f"/{root.id}/"
    course = authored_courses.create_course(
        authored_courses.CourseDetails(
            "P-INT-101", "Integrity in practice: gifts, conflicts and reporting", "", 24
        ),
        training_unit_id=root.id,
    )
    for title, principles, competencies in (
        ("Integrity and the Arusha Declaration", ["P-INT"], ["P-INT"]),
        ("Transparency at the counter", ["P-TRA", "P-CLI"], ["P-TRA", "P-CLI"]),
        ("Accountable decisions", ["P-ACC"], ["P-ACC"]),
    ):
        module = structure.add_module(course, title, principles, competencies)
        structure.add_lesson(module, "Lesson", "Read **this**.")
    db.session.refresh(course)
    publishing.set_status(course, "published")
    total = count + WARM_UP
    users = db.session.execute(
        insert(User).returning(User.id, sort_by_parameter_order=True),
        [
            {
                "email": f"officer{n}@customs.example",
                "full_name": f"{NAMES[n % len(NAMES)]} {n}",
                "service_number": f"SN-{n:07d}",
                "unit_id": root.id,
                "active": True,
                "must_change_password": False,
            }
            for n in range(total)
        ],
    ).scalars()
    user_ids = list(users)
    db.session.execute(insert(UserRole), [{"user_id": i, "role": "officer"} for i in user_ids])
    now = utcnow()
    requests = db.session.execute(
        insert(CertificateRequest).returning(CertificateRequest.id, sort_by_parameter_order=True),
        [
            {"user_id": i, "course_id": course.id, "last_queued_at": now, "created_at": now}
            for i in user_ids
        ],
    ).scalars()
    request_ids = list(requests)
    db.session.commit()
    return request_ids, course.id


def issued() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(Certificate.id)))


def wait_for(count: int, worker: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while issued() < count:
        if worker.poll() is not None or time.monotonic() > deadline:
            sys.exit(f"the worker stopped or stalled:\n{log.read_text()[-3000:]}")
        time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="certificates to issue")
    parser.add_argument("--concurrency", type=int, default=2, help="worker pool processes")
    options = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="lms-bench-certificates-"))
    redis_process, redis_url = start_redis(folder)
    database_url = f"sqlite:///{folder / 'lms.sqlite3'}"
    worker = None
    try:
        app = create_app(
            TestingConfig,
            {
                "SQLALCHEMY_DATABASE_URI": database_url,
                "INSTANCE_PATH": str(folder / "instance"),
                "REDIS_URL": redis_url,
            },
        )
        with app.app_context():
            flask_migrate.upgrade()  # as a deployment does
            request_ids, course_id = seed(options.n)
            celery = app.extensions["celery"]
            worker = start_worker(folder, database_url, redis_url, options.concurrency)
            for request_id in request_ids[:WARM_UP]:
                celery.send_task(ISSUE_TASK, args=[request_id])
            warm_started = time.perf_counter()
            wait_for(WARM_UP, worker, folder / "worker.log")
            warm_up_seconds = time.perf_counter() - warm_started

            cpu_before = process_tree_cpu_seconds(worker.pid)
            started = time.perf_counter()
            for request_id in request_ids[WARM_UP:]:
                celery.send_task(ISSUE_TASK, args=[request_id])
            wait_for(WARM_UP + options.n, worker, folder / "worker.log")
            seconds = time.perf_counter() - started
            worker_cpu = process_tree_cpu_seconds(worker.pid) - cpu_before

            per_pair = db.session.execute(
                select(Certificate.user_id, func.count(Certificate.id))
                .where(Certificate.course_id == course_id)
                .group_by(Certificate.user_id)
            ).all()
            duplicates = sum(count - 1 for _, count in per_pair)
            missing = len(request_ids) - len(per_pair)
            pdf_bytes = db.session.scalar(select(func.avg(func.length(Certificate.pdf))))
            jwt_bytes = db.session.scalar(select(func.avg(func.length(Certificate.credential))))
            db.session.remove()
            db.engine.dispose()
    finally:
        if worker is not None and worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
        redis_process.terminate()
        redis_process.wait()
        shutil.rmtree(folder, ignore_errors=True)
    print(
        json.dumps(
            {
                "certificates": options.n,
                "seconds": round(seconds, 2),
                "per_second": round(options.n / seconds, 1),
                "duplicates": duplicates,
                "missing": missing,
                "worker": f"celery prefork, concurrency {options.concurrency}",
                "broker": "redis-server",
                "database": "sqlite (WAL)",
                "warm_up_seconds": round(warm_up_seconds, 2),
                # CPU the worker spent per certificate: with the machine to itself, two pool
                # processes issue at most about 2000 / this many a second.
                "worker_cpu_ms_per_certificate": round(1000 * worker_cpu / options.n, 1),
                "load_average_1min": round(os.getloadavg()[0], 2),
                "pdf_bytes_mean": round(pdf_bytes or 0),
                "credential_bytes_mean": round(jwt_bytes or 0),
                "cpus": os.cpu_count(),
            }
        )
    )


if __name__ == "__main__":
    main()
