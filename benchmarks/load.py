"""Load benchmark: the platform under gunicorn on loopback, driven by simulated users.

    .venv/bin/python benchmarks/load.py                      # about two minutes
    .venv/bin/python benchmarks/load.py --duration 5         # a quicker look
    .venv/bin/python benchmarks/load.py --officers 500 --lesson-users 100 --threads 8

Builds a temporary instance (SQLite in WAL mode, as the embedded default): `flask db upgrade`,
`flask demo load` (the demo administration, catalogue and progress), then generated officers
until --officers of them have not yet attempted the benchmark's quiz (the final quiz of a
published catalogue course). Starts gunicorn (2 workers, gthread with 4 threads each, a
listening socket per worker: see README.md, Benchmarks) on 127.0.0.1 and a free port, with
SECRET_KEY and PUBLIC_BASE_URL set in its environment, waits until it answers, and drives it
with an asyncio client (aiohttp). Each simulated user has a cookie jar of its own and connects
from an address of its own in 127.0.0.0/8, as officers at many posts would: the per-address
limit on the sign-in form stays on, as in production.

Scenarios, one JSON line each on standard output (progress goes to standard error):

- trivial: GET /healthz (no database, no template) by --lesson-users users for --duration
  seconds, each sending its next request when the last one is answered: the baseline.
- login_storm: every officer signs in at once (GET /login, POST /login with the CSRF token).
- exam_rush: the same officers, signed in and on the quiz page, all press Start at once:
  POST start → GET the attempt page → POST the answers; per step figures in "steps".
- exam_wave: the same again (their second attempt), Start pressed at even intervals over
  --wave-seconds, as an exam room does when the exam opens.
- lesson_reads: --lesson-users officers reading lessons (each view records progress), for
  --duration seconds; "vs_trivial" is its throughput over the trivial page's.
- hr_matrix: --matrix-users HR sessions loading the skill-gap matrix.

Each line: requests, errors (a status other than 2xx/3xx, a redirect to the wrong place, an
exception or a timeout), p50/p95/p99 latency in ms, throughput in requests per second, and the
CPU time per request of the server (gunicorn's process group) and of this driver: the machine
is shared, and CPU per request does not change with how busy it is. A last "summary" line
says which targets were met and how the exam attempts ended (every one graded, read back from
the database). Request counts and time are bounded; everything started is stopped (the
gunicorn process group) and the temporary folder removed, also on Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Awaitable, Callable
from contextlib import closing, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OFFICER_PASSWORD = "Harbour-Manifest-71"  # noqa: S105 (the demo's published password)
HR_EMAIL = "hr@customs.example"
HR_PASSWORD = "Workforce-Atlas-54"  # noqa: S105 (the demo's published password)
QUIZ_COURSE_CODE = "P-INT-101"
BENCH_EMAIL = "bench.officer{n}@customs.example"
START_TIMEOUT_SECONDS = 60.0
REQUEST_TIMEOUT_SECONDS = 120.0
MAX_REQUESTS_PER_SCENARIO = 200_000
OPTIONAL_SCENARIOS = ("exam_rush", "lesson_reads", "hr_matrix")
TARGETS = {
    "errors": 0,
    "exam_start_p95_ms": 500.0,
    "lesson_reads_p95_ms": 200.0,
    "lesson_vs_trivial_min": 0.3,
}
CSRF = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')
CHOICE = re.compile(
    r'<input type="(radio|checkbox)" name="(answer-q\d+)" id="[^"]*" value="([^"]*)"'
)
TEXT_ANSWER = re.compile(r'<input type="text"[^>]*name="(answer-q\d+)"')


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--officers", type=int, default=300, help="officers in the rush")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per timed read")
    parser.add_argument("--lesson-users", type=int, default=50)
    parser.add_argument("--matrix-users", type=int, default=4)
    parser.add_argument(
        "--wave-seconds",
        type=float,
        default=10.0,
        help="exam_wave: the officers press Start at even intervals over this many seconds",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--worker-class", default="gthread", choices=("sync", "gthread"), help="gunicorn's"
    )
    parser.add_argument("--threads", type=int, default=4, help="per worker (gthread)")
    parser.add_argument(
        "--no-reuse-port",
        dest="reuse_port",
        action="store_false",
        help="one listening socket shared by the workers, instead of one each (SO_REUSEPORT)",
    )
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=OPTIONAL_SCENARIOS,
        help="leave a scenario out (repeatable); the baseline and the sign-ins always run",
    )
    parser.add_argument("--seed", type=int, default=20_261_126)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    if not 1 <= args.officers <= 20_000:
        parser.error("--officers must be 1 to 20,000")
    if not 1 <= args.lesson_users <= args.officers:
        parser.error("--lesson-users must be 1 to --officers")
    if not 0 < args.duration <= 600:
        parser.error("--duration must be more than 0 and at most 600 seconds")
    return args


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the instance ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """What the simulated users need to know about the prepared data."""

    officer_emails: list[str]
    course_id: int
    quiz_item_id: int
    lesson_item_ids: list[int]
    generated_officers: int
    users_total: int


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment(folder: Path, port: int) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "MAIL_SERVER", "LMS_TEST_DATABASE_URL"}
    }
    env.update(
        LMS_CONFIG="development",
        LMS_INSTANCE_PATH=str(folder),
        SECRET_KEY=secrets.token_hex(32),
        PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
        FLASK_APP="wsgi",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def run_flask(env: dict[str, str], log: Path, *args: str) -> None:
    with log.open("ab") as output:
        done = subprocess.run(
            [sys.executable, "-m", "flask", *args],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    if done.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{tail(log)}")


def tail(log: Path, lines: int = 40) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def prepare_data(folder: Path, env: dict[str, str], officers: int, seed: int) -> Plan:
    """Add officers (as the demo does: one shared hash of the officer password, real Argon2
    costs) until `officers` of them have never attempted the quiz; commits."""
    from sqlalchemy import func, insert, select

    from config import DevelopmentConfig
    from courses.learning.models import Attempt, Course, CourseItem, ItemKind, Module
    from lms import create_app
    from lms.accounts.models import User, UserRole
    from lms.accounts.passwords import hash_password
    from lms.extensions import db
    from lms.organisation.models import OrgUnit

    app = create_app(
        DevelopmentConfig,
        {
            "INSTANCE_PATH": str(folder),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'lms.sqlite3'}",
            "SECRET_KEY": env["SECRET_KEY"],
        },
    )
    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.code == QUIZ_COURSE_CODE))
        if course is None or not course.is_published:
            raise RuntimeError(f"The demo catalogue has no published course {QUIZ_COURSE_CODE}.")
        items = list(
            db.session.scalars(
                select(CourseItem)
                .join(Module, Module.id == CourseItem.module_id)
                .where(CourseItem.course_id == course.id)
                .order_by(Module.position, CourseItem.position)
            )
        )
        quiz = [item for item in items if item.kind == ItemKind.QUIZ][-1]
        lessons = [item.id for item in items if item.kind == ItemKind.LESSON]
        tried = select(Attempt.user_id).where(Attempt.item_id == quiz.id)
        staff = select(UserRole.user_id).where(UserRole.role.in_(("trainer", "hr", "admin")))
        ready = list(
            db.session.scalars(
                select(User.email)
                .join(UserRole, UserRole.user_id == User.id)
                .where(
                    UserRole.role == "officer",
                    User.active.is_(True),
                    User.must_change_password.is_(False),
                    User.id.not_in(tried),
                    User.id.not_in(staff),
                )
                .order_by(User.id)
            )
        )
        missing = max(0, officers - len(ready))
        if missing:
            units = list(
                db.session.scalars(
                    select(OrgUnit.id).where(OrgUnit.kind.in_(("office", "port", "border_post")))
                )
            )
            rng = random.Random(seed)
            shared_hash = hash_password(OFFICER_PASSWORD, fast=False)
            rows = [
                {
                    "email": BENCH_EMAIL.format(n=n),
                    "full_name": f"Bench Officer {n}",
                    "service_number": f"BN-{n:06d}",
                    "unit_id": rng.choice(units),
                    "position_id": None,
                    "password_hash": shared_hash,
                    "active": True,
                    "must_change_password": False,
                }
                for n in range(1, missing + 1)
            ]
            ids = (
                db.session.execute(
                    insert(User).returning(User.id, sort_by_parameter_order=True), rows
                )
                .scalars()
                .all()
            )
            db.session.execute(insert(UserRole), [{"user_id": i, "role": "officer"} for i in ids])
            ready += [row["email"] for row in rows]
        db.session.commit()
        plan = Plan(
            officer_emails=ready[:officers],
            course_id=course.id,
            quiz_item_id=quiz.id,
            lesson_item_ids=lessons,
            generated_officers=missing,
            users_total=db.session.scalar(select(func.count(User.id))) or 0,
        )
        db.session.remove()
        db.engine.dispose()
    return plan


def start_gunicorn(
    env: dict[str, str], port: int, log: Path, args: argparse.Namespace
) -> subprocess.Popen:
    """gunicorn in a process group of its own (stopped as a group)."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        args.worker_class,
        "--graceful-timeout",
        "5",
        "--log-level",
        "warning",
        "--error-logfile",
        str(log),
    ]
    if args.worker_class == "gthread":
        command += ["--threads", str(args.threads)]
    if args.reuse_port:
        command += ["--reuse-port"]
    with log.open("ab") as output:
        process = subprocess.Popen(
            [*command, "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    url = f"http://127.0.0.1:{port}/healthz"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{tail(log)}")
        with suppress(OSError), urllib.request.urlopen(url, timeout=1) as response:
            if response.status == 200:
                return process
        time.sleep(0.1)
    stop_gunicorn(process)
    raise RuntimeError(f"gunicorn did not answer within {START_TIMEOUT_SECONDS:.0f} s")


def stop_gunicorn(process: subprocess.Popen) -> None:
    """TERM the whole process group (master and workers), KILL it if it lingers."""
    if process.poll() is None:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    with suppress(ProcessLookupError):  # workers that outlived their master
        os.killpg(process.pid, signal.SIGKILL)


# --- the simulated users ---------------------------------------------------------------------


@dataclass
class Recorder:
    """Latencies (seconds) and errors of one scenario, or of one step of it."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    samples: list[str] = field(default_factory=list)

    def failed(self, what: str) -> None:
        self.errors += 1
        if len(self.samples) < 5:
            self.samples.append(what)

    @property
    def requests(self) -> int:
        return len(self.latencies)

    def figures(self) -> dict[str, Any]:
        return {"requests": self.requests, "errors": self.errors, **percentiles(self.latencies)}


def percentiles(latencies: list[float]) -> dict[str, float | None]:
    if len(latencies) < 2:
        only = round(latencies[0] * 1000, 1) if latencies else None
        return {"p50_ms": only, "p95_ms": only, "p99_ms": only}
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "p50_ms": round(cuts[49] * 1000, 1),
        "p95_ms": round(cuts[94] * 1000, 1),
        "p99_ms": round(cuts[98] * 1000, 1),
    }


class User:
    """One person at one browser: a cookie jar and a connection from an address of its own."""

    def __init__(self, base: str, number: int, email: str = "", password: str = "") -> None:
        import aiohttp

        self.number, self.email, self.password = number, email, password
        address = f"127.{10 + number // 62_500}.{(number // 250) % 250}.{number % 250 + 1}"
        self.http = aiohttp.ClientSession(
            base_url=base,
            cookie_jar=aiohttp.CookieJar(unsafe=True),  # cookies from an IP-address host
            # Idle connections are closed before the server's keep-alive (2 s) runs out, so a
            # request never goes out on a connection the server is closing.
            connector=aiohttp.TCPConnector(limit=2, local_addr=(address, 0), keepalive_timeout=1.0),
            timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS),
        )
        self.token = ""

    async def call(
        self,
        recorder: Recorder,
        method: str,
        path: str,
        *,
        data: Any = None,
        expect_location: str | None = None,
    ) -> tuple[int, str, str]:
        """One request, timed to the last byte; (status, body, Location). A status outside
        2xx/3xx, a redirect elsewhere than `expect_location` (a regular expression) or an
        exception is an error."""
        started = time.perf_counter()
        try:
            async with self.http.request(
                method, path, data=data, allow_redirects=False
            ) as response:
                body = await response.text()
                status, location = response.status, response.headers.get("Location", "")
        except Exception as error:  # every failure counts, named by its kind
            recorder.latencies.append(time.perf_counter() - started)
            recorder.failed(f"{method} {path}: {type(error).__name__} {error}")
            return 0, "", ""
        recorder.latencies.append(time.perf_counter() - started)
        if not 200 <= status < 400:
            recorder.failed(f"{method} {path}: {status}")
        elif expect_location is not None and not re.search(expect_location, location):
            recorder.failed(f"{method} {path}: {status} to {location!r}")
        return status, body, location

    async def sign_in(self, recorder: Recorder) -> bool:
        _, page, _ = await self.call(recorder, "GET", "/login")
        found = CSRF.search(page)
        if not found:
            recorder.failed("GET /login: no CSRF token")
            return False
        form = {"email": self.email, "password": self.password, "csrf_token": found.group(1)}
        home = r"^/(\?|$)"
        status, _, location = await self.call(
            recorder, "POST", "/login", data=form, expect_location=home
        )
        return status == 302 and re.search(home, location) is not None

    async def close(self) -> None:
        await self.http.close()


def answers_for(page: str, rng: random.Random) -> dict[str, list[str]]:
    """Answers to the attempt page's questions, as an officer of middling skill might give."""
    choices: dict[str, list[tuple[str, str]]] = {}
    for kind, name, value in CHOICE.findall(page):
        choices.setdefault(name, []).append((kind, value))
    form: dict[str, list[str]] = {}
    for name, options in choices.items():
        if options[0][0] == "radio":
            form[name] = [rng.choice(options)[1]]
        else:
            form[name] = [value for _, value in rng.sample(options, k=min(2, len(options)))]
    for name in TEXT_ANSWER.findall(page):
        form[name] = [rng.choice(["12", "0.5", "risk", "transparency"])]
    return form


async def closed_loop(
    users: list[User],
    duration: float,
    request: Callable[[User, Recorder, int], Awaitable[Any]],
) -> tuple[Recorder, float]:
    """Each user sends its next request as soon as the last one answered, for `duration`
    seconds (and at most MAX_REQUESTS_PER_SCENARIO requests in all)."""
    recorder = Recorder()
    stop_at = time.perf_counter() + duration

    async def run(user: User) -> None:
        count = 0
        while time.perf_counter() < stop_at and recorder.requests < MAX_REQUESTS_PER_SCENARIO:
            await request(user, recorder, count)
            count += 1

    started = time.perf_counter()
    await asyncio.gather(*(run(user) for user in users))
    return recorder, time.perf_counter() - started


def process_group_cpu(group: int) -> dict[int, float]:
    """User + system CPU seconds of each process in a process group, by pid (Linux /proc;
    empty where that cannot be read)."""
    ticks = os.sysconf("SC_CLK_TCK")
    found: dict[int, float] = {}
    try:
        entries = [entry for entry in os.listdir("/proc") if entry.isdigit()]
    except OSError:
        return found
    for entry in entries:
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        if int(fields[2]) == group:  # pgrp; utime and stime follow at 11 and 12
            found[int(entry)] = (int(fields[11]) + int(fields[12])) / ticks
    return found


class CpuMeter:
    """CPU time spent per request by the server (gunicorn's process group) and by this
    driver, from `mark()` to `per_request()`: what a scenario costs, however busy the machine
    was with other work; and how the work was shared between the workers."""

    def __init__(self, group: int) -> None:
        self.group = group
        self.server: dict[int, float] = {}
        self.client = 0.0

    def mark(self) -> None:
        self.server = process_group_cpu(self.group)
        self.client = time.process_time()

    def per_request(self, requests: int) -> dict[str, Any]:
        now = process_group_cpu(self.group)
        client = time.process_time() - self.client
        used = {pid: seconds - self.server.get(pid, 0.0) for pid, seconds in now.items()}
        workers = sorted(
            (seconds for pid, seconds in used.items() if pid != self.group), reverse=True
        )
        if not requests or not now:
            return {"server_cpu_ms_per_request": None, "client_cpu_ms_per_request": None}
        return {
            "server_cpu_ms_per_request": round(sum(used.values()) * 1000 / requests, 2),
            "client_cpu_ms_per_request": round(client * 1000 / requests, 2),
            # Each worker's share of the workers' CPU time: [0.5, 0.5] is an even split.
            "worker_cpu_shares": [round(w / (sum(workers) or 1), 2) for w in workers],
        }


def line(scenario: str, concurrency: int, recorder: Recorder, seconds: float, **extra) -> dict:
    return {
        "scenario": scenario,
        "concurrency": concurrency,
        **recorder.figures(),
        "throughput_rps": round(recorder.requests / seconds, 1) if seconds else None,
        "seconds": round(seconds, 2),
        **extra,
        **({"error_samples": recorder.samples} if recorder.samples else {}),
    }


def emit(result: dict) -> None:
    print(json.dumps(result, ensure_ascii=False), flush=True)


async def drive(base: str, plan: Plan, args: argparse.Namespace, meter: CpuMeter) -> list[dict]:
    rng = random.Random(args.seed)
    officers = [
        User(base, n, email, OFFICER_PASSWORD) for n, email in enumerate(plan.officer_emails)
    ]
    visitors = [User(base, 100_000 + n) for n in range(args.lesson_users)]
    hr_sessions = [User(base, 200_000 + n, HR_EMAIL, HR_PASSWORD) for n in range(args.matrix_users)]
    quiz_path = f"/courses/{plan.course_id}/items/{plan.quiz_item_id}"
    lesson_paths = [f"/courses/{plan.course_id}/items/{item}" for item in plan.lesson_item_ids]
    results: list[dict] = []
    try:
        # Warm-up, not measured: each worker has loaded its templates and its connections.
        warm = Recorder()
        await asyncio.gather(*(visitor.call(warm, "GET", "/login") for visitor in visitors))

        say(f"trivial page: {len(visitors)} users for {args.duration:g} s ...")
        meter.mark()
        trivial, seconds = await closed_loop(
            visitors, args.duration, lambda user, rec, _: user.call(rec, "GET", "/healthz")
        )
        trivial_rps = trivial.requests / seconds
        results.append(
            line(
                "trivial",
                len(visitors),
                trivial,
                seconds,
                path="/healthz",
                **meter.per_request(trivial.requests),
            )
        )
        emit(results[-1])

        say(f"login storm: {len(officers)} officers at once ...")
        storm = Recorder()
        meter.mark()
        started = time.perf_counter()
        signed = await asyncio.gather(*(officer.sign_in(storm) for officer in officers))
        seconds = time.perf_counter() - started
        results.append(
            line(
                "login_storm",
                len(officers),
                storm,
                seconds,
                logins_per_s=round(len(officers) / seconds, 1),
                **meter.per_request(storm.requests),
            )
        )
        emit(results[-1])
        signed_in = [officer for officer, ok in zip(officers, signed, strict=True) if ok]

        if "exam_rush" not in args.skip:
            say(f"exam rush: {len(signed_in)} officers start and submit at once ...")
            results.append(await exam_rush("exam_rush", signed_in, quiz_path, rng, meter))
            emit(results[-1])
            say(
                f"exam wave: the same officers start their second attempt over "
                f"{args.wave_seconds:g} s ..."
            )
            results.append(
                await exam_rush(
                    "exam_wave", signed_in, quiz_path, rng, meter, spread=args.wave_seconds
                )
            )
            emit(results[-1])

        if "lesson_reads" not in args.skip:
            readers = signed_in[: args.lesson_users]
            say(f"lesson reads: {len(readers)} officers for {args.duration:g} s ...")

            async def read_lesson(user: User, recorder: Recorder, count: int) -> None:
                path = lesson_paths[(user.number + count) % len(lesson_paths)]
                await user.call(recorder, "GET", path)

            meter.mark()
            lessons, seconds = await closed_loop(readers, args.duration, read_lesson)
            ratio = (lessons.requests / seconds) / trivial_rps
            results.append(
                line(
                    "lesson_reads",
                    len(readers),
                    lessons,
                    seconds,
                    vs_trivial=round(ratio, 2),
                    **meter.per_request(lessons.requests),
                )
            )
            emit(results[-1])

        if "hr_matrix" not in args.skip:
            say(f"HR matrix: {len(hr_sessions)} sessions for {args.duration:g} s ...")
            signing = Recorder()
            await asyncio.gather(*(hr.sign_in(signing) for hr in hr_sessions))
            meter.mark()
            matrix, seconds = await closed_loop(
                hr_sessions, args.duration, lambda user, rec, _: user.call(rec, "GET", "/matrix")
            )
            matrix.errors += signing.errors
            matrix.samples += signing.samples
            results.append(
                line(
                    "hr_matrix",
                    len(hr_sessions),
                    matrix,
                    seconds,
                    path="/matrix",
                    **meter.per_request(matrix.requests),
                )
            )
            emit(results[-1])
    finally:
        await asyncio.gather(*(user.close() for user in officers + visitors + hr_sessions))
    return results


async def exam_rush(
    name: str,
    officers: list[User],
    quiz_path: str,
    rng: random.Random,
    meter: CpuMeter,
    spread: float = 0.0,
) -> dict:
    """Every officer is on the quiz page (not measured); then all press Start at once, or at
    even intervals over `spread` seconds, open the attempt and submit their answers."""
    opening = Recorder()
    pages = await asyncio.gather(*(o.call(opening, "GET", quiz_path) for o in officers))
    for officer, (_, page, _) in zip(officers, pages, strict=True):
        found = CSRF.search(page)
        officer.token = found.group(1) if found else ""
    steps = {name: Recorder() for name in ("start", "page", "submit")}
    to_questions: list[float] = []

    async def take(officer: User, delay: float) -> None:
        await asyncio.sleep(delay)
        started = time.perf_counter()
        status, _, location = await officer.call(
            steps["start"],
            "POST",
            f"{quiz_path}/attempts",
            data={"csrf_token": officer.token},
            expect_location=r"/attempts/\d+$",
        )
        if status != 302 or not re.search(r"/attempts/\d+$", location):
            return
        attempt_path = location[location.index("/attempts/") :]
        _, page, _ = await officer.call(steps["page"], "GET", attempt_path)
        to_questions.append(time.perf_counter() - started)
        form = answers_for(page, rng)
        if not form:
            steps["page"].failed(f"GET {attempt_path}: no questions on the page")
            return
        token = CSRF.search(page)
        data = [("csrf_token", token.group(1) if token else "")] + [
            (name, value) for name, values in form.items() for value in values
        ]
        await officer.call(
            steps["submit"],
            "POST",
            f"{attempt_path}/submit",
            data=data,
            expect_location=rf"{attempt_path}/result$",
        )

    started = time.perf_counter()
    step = spread / len(officers)
    meter.mark()
    await asyncio.gather(*(take(officer, n * step) for n, officer in enumerate(officers)))
    seconds = time.perf_counter() - started
    total = Recorder(
        latencies=[latency for step in steps.values() for latency in step.latencies],
        errors=sum(step.errors for step in steps.values()) + opening.errors,
        samples=[sample for step in steps.values() for sample in step.samples][:5]
        + opening.samples[:1],
    )
    return line(
        name,
        len(officers),
        total,
        seconds,
        arrivals_over_s=spread,
        **meter.per_request(total.requests),
        steps={
            **{name: step.figures() for name, step in steps.items()},
            "start_to_questions": percentiles(to_questions),
        },
    )


# --- checks and the run ----------------------------------------------------------------------


def rush_outcome(folder: Path, plan: Plan) -> dict[str, int]:
    """How the rush's and the wave's attempts ended, read from the database afterwards: every
    one graded (two per officer) is what should be there."""
    marks = ", ".join("?" * len(plan.officer_emails))
    with closing(sqlite3.connect(folder / "lms.sqlite3", timeout=30)) as connection:
        rows = connection.execute(
            "SELECT attempts.status, count(*) FROM attempts "  # noqa: S608 (placeholders only)
            f"JOIN users ON users.id = attempts.user_id WHERE attempts.item_id = ? "
            f"AND users.email IN ({marks}) GROUP BY attempts.status",
            (plan.quiz_item_id, *plan.officer_emails),
        ).fetchall()
    return dict(rows)


def judge(results: list[dict]) -> dict[str, Any]:
    """Each target, met or not (None: its scenario was skipped)."""
    by_name = {result["scenario"]: result for result in results}

    def below(value: float | None, limit: float) -> bool | None:
        return None if value is None else value < limit

    def start_p95(name: str) -> float | None:
        return by_name[name]["steps"]["start"]["p95_ms"] if name in by_name else None

    lessons = by_name.get("lesson_reads", {})
    return {
        "zero_errors": all(result["errors"] == 0 for result in results),
        "exam_start_p95_met": below(start_p95("exam_rush"), TARGETS["exam_start_p95_ms"]),
        "exam_wave_start_p95_met": below(start_p95("exam_wave"), TARGETS["exam_start_p95_ms"]),
        "lesson_reads_p95_met": below(lessons.get("p95_ms"), TARGETS["lesson_reads_p95_ms"]),
        "lesson_vs_trivial_met": None
        if "vs_trivial" not in lessons
        else lessons["vs_trivial"] >= TARGETS["lesson_vs_trivial_min"],
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # Stopped by SIGTERM as by Ctrl-C: the clean-up below runs either way.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    folder = Path(tempfile.mkdtemp(prefix="lms-load-"))
    log = folder / "server.log"
    process: subprocess.Popen | None = None
    try:
        port = free_port()
        env = server_environment(folder, port)
        say(f"Preparing the instance in {folder} ...")
        run_flask(env, log, "db", "upgrade")
        run_flask(env, log, "demo", "load")
        plan = prepare_data(folder, env, args.officers, args.seed)
        say(
            f"  {plan.users_total} accounts; {len(plan.officer_emails)} officers ready for the "
            f"quiz ({plan.generated_officers} generated for the benchmark)"
        )
        process = start_gunicorn(env, port, log, args)
        say(
            f"gunicorn: {args.workers} workers ({args.worker_class}"
            + (f", {args.threads} threads each" if args.worker_class == "gthread" else "")
            + f") on 127.0.0.1:{port}"
        )
        # Other work on the machine shows in every figure: say how busy it was.
        load_before = os.getloadavg()[0]
        if load_before > 1.0:
            say(f"  note: the machine is busy (load average {load_before:.1f}) before the run")
        meter = CpuMeter(process.pid)
        results = asyncio.run(drive(f"http://127.0.0.1:{port}", plan, args, meter))
        stop_gunicorn(process)
        outcome = rush_outcome(folder, plan)
        summary = {
            "scenario": "summary",
            "workers": args.workers,
            "worker_class": args.worker_class,
            "threads": args.threads if args.worker_class == "gthread" else 1,
            "reuse_port": args.reuse_port,
            "cpus": os.cpu_count(),
            "load_average_before": round(load_before, 2),
            "accounts": plan.users_total,
            "exam_attempts_by_status": outcome,
            **judge(results),
        }
        emit(summary)
        return 0
    finally:
        if process is not None:
            stop_gunicorn(process)
        if args.keep:
            say(f"Kept {folder} (server log: {log}).")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        say("Interrupted; everything it started is stopped and its folder removed.")
        sys.exit(130)
